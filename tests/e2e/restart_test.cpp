// Checkpoints and restarts as a user meets them (docs/cli.md, docs/output.md): a run
// stopped by a STOP file, SIGTERM to one rank, SIGUSR1 to mpiexec and the
// wall-time budget, continued on another rank count each time, ends bit for bit where a straight run
// of the same config ends; a restart with other physics, with --restart never, or with every
// checkpoint damaged is refused without touching anything; a damaged newest checkpoint is skipped;
// raising run.steps extends a finished run; --restart FILE starts from the file; a checkpoint that
// cannot be written fails the run (exit 1) and leaves the previous one valid; a second SIGINT ends a
// rank at once.
//
// The reference for "identical" is always a straight one-rank run of the same config made by the
// same test, compared dataset by dataset (compare_runs.py).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <thread>

#include "restart_support.hpp"

namespace convoy::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Frequent checkpoints with three kept, so that a run of kShortSteps leaves checkpoints of steps
// 24000, 28000 and 30000 (the end, which 7 does not divide: the last row is left open).
const std::string kEvery4000Keep3 = "checkpoint:\n  every_steps: 4000\n  keep: 3\n";
constexpr std::uint64_t kShortSteps = 30000;

class RestartTest : public ::testing::Test {
 protected:
  fs::path at(const std::string& relative) const { return work_.path() / relative; }
  const fs::path& work() const { return work_.path(); }

  CommandResult run(int ranks, const fs::path& output, const std::vector<std::string>& more = {}) const {
    return runCommand(runCommandLine(ranks, output, more), work(), std::chrono::seconds(120));
  }

 private:
  TemporaryDirectory work_;
};

// ---------------------------------------------------------------------------------------------------
// (a) Stops of every kind, restarts on 2, 3, 1, 4 ranks: the run ends identical to a straight one.

enum class Stop { StopFile, SigtermToOneRank, Sigusr1ToMpiexec, MaxHours, None };

std::string stopName(Stop stop) {
  switch (stop) {
    case Stop::StopFile:
      return "a STOP file";
    case Stop::SigtermToOneRank:
      return "SIGTERM to one rank";
    case Stop::Sigusr1ToMpiexec:
      return "SIGUSR1 to mpiexec";
    case Stop::MaxHours:
      return "--max-hours";
    case Stop::None:
      return "no stop";
  }
  return "";
}

struct Segment {
  CommandResult result;
  std::optional<std::uint64_t> stoppedAt;  // from "stopping at step N"
  std::chrono::duration<double> seconds{};
};

// The wall-time budget of the --max-hours segment: 10.8 s, so that with convoy's margin of at least
// 10 s it stops about 0.8 s after the processes start (at its first meeting if start-up took longer).
constexpr const char* kMaxHours = "0.003";
constexpr double kMaxHoursSeconds = 0.003 * 3600;

// Runs one segment of the run in `output` on `ranks` ranks and, `after` its step loop started, asks
// it to stop in the way `stop` says.
Segment runSegment(const fs::path& work, const fs::path& output, int ranks, Stop stop,
                   std::chrono::milliseconds after = 150ms) {
  const fs::path log = output / "run.log";
  const std::size_t segmentsBefore = fs::exists(log) ? countOccurrences(readFile(log), kLoopStarted) : 0;
  std::vector<std::string> more;
  if (stop == Stop::MaxHours) more = {"--max-hours", kMaxHours};
  Background process(runCommandLine(ranks, output, more), work, output);
  Segment segment;
  if (stop != Stop::None && stop != Stop::MaxHours && waitForText(log, kLoopStarted, segmentsBefore + 1, process)) {
    std::this_thread::sleep_for(after);  // let it run some steps first
    if (stop == Stop::StopFile) writeFile(output / "STOP", "");
    if (stop == Stop::Sigusr1ToMpiexec) ::kill(process.pid(), SIGUSR1);
    if (stop == Stop::SigtermToOneRank) {
      // The highest rank: with several ranks, one that is not rank 0, which logs and decides.
      const std::map<pid_t, int> ranksNow = convoyRanks(output);
      const auto last = std::max_element(ranksNow.begin(), ranksNow.end(),
                                         [](const auto& a, const auto& b) { return a.second < b.second; });
      if (last != ranksNow.end()) ::kill(last->first, SIGTERM);
    }
  }
  segment.result = process.wait(std::chrono::seconds(120));
  segment.seconds = process.elapsed();
  segment.stoppedAt = stopStep(segment.result.all());
  return segment;
}

