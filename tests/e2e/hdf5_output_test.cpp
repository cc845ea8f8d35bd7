// The HDF5 files of `convoy run` (docs/output.md), checked from outside as a
// user would: runs under mpiexec at 1 to 4 ranks, whose snapshots and time series check_outputs.py
// (h5py and numpy, an oracle written from the documents alone) decodes and recomputes, and which
// must be identical across rank counts; h5dump and `convoy inspect` read every file; a run started
// from a snapshot continues the original run exactly; a plain uint8 dataset starts a run; and bad
// files given to init.from or inspect are refused with exit status 2, a message naming the file,
// and nothing written.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "e2e_support.hpp"

namespace convoy::e2e {
namespace {

namespace fs = std::filesystem;

constexpr std::chrono::seconds kRunTimeout(120);

// The reference run: a road that ends mid-word (100003 = 1562 x 64 + 35), detectors on cell 0, the
// last cell and inside, unevenly sized profile bins.
constexpr const char* kCells = "100003";
constexpr const char* kDensity = "0.45";
constexpr const char* kSeed = "11";
constexpr const char* kSteps = "200";
constexpr const char* kEvery = "10";
constexpr const char* kSnapshotEvery = "50";
constexpr const char* kBins = "997";
constexpr const char* kDetectors = "0,100002,31250,50000";

std::string referenceConfig() {
  return std::string("road:\n  cells: ") + kCells + "\ninit:\n  density: " + kDensity + "\n  seed: " + kSeed +
         "\nrun:\n  steps: " + kSteps + "\noutput:\n  directory: out\n  timeseries_every: " + kEvery +
         "\n  detectors: [" + kDetectors + "]\n  snapshot_every: " + kSnapshotEvery + "\n  profile_bins: " + kBins +
         "\nlogging:\n  progress_seconds: 0\n";
}

// A config that starts from `file` (and `dataset`, if given), with `extra` lines for its sections.
std::string startConfig(const std::string& file, const std::string& dataset, const std::string& steps,
                        const std::string& outputLines, const std::string& roadLines = "") {
  return roadLines + "init:\n  from: " + file + "\n" + (dataset.empty() ? "" : "  dataset: " + dataset + "\n") +
         "run:\n  steps: " + steps + "\noutput:\n  directory: out\n" + outputLines +
         "logging:\n  progress_seconds: 0\n";
}

CommandResult checkOutputs(const std::vector<std::string>& arguments, const fs::path& workingDirectory) {
  std::vector<std::string> argv{CONVOY_PYTHON, (sourceDirectory() / "tests" / "e2e" / "check_outputs.py").string()};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  return runCommand(argv, workingDirectory, kRunTimeout);
}

// The state digest that `convoy run` logs at the end ("... state digest 0123456789abcdef").
std::string loggedDigest(const CommandResult& result) {
  const std::regex finalLine(R"(state digest ([0-9a-f]{16}))");
  std::string digest;
  for (const auto& line : linesFrom(result.all(), "state digest")) {
    std::smatch match;
    if (std::regex_search(line, match, finalLine)) digest = match[1];
  }
  return digest;
}

// The stored digest that `convoy inspect` prints for a snapshot ("digest: <hex> stored, ...").
std::string inspectedDigest(const CommandResult& result) {
  const std::regex digestLine(R"(digest: ([0-9a-f]{16}) stored)");
  std::smatch match;
  const std::string all = result.all();
  return std::regex_search(all, match, digestLine) ? std::string(match[1]) : std::string();
}

std::vector<fs::path> hdf5FilesBelow(const fs::path& directory) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(directory)) {
    if (entry.path().extension() == ".h5") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string snapshotName(int step) {
  std::string digits = std::to_string(step);
  return "snapshot_" + std::string(12 - digits.size(), '0') + digits + ".h5";
}

// ---- Runs at 1 to 4 ranks ----

TEST(Hdf5Output, RunsOnOneToFourRanksWriteCorrectAndIdenticalFiles) {
  const TemporaryDirectory work;
  writeFile(work.path() / "run.yaml", referenceConfig());
  std::vector<std::string> directories;
  std::vector<std::string> digests;
  for (int ranks = 1; ranks <= 4; ++ranks) {
    const std::string output = "out_np" + std::to_string(ranks);
    const CommandResult run =
        runCommand(mpiConvoyCommand(ranks, {"run", "run.yaml", "--output", output}), work.path(), kRunTimeout);
    ASSERT_EQ(run.exitStatus, 0) << "at " << ranks << " ranks\n" << run.describe();
    directories.push_back(output);
    digests.push_back(loggedDigest(run));
  }
  for (std::size_t k = 1; k < digests.size(); ++k) EXPECT_EQ(digests[k], digests[0]) << "at " << k + 1 << " ranks";

  std::vector<std::string> check{"runs",         "--cells", kCells, "--density",   kDensity,  "--seed",
                                 kSeed,          "--steps", kSteps, "--every",     kEvery,    "--snapshot-every",
                                 kSnapshotEvery, "--bins",  kBins,  "--detectors", kDetectors};
  check.insert(check.end(), directories.begin(), directories.end());
  const CommandResult checked = checkOutputs(check, work.path());
  EXPECT_EQ(checked.exitStatus, 0) << checked.describe();

  // Every file is HDF5 that the HDF5 tools read.
  std::size_t files = 0;
  for (const auto& directory : directories) {
    for (const fs::path& file : hdf5FilesBelow(work.path() / directory)) {
      ++files;
      const CommandResult header = runCommand({"h5dump", "-H", file.string()}, work.path());
      EXPECT_EQ(header.exitStatus, 0) << file << "\n" << header.describe();
      const std::string name = file.filename().string();
      const bool snapshot = name.rfind("snapshot_", 0) == 0;
      const bool checkpoint = name.rfind("checkpoint_", 0) == 0;
      const std::vector<const char*> wanted =
          snapshot     ? std::vector<const char*>{"DATASET \"road\"", "DATASET \"density_profile\""}
          : checkpoint ? std::vector<const char*>{"DATASET \"road\"", "DATASET \"open_row_detector_counts\""}
                       : std::vector<const char*>{"DATASET \"flow\"", "DATASET \"count\""};
      for (const char* dataset : wanted) {
        EXPECT_NE(header.out.find(dataset), std::string::npos) << file << " lacks " << dataset;
      }
    }
  }
  EXPECT_EQ(files, 4u * 6u) << "each run holds timeseries.h5, four snapshots and its final checkpoint";
}

TEST(Hdf5Output, InspectRecomputesTheDigestOfEverySnapshotAndSummarisesTheTimeSeries) {
  const TemporaryDirectory work;
  writeFile(work.path() / "run.yaml", referenceConfig());
  const CommandResult run = runCommand(mpiConvoyCommand(3, {"run", "run.yaml"}), work.path(), kRunTimeout);
  ASSERT_EQ(run.exitStatus, 0) << run.describe();
  const std::set<std::string> before = listTree(work.path());

  for (int step = 50; step <= 200; step += 50) {
    const std::string snapshot = "out/snapshots/" + snapshotName(step);
    for (int ranks : {1, 3}) {
      const CommandResult inspected =
          ranks == 1 ? runCommand(convoyCommand({"inspect", snapshot}), work.path())
                     : runCommand(mpiConvoyCommand(ranks, {"inspect", snapshot}), work.path(), kRunTimeout);
      EXPECT_EQ(inspected.exitStatus, 0) << snapshot << " at " << ranks << " ranks\n" << inspected.describe();
      EXPECT_NE(inspected.out.find("matches"), std::string::npos) << inspected.describe();
      EXPECT_EQ(inspected.all().find("DOES NOT MATCH"), std::string::npos) << inspected.describe();
      EXPECT_NE(inspected.out.find("step: " + std::to_string(step)), std::string::npos) << inspected.describe();
      EXPECT_NE(inspected.out.find("cells: 100003"), std::string::npos) << inspected.describe();
      // The last snapshot's digest is the one the run logged at its end.
      if (step == 200) {
        EXPECT_EQ(inspectedDigest(inspected), loggedDigest(run)) << inspected.describe();
      }
    }
  }
  const CommandResult series = runCommand(convoyCommand({"inspect", "out/timeseries.h5"}), work.path());
  EXPECT_EQ(series.exitStatus, 0) << series.describe();
  for (const char* fragment :
       {"kind: timeseries", "rows: 20", "timeseries_every: 10", "detectors: 4", "last row: step 200"}) {
    EXPECT_NE(series.out.find(fragment), std::string::npos) << "missing '" << fragment << "'\n" << series.describe();
  }
  EXPECT_EQ(listTree(work.path()), before) << "inspect wrote something";
}

// ---- Starting from a file ----

// From the snapshot at step s of a run of T steps, a run of T - s steps gives the original's rows
// after s, its later snapshots, and its final digest, on another rank count; road.cells may be left
// out or given in agreement.
TEST(Hdf5Output, ARunStartedFromASnapshotContinuesTheOriginalRun) {
  const TemporaryDirectory work;
  writeFile(work.path() / "run.yaml", referenceConfig());
  const CommandResult original =
      runCommand(mpiConvoyCommand(2, {"run", "run.yaml", "--output", "original"}), work.path(), kRunTimeout);
  ASSERT_EQ(original.exitStatus, 0) << original.describe();
  ASSERT_FALSE(loggedDigest(original).empty()) << original.describe();

  struct Continuation {
    int from;
    int ranks;
    std::string roadLines;
  };
  for (const Continuation& c :
       {Continuation{100, 3, ""}, Continuation{50, 4, "road:\n  cells: 100003\n"}, Continuation{150, 1, ""}}) {
    SCOPED_TRACE("from step " + std::to_string(c.from) + " on " + std::to_string(c.ranks) + " ranks");
    const std::string output = "from" + std::to_string(c.from);
    const std::string snapshot = (work.path() / "original" / "snapshots" / snapshotName(c.from)).string();
    writeFile(work.path() / (output + ".yaml"),
              startConfig(snapshot, "", std::to_string(200 - c.from),
                          std::string("  timeseries_every: ") + kEvery + "\n  detectors: [" + kDetectors +
                              "]\n  snapshot_every: " + kSnapshotEvery + "\n  profile_bins: " + kBins + "\n",
                          c.roadLines));
    const CommandResult continued =
        runCommand(mpiConvoyCommand(c.ranks, {"run", output + ".yaml", "--output", output}), work.path(), kRunTimeout);
    ASSERT_EQ(continued.exitStatus, 0) << continued.describe();
    EXPECT_EQ(loggedDigest(continued), loggedDigest(original)) << continued.describe();
    const CommandResult checked =
        checkOutputs({"continue", "--from-step", std::to_string(c.from), "original", output}, work.path());
    EXPECT_EQ(checked.exitStatus, 0) << checked.describe();
  }
}

// A plain one-dimensional uint8 dataset of 0/1 (what another program writes), named with
// init.dataset or called road, starts a run whose road is that road, stepped by rule 184.
TEST(Hdf5Output, APlainUint8DatasetStartsARunFromItsRoad) {
  const TemporaryDirectory work;
  struct Start {
    std::string dataset;  // in the file
    std::string named;    // init.dataset
    int ranks;
  };
  for (const Start& start :
       {Start{"initial/cells", "initial/cells", 3}, Start{"road", "", 1}, Start{"road", "/road", 4}}) {
    SCOPED_TRACE("dataset " + start.dataset + " on " + std::to_string(start.ranks) + " ranks");
    const TemporaryDirectory case_;
    const CommandResult made = checkOutputs(
        {"make-road", "start.h5", "--dataset", start.dataset, "--cells", "5003", "--density", "0.5", "--seed", "3"},
        case_.path());
    ASSERT_EQ(made.exitStatus, 0) << made.describe();
    writeFile(
        case_.path() / "run.yaml",
        startConfig("start.h5", start.named, "6", "  timeseries_every: 1\n  snapshot_every: 1\n  profile_bins: 50\n"));
    const CommandResult run = runCommand(mpiConvoyCommand(start.ranks, {"run", "run.yaml"}), case_.path(), kRunTimeout);
    ASSERT_EQ(run.exitStatus, 0) << run.describe();
    const CommandResult checked = checkOutputs(
        {"started", "start.h5", "--dataset", start.dataset, "--steps", "6", "--bins", "50", "out"}, case_.path());
    EXPECT_EQ(checked.exitStatus, 0) << checked.describe();
  }
}

// ---- Bad files ----

// The files of the bad cases, made once: damaged and foreign files from check_outputs.py make-bad,
// from a snapshot of a 1000-cell road, and altered copies of that snapshot.
class BadFiles : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    files_ = std::make_unique<TemporaryDirectory>();
    const fs::path at = files_->path();
    writeFile(at / "run.yaml",
              "road:\n  cells: 1000\ninit:\n  density: 0.5\nrun:\n  steps: 10\noutput:\n  directory: made\n"
              "  snapshot_every: 10\n  profile_bins: 10\nlogging:\n  progress_seconds: 0\n");
    const CommandResult run = runCommand(convoyCommand({"run", "run.yaml"}), at);
    ASSERT_EQ(run.exitStatus, 0) << run.describe();
    const std::string snapshot = "made/snapshots/" + snapshotName(10);
    fs::copy_file(at / snapshot, at / "snapshot.h5");
    for (const std::vector<std::string>& arguments :
         {std::vector<std::string>{"make-bad", ".", "--snapshot", snapshot},
          std::vector<std::string>{"tamper", snapshot, "altered_road.h5", "--what", "road"},
          std::vector<std::string>{"tamper", snapshot, "altered_cars.h5", "--what", "cars"}}) {
      const CommandResult made = checkOutputs(arguments, at);
      ASSERT_EQ(made.exitStatus, 0) << made.describe();
    }
  }
  static void TearDownTestSuite() { files_.reset(); }
  static fs::path file(const std::string& name) { return files_->path() / name; }
  static std::set<std::string> madeFiles() { return listTree(files_->path()); }

