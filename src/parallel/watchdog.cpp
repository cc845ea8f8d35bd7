#include "convoy/parallel/watchdog.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "convoy/core/error.hpp"
#include "convoy/parallel/comm.hpp"

namespace convoy {
namespace {

using Clock = std::chrono::steady_clock;

struct Section {
  std::string what;
  std::vector<std::string> debris;
  Clock::time_point lastProgress;
};

// One thread per process, started with the first timeout set, that looks at the open sections once
// a second.
class Watchdog {
 public:
  static Watchdog& instance() {
    static Watchdog watchdog;
    return watchdog;
  }
  ~Watchdog() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  void setTimeout(double seconds) {
    const std::lock_guard lock(mutex_);
    timeout_ = seconds;
    if (seconds > 0 && !thread_.joinable()) thread_ = std::thread([this] { watch(); });
  }
  std::size_t open(std::string what, std::vector<std::string> debris) {
    const std::lock_guard lock(mutex_);
    sections_[++nextId_] = Section{std::move(what), std::move(debris), Clock::now()};
    return nextId_;
  }
  void progress(std::size_t id) {
    const std::lock_guard lock(mutex_);
    if (auto found = sections_.find(id); found != sections_.end()) found->second.lastProgress = Clock::now();
  }
  void close(std::size_t id) {
    const std::lock_guard lock(mutex_);
    sections_.erase(id);
  }

 private:
  void watch() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      wake_.wait_for(lock, std::chrono::seconds(1));
      if (stopping_ || timeout_ <= 0) continue;
      for (const auto& [id, section] : sections_) {
        const double idle = std::chrono::duration<double>(Clock::now() - section.lastProgress).count();
        if (idle >= timeout_) endJob(section, idle);
      }
    }
  }

  [[noreturn]] static void endJob(const Section& section, double idle) {
    spdlog::critical(
        "{} made no progress for {:.0f} s (output.io_timeout_minutes): the file system does not "
        "answer. Ending the job (exit status 1) rather than waiting until the allocation runs out; "
        "run the same command again to continue from the newest checkpoint once it answers",
        section.what, idle);
    for (const std::string& path : section.debris) {
      std::error_code error;
      std::filesystem::remove(path, error);
    }
    spdlog::default_logger()->flush();
    abortJob(static_cast<int>(ExitCode::RuntimeFailure));
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
  std::map<std::size_t, Section> sections_;
  std::size_t nextId_ = 0;
  double timeout_ = 0;
  bool stopping_ = false;
};

}  // namespace

void setIoTimeout(double seconds) { Watchdog::instance().setTimeout(seconds); }

WatchedIo::WatchedIo(std::string what, std::vector<std::string> debris)
    : id_(Watchdog::instance().open(std::move(what), std::move(debris))) {}

WatchedIo::~WatchedIo() { Watchdog::instance().close(id_); }

void WatchedIo::progress() { Watchdog::instance().progress(id_); }

}  // namespace convoy
