// The decisions of RunControl as pure functions of values every rank shares (the reduced stop votes,
// rank 0's clock, the config): whether a checkpoint is due and whether, and why, to stop. Kept apart
// from the I/O so that they are tested alone (tests/unit/stop_decisions_test.cpp).
#pragma once

#include <cstdint>

namespace convoy::decide {

// The stop margin is this many times the time to the next meeting of the ranks plus a checkpoint's
// time, and at least kMinimumMarginSeconds, so a slow step or a slow file system does not make the
// job overrun.
inline constexpr double kSafetyFactor = 2.0;
inline constexpr double kMinimumMarginSeconds = 10.0;

double stopMargin(double secondsPerSync, double checkpointSeconds);

// The wall-time budget (run.max_hours; 0: none), counted from the start of the job.
struct WallTime {
  double maxHours = 0.0;
  double secondsBeforeLoop = 0.0;  // used before the first step
  // Seconds left when the loop has run `elapsedSeconds`.
  double secondsLeft(double elapsedSeconds) const { return maxHours * 3600 - secondsBeforeLoop - elapsedSeconds; }
};

enum class StopCause { None, Signal, StopFile, WallTime };

// Why to stop at a meeting: `stopVotes` is the sum of the ranks' votes (1 per rank that received a
// signal, stop::kStopFileVote for a STOP file seen by rank 0); a signal goes before a STOP file,
// which goes before the budget.
StopCause stopCause(std::int64_t stopVotes, std::int64_t stopFileVote, const WallTime& budget, double elapsedSeconds,
                    double margin);

// Whether a checkpoint is written at a meeting: always when the run ends there (`final`: finished
// or stopping), at every multiple of `everySteps` (0: never), and when `everyMinutes` (0: never) of
// the loop's time have passed since the last one.
bool checkpointDue(bool final, std::uint64_t step, std::uint64_t everySteps, double everyMinutes, double elapsedSeconds,
                   double lastCheckpointSeconds);

}  // namespace convoy::decide