 private:
  static std::unique_ptr<TemporaryDirectory> files_;
};

std::unique_ptr<TemporaryDirectory> BadFiles::files_;

struct BadStart {
  std::string name;
  std::string file;     // in the bad files' directory
  std::string dataset;  // init.dataset, if any
  std::string roadLines;
  int ranks;
  std::vector<std::string> fragments;  // each must appear in what convoy prints
};

// Names the case in gtest's messages instead of dumping its bytes.
void PrintTo(const BadStart& bad, std::ostream* out) { *out << bad.name; }

class BadStartFile : public BadFiles, public ::testing::WithParamInterface<BadStart> {};

TEST_P(BadStartFile, ExitsTwoNamingTheFileAndWritesNothing) {
  const BadStart& bad = GetParam();
  const TemporaryDirectory work;
  writeFile(work.path() / "run.yaml",
            startConfig(file(bad.file).string(), bad.dataset, "10", "  snapshot_every: 5\n", bad.roadLines));
  const std::set<std::string> before = listTree(work.path());
  const std::set<std::string> filesBefore = madeFiles();

  const CommandResult result =
      bad.ranks == 1 ? runCommand(convoyCommand({"run", "run.yaml"}), work.path())
                     : runCommand(mpiConvoyCommand(bad.ranks, {"run", "run.yaml"}), work.path(), kRunTimeout);

  ASSERT_FALSE(result.timedOut) << result.describe();
  EXPECT_EQ(result.exitStatus, 2) << result.describe();
  EXPECT_NE(result.all().find(bad.file), std::string::npos) << "the file is not named\n" << result.describe();
  for (const auto& fragment : bad.fragments) {
    EXPECT_NE(result.all().find(fragment), std::string::npos) << "missing '" << fragment << "'\n" << result.describe();
  }
  EXPECT_EQ(countOccurrences(result.all(), "bad input"), 1u) << result.describe();
  EXPECT_FALSE(fs::exists(work.path() / "out")) << "the output directory was created\n" << result.describe();
  EXPECT_EQ(listTree(work.path()), before) << "files appeared in the working directory";
  EXPECT_EQ(madeFiles(), filesBefore) << "files appeared next to the input file";
}

