// Restart planning (planRestart, --restart auto|never|FILE): which checkpoint a run continues from,
// and every refusal, the same on every rank count. Each test makes a real run in-process, wired as
// `convoy run` wires it (Simulation, RunOutputs, RunControl), of 30 steps with
// checkpoint.every_steps 10 and a time-series row every 7 steps, so that the output directory holds
// checkpoints of steps 10, 20 and 30, each with a row left open, and a timeseries.h5 of 4 rows.
//
// The expectations do not come from the code under test: the steps and file names of the
// checkpoints follow from the config and docs/output.md; the road a plan loads is compared, cell by
// cell on every rank, with the reference kernel run over the whole road to that step, and the open
// row with the reference's moves and detector counts since the last row; "nothing changed" is the
// bytes of every file of the output directory, before and after. Damage (a flipped byte of /road, a
// truncated file, rows cut from timeseries.h5) is done by rank 0 alone, with the plain HDF5 C API
// and plain file I/O, between barriers. Every rank must reach the same outcome: the same plan, or
// an InputError with the same message.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "convoy/config/config.hpp"
#include "convoy/core/error.hpp"
#include "convoy/h5/handle.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/parallel/road.hpp"
#include "convoy/run/initial_state.hpp"
#include "convoy/run/restart.hpp"
#include "convoy/run/run_control.hpp"
#include "convoy/run/run_outputs.hpp"
#include "convoy/run/simulation.hpp"
#include "mpi_test_support.hpp"
#include "plain_hdf5.hpp"

