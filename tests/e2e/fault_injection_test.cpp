// docs/output.md: a crash at any moment leaves the previous checkpoint valid, and on restart the
// series files are cut back to the checkpoint's rows, so no row is lost or doubled. Runs with frequent checkpoints are
// killed (SIGKILL to every rank and to mpiexec) at random instants, some of them timed to fall while a checkpoint is
// being written, and restarted on a random number of ranks, again and again, until they reach the end; each must then
// be identical to a straight run of the same config, and no restart may ever have met a damaged checkpoint.
//
// The instants come from a seeded generator; the seed is printed, and CONVOY_FAULT_SEED=<seed>
// repeats a sequence. Both models are run: rule 184, and the Nagel-Schreckenberg model, whose
// checkpoints also hold the velocities and whose braking depends on the step number; each on the
// ring and on an open road, where cars enter and leave by keyed draws and the car count changes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <iostream>
#include <random>
#include <set>
#include <thread>

#include "restart_support.hpp"

namespace convoy::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The two models: rule 184 (a checkpoint every 6,000 steps, a few dozen a second, two kept) and the
// Nagel-Schreckenberg model, whose state also holds velocities (fewer, slower steps). The killed
// launches run an endless run (kEndlessSteps), so that every kill lands, however fast the machine:
// none can finish first. The launch after the last kill finishes the run at the first multiple of
// the snapshot interval past everything on disk; one straight run, to the furthest of those ends, is
// the reference for all of them.
struct FaultCase {
  const char* name;
  std::string extraConfig;
  std::vector<std::string> sets = {};  // --set options of every launch (keys of the road: section)
};
const FaultCase kRule184{"Rule184", "checkpoint:\n  every_steps: 6000\n  keep: 2\n"};
const char* const kNaschConfig =
    "checkpoint:\n  every_steps: 300\n  keep: 2\nmodel:\n  type: nasch\n  vmax: 5\n  p_brake: 0.25\n";
const FaultCase kNasch{"Nasch", kNaschConfig};
// An open road: cars come and go (the draws at the ends, the car counts of rows left open across
// restarts), NaSch and rule 184.
const std::vector<std::string> kOpenEnds{"--set", "road.boundary=open", "--set", "road.alpha=0.6",
                                         "--set", "road.beta=0.4"};
const FaultCase kOpenNasch{"OpenNasch", kNaschConfig, kOpenEnds};
const FaultCase kOpenRule184{"OpenRule184", "checkpoint:\n  every_steps: 2000\n  keep: 2\n", kOpenEnds};
constexpr std::uint64_t kSnapshotEvery = 10000;
constexpr int kKillsWanted = 30;

std::string snapshotName(std::uint64_t step) {
  std::string digits = std::to_string(step);
  digits.insert(0, 12 - digits.size(), '0');
  return "snapshot_" + digits + ".h5";
}
// Kills that left a checkpoint half written (its .tmp file) wanted at least, to be sure that the
// moment that matters most was hit.
constexpr int kMidWriteKillsWanted = 3;
// After this many kills a run is left to finish, so that every run ends.
constexpr int kMaxKillsPerRun = 10;
constexpr int kMaxRuns = 15;

std::uint64_t chooseSeed() {
  if (const char* text = std::getenv("CONVOY_FAULT_SEED"); text != nullptr && *text != '\0') {
    return std::stoull(text);
  }
  return std::random_device{}();
}

// Watches `directory` for files created in it, or written to (inotify).
class FileWatch {
 public:
  FileWatch(const fs::path& directory, std::uint32_t events) {
    fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd_ >= 0) watch_ = ::inotify_add_watch(fd_, directory.c_str(), events);
  }
  ~FileWatch() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileWatch(const FileWatch&) = delete;
  FileWatch& operator=(const FileWatch&) = delete;
  bool ok() const { return fd_ >= 0 && watch_ >= 0; }
  // The names of the files of the events since the last call (a name once per event).
  std::vector<std::string> newFiles() {
    std::vector<std::string> names;
    alignas(inotify_event) std::array<char, 4096> buffer{};
    for (;;) {
      const ssize_t length = ::read(fd_, buffer.data(), buffer.size());
      if (length <= 0) return names;
      for (ssize_t at = 0; at < length;) {
        const auto* event = reinterpret_cast<const inotify_event*>(buffer.data() + at);
        const std::string name = event->len > 0 ? std::string(event->name) : std::string();
        if (!name.empty()) names.push_back(name);
        at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      }
    }
  }

 private:
  int fd_ = -1;
  int watch_ = -1;
};

// Whether one of `names`, files this launch created in the checkpoints folder, is still there as a
// temporary file: the kill came while a checkpoint was being written or verified.
bool leftHalfWritten(const fs::path& output, const std::set<std::string>& names) {
  for (const auto& name : names) {
    if (name.ends_with(".tmp") && fs::exists(output / "checkpoints" / name)) return true;
  }
  return false;
}

