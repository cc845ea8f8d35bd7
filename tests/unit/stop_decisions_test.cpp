// RunControl's decisions alone (include/convoy/run/stop_decisions.hpp): when a checkpoint is due and
// whether, and why, a run stops, against the arithmetic of docs/cli.md ("stops when less than twice
// the time to the next meeting and a checkpoint, and at least 10 s, is left").
#include "convoy/run/stop_decisions.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace convoy::decide {
namespace {

constexpr std::int64_t kFileVote = std::int64_t{1} << 32;

TEST(StopMargin, IsTwiceTheTimeToTheNextMeetingAndACheckpoint) {
  EXPECT_DOUBLE_EQ(stopMargin(20.0, 5.0), 50.0);
  EXPECT_DOUBLE_EQ(stopMargin(4.0, 1.5), 11.0);
}

TEST(StopMargin, IsNeverBelowTenSeconds) {
  EXPECT_DOUBLE_EQ(stopMargin(0.0, 0.0), 10.0);
  EXPECT_DOUBLE_EQ(stopMargin(1.0, 3.9), 10.0);
}

TEST(WallTime, CountsFromTheStartOfTheJob) {
  const WallTime budget{1.0, 100.0};  // one hour, 100 s used before the first step
  EXPECT_DOUBLE_EQ(budget.secondsLeft(0.0), 3500.0);
  EXPECT_DOUBLE_EQ(budget.secondsLeft(3400.0), 100.0);
  EXPECT_DOUBLE_EQ(budget.secondsLeft(3600.0), -100.0);
}

TEST(StopCause, NoVotesAndNoBudgetGoOn) { EXPECT_EQ(stopCause(0, kFileVote, {}, 1e9, 10.0), StopCause::None); }

TEST(StopCause, AnySignalVoteStops) {
  for (const std::int64_t ranksSignalled : {1, 2, 4096}) {
    EXPECT_EQ(stopCause(ranksSignalled, kFileVote, {}, 0.0, 10.0), StopCause::Signal) << ranksSignalled;
  }
}

TEST(StopCause, AStopFileStops) { EXPECT_EQ(stopCause(kFileVote, kFileVote, {}, 0.0, 10.0), StopCause::StopFile); }

TEST(StopCause, ASignalIsNamedBeforeAStopFile) {
  EXPECT_EQ(stopCause(kFileVote + 3, kFileVote, {}, 0.0, 10.0), StopCause::Signal);
}

TEST(StopCause, TheBudgetStopsWhenLessThanTheMarginIsLeft) {
  const WallTime budget{0.5, 60.0};                                             // 1800 s, of which 60 s before the loop
  const double margin = 40.0;                                                   // 1700 s of loop leave exactly 40 s
  EXPECT_EQ(stopCause(0, kFileVote, budget, 1699.0, margin), StopCause::None);  // 41 s left
  EXPECT_EQ(stopCause(0, kFileVote, budget, 1700.0, margin), StopCause::None);  // 40 s: not less
  EXPECT_EQ(stopCause(0, kFileVote, budget, 1700.5, margin), StopCause::WallTime);  // 39.5 s
  EXPECT_EQ(stopCause(0, kFileVote, budget, 5000.0, margin), StopCause::WallTime);  // overrun
}

TEST(StopCause, NoBudgetNeverStopsForTime) {
  EXPECT_EQ(stopCause(0, kFileVote, WallTime{0.0, 1e6}, 1e9, 1e9), StopCause::None);
}

TEST(StopCause, VotesGoBeforeTheBudget) {
  const WallTime spent{0.01, 0.0};  // 36 s, all gone
  EXPECT_EQ(stopCause(1, kFileVote, spent, 100.0, 10.0), StopCause::Signal);
  EXPECT_EQ(stopCause(kFileVote, kFileVote, spent, 100.0, 10.0), StopCause::StopFile);
}

TEST(CheckpointDue, AlwaysAtTheEnd) {
  EXPECT_TRUE(checkpointDue(true, 7, 0, 0.0, 0.0, 0.0));
  EXPECT_TRUE(checkpointDue(true, 7, 1000, 60.0, 1.0, 0.0));
}

TEST(CheckpointDue, AtEveryMultipleOfEverySteps) {
  for (std::uint64_t step = 1; step <= 3000; ++step) {
    EXPECT_EQ(checkpointDue(false, step, 1000, 0.0, 0.0, 0.0), step == 1000 || step == 2000 || step == 3000) << step;
  }
}

TEST(CheckpointDue, NeverWithoutEveryStepsOrMinutes) {
  for (const std::uint64_t step : {1, 1000, 65536}) EXPECT_FALSE(checkpointDue(false, step, 0, 0.0, 1e9, 0.0));
}

TEST(CheckpointDue, WhenEveryMinutesHavePassedSinceTheLastOne) {
  // every 2 minutes, the last one at 100 s of the loop: due from 220 s on.
  EXPECT_FALSE(checkpointDue(false, 5, 0, 2.0, 219.9, 100.0));
  EXPECT_TRUE(checkpointDue(false, 5, 0, 2.0, 220.0, 100.0));
  EXPECT_TRUE(checkpointDue(false, 5, 0, 2.0, 1000.0, 100.0));
}

TEST(CheckpointDue, StepsAndMinutesEachSuffice) {
  EXPECT_TRUE(checkpointDue(false, 3000, 1000, 60.0, 1.0, 0.0));   // a multiple, minutes not passed
  EXPECT_TRUE(checkpointDue(false, 3001, 1000, 1.0, 61.0, 0.0));   // minutes passed, not a multiple
  EXPECT_FALSE(checkpointDue(false, 3001, 1000, 1.0, 59.0, 0.0));  // neither
}

}  // namespace
}  // namespace convoy::decide
