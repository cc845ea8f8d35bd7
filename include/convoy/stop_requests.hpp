// Requests to stop a run early that arrive from outside: signals (what Slurm sends before a job's
// time limit with --signal) and a STOP file in the output directory. The signal handler only records
// the signal; the ranks agree on stopping at their next regular meeting.
#pragma once

#include <cstdint>
#include <string>

namespace convoy::stop {

// SIGTERM, SIGINT and SIGUSR1 request a stop with a checkpoint; a second SIGINT or SIGTERM ends the
// process at once, without one. SIGXFSZ is ignored, so that a write past a file-size limit fails
// with an error instead of killing the process.
void installSignalHandlers();
// The signal that requested a stop, or 0.
int requestedSignal();

// A rank's vote at a meeting of the ranks: 1 for a signal it received, kStopFileVote (rank 0) for a
// STOP file. The sum over the ranks says whether and why to stop.
inline constexpr std::int64_t kStopFileVote = std::int64_t{1} << 32;
std::int64_t localVote(bool isRoot, const std::string& outputDirectory);

// Removes the STOP file once it has been obeyed, so that running the same command again continues.
void consumeStopFile(const std::string& outputDirectory);

std::string signalName(int signal);

}  // namespace convoy::stop