struct Plan {
  int ranks;
  Stop stop;
  std::chrono::milliseconds after = 150ms;
};

// What must hold after a stop segment of an endless run; returns the step it stopped at.
std::optional<std::uint64_t> checkStop(const Segment& segment, const Plan& plan, const fs::path& output,
                                       std::uint64_t previousStop) {
  const CommandResult& result = segment.result;
  EXPECT_FALSE(result.timedOut) << result.describe();
  EXPECT_EQ(result.exitStatus, 75) << result.describe();
  if (!segment.stoppedAt) {
    ADD_FAILURE() << "no 'stopping at step N' line after " << stopName(plan.stop) << ":\n" << result.describe();
    return std::nullopt;
  }
  const std::uint64_t step = *segment.stoppedAt;
  EXPECT_GT(step, previousStop) << "the segment did not advance the run:\n" << result.describe();
  EXPECT_NE(result.all().find("on " + std::to_string(plan.ranks) + " MPI rank"), std::string::npos)
      << result.describe();
  const std::string all = result.all();
  switch (plan.stop) {
    case Stop::StopFile:
      EXPECT_NE(all.find("STOP file"), std::string::npos) << result.describe();
      EXPECT_FALSE(fs::exists(output / "STOP")) << "the STOP file was obeyed but not removed";
      break;
    case Stop::SigtermToOneRank:
      EXPECT_NE(all.find("stop signal"), std::string::npos) << result.describe();
      break;
    case Stop::Sigusr1ToMpiexec:
      EXPECT_NE(all.find("SIGUSR1"), std::string::npos) << result.describe();
      break;
    case Stop::MaxHours:
      EXPECT_NE(all.find("wall-time budget"), std::string::npos) << result.describe();
      // It stopped, checkpoint written, before the budget ran out.
      EXPECT_LT(segment.seconds.count(), kMaxHoursSeconds) << result.describe();
      break;
    case Stop::None:
      break;
  }
  EXPECT_TRUE(fs::is_regular_file(checkpointPath(output, step))) << result.describe();
  return step;
}

