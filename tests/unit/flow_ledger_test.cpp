// The flow ledger against plain summation: pseudo-random moves and detector arrivals per step are fed
// to ledgers block by block (blocks of any length and phase relative to the rows, several "ranks"
// whose buffers are summed as MPI_Allreduce would, restarts that carry an open row), and the rows
// that come out must equal the sums over the steps of each interval, computed here step by step
// without the ledger. meanVelocity against its formula.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "convoy/model/flow_ledger.hpp"

namespace convoy {
namespace {

// What the road reports, step by step: moves[s - 1] cells travelled and arrivals[s - 1][d] cars that
// entered detector d at step s.
struct Traffic {
  std::size_t detectors = 0;
  std::vector<std::int64_t> moves;
  std::vector<std::vector<std::int64_t>> arrivals;
  std::int64_t movesAt(std::uint64_t step) const { return moves[step - 1]; }
  std::int64_t arrivalsAt(std::uint64_t step, std::size_t detector) const { return arrivals[step - 1][detector]; }
};

Traffic randomTraffic(std::uint64_t steps, std::size_t detectors, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::uniform_int_distribution<std::int64_t> moves(0, 100000);
  std::uniform_int_distribution<std::int64_t> arrivals(0, 9);
  Traffic traffic;
  traffic.detectors = detectors;
  for (std::uint64_t step = 1; step <= steps; ++step) {
    traffic.moves.push_back(moves(engine));
    std::vector<std::int64_t> counts(detectors);
    for (std::int64_t& count : counts) count = arrivals(engine);
    traffic.arrivals.push_back(counts);
  }
  return traffic;
}

// The rows by their definition, from steps `from`..`to` (those before `from` are not counted): the
// interval of step s is k = (s - 1) / E, a row for every interval whose last step (k + 1) E is among
// them, holding the sums over the steps of its interval.
struct Expected {
  std::vector<FlowRow> rows;
  FlowRow open;  // the interval that `to` leaves open (step 0), or an empty row when `to` ends one
};

Expected expectedRows(const Traffic& traffic, std::uint64_t every, std::uint64_t from, std::uint64_t to) {
  Expected expected;
  FlowRow current;
  current.detectorCounts.assign(traffic.detectors, 0);
  std::uint64_t currentInterval = (from - 1) / every;
  for (std::uint64_t step = from; step <= to; ++step) {
    if ((step - 1) / every != currentInterval) {
      // The previous interval ended at step - 1, which is (currentInterval + 1) * every.
      current.step = (currentInterval + 1) * every;
      expected.rows.push_back(current);
      current = FlowRow{};
      current.detectorCounts.assign(traffic.detectors, 0);
      currentInterval = (step - 1) / every;
    }
    current.steps += 1;
    current.distance += traffic.movesAt(step);
    for (std::size_t d = 0; d < traffic.detectors; ++d) current.detectorCounts[d] += traffic.arrivalsAt(step, d);
  }
  if (to % every == 0) {
    current.step = to;
    expected.rows.push_back(current);
    current = FlowRow{};
    current.detectorCounts.assign(traffic.detectors, 0);
  }
  expected.open = current;
  return expected;
}

::testing::AssertionResult sameRow(const FlowRow& actual, const FlowRow& expected) {
  if (actual.step == expected.step && actual.steps == expected.steps && actual.distance == expected.distance &&
      actual.detectorCounts == expected.detectorCounts) {
    return ::testing::AssertionSuccess();
  }
  auto describe = [](const FlowRow& row) {
    std::ostringstream text;
    text << "{step " << row.step << ", steps " << row.steps << ", distance " << row.distance << ", counts [";
    for (const std::int64_t count : row.detectorCounts) text << " " << count;
    text << " ]}";
    return text.str();
  };

  return ::testing::AssertionFailure() << describe(actual) << " instead of " << describe(expected);
}

::testing::AssertionResult sameRows(const std::vector<FlowRow>& actual, const std::vector<FlowRow>& expected) {
  if (actual.size() != expected.size()) {
    return ::testing::AssertionFailure() << actual.size() << " rows instead of " << expected.size();
  }
  for (std::size_t i = 0; i < actual.size(); ++i) {
    const ::testing::AssertionResult same = sameRow(actual[i], expected[i]);
    if (!same) return ::testing::AssertionFailure() << "row " << i << ": " << same.message();
  }
  return ::testing::AssertionSuccess();
}

// Records steps first..last of `traffic` in `ledger` as the simulation does: the moves of each step,
// and each step's arrivals added to the counts of its interval.
void record(FlowLedger& ledger, const Traffic& traffic, std::uint64_t first, std::uint64_t last) {
  ledger.begin(first, last);
  for (std::uint64_t step = first; step <= last; ++step) {
    ledger.moves(step) = traffic.movesAt(step);
    const std::span<std::int64_t> counts = ledger.detectorCounts(step);
    for (std::size_t d = 0; d < traffic.detectors; ++d) counts[d] += traffic.arrivalsAt(step, d);
  }
}

// Blocks from..blockEnds[0], blockEnds[0]+1..blockEnds[1], ...: the rows of all of them, and after
// each block the rows so far and the open row are checked against the plain sums.
std::vector<FlowRow> runBlocks(FlowLedger& ledger, const Traffic& traffic, std::uint64_t every, std::uint64_t from,
                               const std::vector<std::uint64_t>& blockEnds) {
  std::vector<FlowRow> rows;
  std::uint64_t first = from;
  for (const std::uint64_t last : blockEnds) {
    record(ledger, traffic, first, last);
    EXPECT_EQ(ledger.firstStep(), first);
    EXPECT_EQ(ledger.lastStep(), last);
    const std::vector<FlowRow> completed = ledger.completedRows();
    rows.insert(rows.end(), completed.begin(), completed.end());
    const Expected soFar = expectedRows(traffic, every, from, last);
    EXPECT_TRUE(sameRows(rows, soFar.rows)) << "after block " << first << ".." << last << " (E = " << every << ")";
    EXPECT_TRUE(sameRow(ledger.openRow(), soFar.open)) << "open row after block " << first << ".." << last;
    first = last + 1;
  }
  return rows;
}

TEST(FlowLedger, OneBlockOfWholeIntervalsGivesARowPerInterval) {
  const Traffic traffic = randomTraffic(30, 2, 1);
  FlowLedger ledger(10, 2);
  const std::vector<FlowRow> rows = runBlocks(ledger, traffic, 10, 1, {30});
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[0].step, 10U);
  EXPECT_EQ(rows[2].step, 30U);
  for (const FlowRow& row : rows) EXPECT_EQ(row.steps, 10U);
  EXPECT_EQ(ledger.openRow().steps, 0U);
  EXPECT_EQ(ledger.openRow().distance, 0);
}

// Blocks that start and end inside intervals, shorter than E (several blocks inside one interval)
// and longer than E (several rows from one block, open at both ends), and some on row ends.
TEST(FlowLedger, BlocksOfAnyPhaseAndLengthGiveTheRowsOfTheirSteps) {
  const Traffic traffic = randomTraffic(100, 3, 2);
  FlowLedger ledger(7, 3);
  const std::vector<FlowRow> rows = runBlocks(ledger, traffic, 7, 1, {3, 5, 6, 7, 10, 25, 28, 29, 49, 50, 51, 100});
  EXPECT_EQ(rows.size(), 14U);  // rows end at 7, 14, ..., 98
  EXPECT_EQ(ledger.openRow().steps, 2U);
}

// A block of a single step inside an interval, then one that ends it.
TEST(FlowLedger, SingleStepBlocksAccumulateIntoOneRow) {
  const Traffic traffic = randomTraffic(12, 2, 3);
  FlowLedger ledger(4, 2);
  const std::vector<FlowRow> rows = runBlocks(ledger, traffic, 4, 1, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  EXPECT_EQ(rows.size(), 3U);
}

// E = 1: every step is a row of its own moves and arrivals, and nothing is ever left open.
TEST(FlowLedger, RowEveryStepGivesOneRowPerStep) {
  const Traffic traffic = randomTraffic(40, 2, 4);
  FlowLedger ledger(1, 2);
  const std::vector<FlowRow> rows = runBlocks(ledger, traffic, 1, 1, {1, 5, 6, 20, 40});
  ASSERT_EQ(rows.size(), 40U);
  for (std::uint64_t step = 1; step <= 40; ++step) {
    const FlowRow& row = rows[step - 1];
    EXPECT_EQ(row.step, step);
    EXPECT_EQ(row.steps, 1U);
    EXPECT_EQ(row.distance, traffic.movesAt(step));
    EXPECT_EQ(row.detectorCounts, traffic.arrivals[step - 1]);
  }
  EXPECT_EQ(ledger.openRow().steps, 0U);
}

TEST(FlowLedger, WithoutDetectorsRowsCarryOnlyDistance) {
  const Traffic traffic = randomTraffic(60, 0, 5);
  FlowLedger ledger(8, 0);
  const std::vector<FlowRow> rows = runBlocks(ledger, traffic, 8, 1, {5, 17, 24, 60});
  ASSERT_EQ(rows.size(), 7U);
  for (const FlowRow& row : rows) EXPECT_TRUE(row.detectorCounts.empty());
  // Without detectors the buffer is the moves and the extras only.
  EXPECT_EQ(ledger.buffer().size(), 36U + static_cast<std::size_t>(FlowLedger::Extra::Count));
}

TEST(FlowLedger, SeveralDetectorsAreCountedApart) {
  // Detector d sees d + 1 cars every step: the counts of a row of E steps are E, 2E, 3E, ...
  Traffic traffic = randomTraffic(50, 5, 6);
  for (auto& counts : traffic.arrivals) {
    for (std::size_t d = 0; d < counts.size(); ++d) counts[d] = static_cast<std::int64_t>(d + 1);
  }
  FlowLedger ledger(10, 5);
  const std::vector<FlowRow> rows = runBlocks(ledger, traffic, 10, 1, {13, 33, 50});
  ASSERT_EQ(rows.size(), 5U);
  for (const FlowRow& row : rows) EXPECT_EQ(row.detectorCounts, (std::vector<std::int64_t>{10, 20, 30, 40, 50}));
  EXPECT_EQ(ledger.openRow().detectorCounts, (std::vector<std::int64_t>(5, 0)));
}

// Many random row lengths, detector counts and block splits.
TEST(FlowLedger, RandomBlockSplitsGiveThePlainSums) {
  std::mt19937_64 engine(7);
  for (int trial = 0; trial < 200; ++trial) {
    const std::uint64_t every = std::uniform_int_distribution<std::uint64_t>(1, 12)(engine);
    const std::size_t detectors = std::uniform_int_distribution<std::size_t>(0, 4)(engine);
    const std::uint64_t steps = std::uniform_int_distribution<std::uint64_t>(1, 150)(engine);
    std::vector<std::uint64_t> ends;
    for (std::uint64_t end = 0; end < steps;) {
      end = std::min(steps, end + std::uniform_int_distribution<std::uint64_t>(1, 3 * every)(engine));
      ends.push_back(end);
    }
    const Traffic traffic = randomTraffic(steps, detectors, engine());
    FlowLedger ledger(every, detectors);
    SCOPED_TRACE("trial " + std::to_string(trial) + ": E = " + std::to_string(every) + ", " +
                 std::to_string(detectors) + " detectors, " + std::to_string(steps) + " steps in " +
                 std::to_string(ends.size()) + " blocks");
    runBlocks(ledger, traffic, every, 1, ends);
  }
}

// A run stopped mid-interval and continued from its open row (as a checkpoint keeps it: steps,
// distance and counts) gives the rows of a run that never stopped.
TEST(FlowLedger, RestartFromAnOpenRowContinuesTheInterval) {
  const std::uint64_t every = 10;
  const Traffic traffic = randomTraffic(80, 3, 8);
  FlowLedger uninterrupted(every, 3);
  const std::vector<FlowRow> reference = runBlocks(uninterrupted, traffic, every, 1, {9, 23, 47, 80});

  for (const std::uint64_t stop : {1U, 9U, 10U, 11U, 23U, 35U, 79U}) {
    SCOPED_TRACE("stopped after step " + std::to_string(stop));
    FlowLedger before(every, 3);
    std::vector<FlowRow> rows = runBlocks(before, traffic, every, 1, {stop});
    // What a checkpoint keeps of the open row.
    FlowRow kept;
    kept.steps = before.openRow().steps;
    kept.distance = before.openRow().distance;
    kept.detectorCounts = before.openRow().detectorCounts;
    EXPECT_EQ(kept.steps, stop % every);

    FlowLedger after(every, 3, kept);
    EXPECT_TRUE(sameRow(after.openRow(), kept));
    std::vector<std::uint64_t> ends;
    for (const std::uint64_t end : {stop + 4, stop + 17, std::uint64_t{80}}) {
      if (end <= 80 && (ends.empty() || end > ends.back())) ends.push_back(end);
    }
    std::uint64_t first = stop + 1;
    for (const std::uint64_t last : ends) {
      record(after, traffic, first, last);
      const std::vector<FlowRow> completed = after.completedRows();
      rows.insert(rows.end(), completed.begin(), completed.end());
      first = last + 1;
    }
    EXPECT_TRUE(sameRows(rows, reference));
    EXPECT_TRUE(sameRows(rows, expectedRows(traffic, every, 1, 80).rows));
    EXPECT_TRUE(sameRow(after.openRow(), uninterrupted.openRow()));
  }
}

// An open row whose counts were kept without their detector slots (an empty vector) is padded
// with zeros, so its steps and distance still count.
TEST(FlowLedger, RestartFromAnOpenRowWithoutCountsPadsThemWithZeros) {
  FlowRow kept;
  kept.steps = 3;
  kept.distance = 1000;
  FlowLedger ledger(5, 2, kept);
  EXPECT_EQ(ledger.openRow().detectorCounts, (std::vector<std::int64_t>{0, 0}));
  ledger.begin(4, 5);
  ledger.moves(4) = 7;
  ledger.moves(5) = 11;
  ledger.detectorCounts(4)[1] += 2;
  ledger.detectorCounts(5)[0] += 1;
  const std::vector<FlowRow> rows = ledger.completedRows();
  ASSERT_EQ(rows.size(), 1U);
  FlowRow expected;
  expected.step = 5;
  expected.steps = 5;
  expected.distance = 1018;
  expected.detectorCounts = {1, 2};
  EXPECT_TRUE(sameRow(rows[0], expected));
}

// Splits every step's moves and arrivals at random among `ranks` parts.
std::vector<Traffic> splitAmongRanks(const Traffic& traffic, int ranks, std::mt19937_64& engine) {
  std::vector<Traffic> parts(static_cast<std::size_t>(ranks));
  for (Traffic& part : parts) {
    part.detectors = traffic.detectors;
    part.moves.assign(traffic.moves.size(), 0);
    part.arrivals.assign(traffic.arrivals.size(), std::vector<std::int64_t>(traffic.detectors, 0));
  }
  std::uniform_int_distribution<std::size_t> rank(0, parts.size() - 1);
  for (std::size_t s = 0; s < traffic.moves.size(); ++s) {
    for (std::int64_t move = 0; move < traffic.moves[s]; move += 997) {
      parts[rank(engine)].moves[s] += std::min<std::int64_t>(997, traffic.moves[s] - move);
    }
    for (std::size_t d = 0; d < traffic.detectors; ++d) {
      for (std::int64_t car = 0; car < traffic.arrivals[s][d]; ++car) parts[rank(engine)].arrivals[s][d] += 1;
    }
  }
  return parts;
}

// MPI_Allreduce(MPI_SUM) over the ranks' buffers, in place on every rank.
void sumOverRanks(std::vector<FlowLedger>& ledgers) {
  std::vector<std::int64_t> sum(ledgers.front().buffer().size(), 0);
  for (FlowLedger& ledger : ledgers) {
    ASSERT_EQ(ledger.buffer().size(), sum.size());
    for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += ledger.buffer()[i];
  }
  for (FlowLedger& ledger : ledgers) std::copy(sum.begin(), sum.end(), ledger.buffer().begin());
}

// Each rank records its part of the traffic; after the buffers are summed every rank holds the
// global moves and gives the rows of the whole traffic.
TEST(FlowLedger, SummedBuffersOfSeveralRanksGiveTheGlobalRows) {
  std::mt19937_64 engine(9);
  const std::uint64_t every = 6;
  const Traffic traffic = randomTraffic(70, 3, 10);
  const Expected expected = expectedRows(traffic, every, 1, 70);
  for (const int ranks : {2, 3, 4}) {
    SCOPED_TRACE(std::to_string(ranks) + " ranks");
    const std::vector<Traffic> parts = splitAmongRanks(traffic, ranks, engine);
    std::vector<FlowLedger> ledgers(static_cast<std::size_t>(ranks), FlowLedger(every, 3));
    std::vector<std::vector<FlowRow>> rows(ledgers.size());
    std::uint64_t first = 1;
    for (const std::uint64_t last : {4U, 13U, 18U, 19U, 44U, 70U}) {
      for (std::size_t r = 0; r < ledgers.size(); ++r) record(ledgers[r], parts[r], first, last);
      sumOverRanks(ledgers);
      for (std::size_t r = 0; r < ledgers.size(); ++r) {
        const std::span<const std::int64_t> moves = ledgers[r].movesOfBlock();
        ASSERT_EQ(moves.size(), last - first + 1);
        for (std::uint64_t step = first; step <= last; ++step) {
          EXPECT_EQ(moves[step - first], traffic.movesAt(step)) << "rank " << r << ", step " << step;
        }
        const std::vector<FlowRow> completed = ledgers[r].completedRows();
        rows[r].insert(rows[r].end(), completed.begin(), completed.end());
      }
      first = last + 1;
    }
    for (std::size_t r = 0; r < ledgers.size(); ++r) {
      EXPECT_TRUE(sameRows(rows[r], expected.rows)) << "rank " << r;
      EXPECT_TRUE(sameRow(ledgers[r].openRow(), expected.open)) << "rank " << r;
    }
  }
}

// Rank 0's clock and every rank's stop vote travel in the same buffer: after the sum the clock is
// rank 0's, the votes are counted, and the rows are those of the counts alone. begin() clears them
// for the next block.
TEST(FlowLedger, ExtrasTravelWithTheCountsWithoutDisturbingThem) {
  std::mt19937_64 engine(11);
  const std::uint64_t every = 5;
  const Traffic traffic = randomTraffic(23, 2, 12);
  const std::vector<Traffic> parts = splitAmongRanks(traffic, 3, engine);
  std::vector<FlowLedger> ledgers(3, FlowLedger(every, 2));
  const std::int64_t clock = 123456789012;
  for (std::size_t r = 0; r < ledgers.size(); ++r) {
    record(ledgers[r], parts[r], 1, 23);
    if (r == 0) ledgers[r].extra(FlowLedger::Extra::Clock) = clock;
    ledgers[r].extra(FlowLedger::Extra::StopVotes) = r == 1 ? 0 : 1;
  }
  sumOverRanks(ledgers);
  const Expected expected = expectedRows(traffic, every, 1, 23);
  for (std::size_t r = 0; r < ledgers.size(); ++r) {
    EXPECT_EQ(ledgers[r].extra(FlowLedger::Extra::Clock), clock);
    EXPECT_EQ(ledgers[r].extra(FlowLedger::Extra::StopVotes), 2);
    EXPECT_TRUE(sameRows(ledgers[r].completedRows(), expected.rows));
    EXPECT_TRUE(sameRow(ledgers[r].openRow(), expected.open));
  }
  // The extras are the last slots of the buffer, after every count.
  const std::span<std::int64_t> buffer = ledgers[0].buffer();
  EXPECT_EQ(buffer[buffer.size() - 2], clock);
  EXPECT_EQ(buffer[buffer.size() - 1], 2);

  ledgers[0].begin(24, 30);
  EXPECT_EQ(ledgers[0].extra(FlowLedger::Extra::Clock), 0);
  EXPECT_EQ(ledgers[0].extra(FlowLedger::Extra::StopVotes), 0);
}

// Extras set before and after the counts of a block do not leak into them.
TEST(FlowLedger, ExtrasWrittenAroundTheCountsLeaveThemAlone) {
  const Traffic traffic = randomTraffic(17, 4, 13);
  FlowLedger ledger(4, 4);
  ledger.begin(1, 17);
  ledger.extra(FlowLedger::Extra::Clock) = -1;
  ledger.extra(FlowLedger::Extra::StopVotes) = 1000000;
  for (std::uint64_t step = 1; step <= 17; ++step) {
    ledger.moves(step) = traffic.movesAt(step);
    const std::span<std::int64_t> counts = ledger.detectorCounts(step);
    for (std::size_t d = 0; d < 4; ++d) counts[d] += traffic.arrivalsAt(step, d);
  }
  ledger.extra(FlowLedger::Extra::Clock) += 5;
  EXPECT_EQ(ledger.extra(FlowLedger::Extra::Clock), 4);
  EXPECT_EQ(ledger.extra(FlowLedger::Extra::StopVotes), 1000000);
  const Expected expected = expectedRows(traffic, 4, 1, 17);
  EXPECT_TRUE(sameRows(ledger.completedRows(), expected.rows));
  EXPECT_TRUE(sameRow(ledger.openRow(), expected.open));
}

TEST(MeanVelocity, IsDistanceOverCarsAndSteps) {
  EXPECT_DOUBLE_EQ(meanVelocity(300, 100), 3.0);
  EXPECT_DOUBLE_EQ(meanVelocity(7, 2), 3.5);
  EXPECT_DOUBLE_EQ(meanVelocity(250, 50, 10), 0.5);
  EXPECT_DOUBLE_EQ(meanVelocity(1, 3, 1), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(meanVelocity(0, 1000, 100), 0.0);
  // A large run: 10^6 cars at velocity 5 for 10^6 steps.
  EXPECT_DOUBLE_EQ(meanVelocity(5'000'000'000'000, 1'000'000, 1'000'000), 5.0);
}

TEST(MeanVelocity, IsZeroOnAnEmptyRoadOrWithoutSteps) {
  EXPECT_EQ(meanVelocity(0, 0), 0.0);
  EXPECT_EQ(meanVelocity(17, 0, 4), 0.0);
  EXPECT_EQ(meanVelocity(17, 3, 0), 0.0);
}

}  // namespace
}  // namespace convoy
