// I/O failures never hang, and the policy holds (docs/output.md "When the disk fails"): a failed
// snapshot or periodic checkpoint is removed and reported and the run goes on; a final checkpoint,
// or the time series or space-time window that cannot be written, ends the run with exit status 1
// naming the newest intact checkpoint; afterwards the same command finishes the run identical to a
// straight one, and nothing half-written is left.
//
// The failures are real system-call failures made by an LD_PRELOAD library (tests/faults/
// fault_shim.c) on one rank only, at every stage of a state file's life (create, reserve, write,
// close, read-back, rename) and of the series files' writes; and a real full disk, a small tmpfs.
// Every launch runs under a timeout: a hang fails the test.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "restart_support.hpp"

namespace convoy::e2e {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kSteps = 12000;  // checkpoints at 4000 and 8000 (periodic) and 12000 (final)
const std::string kCheckpoints = "checkpoint:\n  every_steps: 4000\n  keep: 3\n";

enum class Expect { GoesOn, FailsNamingNewestCheckpoint };

struct FailureCase {
  const char* name;
  const char* op;    // the shim's CONVOY_FAULT_OP
  const char* path;  // text of the path whose calls fail
  bool onLastRank;   // the last rank (collective calls), else rank 0 (rank 0's own calls)
  long at;           // the first matching call that fails
  int error;         // errno
  Expect expect;
  const char* message;  // what the log must say
  int ranks;
};

std::ostream& operator<<(std::ostream& out, const FailureCase& failure) { return out << failure.name; }

const char* kEnospc = "No space left on device";

const FailureCase kCases[] = {
    {"CheckpointCreate", "create", "checkpoint_000000008000.h5.tmp", false, 1, ENOSPC, Expect::GoesOn, kEnospc, 1},
    {"CheckpointReserve", "reserve", "checkpoint_000000008000.h5.tmp", false, 1, ENOSPC, Expect::GoesOn, kEnospc, 2},
    {"CheckpointAttributes", "write", "checkpoint_000000008000.h5.tmp", false, 1, ENOSPC, Expect::GoesOn,
     "checkpoint_000000008000.h5", 3},
    {"CheckpointWriteOneRank", "write", "checkpoint_000000008000.h5.tmp", true, 1, ENOSPC, Expect::GoesOn,
     "checkpoint_000000008000.h5", 1},
    {"CheckpointWriteLastOfTwo", "write", "checkpoint_000000008000.h5.tmp", true, 1, ENOSPC, Expect::GoesOn,
     "checkpoint_000000008000.h5", 2},
    {"CheckpointWriteLastOfThree", "write", "checkpoint_000000008000.h5.tmp", true, 1, ENOSPC, Expect::GoesOn,
     "checkpoint_000000008000.h5", 3},
    {"CheckpointWriteLastOfFour", "write", "checkpoint_000000008000.h5.tmp", true, 1, ENOSPC, Expect::GoesOn,
     "checkpoint_000000008000.h5", 4},
    {"CheckpointSyncLastOfTwo", "sync", "checkpoint_000000008000.h5.tmp", true, 1, EIO, Expect::GoesOn,
     "checkpoint_000000008000.h5", 2},
    {"TimeseriesSync", "sync", "timeseries.h5", false, 2, EIO, Expect::FailsNamingNewestCheckpoint, "timeseries.h5", 3},
    {"CheckpointReserveClose", "close", "checkpoint_000000008000.h5.tmp", false, 1, EIO, Expect::GoesOn,
     "Input/output error", 4},
    {"CheckpointClose", "close", "checkpoint_000000008000.h5.tmp", false, 2, EIO, Expect::GoesOn,
     "checkpoint_000000008000.h5", 3},
    {"CheckpointReadBack", "read", "checkpoint_000000008000.h5.tmp", true, 1, EIO, Expect::GoesOn,
     "checkpoint_000000008000.h5", 2},
    {"CheckpointRename", "rename", "checkpoint_000000008000.h5.tmp", false, 1, EIO, Expect::GoesOn,
     "Input/output error", 3},
    {"FinalCheckpointWrite", "write", "checkpoint_000000012000.h5.tmp", true, 1, ENOSPC,
     Expect::FailsNamingNewestCheckpoint, "checkpoint_000000012000.h5", 2},
    {"FinalCheckpointReserve", "reserve", "checkpoint_000000012000.h5.tmp", false, 1, EDQUOT,
     Expect::FailsNamingNewestCheckpoint, "Disk quota exceeded", 1},
    {"SnapshotWrite", "write", "snapshot_000000010000.h5.tmp", true, 1, ENOSPC, Expect::GoesOn,
     "snapshot of step 10000", 3},
    {"TimeseriesWrite", "write", "timeseries.h5", false, 40, ENOSPC, Expect::FailsNamingNewestCheckpoint,
     "timeseries.h5", 4},
    {"SpacetimeWrite", "write", "spacetime.h5", false, 10, EIO, Expect::FailsNamingNewestCheckpoint, "spacetime.h5", 2},
};

class IoFailure : public ::testing::TestWithParam<FailureCase> {
 protected:
  static void SetUpTestSuite() {
    shared_ = new TemporaryDirectory;
    writeRestartConfig(shared_->path(), kSteps, kCheckpoints);
    straight_ = new StraightRun(runStraight(shared_->path(), shared_->path() / "straight"));
  }
  static void TearDownTestSuite() {
    delete straight_;
    delete shared_;
  }
  void SetUp() override {
    ASSERT_EQ(straight_->result.exitStatus, 0) << straight_->result.describe();
    writeRestartConfig(work_.path(), kSteps, kCheckpoints);
  }
  static fs::path reference() { return shared_->path() / "straight"; }
  TemporaryDirectory work_;