TEST_F(RestartTest, StopsOfEveryKindAndRestartsOnOtherRankCountsEndIdenticalToAStraightRun) {
  // An endless run (kEndlessSteps), so that every segment lasts until it is stopped, 0.15 to 0.4 s
  // after its loop starts. After each stop the output directory is copied, to be compared later with
  // what a straight run has at that step. The last segment finishes the run 20,000 steps past the
  // last stop; the straight run of that many steps is made at the end.
  // Snapshots rarely, so that the ranks' meetings (where stops are obeyed) fall anywhere.
  writeRestartConfig(work(), kEndlessSteps, "", 40000);
  const fs::path output = at("stopped");
  std::vector<Plan> plans{{2, Stop::StopFile, 150ms},
                          {3, Stop::SigtermToOneRank, 400ms},
                          {1, Stop::Sigusr1ToMpiexec, 250ms},
                          {4, Stop::MaxHours}};
  std::vector<std::uint64_t> stops;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const Plan plan = plans[i];
    SCOPED_TRACE("segment " + std::to_string(i + 1) + ": " + std::to_string(plan.ranks) + " ranks, " +
                 stopName(plan.stop));
    const Segment segment = runSegment(work(), output, plan.ranks, plan.stop, plan.after);
    if (!stops.empty()) {
      // It went on from the checkpoint of the previous stop.
      EXPECT_NE(segment.result.all().find("continuing from " + checkpointPath(output, stops.back()).string()),
                std::string::npos)
          << segment.result.describe();
    }
    const std::optional<std::uint64_t> step = checkStop(segment, plan, output, stops.empty() ? 0 : stops.back());
    if (!step) return;
    stops.push_back(*step);
    fs::copy(output, at("after-stop-" + std::to_string(stops.size())), fs::copy_options::recursive);
    // At least one stop must leave a time-series row open; if chance put all of them on multiples
    // of 7, one more stop is added.
    const bool someRowOpen =
        std::any_of(stops.begin(), stops.end(), [](std::uint64_t s) { return s % kRowEvery != 0; });
    if (i + 1 == plans.size() && !someRowOpen && plans.size() < 8) plans.push_back({2, Stop::StopFile});
  }
  if (HasFailure()) return;

  std::string stopList;
  for (const auto step : stops) stopList += " " + std::to_string(step);
  SCOPED_TRACE("last segment, 2 ranks, stops at steps" + stopList);
  const std::uint64_t steps = stops.back() + 20000;
  const std::vector<std::string> finish{"--set", "run.steps=" + std::to_string(steps)};
  const Segment last = [&] {
    Background process(runCommandLine(2, output, finish), work(), output);
    Segment segment;
    segment.result = process.wait(std::chrono::seconds(120));
    return segment;
  }();
  ASSERT_EQ(last.result.exitStatus, 0) << last.result.describe();
  EXPECT_NE(last.result.all().find("continuing from " + checkpointPath(output, stops.back()).string()),
            std::string::npos)
      << last.result.describe();

  const fs::path reference = at("straight");
  const StraightRun straight = runStraight(work(), reference, finish);
  ASSERT_EQ(straight.result.exitStatus, 0) << straight.result.describe();
  ASSERT_FALSE(straight.digest.empty()) << straight.result.describe();
  EXPECT_EQ(finalDigest(last.result.out), straight.digest) << last.result.describe();
  // Everything on disk after each stop was what the straight run had at that step: the time series
  // cut at the step (no row lost or doubled), the space-time window, the snapshots so far.
  for (std::size_t i = 0; i < stops.size(); ++i) {
    const CommandResult same = compareRuns(reference, at("after-stop-" + std::to_string(i + 1)), stops[i]);
    EXPECT_EQ(same.exitStatus, 0) << "after " << stopName(plans[i].stop) << " at step " << stops[i] << ":\n"
                                  << same.describe();
  }
  const CommandResult same = compareRuns(reference, output);
  EXPECT_EQ(same.exitStatus, 0) << same.describe();
  std::cout << "stops at steps" << stopList << "; " << same.out;
}

// ---------------------------------------------------------------------------------------------------
// (b) A restart with other physics is refused, naming the key, and changes nothing.

// Starts a long run in `output` on one rank and stops it with a STOP file once it runs; the step.
std::uint64_t stoppedRun(const fs::path& work, const fs::path& output) {
  const Segment segment = runSegment(work, output, 0, Stop::StopFile);
  EXPECT_EQ(segment.result.exitStatus, 75) << segment.result.describe();
  EXPECT_TRUE(segment.stoppedAt.has_value()) << segment.result.describe();
  return segment.stoppedAt.value_or(0);
}

