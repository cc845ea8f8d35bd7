// The initial road: independent of how it is split among ranks, Bernoulli with the asked density,
// and drawn from SplitMix64 (checked against its published outputs).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "convoy/core/decomposition.hpp"
#include "convoy/core/random.hpp"
#include "convoy/model/initial_road.hpp"

namespace {

using convoy::CellRange;
using Words = std::vector<std::uint64_t>;

constexpr std::uint64_t kSeed = 5743;
constexpr std::uint64_t k2to32 = std::uint64_t{1} << 32;

// Fills a range into fresh words that start all ones, so unwritten words or dirty padding show.
Words fill(CellRange range, double density, std::uint64_t seed = kSeed) {
  Words words((range.cells() + 63) / 64, ~std::uint64_t{0});
  convoy::fillRandomRoad(words, range, density, seed);
  return words;
}

bool bit(const Words& words, std::uint64_t i) { return ((words[i / 64] >> (i % 64)) & 1U) != 0; }

std::uint64_t carsIn(const Words& words, std::uint64_t cells) {
  std::uint64_t cars = 0;
  for (std::uint64_t i = 0; i < cells; ++i) cars += bit(words, i) ? 1 : 0;
  return cars;
}

bool paddingIsZero(const Words& words, std::uint64_t cells) {
  return cells % 64 == 0 || (words.back() >> (cells % 64)) == 0;
}

// Whether the cells of `piece` (filled on their own) equal cells piece.begin.. of `whole` (from wholeBegin).
void expectPieceMatchesWhole(const Words& whole, std::uint64_t wholeBegin, CellRange piece, double density) {
  const Words words = fill(piece, density);
  EXPECT_TRUE(paddingIsZero(words, piece.cells()));
  for (std::uint64_t i = 0; i < piece.cells(); ++i) {
    ASSERT_EQ(bit(words, i), bit(whole, piece.begin - wholeBegin + i))
        << "cell " << piece.begin + i << " of piece [" << piece.begin << ", " << piece.end << ")";
  }
}

// Whether the fraction of cars in `cells` cells is within 5 standard errors of a binomial's mean.
void expectDensityNear(std::uint64_t cars, std::uint64_t cells, double density) {
  const double n = static_cast<double>(cells);
  const double standardError = std::sqrt(density * (1 - density) / n);
  EXPECT_NEAR(static_cast<double>(cars) / n, density, 5 * standardError) << cars << " cars in " << cells << " cells";
}

}  // namespace

// random::bits(key, i) is SplitMix64 seeded with `key` at output i: Vigna's reference outputs.
TEST(Random, BitsAreSplitMix64) {
  EXPECT_EQ(convoy::random::bits(0, 0), 0xE220A8397B1DCDAFULL);
  EXPECT_EQ(convoy::random::bits(0, 1), 0x6E789E6AA1B965F4ULL);
  EXPECT_EQ(convoy::random::bits(0, 3), 0xF88BB8A8724C81ECULL);
  EXPECT_EQ(convoy::random::bits(1234567, 0), 6457827717110365317ULL);
  EXPECT_EQ(convoy::random::bits(1234567, 1), 3203168211198807973ULL);
  EXPECT_EQ(convoy::random::bits(1234567, 2), 9817491932198370423ULL);
}

TEST(Random, BernoulliThresholdIsProbabilityTimes2To53) {
  EXPECT_EQ(convoy::random::bernoulliThreshold(0.0), 0U);
  EXPECT_EQ(convoy::random::bernoulliThreshold(0.25), std::uint64_t{1} << 51);
  EXPECT_EQ(convoy::random::bernoulliThreshold(0.5), std::uint64_t{1} << 52);
  EXPECT_EQ(convoy::random::bernoulliThreshold(1.0), std::uint64_t{1} << 53);
}

TEST(InitialRoad, PiecesAtOddSplitsEqualTheWholeRoad) {
  const std::uint64_t cells = 100003;
  for (const double density : {0.1, 0.52, 0.9}) {
    SCOPED_TRACE(density);
    const Words whole = fill({0, cells}, density);
    const std::vector<std::uint64_t> starts = {0, 1, 2, 63, 64, 65, 127, 1000, 1001, 4095, 50001, 99999, cells};
    for (std::size_t p = 0; p + 1 < starts.size(); ++p)
      expectPieceMatchesWhole(whole, 0, {starts[p], starts[p + 1]}, density);
  }
}

