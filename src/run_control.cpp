#include "convoy/run_control.hpp"

#include <spdlog/spdlog.h>

#include <cmath>

#include "convoy/io/checkpoint.hpp"
#include "convoy/packed_road.hpp"
#include "convoy/stop_requests.hpp"

namespace convoy {
namespace {

// The stop margin is this many times the time to the next meeting plus a checkpoint's time, so a
// slow step or a slow file system does not make the job overrun.
constexpr double kSafetyFactor = 2.0;
constexpr double kMinimumMarginSeconds = 10.0;
// Until the first checkpoint is measured: written, read back to verify, at this rate.
constexpr double kAssumedBytesPerSecond = 100e6;

}  // namespace

RunControl::RunControl(const Comm& comm, const Config& config, Simulation& simulation, io::RunOutputs& outputs,
                       double secondsBeforeLoop)
    : comm_(comm),
      config_(config),
      simulation_(simulation),
      outputs_(outputs),
      secondsBeforeLoop_(std::stod(comm.broadcastFromRoot(fmt::format("{:.17g}", secondsBeforeLoop)))),
      checkpointSeconds_(1.0 + 2.0 * static_cast<double>(packed::wordsFor(config.road.cells) * 8) /
                                   kAssumedBytesPerSecond) {
  stop::installSignalHandlers();
  simulation.setStopVote([this] { return stop::localVote(comm_.isRoot(), config_.output.directory); });
  simulation.onSync([this](const SyncPoint& point) { return keepGoing(point); });
  // Meetings at every multiple of every_steps, where keepGoing writes the checkpoint.
  simulation.atEveryMultipleOf(config.checkpoint.everySteps, [](std::uint64_t) {});
  if (config.run.maxHours > 0) {
    spdlog::info("wall-time budget {:.4g} h ({:.0f} s, {:.1f} s used before the first step): convoy stops with a "
                 "checkpoint when less than {}x (time to the next meeting of the ranks + a checkpoint's time, "
                 "now estimated {:.1f} s), and at least {:.0f} s, is left",
                 config.run.maxHours, config.run.maxHours * 3600, secondsBeforeLoop_, kSafetyFactor,
                 checkpointSeconds_, kMinimumMarginSeconds);
  }
}

double RunControl::stopMargin(const SyncPoint& point) const {
  return std::max(kMinimumMarginSeconds, kSafetyFactor * (point.secondsPerSync + checkpointSeconds_));
}

std::string RunControl::stopReason(const SyncPoint& point) const {
  if (point.stopVotes % stop::kStopFileVote != 0) {
    return "a stop signal" + (stop::requestedSignal() ? " (" + stop::signalName(stop::requestedSignal()) + ")"
                                                        : std::string(" on another rank"));
  }
  if (point.stopVotes >= stop::kStopFileVote) return "a STOP file in " + config_.output.directory;
  if (config_.run.maxHours > 0) {
    const double left = config_.run.maxHours * 3600 - secondsBeforeLoop_ - point.elapsedSeconds;
    const double margin = stopMargin(point);
    if (left < margin) {
      return fmt::format("the wall-time budget: {:.1f} s of {:.4g} h left, less than the margin of {:.1f} s", left,
                         config_.run.maxHours, margin);
    }
  }
  return "";
}

void RunControl::checkpoint(const SyncPoint& point) {
  outputs_.flush();  // the time series on disk is never behind a checkpoint
  io::CheckpointState state;
  state.step = point.step;
  state.timeseriesEvery = config_.output.timeseriesEvery;
  state.rows = outputs_.rows();
  state.openRow = *point.openRow;
  const io::CheckpointWrite written =
      io::writeCheckpoint(comm_, config_.output.directory, simulation_.road(), outputs_.identity(),
                          physicsHash(config_), state, config_.checkpoint.keep, io::hdf5Settings(config_));
  checkpointSeconds_ = written.seconds;
  const double megabytes = static_cast<double>(packed::wordsFor(config_.road.cells) * 8) / 1e6;
  spdlog::info("checkpoint of step {} written and verified in {:.3f} s ({:.0f} MB/s): {} (digest {:016x})",
               point.step, written.seconds, 2 * megabytes / written.seconds, written.path, written.digest);
  if (!measured_ && config_.run.maxHours > 0) {
    spdlog::info("stop margin now {:.1f} s (measured checkpoint time {:.3f} s)", stopMargin(point), written.seconds);
  }
  measured_ = true;
}

bool RunControl::keepGoing(const SyncPoint& point) {
  const std::string reason = point.finished ? "" : stopReason(point);
  const double minutes = config_.checkpoint.everyMinutes;
  const bool due = point.finished || !reason.empty() ||
                   (config_.checkpoint.everySteps > 0 && point.step % config_.checkpoint.everySteps == 0) ||
                   (minutes > 0 && point.elapsedSeconds - lastCheckpointAt_ >= minutes * 60);
  if (due) {
    checkpoint(point);
    lastCheckpointAt_ = point.elapsedSeconds;
  }
  if (reason.empty()) return true;
  if (point.stopVotes >= stop::kStopFileVote && comm_.isRoot()) stop::consumeStopFile(config_.output.directory);
  if (comm_.isRoot()) {
    spdlog::warn("stopping at step {} of {} because of {}; the checkpoint is written: run the same command again to "
                 "continue (exit status 75)",
                 point.step, config_.run.steps, reason);
  }
  stoppedEarly_ = true;
  return false;
}

}  // namespace convoy