// The highest step of a complete state file (checkpoint or snapshot) in `output`.
std::uint64_t newestStateOnDisk(const fs::path& output) {
  std::uint64_t newest = 0;
  for (const char* folder : {"checkpoints", "snapshots"}) {
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(output / folder, error)) {
      const std::string name = entry.path().filename().string();
      const std::size_t underscore = name.rfind('_');
      if (!name.ends_with(".h5") || underscore == std::string::npos || name.size() != underscore + 1 + 12 + 3) continue;
      newest = std::max<std::uint64_t>(newest, std::stoull(name.substr(underscore + 1, 12)));
    }
  }
  return newest;
}

// Kills timed on writes of the series files wanted at least, so that kills during their flushes are
// among them.
constexpr int kSeriesKillsWanted = 3;

struct Totals {
  int kills = 0;
  int midWriteKills = 0;  // kills that left a checkpoint's .tmp behind
  int seriesKills = 0;    // kills 0 to 0.5 ms after a write to timeseries.h5 or spacetime.h5
  int launches = 0;
};

bool isSeriesFile(const std::string& name) { return name == "timeseries.h5" || name == "spacetime.h5"; }

class FaultInjection : public ::testing::TestWithParam<FaultCase> {};

TEST_P(FaultInjection, RunsKilledAtRandomInstantsAndRestartedEndIdenticalToAStraightRun) {
  const FaultCase& model = GetParam();
  const std::uint64_t seed = chooseSeed();
  std::cout << "fault-injection seed " << seed << " (repeat with CONVOY_FAULT_SEED=" << seed << ")\n";
  ::testing::Test::RecordProperty("CONVOY_FAULT_SEED", std::to_string(seed));
  std::mt19937_64 random(seed);
  auto uniform = [&](int low, int high) { return std::uniform_int_distribution<int>(low, high)(random); };

  TemporaryDirectory work;
  writeRestartConfig(work.path(), kEndlessSteps, model.extraConfig, kSnapshotEvery);

  Totals totals;
  struct Finished {
    fs::path output;
    std::uint64_t steps;
    std::string digest;
    std::string history;
  };
  std::vector<Finished> finished;
  const auto start = std::chrono::steady_clock::now();
  for (int runIndex = 1; runIndex <= kMaxRuns; ++runIndex) {
    if (totals.kills >= kKillsWanted && totals.midWriteKills >= kMidWriteKillsWanted &&
        totals.seriesKills >= kSeriesKillsWanted) {
      break;
    }
    SCOPED_TRACE("run " + std::to_string(runIndex) + " (seed " + std::to_string(seed) + ")");
    const fs::path output = work.path() / ("killed-" + std::to_string(runIndex));
    // Made beforehand so that it can be watched from the first checkpoint on.
    fs::create_directories(output / "checkpoints");
    FileWatch watch(output / "checkpoints", IN_CREATE);
    FileWatch seriesWatch(output, IN_MODIFY);
    ASSERT_TRUE(watch.ok() && seriesWatch.ok()) << "inotify on " << output;

    int killsThisRun = 0;
    std::string history;
    CommandResult last;
    for (;;) {
      const int ranks = uniform(1, 3);
      const bool spare = killsThisRun >= kMaxKillsPerRun;
      // A third of the kills at a random instant from the launch (start-up, reading the checkpoint,
      // stepping, writing); a third timed from the n-th file the launch creates in the checkpoints
      // folder, 0 to 3 ms into the checkpoint's write, verification and rename; a third 0 to 0.5 ms
      // after the n-th write to a series file (timeseries.h5, spacetime.h5), inside its flushes.
      const int mode = uniform(0, 2);
      const bool atCheckpoint = mode == 1;
      const bool atSeriesWrite = mode == 2;
      const auto delay = std::chrono::microseconds(uniform(0, 1500000));
      const int nthCheckpoint = uniform(1, 8);
      const auto intoWrite = std::chrono::microseconds(uniform(0, 3000));
      const int nthSeriesWrite = uniform(1, 200);
      const auto intoFlush = std::chrono::microseconds(uniform(0, 500));

      watch.newFiles();  // forget earlier launches
      seriesWatch.newFiles();
      // The last launch of a run finishes it past every state file the killed ones left.
      const std::uint64_t finalSteps = (newestStateOnDisk(output) / kSnapshotEvery + 1) * kSnapshotEvery;
      std::vector<std::string> more = model.sets;
      if (spare) more.insert(more.end(), {"--set", "run.steps=" + std::to_string(finalSteps)});
      Background process(runCommandLine(ranks, output, more), work.path(), output);
      ++totals.launches;
      std::set<std::string> created;
      int seriesWrites = 0;
      bool due = false;
      while (!spare && !due && !process.finished()) {
        for (auto& name : watch.newFiles()) created.insert(std::move(name));
        for (const auto& name : seriesWatch.newFiles()) seriesWrites += isSeriesFile(name) ? 1 : 0;
        if (atCheckpoint && static_cast<int>(created.size()) >= nthCheckpoint) {
          std::this_thread::sleep_for(intoWrite);
          due = true;
        } else if (atSeriesWrite && seriesWrites >= nthSeriesWrite) {
          std::this_thread::sleep_for(intoFlush);
          due = true;
        } else if (mode == 0 && process.elapsed() >= delay) {
          due = true;
        } else {
          std::this_thread::sleep_for(mode == 0 ? 1ms : 50us);
        }
      }
      if (!spare && !due) {
        ADD_FAILURE() << "an endless launch ended by itself:\n" << history << process.wait().describe();
        return;
      }
      const bool killed = due && !process.finished();
      if (killed) {
        last = process.killEverything();
        for (auto& name : watch.newFiles()) created.insert(std::move(name));
        ++totals.kills;
        ++killsThisRun;
        const bool midWrite = leftHalfWritten(output, created);
        totals.midWriteKills += midWrite ? 1 : 0;
        totals.seriesKills += atSeriesWrite ? 1 : 0;
        history += "  " + std::to_string(ranks) + " ranks: killed " +
                   (atCheckpoint ? "at checkpoint write " + std::to_string(nthCheckpoint) + " + " +
                                       std::to_string(intoWrite.count()) + " us"
                    : atSeriesWrite ? "at series write " + std::to_string(nthSeriesWrite) + " + " +
                                          std::to_string(intoFlush.count()) + " us"
                                    : "after " + std::to_string(delay.count() / 1000) + " ms") +
                   (midWrite ? " (a checkpoint left half written)" : "") + "\n";
      } else {
        last = process.wait(std::chrono::seconds(120));
        history += "  " + std::to_string(ranks) + " ranks: exit status " + std::to_string(last.exitStatus) + "\n";
      }
      // A checkpoint under its final name is always complete: no restart may find one damaged.
      EXPECT_EQ(last.all().find("is not valid"), std::string::npos)
          << "a restart met a damaged checkpoint after SIGKILLs:\n"
          << history << last.describe();
      if (killed) continue;
      if (last.exitStatus == 0 && !last.timedOut) {
        finished.push_back({output, finalSteps, finalDigest(last.out), history});
        break;
      }
      ADD_FAILURE() << "a launch ended with exit status " << last.exitStatus << ":\n" << history << last.describe();
      return;
    }
    // The launch after the kills removed what they left half-written.
    for (const char* folder : {"checkpoints", "snapshots"}) {
      std::error_code error;
      for (const auto& entry : fs::directory_iterator(output / folder, error)) {
        EXPECT_FALSE(entry.path().string().ends_with(".tmp")) << "left behind after the run finished: " << entry.path();
      }
    }
    std::cout << "run " << runIndex << ": " << killsThisRun << " kills, then finished at step " << finished.back().steps
              << "\n"
              << history;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << totals.kills << " kills (" << totals.midWriteKills << " during a checkpoint write, "
            << totals.seriesKills << " during writes of the series) in " << totals.launches << " launches, " << seconds
            << " s\n";
  EXPECT_GE(totals.kills, kKillsWanted);
  EXPECT_GE(totals.midWriteKills, kMidWriteKillsWanted);
  EXPECT_GE(totals.seriesKills, kSeriesKillsWanted);

  // The reference: one straight run to the furthest end. Each finished run must equal it up to its
  // own end: time series, space-time window and every snapshot, including the one of its last step,
  // whose digest is the run's final digest.
  std::uint64_t furthest = 0;
  for (const Finished& run : finished) furthest = std::max(furthest, run.steps);
  const fs::path reference = work.path() / "straight";
  std::vector<std::string> straightSets = model.sets;
  straightSets.insert(straightSets.end(), {"--set", "run.steps=" + std::to_string(furthest)});
  const StraightRun straight = runStraight(work.path(), reference, straightSets);
  ASSERT_EQ(straight.result.exitStatus, 0) << straight.result.describe();
  for (const Finished& run : finished) {
    SCOPED_TRACE(run.output.string() + ", finished at step " + std::to_string(run.steps));
    const CommandResult same = compareRuns(reference, run.output, run.steps);
    EXPECT_EQ(same.exitStatus, 0) << run.history << same.describe();
    const CommandResult inspected = runCommand(
        convoyCommand({"inspect", (reference / "snapshots" / snapshotName(run.steps)).string()}), work.path());
    EXPECT_NE(inspected.out.find("digest: " + run.digest + " stored"), std::string::npos)
        << "the run's final digest " << run.digest << " is not the straight run's at step " << run.steps << ":\n"
        << inspected.describe();
    std::cout << "  " << same.out;
  }
}

INSTANTIATE_TEST_SUITE_P(Models, FaultInjection, ::testing::Values(kRule184, kNasch, kOpenNasch, kOpenRule184),
                         [](const ::testing::TestParamInfo<FaultCase>& param) {
                           return std::string(param.param.name);
                         });

}  // namespace
}  // namespace convoy::e2e