std::vector<BadStart> badStarts() {
  return {
      {"MissingFile", "missing.h5", "", "", 1, {"init.from", "no such file"}},
      {"NotHdf5", "not_hdf5.h5", "", "", 1, {"init.from", "not an HDF5 file"}},
      {"TruncatedHdf5", "truncated.h5", "", "", 1, {"init.from"}},
      {"NoRoadDataset", "no_road.h5", "", "", 1, {"\"road\"", "init.dataset"}},
      {"MissingNamedDataset", "plain.h5", "nowhere/cells", "", 1, {"nowhere/cells"}},
      {"Float64Dataset", "float64.h5", "", "", 1, {"\"road\"", "float64", "uint8"}},
      // Enumerations other than bool's FALSE = 0, TRUE = 1 are refused, naming their members.
      {"EnumerationOfOtherNames", "off_on.h5", "", "", 1, {"\"road\"", "an enumeration (OFF = 0, ON = 1)", "bool"}},
      {"EnumerationOfThreeMembers",
       "colours.h5",
       "",
       "",
       1,
       {"\"road\"", "an enumeration (RED = 0, GREEN = 1, BLUE = 2)", "FALSE = 0 and TRUE = 1"}},
      {"TwoDimensionalDataset", "two_d.h5", "", "", 1, {"\"road\"", "2 dimensions"}},
      {"EmptyDataset", "empty.h5", "", "", 1, {"\"road\"", "empty"}},
      {"ValueTwo", "values.h5", "", "", 1, {"\"road\"", "other than 0 and 1"}},
      // The bad cell is the last: on three ranks the last rank finds it, and all must stop together.
      {"ValueTwoOnThreeRanks", "values.h5", "", "", 3, {"\"road\"", "other than 0 and 1"}},
      // An int8 -1 is not 0 or 1 either (HDF5 would quietly convert it to 0 when read as uint8).
      {"NegativeInt8Value", "negative.h5", "", "", 1, {"\"road\"", "other than 0 and 1"}},
      {"SnapshotRoadTooShort", "short_road.h5", "", "", 1, {"\"road\"", "damaged"}},
      {"SnapshotPaddingBitsSet", "padding.h5", "", "", 1, {"\"road\"", "damaged"}},
      {"SnapshotPaddingBitsSetOnThreeRanks", "padding.h5", "", "", 3, {"\"road\"", "damaged"}},
      {"RoadCellsDisagreeWithTheFile", "plain.h5", "", "road:\n  cells: 999\n", 1, {"road.cells", "999", "1000"}},
      {"RoadCellsDisagreeWithASnapshot",
       "snapshot.h5",
       "",
       "road:\n  cells: 1001\n",
       2,
       {"road.cells", "1001", "1000"}},
  };
}

