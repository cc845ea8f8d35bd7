// Logging with spdlog. Rank 0 logs to the console and, once the output directory exists, to run.log;
// other ranks log only warnings and errors, prefixed with their rank.
#pragma once

#include <filesystem>
#include <string>

#include "convoy/comm.hpp"

namespace convoy {

// Installs the default logger for this rank. `level` is one of trace, debug, info, warn, error.
void setupLogging(const Comm& comm, const std::string& level);
// Changes the level (rank 0 logs from `level` up; the others never below warn).
void setLogLevel(const Comm& comm, const std::string& level);
// Adds run.log (appended across runs) to rank 0's logger.
void addLogFile(const Comm& comm, const std::filesystem::path& logFile);

}  // namespace convoy
