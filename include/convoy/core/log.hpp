// Logging with spdlog. Rank 0 logs to the console and, once the output directory exists, to run.log;
// other ranks log only warnings and errors, prefixed with their rank.
#pragma once

#include <filesystem>
#include <string>

namespace convoy {

// Installs the default logger for the MPI rank `rank`. `level` is one of trace, debug, info, warn, error.
void setupLogging(int rank, const std::string& level);
// Changes the level (rank 0 logs from `level` up; the others never below warn).
void setLogLevel(int rank, const std::string& level);
// Adds run.log (appended across runs) to rank 0's logger.
void addLogFile(int rank, const std::filesystem::path& logFile);

}  // namespace convoy