 private:
  static inline TemporaryDirectory* shared_ = nullptr;
  static inline StraightRun* straight_ = nullptr;
};

void expectNoDebris(const fs::path& output) {
  for (const auto& entry : fs::recursive_directory_iterator(output)) {
    const std::string name = entry.path().filename().string();
    EXPECT_FALSE(name.ends_with(".tmp") || name.ends_with(".lock")) << "left behind: " << entry.path();
  }
}

TEST_P(IoFailure, NeverHangsFollowsThePolicyAndFinishesIdenticalAfterwards) {
  const FailureCase& failure = GetParam();
  const fs::path& work = work_.path();
  const fs::path output = work / "out";
  const fs::path log = work / "faults.log";
  const int rank = failure.onLastRank ? failure.ranks - 1 : 0;
  std::vector<std::string> command{"/usr/bin/env",
                                   std::string("LD_PRELOAD=") + CONVOY_FAULT_SHIM,
                                   std::string("CONVOY_FAULT_OP=") + failure.op,
                                   std::string("CONVOY_FAULT_PATH=") + failure.path,
                                   "CONVOY_FAULT_RANK=" + std::to_string(rank),
                                   "CONVOY_FAULT_AT=" + std::to_string(failure.at),
                                   "CONVOY_FAULT_ERRNO=" + std::to_string(failure.error),
                                   "CONVOY_FAULT_LOG=" + log.string()};
  const std::vector<std::string> convoy = runCommandLine(failure.ranks, output);
  command.insert(command.end(), convoy.begin(), convoy.end());
  const CommandResult failed = runCommand(command, work, std::chrono::seconds(120));
  ASSERT_FALSE(failed.timedOut) << "a hang:\n" << failed.describe();
  ASSERT_TRUE(fs::exists(log)) << "the failure was never made (nothing matched " << failure.path
                               << "): this case tests nothing\n"
                               << failed.describe();
  EXPECT_NE(failed.all().find(failure.message), std::string::npos)
      << "the log does not say '" << failure.message << "':\n"
      << failed.describe();
  expectNoDebris(output);

  if (failure.expect == Expect::GoesOn) {
    // A file whose close failed cannot be cleaned up by HDF5 1.10 at MPI_Finalize: convoy then ends
    // without it, and mpiexec reports 1 for ranks that end so; run.status holds convoy's own status.
    const bool closeFailed = std::string(failure.op) == "close";
    EXPECT_TRUE(failed.exitStatus == 0 || (closeFailed && failed.exitStatus == 1)) << "the run should have gone on:\n"
                                                                                   << failed.describe();
    EXPECT_EQ(readFile(output / "run.status").substr(0, 2), "0 ") << readFile(output / "run.status");
    EXPECT_NE(failed.all().find("the run goes on"), std::string::npos) << failed.describe();
  } else {
    EXPECT_EQ(failed.exitStatus, 1) << failed.describe();
    const std::uint64_t newest = std::string(failure.path).find("checkpoint_000000012000") == 0 ? 8000
                                 : checkpointSteps(output).empty()                              ? 0
                                                                   : checkpointSteps(output).back();
    if (newest > 0) {
      EXPECT_NE(failed.all().find("the newest intact checkpoint is " + checkpointPath(output, newest).string()),
                std::string::npos)
          << failed.describe();
    } else {
      EXPECT_NE(failed.all().find("there is no checkpoint yet"), std::string::npos) << failed.describe();
    }
    EXPECT_EQ(readFile(output / "run.status").substr(0, 2), "1 ");
    // Where to go on from is said once (not again by each layer the failure passes through).
    const std::string status = readFile(output / "run.status");
    EXPECT_EQ(countOccurrences(status, "checkpoint is ") + countOccurrences(status, "no checkpoint yet"), 1u) << status;
    // Once the disk is mended, the same command finishes the run.
    const CommandResult resumed = runCommand(runCommandLine(failure.ranks, output), work, std::chrono::seconds(120));
    ASSERT_EQ(resumed.exitStatus, 0) << resumed.describe();
  }
  // Every checkpoint left is intact; the run is the straight run's (a snapshot that failed aside).
  for (const std::uint64_t step : checkpointSteps(output)) {
    const CommandResult inspected = runCommand(convoyCommand({"inspect", checkpointPath(output, step).string()}), work);
    EXPECT_EQ(inspected.exitStatus, 0) << inspected.describe();
  }
  const fs::path expected = work / "expected";
  fs::copy(reference(), expected, fs::copy_options::recursive);
  if (std::string(failure.path).rfind("snapshot_", 0) == 0) {
    fs::remove(expected / "snapshots" / std::string(failure.path).substr(0, std::string(failure.path).size() - 4));
  }
  const CommandResult same = compareRuns(expected, output);
  EXPECT_EQ(same.exitStatus, 0) << same.describe();
  expectNoDebris(output);
}

// A file system that stops answering: a write on one rank never returns. The I/O watchdog
// (output.io_timeout_minutes) ends the job with a message naming what hung, removes the half-written
// file, and the same command later finishes the run.
TEST_F(IoFailure, AHungWriteEndsTheJobThroughTheWatchdog) {
  const fs::path& work = work_.path();
  const fs::path output = work / "out";
  const fs::path log = work / "faults.log";
  std::vector<std::string> command{"/usr/bin/env",
                                   std::string("LD_PRELOAD=") + CONVOY_FAULT_SHIM,
                                   "CONVOY_FAULT_OP=write",
                                   "CONVOY_FAULT_PATH=checkpoint_000000008000.h5.tmp",
                                   "CONVOY_FAULT_RANK=1",
                                   "CONVOY_FAULT_HANG=1",
                                   "CONVOY_FAULT_LOG=" + log.string()};
  const std::vector<std::string> convoy = runCommandLine(2, output, {"--set", "output.io_timeout_minutes=0.05"});
  command.insert(command.end(), convoy.begin(), convoy.end());
  const auto start = std::chrono::steady_clock::now();
  const CommandResult hung = runCommand(command, work, std::chrono::seconds(120));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(hung.timedOut) << "the watchdog did not end the job:\n" << hung.describe();
  ASSERT_TRUE(fs::exists(log)) << "the write never hung: this case tests nothing\n" << hung.describe();
  EXPECT_NE(hung.exitStatus, 0) << hung.describe();
  EXPECT_NE(hung.all().find("made no progress"), std::string::npos) << hung.describe();
  EXPECT_NE(hung.all().find("checkpoint_000000008000.h5.tmp"), std::string::npos) << hung.describe();
  EXPECT_LT(seconds, 60.0) << "the watchdog took too long";
  expectNoDebris(output);
  const CommandResult resumed = runCommand(runCommandLine(2, output), work, std::chrono::seconds(120));
  ASSERT_EQ(resumed.exitStatus, 0) << resumed.describe();
  const CommandResult same = compareRuns(reference(), output);
  EXPECT_EQ(same.exitStatus, 0) << same.describe();
}

INSTANTIATE_TEST_SUITE_P(Stages, IoFailure, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<FailureCase>& param) {
                           return std::string(param.param.name);
                         });