TEST_F(RestartTest, ARestartWithOtherPhysicsIsRefusedNamingTheKeyAndChangesNothing) {
  writeRestartConfig(work(), kEndlessSteps);  // never reached: the run is stopped
  const fs::path output = at("out");
  const std::uint64_t step = stoppedRun(work(), output);
  ASSERT_GT(step, 0u);
  ASSERT_TRUE(fs::is_regular_file(checkpointPath(output, step)));
  ASSERT_TRUE(fs::is_regular_file(output / "timeseries.h5"));
  const auto before = directoryContents(output);

  // model.type belongs to the physics too, but this version has only rule184, so no other model can
  // be asked for.
  for (const std::string assignment : {"init.seed=7", "init.density=0.3", "road.cells=1000064", "init.layout=jam"}) {
    SCOPED_TRACE(assignment);
    const CommandResult result = run(0, output, {"--set", assignment});
    EXPECT_EQ(result.exitStatus, 2) << result.describe();
    const std::string key = assignment.substr(0, assignment.find('='));
    EXPECT_GT(countOccurrences(result.all(), key), countOccurrences(result.all(), "--set " + key))
        << "the refusal does not name " << key << ":\n"
        << result.describe();
    EXPECT_TRUE(directoryContents(output) == before) << "the refused restart changed " << output;
  }
  // Under mpiexec too, without hanging.
  const CommandResult result = run(2, output, {"--set", "init.seed=7"});
  EXPECT_FALSE(result.timedOut);
  EXPECT_EQ(result.exitStatus, 2) << result.describe();
  EXPECT_TRUE(directoryContents(output) == before) << "the refused restart changed " << output;

  // The run itself can still go on from where it stopped.
  const CommandResult goOn = run(0, output, {"--set", "run.steps=" + std::to_string(step + 1000)});
  EXPECT_EQ(goOn.exitStatus, 0) << goOn.describe();
  EXPECT_NE(goOn.all().find("continuing from " + checkpointPath(output, step).string()), std::string::npos)
      << goOn.describe();
}

// ---------------------------------------------------------------------------------------------------
// (c), (e), (f): a finished run with checkpoints of steps 24000, 28000 and 30000, and the straight run
// it is compared with, made once for the suite.

class CheckpointedRun : public RestartTest {
 protected:
  static void SetUpTestSuite() {
    shared_ = new TemporaryDirectory;
    writeRestartConfig(shared_->path(), kShortSteps, kEvery4000Keep3);
    straight_ = new StraightRun(runStraight(shared_->path(), shared_->path() / "straight"));
  }
  static void TearDownTestSuite() {
    delete straight_;
    delete shared_;
  }

  void SetUp() override {
    ASSERT_EQ(straight_->result.exitStatus, 0) << straight_->result.describe();
    ASSERT_FALSE(straight_->digest.empty());
    writeRestartConfig(work(), kShortSteps, kEvery4000Keep3);
  }

  static fs::path reference() { return shared_->path() / "straight"; }
  static const std::string& referenceDigest() { return straight_->digest; }

  // A run of the config to its end on two ranks, in `output`, with its three checkpoints.
  void finishedRun(const fs::path& output) const {
    const CommandResult result = run(2, output);
    ASSERT_EQ(result.exitStatus, 0) << result.describe();
    ASSERT_EQ(checkpointSteps(output), (std::vector<std::uint64_t>{24000, 28000, 30000}));
  }

 private:
  static inline TemporaryDirectory* shared_ = nullptr;
  static inline StraightRun* straight_ = nullptr;
};

// (c) A damaged newest checkpoint is named as not valid and the run goes on from the one before.
class DamagedCheckpoint : public CheckpointedRun, public ::testing::WithParamInterface<std::string> {};

TEST_P(DamagedCheckpoint, IsSkippedAndTheRunEndsIdenticalFromThePreviousOne) {
  const fs::path output = at("out");
  ASSERT_NO_FATAL_FAILURE(finishedRun(output));
  const CommandResult damaged = corruptCheckpoint(checkpointPath(output, 30000), GetParam());
  ASSERT_EQ(damaged.exitStatus, 0) << damaged.describe();

  const CommandResult result = run(3, output);
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  EXPECT_NE(result.all().find(checkpointPath(output, 30000).filename().string() + " is not valid"), std::string::npos)
      << result.describe();
  EXPECT_NE(result.all().find("continuing from " + checkpointPath(output, 28000).string()), std::string::npos)
      << result.describe();
  EXPECT_EQ(finalDigest(result.out), referenceDigest()) << result.describe();
  const CommandResult same = compareRuns(reference(), output);
  EXPECT_EQ(same.exitStatus, 0) << same.describe();
}

