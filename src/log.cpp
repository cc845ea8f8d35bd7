#include "convoy/log.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "convoy/error.hpp"

namespace convoy {

void setupLogging(const Comm& comm, const std::string& level) {
  spdlog::sink_ptr console;
  if (comm.isRoot()) {
    console = std::make_shared<spdlog::sinks::stdout_color_sink_mt>();
    console->set_pattern("[%H:%M:%S %l] %v");
  } else {
    console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    console->set_pattern("[%H:%M:%S %l] [rank " + std::to_string(comm.rank()) + "] %v");
  }
  auto logger = std::make_shared<spdlog::logger>("convoy", console);
  const spdlog::level::level_enum wanted = spdlog::level::from_str(level);
  logger->set_level(comm.isRoot() ? wanted : std::max(wanted, spdlog::level::warn));
  logger->flush_on(spdlog::level::info);  // a killed job keeps every line it logged
  spdlog::set_default_logger(logger);
}

void addLogFile(const Comm& comm, const std::filesystem::path& logFile) {
  if (!comm.isRoot()) return;
  try {
    auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(logFile.string(), /*truncate=*/false);
    file->set_pattern("[%Y-%m-%d %H:%M:%S.%e %l] %v");
    spdlog::default_logger()->sinks().push_back(file);
  } catch (const spdlog::spdlog_ex& error) {
    throw RuntimeError("cannot open the log file " + logFile.string() + ": " + error.what());
  }
}

}  // namespace convoy
