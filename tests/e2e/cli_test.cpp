// The command line of docs/cli.md: --version, --help, validate (the resolved config), and run with its
// output directory (config.yaml, run.log appended, --output, refusal of a run of other physics).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "e2e_support.hpp"

namespace convoy::e2e {
namespace {

namespace fs = std::filesystem;

// A small, fast run whose output directory is "out" in the working directory.
const std::string kSmallRun =
    "road:\n"
    "  cells: 4096\n"
    "init:\n"
    "  density: 0.4\n"
    "run:\n"
    "  steps: 20\n"
    "output:\n"
    "  directory: out\n"
    "logging:\n"
    "  report_every: 5\n";

bool hasLineStartingWith(const std::string& text, const std::string& word) {
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    const std::size_t start = line.find_first_not_of(' ');
    if (start != std::string::npos && line.compare(start, word.size() + 1, word + " ") == 0) return true;
  }
  return false;
}

class CliTest : public ::testing::Test {
 protected:
  CliTest() { writeFile(work_.path() / "config.yaml", kSmallRun); }

  CommandResult convoy(const std::vector<std::string>& arguments) const {
    return runCommand(convoyCommand(arguments), work_.path());
  }
  fs::path at(const std::string& relative) const { return work_.path() / relative; }
  std::set<std::string> files() const { return listTree(work_.path()); }