// The decomposition of any rank count gives back the same road.
TEST(InitialRoad, EveryRankCountGivesTheSameRoad) {
  const std::uint64_t cells = 10007;
  const Words whole = fill({0, cells}, 0.48);
  for (const int ranks : {1, 2, 3, 4, 7, 13, 64, 100}) {
    SCOPED_TRACE(ranks);
    const convoy::Decomposition d(cells, ranks);
    for (int r = 0; r < ranks; ++r) expectPieceMatchesWhole(whole, 0, d.range(r), 0.48);
  }
}

TEST(InitialRoad, RandomRoadCellAgreesWithTheFill) {
  for (const std::uint64_t begin :
       {std::uint64_t{0}, std::uint64_t{12345}, k2to32 - 100, (std::uint64_t{1} << 62) - 5000}) {
    const CellRange range{begin, begin + 5000};
    const Words words = fill(range, 0.3);
    for (std::uint64_t i = 0; i < range.cells(); ++i) {
      ASSERT_EQ(convoy::randomRoadCell(begin + i, 0.3, kSeed), bit(words, i)) << "cell " << begin + i;
    }
  }
}

TEST(InitialRoad, DensityZeroIsEmptyAndOneIsFull) {
  for (const std::uint64_t cells : {1U, 63U, 64U, 65U, 1000U}) {
    SCOPED_TRACE(cells);
    const Words empty = fill({0, cells}, 0.0);
    for (const std::uint64_t word : empty) EXPECT_EQ(word, 0U);
    const Words full = fill({7, 7 + cells}, 1.0);
    EXPECT_EQ(carsIn(full, cells), cells);
    EXPECT_TRUE(paddingIsZero(full, cells));
  }
}

TEST(InitialRoad, PaddingBitsAreZero) {
  for (const std::uint64_t cells : {1U, 5U, 63U, 65U, 100U, 1000001U}) {
    for (const double density : {0.5, 0.99}) {
      EXPECT_TRUE(paddingIsZero(fill({3, 3 + cells}, density), cells)) << cells << " cells, density " << density;
    }
  }
}

TEST(InitialRoad, FractionOfCarsMatchesTheDensity) {
  const std::uint64_t cells = 1000000;
  for (const double density : {1e-4, 0.1, 0.48, 0.52, 0.9}) {
    for (const std::uint64_t seed : {kSeed, std::uint64_t{1}}) {
      SCOPED_TRACE("density " + std::to_string(density) + ", seed " + std::to_string(seed));
      const Words words = fill({0, cells}, density, seed);
      expectDensityNear(carsIn(words, cells), cells, density);
      if (density < 0.01) continue;  // too few pairs to count
      // Neighbouring cells are independent: pairs of cars occur with probability density^2.
      std::uint64_t pairs = 0;
      for (std::uint64_t i = 0; i + 1 < cells; i += 2) pairs += bit(words, i) && bit(words, i + 1) ? 1 : 0;
      expectDensityNear(pairs, cells / 2, density * density);
    }
  }
}

// Far beyond 32-bit indices the fill is still random (not constant) and still split-independent.
TEST(InitialRoad, RangesBeyond2To32) {
  const CellRange whole{k2to32 - 37, k2to32 + 100000};
  const Words words = fill(whole, 0.5);
  expectDensityNear(carsIn(words, whole.cells()), whole.cells(), 0.5);
  expectPieceMatchesWhole(words, whole.begin, {k2to32 - 1, k2to32 + 1}, 0.5);
  expectPieceMatchesWhole(words, whole.begin, {k2to32 + 5, k2to32 + 70001}, 0.5);
}

TEST(InitialRoad, DifferentSeedsGiveDifferentRoads) {
  const std::uint64_t cells = 100000;
  const Words a = fill({0, cells}, 0.5, kSeed);
  for (const std::uint64_t seed : {kSeed + 1, std::uint64_t{0}, ~kSeed}) {
    const Words b = fill({0, cells}, 0.5, seed);
    std::uint64_t differing = 0;
    for (std::uint64_t i = 0; i < cells; ++i) differing += bit(a, i) != bit(b, i) ? 1 : 0;
    // Independent roads of density 0.5 differ in half their cells.
    expectDensityNear(differing, cells, 0.5);
  }
}