namespace convoy {
namespace {

namespace fs = std::filesystem;
using mpitest::ByteRoad;
using mpitest::PlainFile;
using mpitest::SharedTemporaryDirectory;

// The logs of the run and of planning, and HDF5's error stacks for the damaged files (as convoy's
// main silences them), would only hide the tests' own output.
void quiet() {
  mpitest::silenceLogs();
  h5::silenceErrorStacks();
}

// ---- The run every test starts from ----

// 10,007 cells: at 4 ranks every rank owns about 2,500, and the last word is partly padding.
constexpr std::uint64_t kCells = 10'007;
constexpr double kDensity = 0.45;
constexpr std::uint64_t kSeed = 11;
constexpr std::uint64_t kRunSteps = 30;
constexpr std::uint64_t kCheckpointEvery = 10;
constexpr std::uint64_t kRowEvery = 7;  // divides none of 10, 20, 30: every checkpoint leaves a row open
const std::vector<std::uint64_t> kDetectors{0, 5'003, kCells - 1};

// The config of the run, with `overrides` as --set would give them.
Config runConfig(const fs::path& directory, const std::vector<std::string>& overrides = {}) {
  const std::string yaml = "road:\n  cells: " + std::to_string(kCells) +
                           "\n"
                           "init:\n  density: 0.45\n  seed: " +
                           std::to_string(kSeed) +
                           "\n"
                           "run:\n  steps: " +
                           std::to_string(kRunSteps) +
                           "\n"
                           "output:\n  directory: \"" +
                           directory.string() +
                           "\"\n"
                           "  timeseries_every: 7\n  detectors: [0, 5003, " +
                           std::to_string(kCells - 1) +
                           "]\n"
                           "checkpoint:\n  every_steps: " +
                           std::to_string(kCheckpointEvery) +
                           "\n  keep: 10\n"
                           "logging:\n  progress_seconds: 0\n";
  return parseConfig("restart_plan_mpi.yaml", yaml, overrides).config;
}

// docs/output.md: checkpoints/checkpoint_<step>.h5, the step in 12 digits.
fs::path checkpointPath(const fs::path& directory, std::uint64_t step) {
  std::string digits = std::to_string(step);
  digits.insert(0, 12 - digits.size(), '0');
  return directory / "checkpoints" / ("checkpoint_" + digits + ".h5");
}

// Collective: the run of `config`, as `convoy run` makes it in a fresh output directory. True on
// every rank if it went through on every rank.
bool makeRun(const Comm& comm, const Config& config) {
  bool ran = true;
  try {
    Simulation simulation(comm, config, initialRoad(comm, config));
    RunOutputs outputs(comm, config, simulation, SeriesStart{});
    const RunControl control(comm, config, simulation, outputs, 0.0, "");
    simulation.run();
    outputs.finish();
  } catch (const std::exception& error) {
    ADD_FAILURE() << "the run threw on rank " << comm.rank() << ": " << error.what();
    ran = false;
  }
  return mpitest::sumOverRanks(comm, ran ? 0 : 1) == 0;
}

// ---- The oracle: the reference kernel over the whole road ----

struct ReferenceState {
  ByteRoad road;
  FlowRow openRow;  // steps, distance and detector counts of the row open at the step
  std::uint64_t completedRows = 0;
};

// The whole road after `steps` steps from the config's random road, and the row then open: a car
// enters detector cell x in a step when cell x - 1 (the last cell, for cell 0) holds a car and x is
// empty at the start of the step.
ReferenceState referenceAt(std::uint64_t steps) {
  ReferenceState state;
  state.road = mpitest::randomByteRoad(kCells, kDensity, kSeed);
  ByteRoad next;
  for (std::uint64_t step = 1; step <= steps; ++step) {
    if ((step - 1) % kRowEvery == 0) {
      state.openRow = FlowRow{};
      state.openRow.detectorCounts.assign(kDetectors.size(), 0);
    }
    for (std::size_t d = 0; d < kDetectors.size(); ++d) {
      const std::uint64_t x = kDetectors[d];
      if (state.road[(x + kCells - 1) % kCells] == 1 && state.road[x] == 0) ++state.openRow.detectorCounts[d];
    }
    state.openRow.distance += static_cast<std::int64_t>(reference::stepRing(state.road, next));
    state.openRow.steps += 1;
    state.road.swap(next);
    if (step % kRowEvery == 0) {
      ++state.completedRows;
      state.openRow = FlowRow{};
      state.openRow.detectorCounts.assign(kDetectors.size(), 0);
    }
  }
  return state;
}

// Collective: the cells, over all ranks, where this rank's part of `road` differs from the whole
// road `expected` (the first difference reported as a failure of the rank that has it).
std::uint64_t cellsDifferingOverRanks(const Comm& comm, const Road& road, const ByteRoad& expected) {
  const mpitest::RangeComparison mine = mpitest::compareRange(road.words(), road.range(), expected);
  EXPECT_EQ(mine.mismatches, 0u) << "rank " << comm.rank() << ": " << mine.first;
  return mpitest::sumOverRanks(comm, mine.mismatches);
}

// ---- Planning on every rank, with the same outcome ----

struct Outcome {
  std::optional<RestartPlan> plan;
  bool refused = false;  // an InputError
  std::string message;
  std::vector<std::string> problems;
};

// Collective: planRestart into `road`, and the check that every rank had the same outcome (a plan of
// the same checkpoint and step on all, or an InputError with the same message on all).
Outcome planOnEveryRank(const Comm& comm, const Config& config, const RestartRequest& request, Road& road) {
  Outcome outcome;
  bool unexpected = false;
  try {
    outcome.plan = planRestart(comm, config, request, road);
  } catch (const InputError& error) {
    outcome.refused = true;
    outcome.message = error.what();
    outcome.problems = error.problems();
  } catch (const std::exception& error) {
    ADD_FAILURE() << "planRestart threw other than an InputError on rank " << comm.rank() << ": " << error.what();
    unexpected = true;
  }
  const std::uint64_t refusingRanks = mpitest::sumOverRanks(comm, outcome.refused ? 1 : 0);
  const std::uint64_t unexpectedRanks = mpitest::sumOverRanks(comm, unexpected ? 1 : 0);
  EXPECT_EQ(unexpectedRanks, 0u);
  EXPECT_TRUE(refusingRanks == 0 || refusingRanks == static_cast<std::uint64_t>(comm.size()))
      << refusingRanks << " of " << comm.size() << " ranks were refused";
  EXPECT_EQ(outcome.message, comm.broadcast(outcome.message)) << "rank " << comm.rank() << "'s message is not rank 0's";
  const std::uint64_t step = outcome.plan ? outcome.plan->start.step : ~std::uint64_t{0};
  EXPECT_EQ(step, comm.broadcast(step)) << "rank " << comm.rank() << "'s start step is not rank 0's";
  const std::string checkpoint = outcome.plan ? outcome.plan->checkpoint : "";
  EXPECT_EQ(checkpoint, comm.broadcast(checkpoint)) << "rank " << comm.rank() << "'s checkpoint is not rank 0's";
  return outcome;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Expects a plan that continues from the checkpoint of `step` in `directory`, with the road loaded
// into `road` and the open row as the reference has them at that step. Collective.
void expectContinuesFrom(const Comm& comm, const Outcome& outcome, const Road& road, const fs::path& directory,
                         std::uint64_t step, bool finished) {
  ASSERT_TRUE(outcome.plan) << "refused: " << outcome.message;
  const RestartPlan& plan = *outcome.plan;
  EXPECT_TRUE(plan.fromCheckpoint);
  EXPECT_EQ(plan.checkpoint, checkpointPath(directory, step).string());
  EXPECT_EQ(plan.start.step, step);
  EXPECT_EQ(plan.finished, finished);
  const ReferenceState reference = referenceAt(step);
  EXPECT_EQ(plan.start.openRow.steps, step % kRowEvery);
  EXPECT_GT(plan.start.openRow.steps, 0u) << "the test means to leave a row open";
  EXPECT_EQ(plan.start.openRow.steps, reference.openRow.steps);
  EXPECT_EQ(plan.start.openRow.distance, reference.openRow.distance);
  EXPECT_EQ(plan.start.openRow.detectorCounts, reference.openRow.detectorCounts);
  EXPECT_EQ(cellsDifferingOverRanks(comm, road, reference.road), 0u)
      << "the road loaded is not the step-" << step << " road of the reference";
  EXPECT_EQ(road.globalDigest(), mpitest::byteRoadDigest(reference.road));
  // Rank 0 writes timeseries.h5 and holds the rows it goes on after: those of the checkpoint's step.
  if (comm.isRoot()) {
    ASSERT_TRUE(plan.series.timeseries) << "no verified rows of timeseries.h5 on rank 0";
    EXPECT_EQ(plan.series.timeseries->rows, step / kRowEvery);
    EXPECT_EQ(plan.series.timeseries->rows, reference.completedRows);
  }
}

// ---- The output directory as files, and damage done to it ----

// Rank 0: every file under `directory` with its bytes ("nothing changed" compares two of these).
std::map<std::string, std::string> filesUnder(const Comm& comm, const fs::path& directory) {
  std::map<std::string, std::string> files;
  if (!comm.isRoot()) return files;
  std::error_code error;
  for (const auto& entry : fs::recursive_directory_iterator(directory, error)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    files[entry.path().string()] = std::string(std::istreambuf_iterator<char>(in), {});
  }
  return files;
}

// Rank 0: the files added, removed or changed between `before` and `after`, listed ("" if none).
std::string differences(const std::map<std::string, std::string>& before,
                        const std::map<std::string, std::string>& after) {
  std::string list;
  for (const auto& [path, bytes] : before) {
    const auto found = after.find(path);
    if (found == after.end()) list += " removed " + path + ";";
    if (found != after.end() && found->second != bytes) list += " changed " + path + ";";
  }
  for (const auto& [path, bytes] : after) {
    if (!before.count(path)) list += " added " + path + ";";
  }
  return list;
}

// Collective: `damage` on rank 0 alone while the other ranks wait; true on every rank if it worked.
bool onRankZeroBetweenBarriers(const Comm& comm, const std::function<bool()>& damage) {
  comm.barrier();
  bool done = true;
  if (comm.isRoot()) done = damage();
  comm.barrier();
  return comm.broadcast(done);
}

// Inverts one byte of the road data in the middle of /road, found through the dataset's offset in
// the file (the road is stored contiguously), with plain file I/O.
bool flipRoadByte(const fs::path& checkpoint) {
  haddr_t offset = HADDR_UNDEF;
  hsize_t words = 0;
  {
    const PlainFile file(checkpoint.string(), H5F_ACC_RDONLY);
    if (!file.open()) return false;
    const hid_t road = H5Dopen2(file.id(), "road", H5P_DEFAULT);
    if (road < 0) return false;
    offset = H5Dget_offset(road);
    const hid_t space = H5Dget_space(road);
    H5Sget_simple_extent_dims(space, &words, nullptr);
    H5Sclose(space);
    H5Dclose(road);
  }
  if (offset == HADDR_UNDEF || words == 0) return false;
  std::fstream file(checkpoint, std::ios::in | std::ios::out | std::ios::binary);
  const std::streamoff at = static_cast<std::streamoff>(offset + 8 * (words / 2) + 3);
  char byte = 0;
  file.seekg(at);
  file.read(&byte, 1);
  byte = static_cast<char>(~byte);
  file.seekp(at);
  file.write(&byte, 1);
  return static_cast<bool>(file);
}

bool truncateToHalf(const fs::path& path) {
  std::error_code error;
  const std::uintmax_t size = fs::file_size(path, error);
  if (error) return false;
  fs::resize_file(path, size / 2, error);
  return !error;
}

// Cuts timeseries.h5 back to its first `rows` rows (/step first: it says how many rows are complete).
bool cutTimeseriesTo(const fs::path& path, hsize_t rows) {
  const PlainFile file(path.string(), H5F_ACC_RDWR);
  if (!file.open()) return false;
  bool cut = true;
  const hsize_t detectors = kDetectors.size();
  for (const char* name : {"step", "distance", "flow", "mean_velocity", "detectors/count"}) {
    const hid_t dataset = H5Dopen2(file.id(), name, H5P_DEFAULT);
    if (dataset < 0) return false;
    const hsize_t extent[2] = {rows, detectors};
    cut = cut && H5Dset_extent(dataset, extent) >= 0;
    H5Dclose(dataset);
  }
  return cut;
}

// Adds one to the distance of row `row` of timeseries.h5, in place: the file keeps its rows, but one
// of them no longer has the value a checkpoint's checksum of the rows covers.
bool editTimeseriesDistance(const fs::path& path, hsize_t row) {
  const PlainFile file(path.string(), H5F_ACC_RDWR);
  if (!file.open()) return false;
  const hid_t dataset = H5Dopen2(file.id(), "distance", H5P_DEFAULT);
  if (dataset < 0) return false;
  const hid_t fileSpace = H5Dget_space(dataset);
  const hsize_t one = 1;
  H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &row, nullptr, &one, nullptr);
  const hid_t memory = H5Screate_simple(1, &one, nullptr);
  std::int64_t distance = 0;
  bool edited = H5Dread(dataset, H5T_NATIVE_INT64, memory, fileSpace, H5P_DEFAULT, &distance) >= 0;
  distance += 1;
  edited = edited && H5Dwrite(dataset, H5T_NATIVE_INT64, memory, fileSpace, H5P_DEFAULT, &distance) >= 0;
  H5Sclose(memory);
  H5Sclose(fileSpace);
  H5Dclose(dataset);
  return edited;
}

// A temporary output directory holding the run (checkpoints of steps 10, 20 and 30, timeseries.h5),
// and planning from it with the run's config. Collective.
class RunDirectory {
 public:
  RunDirectory() : comm_(Comm::world()), temporary_(comm_, "convoy-restart-plan-mpi"), output_(temporary_.path()) {
    quiet();
    made_ = !output_.empty() && makeRun(comm_, runConfig(output_)) && leftWhatItsConfigSays();
  }

  // True on every rank when the run was made and left what its config says it leaves.
  bool made() const { return made_; }
  const Comm& comm() const { return comm_; }
  const fs::path& output() const { return output_; }
  fs::path checkpoint(std::uint64_t step) const { return checkpointPath(output_, step); }
  fs::path timeseries() const { return output_ / "timeseries.h5"; }

  // Plans with the run's config (and `overrides`) into a fresh, empty road, and checks that the
  // output directory is unchanged by it.
  Outcome plan(const RestartRequest& request, const std::vector<std::string>& overrides = {}) {
    const Config config = runConfig(output_, overrides);
    road_ = emptyRoad(comm_, config);
    const auto before = filesUnder(comm_, output_);
    Outcome outcome = planOnEveryRank(comm_, config, request, *road_);
    comm_.barrier();
    if (comm_.isRoot()) {
      EXPECT_EQ(differences(before, filesUnder(comm_, output_)), "") << "planning changed the output directory";
    }
    return outcome;
  }
  Outcome planAuto(const std::vector<std::string>& overrides = {}) { return plan({RestartMode::Auto, ""}, overrides); }
  // The road the last plan loaded.
  const Road& road() const { return *road_; }

 private:
  bool leftWhatItsConfigSays() const {
    std::vector<std::string> files;
    for (const auto& [path, bytes] : filesUnder(comm_, output_)) files.push_back(path);
    const std::vector<std::string> expected{checkpoint(10).string(), checkpoint(20).string(), checkpoint(30).string(),
                                            timeseries().string()};
    const bool asExpected = comm_.broadcast(static_cast<int>(files == expected)) != 0;
    EXPECT_TRUE(asExpected) << "the run did not leave exactly three checkpoints and timeseries.h5";
    return asExpected;
  }

  Comm comm_;
  SharedTemporaryDirectory temporary_;
  fs::path output_;
  bool made_ = false;
  std::unique_ptr<Road> road_;
};

// run.steps beyond the newest checkpoint, so that the run has steps left.
const std::vector<std::string> kLongerRun{"run.steps=40"};

// ---- Where a run starts ----

TEST(MPI, RestartPlanOfAnOutputDirectoryWithoutCheckpointsStartsAtStepZero) {
  quiet();
  const Comm comm = Comm::world();
  const SharedTemporaryDirectory directory(comm, "convoy-restart-plan-mpi");
  ASSERT_FALSE(directory.path().empty());
  // An empty directory, one that does not exist yet, and one with an empty checkpoints folder.
  const fs::path empty = directory.path() / "empty";
  const fs::path missing = directory.path() / "not-yet";
  const fs::path emptyFolder = directory.path() / "empty-folder";
  ASSERT_TRUE(onRankZeroBetweenBarriers(
      comm, [&] { return fs::create_directories(empty) && fs::create_directories(emptyFolder / "checkpoints"); }));
  for (const fs::path& output : {empty, missing, emptyFolder}) {
    for (const RestartMode mode : {RestartMode::Auto, RestartMode::Never}) {
      SCOPED_TRACE(output.string() + (mode == RestartMode::Auto ? ", --restart auto" : ", --restart never"));
      const Config config = runConfig(output, kLongerRun);
      const std::unique_ptr<Road> road = emptyRoad(comm, config);
      const auto before = filesUnder(comm, directory.path());
      const Outcome outcome = planOnEveryRank(comm, config, {mode, ""}, *road);
      ASSERT_TRUE(outcome.plan) << "refused: " << outcome.message;
      EXPECT_FALSE(outcome.plan->fromCheckpoint);
      EXPECT_EQ(outcome.plan->checkpoint, "");
      EXPECT_EQ(outcome.plan->start.step, 0u);
      EXPECT_EQ(outcome.plan->start.openRow.steps, 0u);
      EXPECT_EQ(outcome.plan->start.openRow.distance, 0);
      EXPECT_FALSE(outcome.plan->finished);
      EXPECT_FALSE(outcome.plan->series.timeseries);
      // The road is left for the caller to fill: still without a car.
      EXPECT_EQ(cellsDifferingOverRanks(comm, *road, ByteRoad(kCells, 0)), 0u);
      comm.barrier();
      if (comm.isRoot()) {
        EXPECT_EQ(differences(before, filesUnder(comm, directory.path())), "");
        EXPECT_FALSE(fs::exists(missing)) << "planning made the output directory";
      }
    }
  }
}

TEST(MPI, RestartPlanContinuesFromTheNewestOfSeveralCheckpoints) {
  RunDirectory run;
  ASSERT_TRUE(run.made());
  const Outcome outcome = run.planAuto(kLongerRun);
  expectContinuesFrom(run.comm(), outcome, run.road(), run.output(), 30, false);
}

TEST(MPI, RestartPlanFromAFileContinuesFromThatCheckpoint) {
  RunDirectory run;
  ASSERT_TRUE(run.made());
  const Outcome outcome = run.plan({RestartMode::FromFile, run.checkpoint(10).string()}, kLongerRun);
  expectContinuesFrom(run.comm(), outcome, run.road(), run.output(), 10, false);
}

TEST(MPI, RestartPlanIsFinishedWhenTheNewestCheckpointIsAtRunSteps) {
  RunDirectory run;
  ASSERT_TRUE(run.made());
  const Outcome outcome = run.planAuto();  // run.steps = 30, the newest checkpoint's step
  expectContinuesFrom(run.comm(), outcome, run.road(), run.output(), 30, true);
}

TEST(MPI, RestartPlanIsFinishedWhenTheNewestCheckpointIsBeyondRunSteps) {
  RunDirectory run;
  ASSERT_TRUE(run.made());
  const Outcome outcome = run.planAuto({"run.steps=25"});
  expectContinuesFrom(run.comm(), outcome, run.road(), run.output(), 30, true);
}

// A checkpoint being written when the run was killed (checkpoint_<step>.h5.tmp, half of it) is no
// checkpoint: it is neither continued from nor removed.
TEST(MPI, RestartPlanIgnoresATemporaryCheckpointLeftByAKill) {
  RunDirectory run;
  ASSERT_TRUE(run.made());
  const fs::path temporary = run.checkpoint(40).string() + ".tmp";
  ASSERT_TRUE(onRankZeroBetweenBarriers(
      run.comm(), [&] { return fs::copy_file(run.checkpoint(30), temporary) && truncateToHalf(temporary); }));
  const Outcome outcome = run.planAuto({"run.steps=50"});
  expectContinuesFrom(run.comm(), outcome, run.road(), run.output(), 30, false);
}

// ---- Damaged checkpoints ----

// The final checkpoint of a finished run damaged: the run is not finished, it goes on from the one
// before (and would write the final one again).
TEST(MPI, RestartPlanOfAFinishedRunWithItsFinalCheckpointDamagedGoesOnFromTheOneBefore) {
  RunDirectory run;
  ASSERT_TRUE(run.made());
  ASSERT_TRUE(onRankZeroBetweenBarriers(run.comm(), [&] { return flipRoadByte(run.checkpoint(30)); }));
  const Outcome outcome = run.planAuto();  // run.steps = 30
  expectContinuesFrom(run.comm(), outcome, run.road(), run.output(), 20, false);
}

TEST(MPI, RestartPlanPassesOverANewestCheckpointWithAFlippedRoadByte) {
  RunDirectory run;
  ASSERT_TRUE(run.made());
  ASSERT_TRUE(onRankZeroBetweenBarriers(run.comm(), [&] { return flipRoadByte(run.checkpoint(30)); }));
  const Outcome outcome = run.planAuto(kLongerRun);
  expectContinuesFrom(run.comm(), outcome, run.road(), run.output(), 20, false);
}

TEST(MPI, RestartPlanPassesOverATruncatedNewestCheckpoint) {
  RunDirectory run;
  ASSERT_TRUE(run.made());
  ASSERT_TRUE(onRankZeroBetweenBarriers(run.comm(), [&] { return truncateToHalf(run.checkpoint(30)); }));
  const Outcome outcome = run.planAuto(kLongerRun);
  expectContinuesFrom(run.comm(), outcome, run.road(), run.output(), 20, false);
}

TEST(MPI, RestartPlanRefusesWhenEveryCheckpointIsDamagedAndDeletesNone) {
  RunDirectory run;
  ASSERT_TRUE(run.made());
  ASSERT_TRUE(onRankZeroBetweenBarriers(run.comm(), [&] {
    return flipRoadByte(run.checkpoint(30)) && truncateToHalf(run.checkpoint(20)) && flipRoadByte(run.checkpoint(10));
  }));
  const Outcome outcome = run.planAuto(kLongerRun);  // which also checks that no file changed
  ASSERT_TRUE(outcome.refused);
  EXPECT_TRUE(contains(outcome.message, "none is valid")) << outcome.message;
  for (const std::uint64_t step : {10, 20, 30}) {
    EXPECT_TRUE(contains(outcome.message, run.checkpoint(step).string())) << outcome.message;
    EXPECT_TRUE(fs::is_regular_file(run.checkpoint(step))) << run.checkpoint(step) << " was deleted";
  }
}

// ---- Refusals ----

TEST(MPI, RestartPlanNeverRefusesAnOutputDirectoryWithCheckpoints) {
  RunDirectory run;
  ASSERT_TRUE(run.made());
  const Outcome outcome = run.plan({RestartMode::Never, ""}, kLongerRun);
  ASSERT_TRUE(outcome.refused);
  EXPECT_TRUE(contains(outcome.message, run.output().string())) << outcome.message;
}

TEST(MPI, RestartPlanFromAFileThatIsNotACheckpointIsRefusedNamingIt) {
  RunDirectory run;
  ASSERT_TRUE(run.made());
  const fs::path text = run.output() / "notes.txt";
  ASSERT_TRUE(
      onRankZeroBetweenBarriers(run.comm(), [&] { return static_cast<bool>(std::ofstream(text) << "notes\n"); }));
  for (const fs::path& path : {run.timeseries(), text, run.output() / "no-such-checkpoint.h5"}) {
    SCOPED_TRACE(path.string());
    const Outcome outcome = run.plan({RestartMode::FromFile, path.string()}, kLongerRun);
    ASSERT_TRUE(outcome.refused);
    EXPECT_TRUE(contains(outcome.message, path.string())) << outcome.message;
  }
}

TEST(MPI, RestartPlanRefusesACheckpointOfOtherPhysicsNamingTheKey) {
  RunDirectory run;
  ASSERT_TRUE(run.made());
  const std::vector<std::pair<std::string, std::string>> changes{
      {"init.seed=12", "init.seed"}, {"init.density=0.5", "init.density"}, {"road.cells=10008", "road.cells"}};
  for (const auto& [change, key] : changes) {
    SCOPED_TRACE(change);
    const Outcome outcome = run.planAuto({"run.steps=40", change});
    ASSERT_TRUE(outcome.refused);
    EXPECT_TRUE(contains(outcome.message, key)) << outcome.message;
    EXPECT_TRUE(contains(outcome.message, run.checkpoint(30).string())) << outcome.message;
  }
}

// ---- The rows of timeseries.h5 that a checkpoint records ----

// Three rows left (steps 7, 14, 21): the checkpoint of step 30 records four and is passed over; that
// of step 20 records two, which are there.
TEST(MPI, RestartPlanPassesOverACheckpointWhoseTimeseriesRowsAreCut) {
  RunDirectory run;
  ASSERT_TRUE(run.made());
  ASSERT_TRUE(onRankZeroBetweenBarriers(run.comm(), [&] { return cutTimeseriesTo(run.timeseries(), 3); }));
  const Outcome outcome = run.planAuto(kLongerRun);
  expectContinuesFrom(run.comm(), outcome, run.road(), run.output(), 20, false);
}

// The second row (step 14) edited: the checkpoints of steps 20 and 30 cover it and are passed over;
// that of step 10 records only the first row.
TEST(MPI, RestartPlanPassesOverCheckpointsWhoseTimeseriesRowsWereEdited) {
  RunDirectory run;
  ASSERT_TRUE(run.made());
  ASSERT_TRUE(onRankZeroBetweenBarriers(run.comm(), [&] { return editTimeseriesDistance(run.timeseries(), 1); }));
  const Outcome outcome = run.planAuto(kLongerRun);
  expectContinuesFrom(run.comm(), outcome, run.road(), run.output(), 10, false);
}

TEST(MPI, RestartPlanFromAFileWhoseTimeseriesRowsAreCutIsRefusedNamingTimeseries) {
  RunDirectory run;
  ASSERT_TRUE(run.made());
  ASSERT_TRUE(onRankZeroBetweenBarriers(run.comm(), [&] { return cutTimeseriesTo(run.timeseries(), 3); }));
  const Outcome outcome = run.plan({RestartMode::FromFile, run.checkpoint(30).string()}, kLongerRun);
  ASSERT_TRUE(outcome.refused);
  EXPECT_TRUE(contains(outcome.message, run.checkpoint(30).string())) << outcome.message;
  EXPECT_TRUE(contains(outcome.message, run.timeseries().string())) << outcome.message;
}

TEST(MPI, RestartPlanRefusesEveryCheckpointWhenTimeseriesIsMissingNamingIt) {
  RunDirectory run;
  ASSERT_TRUE(run.made());
  ASSERT_TRUE(onRankZeroBetweenBarriers(run.comm(), [&] { return fs::remove(run.timeseries()); }));
  const Outcome outcome = run.planAuto(kLongerRun);
  ASSERT_TRUE(outcome.refused);
  EXPECT_TRUE(contains(outcome.message, "none is valid")) << outcome.message;
  // One problem per checkpoint, each naming it and timeseries.h5.
  for (const std::uint64_t step : {10, 20, 30}) {
    bool named = false;
    for (const std::string& problem : outcome.problems) {
      named = named || (contains(problem, run.checkpoint(step).string()) && contains(problem, "timeseries.h5"));
    }
    EXPECT_TRUE(named) << "no problem names " << run.checkpoint(step) << " and timeseries.h5:\n" << outcome.message;
    EXPECT_TRUE(fs::is_regular_file(run.checkpoint(step))) << run.checkpoint(step) << " was deleted";
  }
}

// A checkpoint file whose name says another step than the one it holds (a copy of
// checkpoint_000000000010.h5 named checkpoint_000000000050.h5) would be taken as the newest, since
// checkpoints are ordered by the step in their names, and take the run back to step 10: it is passed
// over like any damaged one, and the run continues from step 30.
TEST(MPI, RestartPlanPassesOverACheckpointWhoseNameSaysAnotherStep) {
  RunDirectory run;
  ASSERT_TRUE(run.made());
  ASSERT_TRUE(
      onRankZeroBetweenBarriers(run.comm(), [&] { return fs::copy_file(run.checkpoint(10), run.checkpoint(50)); }));
  const Outcome outcome = run.planAuto({"run.steps=60"});
  expectContinuesFrom(run.comm(), outcome, run.road(), run.output(), 30, false);
}

}  // namespace
}  // namespace convoy