 private:
  TemporaryDirectory work_;
};

TEST_F(CliTest, VersionPrintsAVersionAndExitsZero) {
  const CommandResult result = convoy({"--version"});
  EXPECT_EQ(result.exitStatus, 0) << result.describe();
  EXPECT_TRUE(std::regex_search(result.out, std::regex(R"(convoy\D*\d+\.\d+\.\d+)"))) << result.describe();
}

TEST_F(CliTest, HelpListsTheSubcommandsAndExitsZero) {
  const CommandResult result = convoy({"--help"});
  EXPECT_EQ(result.exitStatus, 0) << result.describe();
  EXPECT_TRUE(hasLineStartingWith(result.out, "run")) << result.describe();
  EXPECT_TRUE(hasLineStartingWith(result.out, "validate")) << result.describe();
}

TEST_F(CliTest, RunHelpListsItsOptions) {
  const CommandResult result = convoy({"run", "--help"});
  EXPECT_EQ(result.exitStatus, 0) << result.describe();
  EXPECT_NE(result.out.find("--set"), std::string::npos) << result.describe();
  EXPECT_NE(result.out.find("--output"), std::string::npos) << result.describe();
}

TEST_F(CliTest, ValidatePrintsEverySectionWithTheDefaultsAndWritesNothing) {
  const std::set<std::string> before = files();
  const CommandResult result = convoy({"validate", "config.yaml"});
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  EXPECT_EQ(files(), before) << "validate wrote something";

  const YAML::Node resolved = YAML::Load(result.out);
  ASSERT_TRUE(resolved.IsMap()) << result.describe();
  for (const char* section : {"road", "model", "init", "run", "output", "checkpoint", "logging"}) {
    EXPECT_TRUE(resolved[section].IsMap()) << "no section " << section << " in\n" << result.out;
  }
  // What the file sets.
  EXPECT_EQ(resolved["road"]["cells"].as<std::string>(""), "4096");
  EXPECT_EQ(resolved["init"]["density"].as<double>(-1), 0.4);
  EXPECT_EQ(resolved["run"]["steps"].as<std::string>(""), "20");
  EXPECT_EQ(resolved["output"]["directory"].as<std::string>(""), "out");
  EXPECT_EQ(resolved["logging"]["report_every"].as<std::string>(""), "5");
  // The defaults of docs/config.md.
  EXPECT_EQ(resolved["road"]["boundary"].as<std::string>(""), "periodic");
  EXPECT_EQ(resolved["model"]["type"].as<std::string>(""), "rule184");
  EXPECT_EQ(resolved["init"]["seed"].as<std::string>(""), "5743");
  EXPECT_EQ(resolved["run"]["max_hours"].as<double>(-1), 0.0);
  EXPECT_EQ(resolved["output"]["timeseries_every"].as<std::string>(""), "1");
  EXPECT_TRUE(resolved["output"]["detectors"].IsSequence());
  EXPECT_EQ(resolved["output"]["detectors"].size(), 0u);
  EXPECT_EQ(resolved["output"]["snapshot_every"].as<std::string>(""), "0");
  EXPECT_EQ(resolved["output"]["profile_bins"].as<std::string>(""), "1024");
  EXPECT_EQ(resolved["checkpoint"]["every_steps"].as<std::string>(""), "0");
  EXPECT_EQ(resolved["checkpoint"]["every_minutes"].as<double>(-1), 0.0);
  EXPECT_EQ(resolved["checkpoint"]["keep"].as<std::string>(""), "2");
  EXPECT_EQ(resolved["logging"]["level"].as<std::string>(""), "info");
  EXPECT_EQ(resolved["logging"]["progress_seconds"].as<double>(-1), 10.0);
}

TEST_F(CliTest, ValidateAppliesSet) {
  const CommandResult result = convoy({"validate", "config.yaml", "--set", "road.cells=8192", "--set", "init.seed=7",
                                       "--set", "output.directory=elsewhere", "--set", "init.density=0.25"});
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  const YAML::Node resolved = YAML::Load(result.out);
  EXPECT_EQ(resolved["road"]["cells"].as<std::string>(""), "8192");
  EXPECT_EQ(resolved["init"]["seed"].as<std::string>(""), "7");
  EXPECT_EQ(resolved["init"]["density"].as<double>(-1), 0.25);
  EXPECT_EQ(resolved["output"]["directory"].as<std::string>(""), "elsewhere");
  EXPECT_EQ(resolved["run"]["steps"].as<std::string>(""), "20");  // not overridden: from the file
}

TEST_F(CliTest, TheLastSetOfAKeyWins) {
  const CommandResult result = convoy({"validate", "config.yaml", "--set", "run.steps=30", "--set", "run.steps=40"});
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  EXPECT_EQ(YAML::Load(result.out)["run"]["steps"].as<std::string>(""), "40");
}

// A production road validated on a login node: too large for its memory, which is a warning (exit
// 0), while --ranks N checks it for the job's N ranks (bad_input_test: refused when they are too few).
TEST_F(CliTest, ValidateWithoutRanksOnlyWarnsOfARoadTooLargeForThisMachine) {
  const CommandResult result = convoy({"validate", "config.yaml", "--set", "road.cells=1e15"});
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  EXPECT_NE(result.err.find("road.cells = 1000000000000000"), std::string::npos) << result.describe();
  EXPECT_NE(result.err.find("--ranks N"), std::string::npos) << result.describe();
  EXPECT_EQ(YAML::Load(result.out)["road"]["cells"].as<std::string>(""), "1000000000000000");
  const CommandResult enough = convoy({"validate", "config.yaml", "--set", "road.cells=1e15", "--ranks", "1000000"});
  ASSERT_EQ(enough.exitStatus, 0) << enough.describe();
  EXPECT_EQ(enough.err.find("road.cells"), std::string::npos) << enough.describe();
}

TEST_F(CliTest, TheResolvedConfigValidatesAgainToTheSameText) {
  const CommandResult first = convoy({"validate", "config.yaml", "--set", "init.density=0.123456789", "--set",
                                      "init.seed=18446744073709551615", "--set", "road.cells=1e6"});
  ASSERT_EQ(first.exitStatus, 0) << first.describe();
  writeFile(at("resolved.yaml"), first.out);
  const CommandResult second = convoy({"validate", "resolved.yaml"});
  ASSERT_EQ(second.exitStatus, 0) << second.describe();
  EXPECT_EQ(second.out, first.out);
  EXPECT_EQ(YAML::Load(second.out)["road"]["cells"].as<std::string>(""), "1000000");
  EXPECT_EQ(YAML::Load(second.out)["init"]["density"].as<double>(-1), 0.123456789);
  EXPECT_EQ(YAML::Load(second.out)["init"]["seed"].as<std::string>(""), "18446744073709551615");
}

// The road of the workshop's teaching examples is short; nothing in such a config asks for the
// density profile of snapshots, whose default bin count is larger than the road.
TEST_F(CliTest, AShortRoadValidatesWithTheDefaults) {
  const CommandResult result = convoy({"validate", "config.yaml", "--set", "road.cells=100"});
  EXPECT_EQ(result.exitStatus, 0) << result.describe();
}

TEST_F(CliTest, RunWritesTheResolvedConfigAndTheLog) {
  const CommandResult result = convoy({"run", "config.yaml"});
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  ASSERT_TRUE(fs::is_regular_file(at("out/config.yaml")));
  ASSERT_TRUE(fs::is_regular_file(at("out/run.log")));

  const CommandResult validated = convoy({"validate", "config.yaml"});
  ASSERT_EQ(validated.exitStatus, 0) << validated.describe();
  EXPECT_EQ(readFile(at("out/config.yaml")), validated.out) << "config.yaml is not the resolved config";

  const std::string log = readFile(at("out/run.log"));
  for (const char* fragment : {"step 5: average velocity", "step 20: average velocity", "MCOPs", "state digest"}) {
    EXPECT_NE(log.find(fragment), std::string::npos) << "run.log lacks '" << fragment << "':\n" << log;
    EXPECT_NE(result.all().find(fragment), std::string::npos) << result.describe();
  }
}

TEST_F(CliTest, ASecondRunAppendsToTheLog) {
  ASSERT_EQ(convoy({"run", "config.yaml"}).exitStatus, 0);
  const std::string firstLog = readFile(at("out/run.log"));
  ASSERT_FALSE(firstLog.empty());

  // The same config again: the run is already finished, nothing is done and nothing written.
  const CommandResult again = convoy({"run", "config.yaml"});
  ASSERT_EQ(again.exitStatus, 0) << again.describe();
  EXPECT_NE(again.all().find("nothing to do"), std::string::npos) << again.describe();
  EXPECT_EQ(readFile(at("out/run.log")), firstLog);

  // More steps: the run goes on, and its log is appended to the first one's.
  const CommandResult longer = convoy({"run", "config.yaml", "--set", "run.steps=40"});
  ASSERT_EQ(longer.exitStatus, 0) << longer.describe();
  const std::string log = readFile(at("out/run.log"));
  EXPECT_EQ(log.substr(0, firstLog.size()), firstLog) << "the first run's log was not kept";
  EXPECT_GT(log.size(), firstLog.size());
  EXPECT_EQ(countOccurrences(log, "state digest"), 2u) << log;
  EXPECT_NE(log.find("from step 20"), std::string::npos) << log;
}

TEST_F(CliTest, OutputOverridesTheConfiguredDirectory) {
  const CommandResult result = convoy({"run", "config.yaml", "--output", "elsewhere/run1"});
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  EXPECT_TRUE(fs::is_regular_file(at("elsewhere/run1/config.yaml")));
  EXPECT_TRUE(fs::is_regular_file(at("elsewhere/run1/run.log")));
  EXPECT_FALSE(fs::exists(at("out"))) << "output.directory of the config was written despite --output";
}

class DifferentPhysics : public CliTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(DifferentPhysics, IsRefusedNamingTheKeyAndNothingChanges) {
  ASSERT_EQ(convoy({"run", "config.yaml"}).exitStatus, 0);
  const std::string config = readFile(at("out/config.yaml"));
  const std::string log = readFile(at("out/run.log"));
  const std::set<std::string> before = files();

