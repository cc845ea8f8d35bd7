// The halo exchange around the ring on small roads: roads shorter than the rank count (ranks that own
// nothing), ranks that own a single cell, a single active rank exchanging with itself, and lengths
// around word boundaries. Every step is compared with the reference kernel, and a lone car and a lone
// gap are followed around the ring through every rank.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "convoy/core/decomposition.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/parallel/rule184_road.hpp"
#include "mpi_test_support.hpp"

namespace convoy {
namespace {

using mpitest::ByteRoad;

// Collective over `comm`: steps a Rule184Road holding `initial` `steps` times, comparing this rank's
// cells and the global moves with the reference kernel after every step.
void expectSegmentFollowsReference(const Comm& comm, const ByteRoad& initial, std::uint64_t steps) {
  const std::uint64_t cells = initial.size();
  const Decomposition decomposition(cells, comm.size());
  Rule184Road road(comm, decomposition);
  const CellRange range = road.range();
  EXPECT_EQ(range.begin, decomposition.range(comm.rank()).begin);
  EXPECT_EQ(range.end, decomposition.range(comm.rank()).end);
  mpitest::expectRangesTileRoad(comm, range, cells);
  for (std::uint64_t i = range.begin; i < range.end; ++i) {
    EXPECT_EQ(decomposition.owner(i), comm.rank()) << "owner of cell " << i;
  }
  EXPECT_EQ(road.words().size(), packed::wordsFor(range.cells()));
  mpitest::loadRange(road.words(), range, initial);

  ByteRoad expected = initial;
  ByteRoad next;
  std::vector<std::int64_t> moves(steps, 0);
  std::vector<std::int64_t> expectedMoves(steps, 0);
  std::uint64_t firstBadStep = 0;
  std::string firstBadCell;
  for (std::uint64_t s = 1; s <= steps; ++s) {
    moves[s - 1] = static_cast<std::int64_t>(road.step());
    expectedMoves[s - 1] = static_cast<std::int64_t>(reference::stepRing(expected, next));
    expected.swap(next);
    const mpitest::RangeComparison comparison = mpitest::compareRange(road.words(), range, expected);
    if (comparison.mismatches > 0 && firstBadStep == 0) {
      firstBadStep = s;
      firstBadCell = comparison.first;
    }
    if (range.empty()) {
      EXPECT_EQ(moves[s - 1], 0) << "a rank that owns nothing reports moves";
    }
  }
  EXPECT_EQ(firstBadStep, 0u) << "rank " << comm.rank() << " of " << comm.size() << " owning [" << range.begin << ", "
                              << range.end << ") differs from the reference first after step " << firstBadStep << ": "
                              << firstBadCell;
  EXPECT_EQ(mpitest::sumOverRanks(comm, firstBadStep != 0 ? 1 : 0), 0u) << "ranks that differ from the reference";

  // Per-step local moves, summed once (as the run loop does).
  comm.sumInPlace(moves);
  std::uint64_t badMoveSteps = 0;
  for (std::uint64_t s = 0; s < steps; ++s) badMoveSteps += moves[s] != expectedMoves[s] ? 1 : 0;
  EXPECT_EQ(badMoveSteps, 0u) << "steps whose global moves differ from the reference";

  EXPECT_EQ(road.globalCars(), mpitest::carsOf(initial)) << "cars not conserved";
  EXPECT_EQ(road.globalDigest(), mpitest::byteRoadDigest(expected));
}

// Lengths: a single cell, roads shorter than the ranks, single-cell ranks, one word, word boundaries
// and roads spanning several words per rank.
std::vector<std::uint64_t> smallRoadLengths(int ranks) {
  std::vector<std::uint64_t> lengths{1, 2, 3, 4, 5, 7, 63, 64, 65, 127, 128, 129, 130, 191, 193, 257};
  const auto r = static_cast<std::uint64_t>(ranks);
  // Around the rank count, and roads where every rank owns cells, the last one only one.
  for (const std::uint64_t extra : {r - 1, r + 1, 2 * r - 1, 64 * (r - 1) + 1, 64 * r, 64 * r + 1, 64 * r + 63}) {
    if (extra > 0) lengths.push_back(extra);
  }
  return lengths;
}

TEST(MPI, SmallRoadsFollowTheReferenceKernel) {
  const Comm comm = Comm::world();
  for (const std::uint64_t cells : smallRoadLengths(comm.size())) {
    for (const double density : {0.25, 0.5, 0.75}) {
      SCOPED_TRACE("cells " + std::to_string(cells) + ", density " + std::to_string(density) + ", " +
                   std::to_string(comm.size()) + " ranks");
      // Twice around the ring and more, so every car crosses every rank boundary.
      expectSegmentFollowsReference(comm, mpitest::randomByteRoad(cells, density, 5743 + cells), 2 * cells + 70);
    }
  }
}

// Each rank alone on its own communicator: the single active rank is its own left and right
// neighbour, so the halo exchange goes to itself. The ranks run their roads at the same time.
TEST(MPI, SingleRankCommunicatorStepsTheWholeRing) {
  const Comm world = Comm::world();
  const mpitest::SplitComm alone(world, world.rank(), 0);
  ASSERT_TRUE(alone.member());
  ASSERT_EQ(alone.comm().size(), 1);
  for (const std::uint64_t cells : {1ULL, 2ULL, 5ULL, 64ULL, 65ULL, 130ULL, 1001ULL}) {
    SCOPED_TRACE("cells " + std::to_string(cells));
    expectSegmentFollowsReference(alone.comm(), mpitest::randomByteRoad(cells, 0.5, 11 + cells), 2 * cells + 70);
  }
}

// Pairs of ranks (and a lone rank when the count is odd) on their own communicators: two ranks are
// each other's left and right neighbour, which only distinct message tags keep apart.
TEST(MPI, PairsOfRanksStepTheirRings) {
  const Comm world = Comm::world();
  const mpitest::SplitComm pair(world, world.rank() / 2, world.rank());
  ASSERT_TRUE(pair.member());
  for (const std::uint64_t cells : {2ULL, 3ULL, 65ULL, 129ULL, 1000ULL}) {
    SCOPED_TRACE("cells " + std::to_string(cells) + ", communicator of " + std::to_string(pair.comm().size()));
    expectSegmentFollowsReference(pair.comm(), mpitest::randomByteRoad(cells, 0.5, 23 + cells), 2 * cells + 70);
  }
}

// Collective: counts this rank's cells that differ from a road whose only odd cell (a car on an
// empty road, or a gap on a full one) is at `position`.
std::uint64_t cellsDifferingFromLoneCell(const Rule184Road& road, std::uint64_t position, bool loneIsCar) {
  std::uint64_t differing = 0;
  for (std::uint64_t i = road.range().begin; i < road.range().end; ++i) {
    const bool occupied = packed::cell(road.words(), i - road.range().begin);
    const bool expected = (i == position) == loneIsCar;
    differing += occupied != expected ? 1 : 0;
  }
  return differing;
}

// Analytic: on a ring, a lone car moves one cell forward every step, and a lone gap one cell back;
// exactly one car moves per step. Both pass every rank boundary, both ways round the ring.
void expectLoneCellCirclesTheRing(const Comm& comm, std::uint64_t cells, bool loneIsCar) {
  const Decomposition decomposition(cells, comm.size());
  Rule184Road road(comm, decomposition);
  const std::uint64_t start = cells / 3;
  ByteRoad initial(cells, loneIsCar ? 0 : 1);
  initial[start] = loneIsCar ? 1 : 0;
  mpitest::loadRange(road.words(), road.range(), initial);

  const std::uint64_t steps = 2 * cells + 3;
  std::uint64_t wrongSteps = 0;
  std::uint64_t wrongMoves = 0;
  for (std::uint64_t s = 1; s <= steps; ++s) {
    const auto moved = static_cast<std::int64_t>(road.step());
    // With one cell there is nowhere to go: the car's cell ahead is itself.
    const std::uint64_t shift = cells == 1 ? 0 : s % cells;
    const std::uint64_t position = loneIsCar ? (start + shift) % cells : (start + cells - shift) % cells;
    wrongSteps += cellsDifferingFromLoneCell(road, position, loneIsCar) != 0 ? 1 : 0;
    const std::int64_t expectedMoves = cells == 1 ? 0 : 1;
    wrongMoves += comm.sum(moved) != expectedMoves ? 1 : 0;
  }
  EXPECT_EQ(wrongSteps, 0u) << "rank " << comm.rank() << ": steps after which its cells are wrong";
  EXPECT_EQ(wrongMoves, 0u) << "steps in which the global moves were not " << (cells == 1 ? 0 : 1);
  EXPECT_EQ(mpitest::sumOverRanks(comm, wrongSteps), 0u);
  EXPECT_EQ(road.globalCars(), loneIsCar ? 1 : cells - 1);
}

// Short roads, and roads on which every rank owns cells (the last rank perhaps a single one).
std::vector<std::uint64_t> loneCellRoadLengths(int ranks) {
  const auto r = static_cast<std::uint64_t>(ranks);
  return {1, 2, 3, 5, 63, 64, 65, 130, 64 * (r - 1) + 1, 64 * r + 1};
}

TEST(MPI, LoneCarCirclesTheRingThroughEveryRank) {
  const Comm comm = Comm::world();
  for (const std::uint64_t cells : loneCellRoadLengths(comm.size())) {
    SCOPED_TRACE("cells " + std::to_string(cells));
    expectLoneCellCirclesTheRing(comm, cells, true);
  }
}

TEST(MPI, LoneGapCirclesTheRingBackwardsThroughEveryRank) {
  const Comm comm = Comm::world();
  for (const std::uint64_t cells : loneCellRoadLengths(comm.size())) {
    SCOPED_TRACE("cells " + std::to_string(cells));
    expectLoneCellCirclesTheRing(comm, cells, false);
  }
}

// A full road never moves and an empty one has nothing to move, at any length and rank count.
TEST(MPI, FullAndEmptyRoadsStayPut) {
  const Comm comm = Comm::world();
  for (const std::uint64_t cells : {1ULL, 2ULL, 3ULL, 64ULL, 65ULL, 130ULL}) {
    for (const std::uint8_t fill : {std::uint8_t{0}, std::uint8_t{1}}) {
      SCOPED_TRACE("cells " + std::to_string(cells) + (fill ? ", full" : ", empty"));
      const ByteRoad initial(cells, fill);
      const Decomposition decomposition(cells, comm.size());
      Rule184Road road(comm, decomposition);
      mpitest::loadRange(road.words(), road.range(), initial);
      std::int64_t moves = 0;
      for (int s = 0; s < 10; ++s) moves += static_cast<std::int64_t>(road.step());
      EXPECT_EQ(comm.sum(moves), 0);
      const mpitest::RangeComparison comparison = mpitest::compareRange(road.words(), road.range(), initial);
      EXPECT_EQ(comparison.mismatches, 0u) << comparison.first;
      EXPECT_EQ(road.globalCars(), fill ? cells : 0);
    }
  }
}

}  // namespace
}  // namespace convoy
