// The road digest: partial sums over any split add up to the whole, the packed sum equals a plain
// loop over a byte-per-cell road, and small changes of the road change the digest.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "convoy/core/decomposition.hpp"
#include "convoy/core/digest.hpp"
#include "convoy/core/random.hpp"

namespace {

using convoy::CellRange;
using Road = std::vector<std::uint8_t>;  // one byte (0 or 1) per cell
using Words = std::vector<std::uint64_t>;

Words pack(Road::const_iterator begin, Road::const_iterator end) {
  Words words((static_cast<std::size_t>(end - begin) + 63) / 64, 0);
  for (std::size_t i = 0; begin + static_cast<std::ptrdiff_t>(i) != end; ++i) {
    if (begin[static_cast<std::ptrdiff_t>(i)] != 0) words[i / 64] |= std::uint64_t{1} << (i % 64);
  }
  return words;
}

Road randomRoad(std::uint64_t cells, double density, std::mt19937_64& rng) {
  std::bernoulli_distribution car(density);
  Road road(cells);
  for (auto& c : road) c = car(rng) ? 1 : 0;
  return road;
}

// The word code as docs/model.md writes it, from the documented generator.
std::uint64_t documentedWordCode(std::uint64_t wordIndex, std::uint64_t word) {
  return convoy::random::mix(convoy::random::bits(0xD16E57C04E0AD184ULL, wordIndex) ^ word);
}

// The sum by its definition: the byte road packed cell by cell into its global words, each word's
// code summed mod 2^64. `firstCell` is a multiple of 64.
std::uint64_t plainSum(const Road& road, std::uint64_t firstCell = 0) {
  std::vector<std::uint64_t> words((road.size() + 63) / 64, 0);
  for (std::size_t i = 0; i < road.size(); ++i) {
    if (road[i] != 0) words[i / 64] |= std::uint64_t{1} << (i % 64);
  }
  std::uint64_t sum = 0;
  for (std::size_t j = 0; j < words.size(); ++j) sum += documentedWordCode(firstCell / 64 + j, words[j]);
  return sum;
}

std::uint64_t plainDigest(const Road& road) { return convoy::digest::finish(plainSum(road), road.size()); }

std::uint64_t packedSum(const Road& road, std::uint64_t begin, std::uint64_t end) {
  const auto from = road.begin() + static_cast<std::ptrdiff_t>(begin);
  const auto to = road.begin() + static_cast<std::ptrdiff_t>(end);
  return convoy::digest::partialSum(pack(from, to), CellRange{begin, end});
}

std::uint64_t packedDigest(const Road& road) {
  return convoy::digest::finish(packedSum(road, 0, road.size()), road.size());
}

}  // namespace

TEST(Digest, PackedSumEqualsPlainLoop) {
  std::mt19937_64 rng(1);
  for (const std::uint64_t cells : {1U, 2U, 63U, 64U, 65U, 1000U, 100003U}) {
    for (const double density : {0.0, 0.3, 1.0}) {
      const Road road = randomRoad(cells, density, rng);
      EXPECT_EQ(packedDigest(road), plainDigest(road)) << cells << " cells, density " << density;
    }
  }
}

// Split at any word boundary, including empty pieces: the partial sums add up (mod 2^64) to the
// whole one.
TEST(Digest, PartialSumsOfAnySplitAddUp) {
  std::mt19937_64 rng(2);
  const std::uint64_t cells = 20011;
  const Road road = randomRoad(cells, 0.5, rng);
  const std::uint64_t whole = packedSum(road, 0, cells);
  for (int trial = 0; trial < 20; ++trial) {
    std::uniform_int_distribution<std::uint64_t> cut(0, cells / 64);
    std::vector<std::uint64_t> bounds = {0, cells};
    for (int c = 0; c < trial; ++c) bounds.push_back(64 * cut(rng));
    if (trial % 3 == 0) bounds.push_back(bounds.back());  // an empty piece
    std::sort(bounds.begin(), bounds.end());
    std::uint64_t sum = 0;
    for (std::size_t p = 0; p + 1 < bounds.size(); ++p) sum += packedSum(road, bounds[p], bounds[p + 1]);
    EXPECT_EQ(sum, whole) << "trial " << trial;
  }
  EXPECT_EQ(convoy::digest::partialSum({}, CellRange{64, 64}), 0U);
}

TEST(Digest, RankRangesAddUpToTheWhole) {
  std::mt19937_64 rng(3);
  const std::uint64_t cells = 1001;
  const Road road = randomRoad(cells, 0.52, rng);
  for (const int ranks : {1, 2, 3, 7, 1000, 2000}) {
    const convoy::Decomposition d(cells, ranks);
    std::uint64_t sum = 0;
    for (int r = 0; r < ranks; ++r) sum += packedSum(road, d.range(r).begin, d.range(r).end);
    EXPECT_EQ(convoy::digest::finish(sum, cells), plainDigest(road)) << ranks << " ranks";
  }
}

// A piece far along a huge road uses global word numbers.
TEST(Digest, PiecesBeyond32BitIndicesUseGlobalWords) {
  std::mt19937_64 rng(4);
  const Road piece = randomRoad(777, 0.5, rng);
  for (const std::uint64_t begin : {std::uint64_t{1} << 32, (std::uint64_t{1} << 62) - 832}) {
    EXPECT_EQ(convoy::digest::partialSum(pack(piece.begin(), piece.end()), CellRange{begin, begin + piece.size()}),
              plainSum(piece, begin));
  }
}

TEST(Digest, SmallChangesChangeTheDigest) {
  std::mt19937_64 rng(5);
  const Road road = randomRoad(1000, 0.5, rng);
  const std::uint64_t digest = packedDigest(road);

  const auto car = static_cast<std::size_t>(std::find(road.begin(), road.end(), 1) - road.begin());
  const auto gap = static_cast<std::size_t>(std::find(road.begin() + static_cast<std::ptrdiff_t>(car), road.end(), 0) -
                                            road.begin());
  Road moved = road;
  moved[car] = 0;
  moved[gap] = 1;
  EXPECT_NE(packedDigest(moved), digest) << "a car moved from " << car << " to " << gap;

  Road added = road;
  added[gap] = 1;
  EXPECT_NE(packedDigest(added), digest) << "a car added at " << gap;

  Road longer = road;
  longer.push_back(0);
  EXPECT_NE(packedDigest(longer), digest) << "one more empty cell";

  EXPECT_NE(packedDigest(Road(100, 0)), packedDigest(Road(101, 0))) << "empty roads of different lengths";
}

// Every single-car road of 200 cells has its own digest.
TEST(Digest, SingleCarRoadsAreAllDistinct) {
  std::vector<std::uint64_t> digests;
  for (std::size_t car = 0; car < 200; ++car) {
    Road road(200, 0);
    road[car] = 1;
    digests.push_back(packedDigest(road));
  }
  std::sort(digests.begin(), digests.end());
  EXPECT_EQ(std::adjacent_find(digests.begin(), digests.end()), digests.end());
}