  const std::string assignment = GetParam();
  const CommandResult result = convoy({"run", "config.yaml", "--set", assignment});
  EXPECT_EQ(result.exitStatus, 2) << result.describe();
  const std::string key = assignment.substr(0, assignment.find('='));
  // The refusal names the key, beyond any echo of the --set that changed it.
  EXPECT_GT(countOccurrences(result.all(), key), countOccurrences(result.all(), "--set " + key)) << result.describe();
  EXPECT_EQ(readFile(at("out/config.yaml")), config) << "config.yaml was changed";
  EXPECT_EQ(readFile(at("out/run.log")), log) << "run.log was changed";
  EXPECT_EQ(files(), before);
}

INSTANTIATE_TEST_SUITE_P(Keys, DifferentPhysics,
                         ::testing::Values("init.seed=1", "road.cells=8192", "init.density=0.3"),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = param.param.substr(0, param.param.find('='));
                           for (char& c : name) c = (c == '.' || c == '_') ? '_' : c;
                           return name;
                         });

TEST_F(CliTest, DifferentPhysicsIsRefusedUnderMpiWithoutHanging) {
  ASSERT_EQ(runCommand(mpiConvoyCommand(2, {"run", "config.yaml"}), at("")).exitStatus, 0);
  const std::string config = readFile(at("out/config.yaml"));
  const std::string log = readFile(at("out/run.log"));

  const CommandResult result =
      runCommand(mpiConvoyCommand(2, {"run", "config.yaml", "--set", "init.seed=1"}), at(""), std::chrono::seconds(60));
  ASSERT_FALSE(result.timedOut) << result.describe();
  EXPECT_EQ(result.exitStatus, 2) << result.describe();
  EXPECT_EQ(linesFrom(result.all(), "different physics").size(), 1u) << result.describe();
  EXPECT_EQ(readFile(at("out/config.yaml")), config);
  EXPECT_EQ(readFile(at("out/run.log")), log);
}

