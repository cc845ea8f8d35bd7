// Which rank owns which cells: whole 64-cell words per rank (decomposition.hpp), shared out as evenly
// as possible, exact cover of the road, owner() agreeing with range(), and the ring of neighbours,
// from tiny roads (fewer words than ranks) to 64-bit ones.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "convoy/core/decomposition.hpp"

namespace {

using convoy::CellRange;
using convoy::Decomposition;

constexpr std::uint64_t k2to31 = std::uint64_t{1} << 31;
constexpr std::uint64_t k2to62 = std::uint64_t{1} << 62;

std::uint64_t wordsFor(std::uint64_t cells) { return (cells + 63) / 64; }

// The ranges tile [0, cells) in rank order; each is a run of whole words (only the road's last word may
// be partly used); word counts never grow with rank and differ by at most one; exactly the first
// min(words, ranks) ranks own cells; owner() names the rank at each range's ends.
void expectValidDecomposition(std::uint64_t cells, int ranks) {
  SCOPED_TRACE("cells " + std::to_string(cells) + ", ranks " + std::to_string(ranks));
  const Decomposition d(cells, ranks);
  ASSERT_EQ(d.cells(), cells);
  ASSERT_EQ(d.ranks(), ranks);
  const std::uint64_t active = std::min(wordsFor(cells), static_cast<std::uint64_t>(ranks));
  ASSERT_EQ(static_cast<std::uint64_t>(d.activeRanks()), active);

  std::uint64_t expectedBegin = 0;
  std::uint64_t fewestWords = wordsFor(cells);
  std::uint64_t mostWords = 0;
  std::uint64_t previousWords = wordsFor(cells);
  for (int r = 0; r < ranks; ++r) {
    const CellRange range = d.range(r);
    ASSERT_EQ(range.begin, expectedBegin) << "rank " << r;
    ASSERT_GE(range.end, range.begin) << "rank " << r;
    ASSERT_EQ(range.empty(), static_cast<std::uint64_t>(r) >= active) << "rank " << r;
    expectedBegin = range.end;
    if (range.empty()) continue;
    ASSERT_EQ(range.begin % 64, 0U) << "rank " << r;
    ASSERT_TRUE(range.end % 64 == 0 || range.end == cells) << "rank " << r << " ends at " << range.end;
    const std::uint64_t words = wordsFor(range.cells());
    ASSERT_LE(words, previousWords) << "rank " << r;
    fewestWords = std::min(fewestWords, words);
    mostWords = std::max(mostWords, words);
    previousWords = words;
    ASSERT_EQ(d.owner(range.begin), r);
    ASSERT_EQ(d.owner(range.end - 1), r);
  }
  EXPECT_EQ(expectedBegin, cells);
  EXPECT_LE(mostWords - fewestWords, 1U);
}

}  // namespace

TEST(Decomposition, HandWorkedRanges) {
  const Decomposition four(1000, 4);  // 16 words: 4 each; the last rank's last word is partly used
  EXPECT_EQ(four.activeRanks(), 4);
  EXPECT_EQ(four.range(0).end, 256U);
  EXPECT_EQ(four.range(1).end, 512U);
  EXPECT_EQ(four.range(2).end, 768U);
  EXPECT_EQ(four.range(3).end, 1000U);

  const Decomposition three(1000, 3);  // 16 words = 6 + 5 + 5
  EXPECT_EQ(three.range(0).end, 384U);
  EXPECT_EQ(three.range(1).end, 704U);
  EXPECT_EQ(three.range(2).end, 1000U);
  for (std::uint64_t cell = 0; cell < 1000; ++cell) {
    EXPECT_EQ(three.owner(cell), cell < 384 ? 0 : cell < 704 ? 1 : 2) << cell;
  }
}