INSTANTIATE_TEST_SUITE_P(Damage, DamagedCheckpoint,
                         ::testing::Values("truncate", "flip-road", "padding-bit", "delete-attr:digest",
                                           "delete-attr:timeseries_rows"),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = param.param;
                           for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

TEST_F(CheckpointedRun, WithEveryCheckpointDamagedTheRestartIsRefusedAndNothingIsDeleted) {
  const fs::path output = at("out");
  ASSERT_NO_FATAL_FAILURE(finishedRun(output));
  const std::vector<std::pair<std::uint64_t, std::string>> damage{
      {30000, "truncate"}, {28000, "flip-road"}, {24000, "delete-attr:step"}};
  for (const auto& [step, mode] : damage) {
    const CommandResult damaged = corruptCheckpoint(checkpointPath(output, step), mode);
    ASSERT_EQ(damaged.exitStatus, 0) << damaged.describe();
  }
  const auto before = directoryContents(output);

  const CommandResult result = run(2, output);
  EXPECT_EQ(result.exitStatus, 2) << result.describe();
  for (const auto& [step, mode] : damage) {
    EXPECT_NE(result.all().find(checkpointPath(output, step).filename().string()), std::string::npos)
        << "the refusal does not name the damaged checkpoint of step " << step << ":\n"
        << result.describe();
  }
  EXPECT_TRUE(directoryContents(output) == before) << "the refused restart changed or deleted files in " << output;
}

// (d) Raising run.steps extends a finished run; the same run.steps again has nothing to do.
TEST_F(RestartTest, RaisingTheStepsExtendsAFinishedRunIdenticalToAStraightLongerRun) {
  writeRestartConfig(work(), kShortSteps);
  const std::vector<std::string> longer{"--set", "run.steps=40000"};
  const StraightRun straight = runStraight(work(), at("straight"), longer);
  ASSERT_EQ(straight.result.exitStatus, 0) << straight.result.describe();

  const fs::path output = at("out");
  const CommandResult first = run(2, output);
  ASSERT_EQ(first.exitStatus, 0) << first.describe();
  ASSERT_TRUE(fs::is_regular_file(checkpointPath(output, kShortSteps))) << first.describe();

  const auto finished = directoryContents(output);
  const CommandResult again = run(3, output);
  EXPECT_EQ(again.exitStatus, 0) << again.describe();
  EXPECT_NE(again.all().find("nothing to do"), std::string::npos) << again.describe();
  EXPECT_TRUE(directoryContents(output) == finished) << "a run with nothing to do changed " << output;

  const CommandResult extended = run(3, output, longer);
  ASSERT_EQ(extended.exitStatus, 0) << extended.describe();
  EXPECT_NE(extended.all().find("continuing from " + checkpointPath(output, kShortSteps).string()), std::string::npos)
      << extended.describe();
  EXPECT_EQ(finalDigest(extended.out), straight.digest) << extended.describe();
  const CommandResult same = compareRuns(at("straight"), output);
  EXPECT_EQ(same.exitStatus, 0) << same.describe();
}

// (e) --restart never refuses to overwrite checkpoints; --restart FILE starts from that file.
TEST_F(CheckpointedRun, RestartNeverWithCheckpointsIsRefusedAndChangesNothing) {
  const fs::path output = at("out");
  ASSERT_NO_FATAL_FAILURE(finishedRun(output));
  const auto before = directoryContents(output);
  for (const int ranks : {0, 2}) {
    SCOPED_TRACE(std::to_string(ranks) + " ranks (0: no mpiexec)");
    const CommandResult result = run(ranks, output, {"--restart", "never", "--set", "run.steps=40000"});
    EXPECT_EQ(result.exitStatus, 2) << result.describe();
    EXPECT_NE(result.all().find("never"), std::string::npos) << result.describe();
    EXPECT_TRUE(directoryContents(output) == before) << "--restart never changed " << output;
  }
}

TEST_F(CheckpointedRun, RestartFromAnOlderCheckpointFileEndsIdentical) {
  const fs::path output = at("out");
  ASSERT_NO_FATAL_FAILURE(finishedRun(output));
  const fs::path older = checkpointPath(output, 24000);
  const CommandResult result = run(3, output, {"--restart", older.string()});
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  EXPECT_NE(result.all().find("continuing from " + older.string() + " (step 24000"), std::string::npos)
      << result.describe();
  EXPECT_NE(result.all().find("steps 24001 to 30000"), std::string::npos) << result.describe();
  EXPECT_EQ(finalDigest(result.out), referenceDigest()) << result.describe();
  const CommandResult same = compareRuns(reference(), output);
  EXPECT_EQ(same.exitStatus, 0) << same.describe();
}

TEST_F(CheckpointedRun, RestartFromAMissingOrDamagedFileIsRefusedAndChangesNothing) {
  const fs::path output = at("out");
  ASSERT_NO_FATAL_FAILURE(finishedRun(output));
  const fs::path damaged = at("damaged.h5");
  fs::copy_file(checkpointPath(output, 24000), damaged);
  ASSERT_EQ(corruptCheckpoint(damaged, "flip-road").exitStatus, 0);
  const auto before = directoryContents(output);
  for (const fs::path& file : {at("no-such-checkpoint.h5"), damaged, at("config.yaml")}) {
    SCOPED_TRACE(file.string());
    const CommandResult result = run(0, output, {"--restart", file.string()});
    EXPECT_EQ(result.exitStatus, 2) << result.describe();
    EXPECT_NE(result.all().find(file.string()), std::string::npos) << result.describe();
    EXPECT_TRUE(directoryContents(output) == before) << "--restart " << file << " changed " << output;
  }
}

// (f) A final checkpoint that cannot be written (past a file-size limit) fails the run with exit
// status 1 and a message naming it and the newest intact checkpoint, which stays valid: the run
// later goes on from it.
class WriteFailure : public CheckpointedRun, public ::testing::WithParamInterface<int> {};

TEST_P(WriteFailure, FailsWithExitStatusOneAndLeavesThePreviousCheckpointValid) {
  const int ranks = GetParam();
  const fs::path output = at("out");
  const CommandResult first = run(ranks, output, {"--set", "run.steps=10000"});
  ASSERT_EQ(first.exitStatus, 0) << first.describe();
  const fs::path previous = checkpointPath(output, 10000);
  ASSERT_TRUE(fs::is_regular_file(previous));
  const std::string previousBytes = readFile(previous);

  // A limit a little below a checkpoint's size (a 125 kB road aligned at 1 MiB), which the time
  // series, the space-time window and the log of 2,000 more steps stay below. Open MPI's
  // shared-memory segments (PMIx's store, the vader transport) are files too: without them MPI
  // starts under the limit.
  const std::uintmax_t limitKiB = fs::file_size(previous) / 1024 - 8;
  std::vector<std::string> command{
      "/bin/bash", "-c",
      "ulimit -f " + std::to_string(limitKiB) + " && export PMIX_MCA_gds=hash OMPI_MCA_btl=self,tcp && exec \"$@\"",
      "bash"};
  const std::vector<std::string> convoy = runCommandLine(ranks, output, {"--set", "run.steps=12000"});
  command.insert(command.end(), convoy.begin(), convoy.end());
  const CommandResult failed = runCommand(command, work(), std::chrono::seconds(120));
  EXPECT_FALSE(failed.timedOut) << failed.describe();
  EXPECT_EQ(failed.exitStatus, 1) << "a failed final checkpoint must end the run with exit status 1:\n"
                                  << failed.describe();
  EXPECT_NE(failed.all().find("checkpoint_000000012000.h5"), std::string::npos)
      << "the error does not name the checkpoint that could not be written:\n"
      << failed.describe();
  EXPECT_NE(failed.all().find("the newest intact checkpoint is " + previous.string()), std::string::npos)
      << "the error does not name the newest intact checkpoint:\n"
      << failed.describe();
  EXPECT_FALSE(fs::exists(checkpointPath(output, 12000))) << "a checkpoint that failed was put in place";
  EXPECT_EQ(readFile(output / "run.status").substr(0, 2), "1 ") << "run.status does not record the failure";
  for (const auto& entry : fs::directory_iterator(output / "checkpoints")) {
    EXPECT_FALSE(entry.path().string().ends_with(".tmp")) << "left behind: " << entry.path();
  }

  // The previous checkpoint is untouched and verifies.
  ASSERT_TRUE(fs::is_regular_file(previous));
  EXPECT_TRUE(readFile(previous) == previousBytes) << previous << " was changed";
  const CommandResult inspected = runCommand(convoyCommand({"inspect", previous.string()}), work());
  EXPECT_EQ(inspected.exitStatus, 0) << inspected.describe();
  EXPECT_NE(inspected.out.find("matches"), std::string::npos) << inspected.describe();

  // Without the limit the run goes on from it and ends as the straight run does.
  const CommandResult resumed = run(ranks, output);
  ASSERT_EQ(resumed.exitStatus, 0) << resumed.describe();
  EXPECT_NE(resumed.all().find("continuing from " + previous.string()), std::string::npos) << resumed.describe();
  EXPECT_EQ(finalDigest(resumed.out), referenceDigest()) << resumed.describe();
  const CommandResult same = compareRuns(reference(), output);
  EXPECT_EQ(same.exitStatus, 0) << same.describe();
}

INSTANTIATE_TEST_SUITE_P(Ranks, WriteFailure, ::testing::Values(0, 2), [](const ::testing::TestParamInfo<int>& param) {
  return param.param == 0 ? std::string("OneRankWithoutMpiexec") : std::to_string(param.param) + "RanksUnderMpiexec";
});

// ---------------------------------------------------------------------------------------------------
// (g) Signals as they really come: copies of one request within a few seconds (Slurm signals every
// process, the launcher passes it on again) are one request; a later second SIGINT aborts at once and
// says so; a signal from the first instant of a rank's life stops it cleanly.

// docs/output.md: copies of a stop request within this many seconds of the first are the same request.
constexpr double kRepeatSeconds = 3.0;

std::string signalName(int signal) {
  return signal == SIGTERM ? "SIGTERM" : signal == SIGINT ? "SIGINT" : signal == SIGUSR1 ? "SIGUSR1" : "a signal";
}

std::map<int, pid_t> ranksByNumber(const fs::path& output) {
  std::map<int, pid_t> ranks;
  for (const auto& [pid, rank] : convoyRanks(output)) ranks[rank] = pid;
  return ranks;
}

void expectNoTemporaryFiles(const fs::path& output) {
  for (const char* folder : {"checkpoints", "snapshots"}) {
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(output / folder, error)) {
      EXPECT_FALSE(entry.path().string().ends_with(".tmp")) << "left behind: " << entry.path();
    }
  }
}