TEST_F(CliTest, ChangingOnlyTheStepsContinuesInTheSameDirectory) {
  ASSERT_EQ(convoy({"run", "config.yaml"}).exitStatus, 0);
  const std::string firstLog = readFile(at("out/run.log"));

  const CommandResult result = convoy({"run", "config.yaml", "--set", "run.steps=30"});
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  EXPECT_EQ(YAML::Load(readFile(at("out/config.yaml")))["run"]["steps"].as<std::string>(""), "30");
  const std::string log = readFile(at("out/run.log"));
  EXPECT_EQ(log.substr(0, firstLog.size()), firstLog);
  EXPECT_GT(log.size(), firstLog.size());
}

// A count of 1 takes the singular in the log: one rank, one step, a window of one cell, one row
// (and, on an open NaSch road, whose ends act after every step, one step per exchange).
TEST_F(CliTest, LogLinesPutACountOfOneInTheSingular) {
  const CommandResult result = convoy({"run", "config.yaml", "--set", "run.steps=1", "--set",
                                       "output.spacetime.every=1", "--set", "output.spacetime.width=1"});
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  for (const char* fragment : {"on 1 MPI rank;", "on 1 rank;", "1 exchange in 1 step,", "time series: 1 row in",
                               "space-time window: 2 rows of 1 cell in", "finished 1 step of"}) {
    EXPECT_NE(result.all().find(fragment), std::string::npos) << "missing '" << fragment << "'\n" << result.describe();
  }
  const CommandResult nasch = convoy({"run", "config.yaml", "--set", "model.type=nasch", "--set", "road.boundary=open",
                                      "--set", "road.alpha=0.5", "--set", "road.beta=0.5", "--output", "nasch"});
  ASSERT_EQ(nasch.exitStatus, 0) << nasch.describe();
  EXPECT_NE(nasch.all().find("up to 1 step per exchange"), std::string::npos) << nasch.describe();
  const std::regex plural(R"(\b1 (ranks|steps|rows|cells|cars|bytes|exchanges|checkpoints|snapshots)\b)");
  const std::string all = result.all() + nasch.all();
  std::smatch match;
  EXPECT_FALSE(std::regex_search(all, match, plural)) << "'" << match.str() << "' in\n" << result.describe();
}

// The closing line lists what this segment wrote: checkpoints/ and snapshots/ with how many, and not
// a folder it wrote nothing into.
TEST_F(CliTest, TheClosingLineListsWhatThisRunWrote) {
  const CommandResult first = convoy({"run", "config.yaml", "--set", "output.snapshot_every=10", "--set",
                                      "checkpoint.every_steps=10", "--set", "output.spacetime.every=5"});
  ASSERT_EQ(first.exitStatus, 0) << first.describe();
  EXPECT_NE(first.all().find("outputs in out/: config.yaml, run.log, timeseries.h5, spacetime.h5, checkpoints/ (2 "
                             "written), snapshots/ (2 written); summarise"),
            std::string::npos)
      << first.describe();
  // Steps 21 to 25 reach no multiple of snapshot_every: no snapshot, one final checkpoint.
  const CommandResult second =
      convoy({"run", "config.yaml", "--set", "run.steps=25", "--set", "output.snapshot_every=10", "--set",
              "checkpoint.every_steps=10", "--set", "output.spacetime.every=5"});
  ASSERT_EQ(second.exitStatus, 0) << second.describe();
  const std::vector<std::string> closing = linesFrom(second.all(), "outputs in out/");
  ASSERT_EQ(closing.size(), 1u) << second.describe();
  EXPECT_NE(closing[0].find("spacetime.h5, checkpoints/ (1 written); summarise"), std::string::npos) << closing[0];
  EXPECT_EQ(closing[0].find("snapshots/"), std::string::npos) << closing[0];
}

