#include "restart_support.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace fs = std::filesystem;

namespace convoy::e2e {
namespace {

using namespace std::chrono_literals;

std::string readIfThere(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  if (file) text << file.rdbuf();
  return text.str();
}

// The NUL-separated strings of /proc/<pid>/<what>.
std::vector<std::string> procStrings(pid_t pid, const char* what) {
  const std::string text = readIfThere(fs::path("/proc") / std::to_string(pid) / what);
  std::vector<std::string> strings;
  std::string current;
  for (const char c : text) {
    if (c == '\0') {
      strings.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) strings.push_back(current);
  return strings;
}

const fs::path& convoyBinary() {
  static const fs::path binary = fs::canonical(CONVOY_BINARY);
  return binary;
}

fs::path compareScript() { return sourceDirectory() / "tests" / "e2e" / "compare_runs.py"; }

}  // namespace

void writeRestartConfig(const fs::path& work, std::uint64_t steps, const std::string& extra,
                        std::uint64_t snapshotEvery) {
  writeFile(work / "config.yaml",
            "road:\n"
            "  cells: 1000017\n"
            "init:\n"
            "  density: 0.52\n"
            "  seed: 2024\n"
            "run:\n"
            "  steps: " +
                std::to_string(steps) +
                "\n"
                "output:\n"
                "  directory: out\n"
                "  timeseries_every: " +
                std::to_string(kRowEvery) +
                "\n"
                "  detectors: [0, 333331, 1000016]\n"
                "  snapshot_every: " +
                std::to_string(snapshotEvery) +
                "\n"
                "  profile_bins: 64\n"
                "  spacetime:\n"  // a window across the end of the ring, sampled at steps 7 rarely divides
                "    start: 999917\n"
                "    width: 300\n"
                "    every: 5\n"
                "logging:\n"
                "  progress_seconds: 0.1\n" +
                extra);
}

std::vector<std::string> runCommandLine(int ranks, const fs::path& output, const std::vector<std::string>& more) {
  std::vector<std::string> arguments{"run", "config.yaml", "--output", output.string()};
  arguments.insert(arguments.end(), more.begin(), more.end());
  return ranks == 0 ? convoyCommand(arguments) : mpiConvoyCommand(ranks, arguments);
}

Background::Background(const std::vector<std::string>& argv, const fs::path& workingDirectory,
                       const fs::path& outputDirectory)
    : outputDirectory_(outputDirectory), start_(std::chrono::steady_clock::now()) {
  static int launches = 0;
  const std::string stem = "launch-" + std::to_string(::getpid()) + "-" + std::to_string(++launches);
  stdoutFile_ = workingDirectory / (stem + ".out");
  stderrFile_ = workingDirectory / (stem + ".err");
  std::vector<char*> arguments;
  for (const auto& argument : argv) arguments.push_back(const_cast<char*>(argument.c_str()));
  arguments.push_back(nullptr);
  const std::string directory = workingDirectory.string();
  const std::string outPath = stdoutFile_.string();
  const std::string errPath = stderrFile_.string();

  pid_ = ::fork();
  if (pid_ < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid_ == 0) {
    ::setpgid(0, 0);
    const int out = ::open(outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int in = ::open("/dev/null", O_RDONLY);
    if (out < 0 || err < 0 || in < 0) ::_exit(126);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    ::dup2(in, STDIN_FILENO);
    if (::chdir(directory.c_str()) != 0) ::_exit(126);
    ::execvp(arguments[0], arguments.data());
    ::_exit(127);
  }
  ::setpgid(pid_, pid_);
}

Background::~Background() {
  if (!reaped_) killEverything();
}

bool Background::finished() {
  if (reaped_) return true;
  const pid_t done = ::waitpid(pid_, &status_, WNOHANG);
  if (done == pid_) reaped_ = true;
  return reaped_;
}

CommandResult Background::collect() {
  CommandResult result;
  if (WIFEXITED(status_)) result.exitStatus = WEXITSTATUS(status_);
  if (WIFSIGNALED(status_)) result.exitStatus = 128 + WTERMSIG(status_);
  result.out = readIfThere(stdoutFile_);
  result.err = readIfThere(stderrFile_);
  return result;
}

CommandResult Background::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!finished()) {
    if (std::chrono::steady_clock::now() > deadline) {
      CommandResult result = killEverything();
      result.timedOut = true;
      return result;
    }
    std::this_thread::sleep_for(5ms);
  }
  // The launcher is gone; ranks it left behind (it should leave none) must not outlive the test.
  for (const auto& [pid, rank] : convoyRanks(outputDirectory_)) ::kill(pid, SIGKILL);
  return collect();
}

CommandResult Background::killEverything() {
  // The ranks first: a rank that outlived its launcher could go on and write.
  for (const auto& [pid, rank] : convoyRanks(outputDirectory_)) ::kill(pid, SIGKILL);
  if (!reaped_) {
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
  }
  // Ranks the launcher was starting while the others died.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  for (auto left = convoyRanks(outputDirectory_); !left.empty(); left = convoyRanks(outputDirectory_)) {
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("convoy ranks survive SIGKILL");
    for (const auto& [pid, rank] : left) ::kill(pid, SIGKILL);
    std::this_thread::sleep_for(2ms);
  }
  return collect();
}