TEST_F(RestartTest, SigtermsInQuickSuccessionAreOneRequestAndStopWithACheckpoint) {
  writeRestartConfig(work(), kEndlessSteps);
  const fs::path output = at("out");
  Background process(runCommandLine(2, output), work(), output);
  ASSERT_TRUE(waitForText(output / "run.log", kLoopStarted, 1, process)) << process.wait().describe();
  // As Slurm does at a time limit: every process, and the launcher's copy right after.
  const std::map<int, pid_t> ranks = ranksByNumber(output);
  ASSERT_EQ(ranks.size(), 2u);
  for (const auto& [rank, pid] : ranks) ::kill(pid, SIGTERM);
  std::this_thread::sleep_for(10ms);
  for (const auto& [rank, pid] : ranks) ::kill(pid, SIGTERM);
  const CommandResult result = process.wait(std::chrono::seconds(60));
  EXPECT_FALSE(result.timedOut) << result.describe();
  EXPECT_EQ(result.exitStatus, 75) << "two SIGTERMs 10 ms apart must be one request:\n" << result.describe();
  const std::optional<std::uint64_t> step = stopStep(result.all());
  ASSERT_TRUE(step.has_value()) << result.describe();
  EXPECT_TRUE(fs::is_regular_file(checkpointPath(output, *step))) << result.describe();
  EXPECT_EQ(readFile(output / "run.status").substr(0, 3), "75 ") << readFile(output / "run.status");
  expectNoTemporaryFiles(output);
}