INSTANTIATE_TEST_SUITE_P(Cases, BadStartFile, ::testing::ValuesIn(badStarts()),
                         [](const ::testing::TestParamInfo<BadStart>& param) { return param.param.name; });

// A road read from init.from has the file's length (1000 cells here, road.cells not given): what
// must lie on the road is checked against it once it is known, and refused naming the key.
TEST_F(BadFiles, WhatLiesBeyondTheRoadOfInitFromIsRefusedNamingTheKey) {
  const TemporaryDirectory work;
  writeFile(work.path() / "run.yaml",
            startConfig(file("plain.h5").string(), "", "10",
                        "  detectors: [10, 1000]\n  spacetime:\n    start: 1200\n    width: 10\n    every: 1\n"));
  const CommandResult result = runCommand(convoyCommand({"run", "run.yaml"}), work.path());
  EXPECT_EQ(result.exitStatus, 2) << result.describe();
  EXPECT_NE(result.all().find("output.detectors[1] = 1000 is not a cell of the road (0 to 999)"), std::string::npos)
      << result.describe();
  EXPECT_NE(result.all().find("output.spacetime.start (1200) is not a cell of the road (0 to 999)"), std::string::npos)
      << result.describe();
  EXPECT_FALSE(fs::exists(work.path() / "out")) << "the output directory was created\n" << result.describe();
}

