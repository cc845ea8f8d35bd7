#include "convoy/run/stop_decisions.hpp"

#include <algorithm>

namespace convoy::decide {

double stopMargin(double secondsPerSync, double checkpointSeconds) {
  return std::max(kMinimumMarginSeconds, kSafetyFactor * (secondsPerSync + checkpointSeconds));
}

StopCause stopCause(std::int64_t stopVotes, std::int64_t stopFileVote, const WallTime& budget, double elapsedSeconds,
                    double margin) {
  if (stopVotes % stopFileVote != 0) return StopCause::Signal;
  if (stopVotes >= stopFileVote) return StopCause::StopFile;
  if (budget.maxHours > 0 && budget.secondsLeft(elapsedSeconds) < margin) return StopCause::WallTime;
  return StopCause::None;
}

bool checkpointDue(bool final, std::uint64_t step, std::uint64_t everySteps, double everyMinutes, double elapsedSeconds,
                   double lastCheckpointSeconds) {
  if (final) return true;
  if (everySteps > 0 && step % everySteps == 0) return true;
  return everyMinutes > 0 && elapsedSeconds - lastCheckpointSeconds >= everyMinutes * 60;
}

}  // namespace convoy::decide
