#include "convoy/core/log.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "convoy/core/error.hpp"

namespace convoy {
namespace {

// Rank 0's console: information on stdout, warnings and errors on stderr, so that the output of
// `convoy validate > resolved.yaml` stays clean YAML.
class ConsoleSink : public spdlog::sinks::sink {
 public:
  void log(const spdlog::details::log_msg& message) override {
    (message.level >= spdlog::level::warn ? errors_ : information_)->log(message);
  }
  void flush() override {
    information_->flush();
    errors_->flush();
  }
  void set_pattern(const std::string& pattern) override {
    information_->set_pattern(pattern);
    errors_->set_pattern(pattern);
  }
  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
    information_->set_formatter(formatter->clone());
    errors_->set_formatter(std::move(formatter));
  }

 private:
  spdlog::sink_ptr information_ = std::make_shared<spdlog::sinks::stdout_color_sink_mt>();
  spdlog::sink_ptr errors_ = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
};

}  // namespace

void setupLogging(int rank, const std::string& level) {
  spdlog::sink_ptr console;
  if (rank == 0) {
    console = std::make_shared<ConsoleSink>();
    console->set_pattern("[%H:%M:%S %l] %v");
  } else {
    console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    console->set_pattern("[%H:%M:%S %l] [rank " + std::to_string(rank) + "] %v");
  }
  auto logger = std::make_shared<spdlog::logger>("convoy", console);
  logger->flush_on(spdlog::level::info);  // a killed job keeps every line it logged
  spdlog::set_default_logger(logger);
  setLogLevel(rank, level);
}

void setLogLevel(int rank, const std::string& level) {
  const spdlog::level::level_enum wanted = spdlog::level::from_str(level);
  spdlog::set_level(rank == 0 ? wanted : std::max(wanted, spdlog::level::warn));
}

void addLogFile(int rank, const std::filesystem::path& logFile) {
  if (!rank == 0) return;
  try {
    auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(logFile.string(), /*truncate=*/false);
    file->set_pattern("[%Y-%m-%d %H:%M:%S.%e %l] %v");
    spdlog::default_logger()->sinks().push_back(file);
  } catch (const spdlog::spdlog_ex& error) {
    throw RuntimeError("cannot open the log file " + logFile.string() + ": " + error.what());
  }
}

}  // namespace convoy
