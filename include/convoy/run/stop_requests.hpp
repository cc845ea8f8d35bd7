// Requests to stop a run early that arrive from outside: signals (what Slurm sends before a job's
// time limit with --signal) and a STOP file in the output directory. The signal handler only records
// the signal; the ranks agree on stopping at their next regular meeting.
#pragma once

#include <cstdint>
#include <string>

namespace convoy::stop {

// SIGTERM, SIGINT and SIGUSR1 request a stop with a checkpoint. Copies of the request that arrive
// within kRepeatSeconds of the first (Slurm signals every process of a job, and the launcher passes
// the signal on again) are the same request; a SIGINT or SIGTERM that comes later ends the process
// at once, without a checkpoint, saying so on stderr and in run.log. SIGXFSZ is ignored, so that a
// write past a file-size limit fails with an error instead of killing the process. Installed first
// thing in main, before MPI starts, so that no signal finds a rank without its handler.
inline constexpr double kRepeatSeconds = 3.0;
void installSignalHandlers();
// Where the abort message also goes (rank 0's run.log, once it is open).
void setAbortLog(const std::string& path);
// Whether the launcher that started this rank (mpirun, orted, slurmstepd: its parent) has gone, as
// when it was killed with SIGKILL: such a rank would otherwise run on with no one to stop it.
bool launcherGone();
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