struct BadInspect {
  std::string name;
  std::string file;
  int ranks;
  std::vector<std::string> fragments;
};

void PrintTo(const BadInspect& bad, std::ostream* out) { *out << bad.name; }

class BadInspectFile : public BadFiles, public ::testing::WithParamInterface<BadInspect> {};

TEST_P(BadInspectFile, ExitsTwoNamingTheProblem) {
  const BadInspect& bad = GetParam();
  const TemporaryDirectory work;
  const std::set<std::string> filesBefore = madeFiles();
  const std::string path = file(bad.file).string();
  const CommandResult result =
      bad.ranks == 1 ? runCommand(convoyCommand({"inspect", path}), work.path())
                     : runCommand(mpiConvoyCommand(bad.ranks, {"inspect", path}), work.path(), kRunTimeout);
  ASSERT_FALSE(result.timedOut) << result.describe();
  EXPECT_EQ(result.exitStatus, 2) << result.describe();
  EXPECT_NE(result.all().find(bad.file), std::string::npos) << "the file is not named\n" << result.describe();
  for (const auto& fragment : bad.fragments) {
    EXPECT_NE(result.all().find(fragment), std::string::npos) << "missing '" << fragment << "'\n" << result.describe();
  }
  EXPECT_TRUE(listTree(work.path()).empty()) << "inspect wrote something";
  EXPECT_EQ(madeFiles(), filesBefore) << "inspect wrote next to the file";
}