// A real full disk: a tmpfs too small for the run. Snapshots fill it; then checkpoints and the time
// series cannot be written either. The run ends (exit 1) naming the newest intact checkpoint, never
// hangs, leaves nothing half-written; with space made, the same command finishes it identically.
class FullDisk : public ::testing::TestWithParam<int> {};

TEST_P(FullDisk, EndsCleanlyAndFinishesIdenticalOnceThereIsSpace) {
  const int ranks = GetParam();
  TemporaryDirectory work;
  const fs::path disk = work.path() / "disk";
  fs::create_directories(disk);
  // 1,000,017 cells: 125 kB a state file; at most about 12 of them fit.
  if (::mount("tmpfs", disk.c_str(), "tmpfs", 0, "size=1600k") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno) << "); run the tests as root";
  }
  struct Unmount {
    fs::path path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{disk};
  writeRestartConfig(work.path(), 30000, "checkpoint:\n  every_steps: 3000\n  keep: 2\n", 1000);
  const std::vector<std::string> compact{"--set", "output.hdf5.alignment=4096", "--set", "output.spacetime.width=64",
                                         "--set", "output.spacetime.every=50"};
  const fs::path output = disk / "out";
  const CommandResult failed =
      runCommand(runCommandLine(ranks, output, compact), work.path(), std::chrono::seconds(120));
  ASSERT_FALSE(failed.timedOut) << "a hang on a full disk:\n" << failed.describe();
  EXPECT_EQ(failed.exitStatus, 1) << failed.describe();
  EXPECT_NE(failed.all().find(kEnospc), std::string::npos) << failed.describe();
  EXPECT_NE(failed.all().find("the run goes on"), std::string::npos) << "no failed snapshot was reported:\n"
                                                                     << failed.describe();
  EXPECT_TRUE(failed.all().find("the newest intact checkpoint is") != std::string::npos ||
              failed.all().find("there is no checkpoint yet") != std::string::npos)
      << failed.describe();
  expectNoDebris(output);
  const std::vector<std::uint64_t> checkpoints = checkpointSteps(output);
  ASSERT_FALSE(checkpoints.empty()) << "no checkpoint was written before the disk filled";
  for (const std::uint64_t step : checkpoints) {
    const CommandResult inspected =
        runCommand(convoyCommand({"inspect", checkpointPath(output, step).string()}), work.path());
    EXPECT_EQ(inspected.exitStatus, 0) << inspected.describe();
  }
  // Space made by moving the snapshots away (to the real disk); the same command finishes the run.
  const fs::path keptSnapshots = work.path() / "kept-snapshots";
  fs::create_directories(keptSnapshots);
  for (const auto& entry : fs::directory_iterator(output / "snapshots")) {
    fs::copy_file(entry.path(), keptSnapshots / entry.path().filename());
    fs::remove(entry.path());
  }
  const fs::path finished = work.path() / "finished";
  fs::create_directories(finished);
  // The rest of the run needs more than the tmpfs holds: it goes on in a copy on the real disk.
  fs::copy(output, finished / "out", fs::copy_options::recursive);
  const CommandResult resumed =
      runCommand(runCommandLine(ranks, finished / "out", compact), work.path(), std::chrono::seconds(120));
  ASSERT_EQ(resumed.exitStatus, 0) << resumed.describe();
  EXPECT_NE(resumed.all().find("continuing from"), std::string::npos) << resumed.describe();
  for (const auto& entry : fs::directory_iterator(keptSnapshots)) {
    const fs::path target = finished / "out" / "snapshots" / entry.path().filename();
    if (!fs::exists(target)) fs::copy_file(entry.path(), target);
  }
  const StraightRun straight = runStraight(work.path(), work.path() / "straight", compact);
  ASSERT_EQ(straight.result.exitStatus, 0) << straight.result.describe();
  EXPECT_EQ(finalDigest(resumed.out), straight.digest);
  // The snapshots the full disk cost (reported, not written, and before the step the run went on
  // from: the later ones were written again) are the only difference.
  for (const std::string& line : linesFrom(failed.all(), "the snapshot of step ")) {
    const std::uint64_t step = std::stoull(line.substr(std::string("the snapshot of step ").size()));
    if (step > checkpoints.back()) continue;
    std::string digits = std::to_string(step);
    digits.insert(0, 12 - digits.size(), '0');
    fs::remove(work.path() / "straight" / "snapshots" / ("snapshot_" + digits + ".h5"));
  }
  const CommandResult same = compareRuns(work.path() / "straight", finished / "out");
  EXPECT_EQ(same.exitStatus, 0) << same.describe();
}

INSTANTIATE_TEST_SUITE_P(Ranks, FullDisk, ::testing::Values(1, 2, 3, 4),
                         [](const ::testing::TestParamInfo<int>& param) {
                           return std::to_string(param.param) + "Ranks";
                         });

}  // namespace
}  // namespace convoy::e2e
