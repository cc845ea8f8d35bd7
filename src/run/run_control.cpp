#include "convoy/run/run_control.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdlib>

#include "convoy/core/counted.hpp"
#include "convoy/core/packed_road.hpp"
#include "convoy/io/checkpoint.hpp"
#include "convoy/run/stop_decisions.hpp"
#include "convoy/run/stop_requests.hpp"

namespace convoy {
namespace {

// Until the first checkpoint is measured: written, read back to verify, at this rate.
constexpr double kAssumedBytesPerSecond = 100e6;

std::string rate(std::uint64_t bytes, double seconds) {
  return seconds > 0 ? fmt::format("{:.3g} MB/s", static_cast<double>(bytes) / 1e6 / seconds) : "-";
}

}  // namespace

RunControl::RunControl(const Comm& comm, const Config& config, Simulation& simulation, RunOutputs& outputs,
                       double secondsBeforeLoop, std::string newestCheckpoint)
    : comm_(comm),
      config_(config),
      simulation_(simulation),
      outputs_(outputs),
      secondsBeforeLoop_(comm.broadcast(secondsBeforeLoop)),
      newestCheckpoint_(std::move(newestCheckpoint)),
      checkpointSeconds_(1.0 +
                         2.0 * static_cast<double>(packed::wordsFor(config.road.cells) * 8) / kAssumedBytesPerSecond) {
  simulation.setStopVote([this] {
    if (stop::launcherGone()) {
      // No launcher to end the job: its other ranks may be gone too, so no collective call is safe.
      spdlog::error("the launcher that started this rank has gone (killed?); ending at once, without a checkpoint");
      spdlog::default_logger()->flush();
      std::_Exit(static_cast<int>(ExitCode::RuntimeFailure));
    }
    return stop::localVote(comm_.isRoot(), config_.output.directory);
  });
  simulation.onSync([this](const SyncPoint& point) { return keepGoing(point); });
  // Meetings at every multiple of every_steps, where keepGoing writes the checkpoint.
  simulation.atEveryMultipleOf(config.checkpoint.everySteps, [](std::uint64_t) {});
  if (config.run.maxHours > 0) {
    spdlog::info(
        "wall-time budget {:.4g} h ({:.0f} s, {:.1f} s used before the first step): convoy stops with a "
        "checkpoint when less than {}x (time to the next meeting of the ranks + a checkpoint's time, "
        "now estimated {:.1f} s), and at least {:.0f} s, is left",
        config.run.maxHours, config.run.maxHours * 3600, secondsBeforeLoop_, decide::kSafetyFactor, checkpointSeconds_,
        decide::kMinimumMarginSeconds);
  }
}

std::string RunControl::whereToContinue() const {
  if (newestCheckpoint_.empty()) return "there is no checkpoint yet: the same command starts the run afresh";
  return "the newest intact checkpoint is " + newestCheckpoint_ +
         ": once the cause is mended, run the same command again to continue from it";
}

double RunControl::stopMargin(const SyncPoint& point) const {
  return decide::stopMargin(point.secondsPerSync, checkpointSeconds_);
}

std::string RunControl::stopReason(const SyncPoint& point) const {
  const decide::WallTime budget{config_.run.maxHours, secondsBeforeLoop_};
  const double margin = stopMargin(point);
  switch (decide::stopCause(point.stopVotes, stop::kStopFileVote, budget, point.elapsedSeconds, margin)) {
    case decide::StopCause::Signal:
      return "a stop signal" + (stop::requestedSignal() ? " (" + stop::signalName(stop::requestedSignal()) + ")"
                                                        : std::string(" on another rank"));
    case decide::StopCause::StopFile:
      return "a STOP file in " + config_.output.directory;
    case decide::StopCause::WallTime:
      return fmt::format("the wall-time budget: {:.1f} s of {:.4g} h left, less than the margin of {:.1f} s",
                         budget.secondsLeft(point.elapsedSeconds), config_.run.maxHours, margin);
    case decide::StopCause::None:
      break;
  }
  return "";
}

bool RunControl::checkpoint(const SyncPoint& point, bool periodic) {
  io::CheckpointWrite written;
  try {
    // The series on disk are never behind a checkpoint, also after a crash of the node.
    outputs_.flush(h5::Durability::Disk);
    io::CheckpointState state;
    state.step = point.step;
    state.timeseriesEvery = config_.output.timeseriesEvery;
    state.openRow = *point.openRow;
    state.timeseries = outputs_.timeseriesMark();
    state.spacetime = outputs_.spacetimeMark();
    written = io::writeCheckpoint(comm_, config_.output.directory, simulation_.road(), outputs_.identity(),
                                  physicsHash(config_), state, config_.checkpoint.keep, hdf5Settings(config_));
  } catch (const RuntimeError& error) {
    // Every rank fails alike: the checkpoint write shares its failures.
    if (!periodic) throw RuntimeError(std::string(error.what()) + "; " + whereToContinue(), ErrorScope::AllRanks);
    if (comm_.isRoot()) {
      spdlog::warn(
          "the checkpoint of step {} was not written ({}); the run goes on, and the next checkpoint tries "
          "again",
          point.step, error.what());
    }
    return false;
  }
  newestCheckpoint_ = written.path;
  checkpointSeconds_ = written.seconds;
  ++checkpointsWritten_;
  spdlog::info("checkpoint of step {}: {} written in {:.3f} s ({}) and verified in {:.3f} s: {} (digest {:016x})",
               point.step, counted(written.bytes, "byte"), written.writeSeconds,
               rate(written.bytes, written.writeSeconds), written.verifySeconds, written.path, written.digest);
  if (!measured_ && config_.run.maxHours > 0) {
    spdlog::info("stop margin now {:.1f} s (measured checkpoint time {:.3f} s)", stopMargin(point), written.seconds);
  }
  measured_ = true;
  return true;
}

bool RunControl::keepGoing(const SyncPoint& point) {
  const std::string reason = point.finished ? "" : stopReason(point);
  const bool final = point.finished || !reason.empty();
  if (decide::checkpointDue(final, point.step, config_.checkpoint.everySteps, config_.checkpoint.everyMinutes,
                            point.elapsedSeconds, lastCheckpointAt_)) {
    checkpoint(point, !final);
    lastCheckpointAt_ = point.elapsedSeconds;
  }
  if (reason.empty()) return true;
  if (point.stopVotes >= stop::kStopFileVote && comm_.isRoot()) stop::consumeStopFile(config_.output.directory);
  if (comm_.isRoot()) {
    spdlog::warn(
        "stopping at step {} of {} because of {}; the checkpoint is written: run the same command again to "
        "continue (exit status 75)",
        point.step, config_.run.steps, reason);
  }
  stoppedEarly_ = true;
  stopReason_ = reason;
  return false;
}

}  // namespace convoy
