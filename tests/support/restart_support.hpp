// Helpers of the checkpoint/restart end-to-end tests (restart_test, fault_injection_test): the run
// they share, convoy launched in the background so that a test can stop or kill it mid-run, the
// processes of a run's ranks, and the comparison of a restarted run with a straight one
// (compare_runs.py, with h5py).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "e2e_support.hpp"

namespace convoy::e2e {

// The run of these tests: a 1,000,017-cell ring (the last 64-bit word is partly padding), a row every
// 7 steps with three detectors (the first cell, one inside, the last), a snapshot every
// `snapshotEvery` steps, and the ranks meeting about every 0.1 s (logging.progress_seconds). Stops
// land at steps that 7 rarely divides, so rows are left open across restarts. A space-time window
// of 300 cells across the end of the ring is recorded every 5 steps. Written to
// `work`/config.yaml; `steps` is run.steps, `extra` more YAML appended (a checkpoint section).
constexpr std::uint64_t kRowEvery = 7;
// A run.steps no test run reaches (10^12 steps of 10^6 cells): a segment of such a run ends only when
// it is stopped or killed, however fast the machine and the kernel are. Tests then finish the run
// with a smaller run.steps (which may change between segments) and compare it with a straight run
// of that many steps, made afterwards.
constexpr std::uint64_t kEndlessSteps = 1000000000000;
void writeRestartConfig(const std::filesystem::path& work, std::uint64_t steps, const std::string& extra = "",
                        std::uint64_t snapshotEvery = 10000);

// The convoy command line `convoy run config.yaml --output <output> <more>` on `ranks` ranks: under
// mpiexec, or alone when `ranks` is 0 (one rank, no launcher).
std::vector<std::string> runCommandLine(int ranks, const std::filesystem::path& output,
                                        const std::vector<std::string>& more = {});

// A command running in the background in its own process group, its stdout and stderr going to
// files. The destructor kills whatever is left of it (and of the convoy ranks of `output`).
class Background {
 public:
  Background(const std::vector<std::string>& argv, const std::filesystem::path& workingDirectory,
             const std::filesystem::path& outputDirectory);
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  pid_t pid() const { return pid_; }
  // True once the command has ended (reaped).
  bool finished();
  // Waits for the end, at most `timeout` (then kills it: timedOut set), and returns what it printed.
  CommandResult wait(std::chrono::milliseconds timeout = std::chrono::seconds(120));
  // Sends SIGKILL to every convoy rank of the output directory and to the launcher's process group,
  // and waits until none of them is left.
  CommandResult killEverything();
  std::chrono::duration<double> elapsed() const { return std::chrono::steady_clock::now() - start_; }

 private:
  CommandResult collect();
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  std::filesystem::path stdoutFile_, stderrFile_, outputDirectory_;
  std::chrono::steady_clock::time_point start_;
};

// The running convoy processes (ranks) whose command line names `outputDirectory`: pid -> MPI rank
// (-1 if not started by mpiexec).
std::map<pid_t, int> convoyRanks(const std::filesystem::path& outputDirectory);

// Waits until `file` holds `fragment` at least `count` times (true), or `process` ends or `timeout`
// passes (false).
bool waitForText(const std::filesystem::path& file, const std::string& fragment, std::size_t count, Background& process,
                 std::chrono::milliseconds timeout = std::chrono::seconds(60));

// The marker convoy logs once the step loop of a segment started (after its signal handlers are
// installed): a stop request sent after it is obeyed.
inline constexpr const char* kLoopStarted = "cars (density";  // "road of N cells with C cars (density D) ..."

// The hexadecimal digest of the last "state digest HEX" line of `text`, or "".
std::string finalDigest(const std::string& text);
// The step of the last "stopping at step N" line, if any.
std::optional<std::uint64_t> stopStep(const std::string& text);
// The steps of the checkpoints in `output`/checkpoints (complete files only), ascending.
std::vector<std::uint64_t> checkpointSteps(const std::filesystem::path& output);
std::filesystem::path checkpointPath(const std::filesystem::path& output, std::uint64_t step);

// compare_runs.py compare `reference` `candidate` [--upto step]: exit 0 when identical.
CommandResult compareRuns(const std::filesystem::path& reference, const std::filesystem::path& candidate,
                          std::optional<std::uint64_t> upto = std::nullopt);
// compare_runs.py corrupt `file` `mode`.
CommandResult corruptCheckpoint(const std::filesystem::path& file, const std::string& mode);

// Every file below `directory` with its bytes: to show that a refused run changed nothing.
std::map<std::string, std::string> directoryContents(const std::filesystem::path& directory);

// A straight run of `work`/config.yaml on one rank into `output`, asserted to succeed; its digest.
struct StraightRun {
  CommandResult result;
  std::string digest;
};
StraightRun runStraight(const std::filesystem::path& work, const std::filesystem::path& output,
                        const std::vector<std::string>& more = {});

// `work`/config.yaml run twice: in pieces, stopped at step `stopAt` (--set run.steps=) on
// `ranks.first` ranks and continued to its end on `ranks.second`, into `work`/pieces; and straight
// on `ranks.straight` ranks into `work`/straight. `failure` is empty when every launch succeeded
// and the second piece continued from the first; else it describes the launch that did not.
struct RankCounts {
  int first = 3;
  int second = 2;
  int straight = 4;
};
struct PiecewiseRun {
  std::filesystem::path pieces, straight;
  CommandResult whole;  // the straight run
  std::string failure;
};
PiecewiseRun runInPiecesAndStraight(const std::filesystem::path& work, std::uint64_t stopAt, RankCounts ranks = {},
                                    std::chrono::seconds timeout = std::chrono::seconds(180));

}  // namespace convoy::e2e