std::vector<BadInspect> badInspects() {
  return {
      {"MissingFile", "missing.h5", 1, {"no such file"}},
      {"NotHdf5", "not_hdf5.h5", 1, {"not an HDF5 file"}},
      {"TruncatedHdf5", "truncated.h5", 1, {}},
      {"NotAConvoyFile", "plain.h5", 1, {}},
      {"SnapshotRoadTooShort", "short_road.h5", 1, {}},
      {"AlteredRoadWord", "altered_road.h5", 1, {"DOES NOT MATCH"}},
      // The altered word is the last one: on three ranks the last rank reads it.
      {"AlteredRoadWordOnThreeRanks", "altered_road.h5", 3, {"DOES NOT MATCH"}},
      {"AlteredCarsAttribute", "altered_cars.h5", 2, {"DOES NOT MATCH"}},
  };
}

INSTANTIATE_TEST_SUITE_P(Cases, BadInspectFile, ::testing::ValuesIn(badInspects()),
                         [](const ::testing::TestParamInfo<BadInspect>& param) { return param.param.name; });

// The cases above have teeth: the unaltered snapshot they were made from inspects clean, and the
// plain file they use starts a run.
TEST_F(BadFiles, TheFilesTheBadCasesAlterAreGoodThemselves) {
  const TemporaryDirectory work;
  const CommandResult inspected = runCommand(convoyCommand({"inspect", file("snapshot.h5").string()}), work.path());
  EXPECT_EQ(inspected.exitStatus, 0) << inspected.describe();
  writeFile(work.path() / "run.yaml", startConfig(file("plain.h5").string(), "", "10", "  snapshot_every: 5\n"));
  const CommandResult run = runCommand(convoyCommand({"run", "run.yaml"}), work.path());
  EXPECT_EQ(run.exitStatus, 0) << run.describe();
  EXPECT_TRUE(fs::exists(work.path() / "out" / "snapshots" / snapshotName(10)));
  writeFile(work.path() / "named.yaml",
            startConfig(file("plain.h5").string(), "elsewhere/cells", "10", "  snapshot_every: 5\n"));
  const CommandResult named = runCommand(convoyCommand({"run", "named.yaml", "--output", "named"}), work.path());
  EXPECT_EQ(named.exitStatus, 0) << named.describe();
}

// A road of numpy bools as h5py writes them (an enumeration FALSE = 0, TRUE = 1) starts the same run
// as the same road in uint8: the same final digest, on one rank and on three.
TEST_F(BadFiles, ABoolDatasetStartsTheRunItsUint8TwinStarts) {
  const TemporaryDirectory work;
  for (const int ranks : {1, 3}) {
    SCOPED_TRACE(std::to_string(ranks) + " ranks");
    std::vector<std::string> digests;
    for (const std::string name : {"plain", "bool"}) {
      const std::string output = name + std::to_string(ranks);
      writeFile(work.path() / (output + ".yaml"), startConfig(file(name + ".h5").string(), "", "10", ""));
      const CommandResult run =
          runCommand(mpiConvoyCommand(ranks, {"run", output + ".yaml", "--output", output}), work.path(), kRunTimeout);
      ASSERT_EQ(run.exitStatus, 0) << run.describe();
      digests.push_back(loggedDigest(run));
    }
    ASSERT_FALSE(digests[0].empty());
    EXPECT_EQ(digests[1], digests[0]);
  }
}

}  // namespace
}  // namespace convoy::e2e