// output.spacetime.every = 1 ends every advance of the road at a sample: validate and the run's log say
// that halos are then exchanged every step.
TEST_F(CliTest, ASpacetimeWindowEveryStepSaysHaloExchangesComeEveryStep) {
  const std::string note = "output.spacetime.every = 1: halo exchanges every step";
  const CommandResult validated = convoy({"validate", "config.yaml", "--set", "output.spacetime.every=1"});
  ASSERT_EQ(validated.exitStatus, 0) << validated.describe();
  EXPECT_EQ(countOccurrences(validated.all(), note), 1u) << validated.describe();
  EXPECT_NE(validated.all().find("--set output.spacetime.every=1"), std::string::npos) << validated.describe();
  const CommandResult run = convoy({"run", "config.yaml", "--set", "output.spacetime.every=1"});
  ASSERT_EQ(run.exitStatus, 0) << run.describe();
  EXPECT_EQ(countOccurrences(readFile(at("out/run.log")), note), 1u) << readFile(at("out/run.log"));
  EXPECT_NE(run.all().find("20 exchanges in 20 steps"), std::string::npos) << run.describe();
  const CommandResult every2 = convoy({"validate", "config.yaml", "--set", "output.spacetime.every=2"});
  EXPECT_EQ(every2.all().find("halo exchanges every step"), std::string::npos) << every2.describe();
}

// inspect given a directory, or a run's text file, says what it is and which file to give instead.
TEST_F(CliTest, InspectOfADirectoryOrATextFileNamesTheFileToInspect) {
  ASSERT_EQ(convoy({"run", "config.yaml"}).exitStatus, 0);
  struct Case {
    std::string path;
    std::vector<std::string> fragments;
  };
  for (const Case& c : std::vector<Case>{
           {"out", {"out: a directory, not a file", "convoy inspect out/timeseries.h5"}},
           {"out/checkpoints", {"a directory, not a file", "out/checkpoints/checkpoint_000000000020.h5"}},
           {"out/run.log", {"out/run.log: not an HDF5 file", "plain text", "convoy inspect out/timeseries.h5"}},
           {"out/config.yaml", {"not an HDF5 file", "convoy inspect out/timeseries.h5"}}}) {
    const CommandResult result = convoy({"inspect", c.path});
    EXPECT_EQ(result.exitStatus, 2) << result.describe();
    for (const auto& fragment : c.fragments) {
      EXPECT_NE(result.all().find(fragment), std::string::npos) << "missing '" << fragment << "'\n"
                                                                << result.describe();
    }
    EXPECT_EQ(result.all().find("no such file"), std::string::npos) << result.describe();
  }
}

// --restart FILE with a file that is not there, or that is a time series: said plainly, with where
// the checkpoints are.
TEST_F(CliTest, RestartFromAMissingFileOrATimeSeriesSaysWhatItIs) {
  ASSERT_EQ(convoy({"run", "config.yaml"}).exitStatus, 0);
  const CommandResult missing = convoy({"run", "config.yaml", "--set", "run.steps=30", "--restart", "missing.h5"});
  EXPECT_EQ(missing.exitStatus, 2) << missing.describe();
  EXPECT_NE(missing.all().find("--restart missing.h5: not a valid checkpoint: no such file"), std::string::npos)
      << missing.describe();
  const CommandResult series =
      convoy({"run", "config.yaml", "--set", "run.steps=30", "--restart", "out/timeseries.h5"});
  EXPECT_EQ(series.exitStatus, 2) << series.describe();
  for (const char* fragment : {"a convoy timeseries file, not a checkpoint", "checkpoints are in out/checkpoints/"}) {
    EXPECT_NE(series.all().find(fragment), std::string::npos) << "missing '" << fragment << "'\n" << series.describe();
  }
}

}  // namespace
}  // namespace convoy::e2e