std::map<pid_t, int> convoyRanks(const fs::path& outputDirectory) {
  std::map<pid_t, int> ranks;
  const std::string wanted = outputDirectory.string();
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = std::stoi(name);
    std::error_code linkError;
    // A zombie has no executable any more; it cannot run or write.
    if (fs::read_symlink(entry.path() / "exe", linkError) != convoyBinary() || linkError) continue;
    bool mine = false;
    for (const auto& argument : procStrings(pid, "cmdline")) mine = mine || argument == wanted;
    if (!mine) continue;
    int rank = -1;
    for (const auto& variable : procStrings(pid, "environ")) {
      if (variable.rfind("OMPI_COMM_WORLD_RANK=", 0) == 0) rank = std::stoi(variable.substr(21));
    }
    ranks[pid] = rank;
  }
  return ranks;
}

bool waitForText(const fs::path& file, const std::string& fragment, std::size_t count, Background& process,
                 std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (countOccurrences(readIfThere(file), fragment) >= count) return true;
    if (process.finished()) return countOccurrences(readIfThere(file), fragment) >= count;
    std::this_thread::sleep_for(2ms);
  }
  return false;
}

std::string finalDigest(const std::string& text) {
  static const std::regex line(R"(state digest ([0-9a-f]{16}))");
  std::string digest;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), line); it != std::sregex_iterator(); ++it) {
    digest = (*it)[1];
  }
  return digest;
}

std::optional<std::uint64_t> stopStep(const std::string& text) {
  static const std::regex line(R"(stopping at step (\d+))");
  std::optional<std::uint64_t> step;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), line); it != std::sregex_iterator(); ++it) {
    step = std::stoull((*it)[1]);
  }
  return step;
}

std::vector<std::uint64_t> checkpointSteps(const fs::path& output) {
  static const std::regex name(R"(checkpoint_(\d{12})\.h5)");
  std::vector<std::uint64_t> steps;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(output / "checkpoints", error)) {
    std::smatch match;
    const std::string file = entry.path().filename().string();
    if (std::regex_match(file, match, name)) steps.push_back(std::stoull(match[1]));
  }
  std::sort(steps.begin(), steps.end());
  return steps;
}

fs::path checkpointPath(const fs::path& output, std::uint64_t step) {
  std::string digits = std::to_string(step);
  digits.insert(0, 12 - digits.size(), '0');
  return output / "checkpoints" / ("checkpoint_" + digits + ".h5");
}

CommandResult compareRuns(const fs::path& reference, const fs::path& candidate, std::optional<std::uint64_t> upto) {
  std::vector<std::string> argv{CONVOY_PYTHON, compareScript().string(), "compare", reference.string(),
                                candidate.string()};
  if (upto) {
    argv.push_back("--upto");
    argv.push_back(std::to_string(*upto));
  }
  return runCommand(argv, reference.parent_path(), std::chrono::seconds(120));
}

CommandResult corruptCheckpoint(const fs::path& file, const std::string& mode) {
  return runCommand({CONVOY_PYTHON, compareScript().string(), "corrupt", file.string(), mode}, file.parent_path());
}

std::map<std::string, std::string> directoryContents(const fs::path& directory) {
  std::map<std::string, std::string> contents;
  for (const auto& entry : fs::recursive_directory_iterator(directory)) {
    const std::string relative = fs::relative(entry.path(), directory).string();
    contents[relative] = entry.is_regular_file() ? readFile(entry.path()) : "(directory)";
  }
  return contents;
}

StraightRun runStraight(const fs::path& work, const fs::path& output, const std::vector<std::string>& more) {
  StraightRun run;
  run.result = runCommand(runCommandLine(0, output, more), work, std::chrono::seconds(120));
  run.digest = finalDigest(run.result.out);
  return run;
}

PiecewiseRun runInPiecesAndStraight(const fs::path& work, std::uint64_t stopAt, RankCounts ranks,
                                    std::chrono::seconds timeout) {
  PiecewiseRun run{work / "pieces", work / "straight", {}, {}};
  const CommandResult first = runCommand(
      runCommandLine(ranks.first, run.pieces, {"--set", "run.steps=" + std::to_string(stopAt)}), work, timeout);
  if (first.exitStatus != 0) {
    run.failure = "the first piece failed: " + first.describe();
    return run;
  }
  const CommandResult second = runCommand(runCommandLine(ranks.second, run.pieces), work, timeout);
  if (second.exitStatus != 0 || second.all().find("continuing from") == std::string::npos) {
    run.failure = "the second piece did not continue from the first: " + second.describe();
    return run;
  }
  run.whole = runCommand(runCommandLine(ranks.straight, run.straight), work, timeout);
  if (run.whole.exitStatus != 0) run.failure = "the straight run failed: " + run.whole.describe();
  return run;
}

}  // namespace convoy::e2e
