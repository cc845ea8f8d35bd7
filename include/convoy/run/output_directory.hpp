// The run's output directory (docs/output.md): checked, created, and given
// the resolved config, by rank 0, with any problem shared so every rank stops together.
#pragma once

#include <filesystem>

#include "convoy/config/config.hpp"
#include "convoy/core/error.hpp"
#include "convoy/parallel/comm.hpp"

namespace convoy {

// Collective. Refuses (InputError, nothing touched) a directory that holds a run of different
// physics; otherwise creates it, removes what a killed segment left behind (the temporary files of
// snapshots and checkpoints, the MPI-IO lock files of older versions) and writes config.yaml
// (through a temporary file and a rename).
void prepareOutputDirectory(const Comm& comm, const Config& config);

// Rank 0: records how this segment ended in run.status, one line "<exit status> <word> <text>"
// (0 finished, 75 stopped, 1 failed), for job scripts: a launcher's own exit status can differ
// from convoy's (mpirun killed by a signal reports 1 for ranks that stopped cleanly with 75).
// Never throws (a full disk must not hide the real failure).
void recordSegmentEnd(const Comm& comm, const Config& config, ExitCode code, const std::string& text);

std::filesystem::path configFilePath(const Config& config);
std::filesystem::path logFilePath(const Config& config);
std::filesystem::path statusFilePath(const Config& config);

}  // namespace convoy
