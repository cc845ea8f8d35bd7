#include "convoy/run/stop_requests.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>

namespace convoy::stop {
namespace {

volatile std::sig_atomic_t gRequested = 0;
std::atomic<std::int64_t> gFirstAtMilliseconds{0};  // lock-free, so the handler may use it
std::atomic<int> gAbortLog{-1};
// The handler may not format: its messages are made when it is installed.
char gAbortInterrupt[256];
char gAbortTerminate[256];

std::int64_t nowMilliseconds() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);  // async-signal-safe
  return static_cast<std::int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

void writeAll(int fd, const char* text) {
  for (std::size_t left = std::strlen(text); left > 0;) {
    const ssize_t written = ::write(fd, text, left);
    if (written <= 0) return;
    text += written;
    left -= static_cast<std::size_t>(written);
  }
}

extern "C" void onSignal(int signal) {
  const std::int64_t now = nowMilliseconds();
  if (gRequested == 0) {
    gFirstAtMilliseconds = now;
    gRequested = signal;
    return;
  }
  if (signal == SIGUSR1 || now - gFirstAtMilliseconds < static_cast<std::int64_t>(kRepeatSeconds * 1000)) return;
  // A later interrupt: the user means it. Say so, then end as the default action would.
  const char* message = signal == SIGINT ? gAbortInterrupt : gAbortTerminate;
  writeAll(STDERR_FILENO, message);
  if (const int log = gAbortLog; log >= 0) writeAll(log, message);
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

void prepareMessages() {
  const char* rank = std::getenv("OMPI_COMM_WORLD_RANK");
  if (rank == nullptr) rank = std::getenv("PMI_RANK");
  if (rank == nullptr) rank = std::getenv("SLURM_PROCID");
  const std::string who = rank != nullptr ? std::string("rank ") + rank : std::string("convoy");
  for (auto [buffer, name] : {std::pair{gAbortInterrupt, "SIGINT"}, std::pair{gAbortTerminate, "SIGTERM"}}) {
    const std::string text = std::string("[convoy abort] ") + who + ": a second " + name +
                             ", more than 3 s after the first: ending at once, without a checkpoint (the newest "
                             "checkpoint is intact; run the same command again to continue from it)\n";
    std::strncpy(buffer, text.c_str(), sizeof(gAbortInterrupt) - 1);
  }
}

// The parent at start, when a launcher started the process (0 otherwise: a rank run alone may be
// left by its shell, nohup, and go on).
const pid_t gLauncher = std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr ||
                                std::getenv("SLURM_STEP_ID") != nullptr
                            ? ::getppid()
                            : 0;

std::filesystem::path stopFile(const std::string& outputDirectory) {
  return std::filesystem::path(outputDirectory) / "STOP";
}

}  // namespace

void installSignalHandlers() {
  prepareMessages();
  struct sigaction action {};
  action.sa_handler = onSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (const int signal : {SIGTERM, SIGINT, SIGUSR1}) sigaction(signal, &action, nullptr);
  // Past a file-size limit (ulimit -f) a write should fail with an error convoy reports (exit 1),
  // not kill the process mid-checkpoint.
  std::signal(SIGXFSZ, SIG_IGN);
}

void setAbortLog(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd >= 0) gAbortLog = fd;
}

int requestedSignal() { return gRequested; }

bool launcherGone() { return gLauncher != 0 && ::getppid() != gLauncher; }

std::int64_t localVote(bool isRoot, const std::string& outputDirectory) {
  std::int64_t vote = gRequested != 0 ? 1 : 0;
  std::error_code error;
  if (isRoot && std::filesystem::exists(stopFile(outputDirectory), error)) vote += kStopFileVote;
  return vote;
}

void consumeStopFile(const std::string& outputDirectory) {
  std::error_code error;
  std::filesystem::remove(stopFile(outputDirectory), error);
}

std::string signalName(int signal) {
  switch (signal) {
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
    case SIGUSR1:
      return "SIGUSR1";
    default:
      return "signal " + std::to_string(signal);
  }
}

}  // namespace convoy::stop