TEST(Decomposition, SmallRoadsEveryCellHasTheOwnerWhoseRangeHoldsIt) {
  for (std::uint64_t cells = 1; cells <= 1300; cells += cells < 200 ? 1 : 37) {
    for (int ranks = 1; ranks <= 25; ++ranks) {
      expectValidDecomposition(cells, ranks);
      if (HasFatalFailure()) return;
      const Decomposition d(cells, ranks);
      for (int r = 0; r < ranks; ++r) {
        const CellRange range = d.range(r);
        for (std::uint64_t cell = range.begin; cell < range.end; ++cell) {
          ASSERT_EQ(d.owner(cell), r) << "cells " << cells << ", ranks " << ranks << ", cell " << cell;
          ASSERT_TRUE(range.contains(cell));
        }
      }
    }
  }
}

TEST(Decomposition, OneCellBelongsToRankZero) {
  for (const int ranks : {1, 2, 7, 1000}) {
    const Decomposition d(1, ranks);
    EXPECT_EQ(d.activeRanks(), 1);
    EXPECT_EQ(d.range(0).begin, 0U);
    EXPECT_EQ(d.range(0).end, 1U);
    EXPECT_EQ(d.owner(0), 0);
    for (int r = 1; r < ranks; ++r) ASSERT_TRUE(d.range(r).empty()) << r;
  }
}

TEST(Decomposition, FewerWordsThanRanksLeavesTheLastRanksEmpty) {
  const Decomposition d(130, 8);  // 3 words: 64 + 64 + 2 cells
  EXPECT_EQ(d.activeRanks(), 3);
  EXPECT_EQ(d.range(0).end, 64U);
  EXPECT_EQ(d.range(1).end, 128U);
  EXPECT_EQ(d.range(2).end, 130U);
  EXPECT_EQ(d.owner(129), 2);
  for (int r = 3; r < 8; ++r) {
    EXPECT_TRUE(d.range(r).empty()) << r;
    EXPECT_EQ(d.range(r).begin, 130U) << r;  // empty ranges sit at the end of the road
  }
}

TEST(Decomposition, RoadsBeyond32BitIndices) {
  for (const std::uint64_t cells :
       {k2to31 - 1, k2to31, k2to31 + 5, std::uint64_t{1} << 32, (std::uint64_t{1} << 32) + 1, std::uint64_t{1} << 40,
        k2to62 - 12345, k2to62 - 1, k2to62}) {
    for (const int ranks : {1, 2, 3, 7, 64, 1000, 65537, 1 << 20}) {
      expectValidDecomposition(cells, ranks);
      if (HasFatalFailure()) return;
    }
  }
}

TEST(Decomposition, HandWorkedRangesNear2To62) {
  // 2^62 cells = 2^56 words = 3 * 24019198012642645 + 1: rank 0 owns one word more than ranks 1 and 2.
  const Decomposition d(k2to62, 3);
  const std::uint64_t end0 = (24019198012642645U + 1) * 64;
  const std::uint64_t end1 = end0 + 24019198012642645U * 64;
  EXPECT_EQ(d.range(0).end, end0);
  EXPECT_EQ(d.range(1).end, end1);
  EXPECT_EQ(d.range(2).end, k2to62);
  EXPECT_EQ(d.owner(end0 - 1), 0);
  EXPECT_EQ(d.owner(end0), 1);
  EXPECT_EQ(d.owner(end1 - 1), 1);
  EXPECT_EQ(d.owner(end1), 2);
  EXPECT_EQ(d.owner(k2to62 - 1), 2);

  // 2^56 words = 7 * 10293942005418276 + 4: ranks 0..3 own one word more than ranks 4..6.
  const Decomposition seven(k2to62, 7);
  const std::uint64_t bigCells = (10293942005418276U + 1) * 64;
  EXPECT_EQ(seven.range(3).end, 4 * bigCells);
  EXPECT_EQ(seven.range(4).cells(), bigCells - 64);
  EXPECT_EQ(seven.owner(4 * bigCells - 1), 3);
  EXPECT_EQ(seven.owner(4 * bigCells), 4);
  EXPECT_EQ(seven.owner(5 * bigCells - 64), 5);
  EXPECT_EQ(seven.owner(k2to62 - 1), 6);
}

