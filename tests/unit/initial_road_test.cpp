// The initial road: independent of how it is split among ranks, Bernoulli with the asked density,
// and drawn from SplitMix64 (checked against its published outputs).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
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

// Prepared roads (init.layout): uniform and jam, built piece by piece as ranks build them.
namespace {

// The cells of a road of `cells` cells filled in word-aligned pieces of `pieceWords` words.
template <typename Fill>
Words fillInPieces(std::uint64_t cells, std::uint64_t pieceWords, Fill fill) {
  Words whole((cells + 63) / 64, 0);
  for (std::uint64_t begin = 0; begin < cells; begin += 64 * pieceWords) {
    const CellRange piece{begin, std::min(cells, begin + 64 * pieceWords)};
    Words words((piece.cells() + 63) / 64, ~std::uint64_t{0});
    fill(std::span<std::uint64_t>(words), piece);
    EXPECT_TRUE(paddingIsZero(words, piece.cells())) << "piece from " << begin;
    for (std::uint64_t i = 0; i < piece.cells(); ++i) {
      if (bit(words, i)) whole[(begin + i) / 64] |= std::uint64_t{1} << ((begin + i) % 64);
    }
  }
  return whole;
}

}  // namespace

TEST(PreparedRoad, CarsAreTheDensityTimesTheLengthRounded) {
  EXPECT_EQ(convoy::preparedCars(1000, 0.2), 200U);
  EXPECT_EQ(convoy::preparedCars(1000, 0.0005), 1U);   // 0.5 rounds up
  EXPECT_EQ(convoy::preparedCars(1000, 0.00049), 0U);  // 0.49 rounds down
  EXPECT_EQ(convoy::preparedCars(7, 1.0), 7U);
  EXPECT_EQ(convoy::preparedCars(std::uint64_t{1} << 40, 0.25), std::uint64_t{1} << 38);
}

// Uniform: car 0 in cell 0, M cars, and every gap (around the ring) floor(N / M) or ceil(N / M) cells.
TEST(PreparedRoad, UniformCarsAreEvenlySpacedInAnyPieces) {
  for (const std::uint64_t cells : {std::uint64_t{1000}, std::uint64_t{4099}, std::uint64_t{64 * 50}}) {
    for (const std::uint64_t cars : {std::uint64_t{1}, std::uint64_t{7}, cells / 5, cells / 2 + 3, cells - 1, cells}) {
      for (const std::uint64_t pieceWords : {1ULL, 3ULL, 1000ULL}) {
        const Words road = fillInPieces(cells, pieceWords, [&](std::span<std::uint64_t> w, CellRange piece) {
          convoy::fillUniformRoad(w, piece, cells, cars);
        });
        ASSERT_EQ(carsIn(road, cells), cars) << cells << " cells, " << cars << " cars";
        ASSERT_TRUE(bit(road, 0));
        std::vector<std::uint64_t> positions;
        for (std::uint64_t i = 0; i < cells; ++i) {
          if (bit(road, i)) positions.push_back(i);
        }
        for (std::size_t k = 0; k < positions.size(); ++k) {
          const std::uint64_t next = k + 1 < positions.size() ? positions[k + 1] : positions[0] + cells;
          const std::uint64_t gap = next - positions[k];
          EXPECT_TRUE(gap == cells / cars || gap == (cells + cars - 1) / cars)
              << "gap " << gap << " after cell " << positions[k] << ": " << cells << " cells, " << cars << " cars";
        }
      }
    }
  }
  Words none(2, ~std::uint64_t{0});
  convoy::fillUniformRoad(none, {0, 100}, 100, 0);
  EXPECT_EQ(carsIn(none, 100), 0U);
}

TEST(PreparedRoad, AJamIsTheFirstCellsInAnyPieces) {
  for (const std::uint64_t cars : {0ULL, 1ULL, 63ULL, 64ULL, 65ULL, 1000ULL, 4099ULL}) {
    const Words road = fillInPieces(
        4099, 3, [&](std::span<std::uint64_t> w, CellRange piece) { convoy::fillJamRoad(w, piece, cars); });
    for (std::uint64_t i = 0; i < 4099; ++i)
      ASSERT_EQ(bit(road, i), i < cars) << "cell " << i << ", " << cars << " cars";
  }
}

// Velocities: every car at the given velocity, empty cells at 0; random ones uniform on 0..vmax
// (a chi-square test at p = 0.001) and the same whichever piece draws them.
TEST(PreparedRoad, VelocitiesSitOnCarsOnly) {
  const Words occupancy{0xF0F0'0000'0000'00FFULL, 0x1ULL};
  std::vector<Words> planes(3, Words(2, ~std::uint64_t{0}));
  std::vector<std::span<std::uint64_t>> views(planes.begin(), planes.end());
  convoy::fillVelocities(occupancy, views, 5);  // 0b101
  EXPECT_EQ(planes[0], occupancy);
  EXPECT_EQ(planes[1], Words(2, 0));
  EXPECT_EQ(planes[2], occupancy);
}

TEST(PreparedRoad, RandomVelocitiesAreUniformAndRankIndependent) {
  constexpr unsigned kVmax = 5;
  constexpr std::uint64_t kCells = 64 * 2000;
  const Words occupancy(kCells / 64, ~std::uint64_t{0});  // a car in every cell
  std::vector<Words> planes(3, Words(kCells / 64, 0));
  std::vector<std::span<std::uint64_t>> views(planes.begin(), planes.end());
  convoy::fillRandomVelocities(occupancy, {0, kCells}, views, kVmax, kSeed);
  std::vector<double> counts(kVmax + 1, 0);
  for (std::uint64_t i = 0; i < kCells; ++i) {
    unsigned v = 0;
    for (unsigned b = 0; b < 3; ++b) v |= (bit(planes[b], i) ? 1U : 0U) << b;
    ASSERT_LE(v, kVmax);
    ASSERT_EQ(v, convoy::randomInitialVelocity(i, kVmax, kSeed)) << "cell " << i;
    counts[v] += 1;
  }
  const double expected = static_cast<double>(kCells) / (kVmax + 1);
  double chiSquare = 0;
  for (const double count : counts) chiSquare += (count - expected) * (count - expected) / expected;
  EXPECT_LT(chiSquare, 20.5) << "chi-square with 5 degrees of freedom";  // p = 0.001
  // A piece of the road (as a rank holds it) draws the same velocities for the same cells.
  const CellRange piece{64 * 700, 64 * 703};
  const Words pieceOccupancy(3, 0x8000'0000'0000'0001ULL);
  std::vector<Words> piecePlanes(3, Words(3, ~std::uint64_t{0}));
  std::vector<std::span<std::uint64_t>> pieceViews(piecePlanes.begin(), piecePlanes.end());
  convoy::fillRandomVelocities(pieceOccupancy, piece, pieceViews, kVmax, kSeed);
  for (std::uint64_t i = 0; i < piece.cells(); ++i) {
    for (unsigned b = 0; b < 3; ++b) {
      const bool car = bit(pieceOccupancy, i);
      ASSERT_EQ(bit(piecePlanes[b], i), car && bit(planes[b], piece.begin + i)) << "cell " << piece.begin + i;
    }
  }
}
