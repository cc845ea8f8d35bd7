#include "convoy/stop_requests.hpp"

#include <csignal>
#include <cstring>
#include <filesystem>

namespace convoy::stop {
namespace {

volatile std::sig_atomic_t gRequested = 0;

extern "C" void onSignal(int signal) {
  if (gRequested != 0 && (signal == SIGINT || signal == SIGTERM)) {
    // The second interrupt: the user means it. End now, as the default action would.
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return;
  }
  gRequested = signal;
}

std::filesystem::path stopFile(const std::string& outputDirectory) {
  return std::filesystem::path(outputDirectory) / "STOP";
}

}  // namespace

void installSignalHandlers() {
  struct sigaction action {};
  action.sa_handler = onSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (const int signal : {SIGTERM, SIGINT, SIGUSR1}) sigaction(signal, &action, nullptr);
  // Past a file-size limit (ulimit -f) a write should fail with an error convoy reports (exit 1),
  // not kill the process mid-checkpoint.
  std::signal(SIGXFSZ, SIG_IGN);
}

int requestedSignal() { return gRequested; }

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
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGUSR1: return "SIGUSR1";
    default: return "signal " + std::to_string(signal);
  }
}

}  // namespace convoy::stop