TEST_F(RestartTest, ASecondSigintMoreThanAFewSecondsLaterEndsTheRunAtOnceAndSaysSo) {
  writeRestartConfig(work(), kEndlessSteps);
  const fs::path output = at("out");
  Background process(runCommandLine(2, output), work(), output);
  ASSERT_TRUE(waitForText(output / "run.log", kLoopStarted, 1, process)) << process.wait().describe();
  const std::map<int, pid_t> ranks = ranksByNumber(output);
  ASSERT_EQ(ranks.size(), 2u);
  // Rank 1 held still: no meeting of the ranks can complete, so the first SIGINT cannot be obeyed
  // (whatever the speed of the machine) and rank 0 is still there for the second.
  ::kill(ranks.at(1), SIGSTOP);
  ::kill(ranks.at(0), SIGINT);
  std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(kRepeatSeconds * 1000) + 500));
  ::kill(ranks.at(0), SIGINT);
  std::this_thread::sleep_for(200ms);
  ::kill(ranks.at(1), SIGCONT);
  const CommandResult result = process.wait(std::chrono::seconds(60));
  EXPECT_FALSE(result.timedOut) << "the run went on after a second SIGINT:\n" << result.describe();
  EXPECT_NE(result.exitStatus, 0) << result.describe();
  EXPECT_NE(result.exitStatus, 75) << result.describe();
  EXPECT_TRUE(checkpointSteps(output).empty()) << "a checkpoint was written:\n" << result.describe();
  EXPECT_NE(result.err.find("a second SIGINT"), std::string::npos) << "the abort was not announced:\n"
                                                                   << result.describe();
  EXPECT_NE(readFile(output / "run.log").find("a second SIGINT"), std::string::npos)
      << "run.log does not say the run was aborted:\n"
      << readFile(output / "run.log");
}