// Too many ranks to visit all: check the ranges and owners around the big/small block switch.
TEST(Decomposition, HugeRankCountsOnHugeRoads) {
  const int ranks = 2147483647;  // INT_MAX
  for (const std::uint64_t cells : {k2to62, k2to62 - 1, k2to62 - 12345, std::uint64_t{1000}}) {
    SCOPED_TRACE(cells);
    const Decomposition d(cells, ranks);
    const std::uint64_t words = wordsFor(cells);
    const std::uint64_t active = std::min<std::uint64_t>(words, ranks);
    EXPECT_EQ(static_cast<std::uint64_t>(d.activeRanks()), active);
    const std::uint64_t extra = words % static_cast<std::uint64_t>(ranks);
    for (const std::uint64_t r : {std::uint64_t{0}, std::uint64_t{1}, extra - 1, extra, extra + 1, active - 1, active,
                                  std::uint64_t(ranks) - 2}) {
      if (r >= static_cast<std::uint64_t>(ranks) - 1) continue;
      const int rank = static_cast<int>(r);
      const CellRange range = d.range(rank);
      EXPECT_EQ(range.end, d.range(rank + 1).begin) << rank;
      EXPECT_EQ(range.empty(), r >= active) << rank;
      if (range.empty()) continue;
      EXPECT_EQ(range.begin % 64, 0U) << rank;
      EXPECT_EQ(d.owner(range.begin), rank);
      EXPECT_EQ(d.owner(range.end - 1), rank);
    }
    EXPECT_EQ(d.range(ranks - 1).end, cells);
    EXPECT_EQ(d.owner(cells - 1), static_cast<int>(active - 1));
  }
}

TEST(Decomposition, NeighboursFormARingOverActiveRanks) {
  const std::vector<std::pair<std::uint64_t, int>> roads = {{1, 1},      {1, 5},       {130, 8}, {1000, 4},
                                                            {100000, 7}, {k2to62, 13}, {640, 10}};
  for (const auto& [cells, ranks] : roads) {
    SCOPED_TRACE("cells " + std::to_string(cells) + ", ranks " + std::to_string(ranks));
    const Decomposition d(cells, ranks);
    const int active = d.activeRanks();
    std::set<int> visited;
    int rank = 0;
    for (int i = 0; i < active; ++i) {
      visited.insert(rank);
      const int right = d.rightNeighbour(rank);
      ASSERT_GE(right, 0);
      ASSERT_LT(right, active);
      EXPECT_EQ(d.leftNeighbour(right), rank);
      // The right neighbour owns the cells just past this rank's range (cyclically).
      EXPECT_EQ(d.range(right).begin, d.range(rank).end % cells);
      rank = right;
    }
    EXPECT_EQ(rank, 0) << "the ring closes after visiting every active rank";
    EXPECT_EQ(static_cast<int>(visited.size()), active);
    EXPECT_EQ(d.leftNeighbour(0), active - 1);
  }
}

// fewestCells() is the minimum, over the ranks that own cells, of their range sizes (found here by
// looking at every rank).
TEST(Decomposition, FewestCellsIsTheSmallestActiveRange) {
  for (const std::uint64_t cells :
       {1ULL, 2ULL, 63ULL, 64ULL, 65ULL, 129ULL, 191ULL, 193ULL, 1000ULL, 4097ULL, 100'003ULL, 64ULL * 7 + 1}) {
    for (const int ranks : {1, 2, 3, 4, 7, 8, 100}) {
      const Decomposition d(cells, ranks);
      std::uint64_t fewest = cells;
      for (int r = 0; r < ranks; ++r) {
        if (!d.range(r).empty()) fewest = std::min(fewest, d.range(r).cells());
      }
      EXPECT_EQ(d.fewestCells(), fewest) << "cells " << cells << ", ranks " << ranks;
    }
  }
}