// The signal mask of a process: whether it has a handler for `signal` (/proc/<pid>/status SigCgt).
bool catches(pid_t pid, int signal) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("SigCgt:", 0) == 0) return ((std::stoull(line.substr(7), nullptr, 16) >> (signal - 1)) & 1) != 0;
  }
  return false;
}

TEST_F(RestartTest, SignalsFromTheFirstInstantOfARankStopItCleanly) {
  writeRestartConfig(work(), kEndlessSteps);
  int attempt = 0;
  for (const int signal : {SIGTERM, SIGINT, SIGUSR1}) {
    for (const int ranks : {1, 2}) {
      SCOPED_TRACE(signalName(signal) + " to " + std::to_string(ranks) + " rank(s)");
      const fs::path output = at("out" + std::to_string(++attempt));
      Background process(runCommandLine(ranks, output), work(), output);
      // Each rank is signalled the moment it has its handler, while MPI is still starting.
      std::set<pid_t> signalled;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (static_cast<int>(signalled.size()) < ranks && !process.finished() &&
             std::chrono::steady_clock::now() < deadline) {
        for (const auto& [pid, rank] : convoyRanks(output)) {
          if (!signalled.count(pid) && catches(pid, signal)) {
            ::kill(pid, signal);
            signalled.insert(pid);
          }
        }
        std::this_thread::sleep_for(100us);
      }
      ASSERT_EQ(static_cast<int>(signalled.size()), ranks) << "the ranks never had their handlers";
      const CommandResult result = process.wait(std::chrono::seconds(60));
      EXPECT_FALSE(result.timedOut) << result.describe();
      EXPECT_EQ(result.exitStatus, 75) << result.describe();
      const std::optional<std::uint64_t> step = stopStep(result.all());
      ASSERT_TRUE(step.has_value()) << result.describe();
      EXPECT_TRUE(fs::is_regular_file(checkpointPath(output, *step))) << result.describe();
    }
  }
}

}  // namespace
}  // namespace convoy::e2e
