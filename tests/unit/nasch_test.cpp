// The bit-sliced Nagel-Schreckenberg kernel against the plain reference kernel, against itself cut into
// segments, against rule 184, and against exact results of the model; the braking rule on its own.
// Expected values come from theory or from the reference kernel, never from the code under test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "convoy/core/random.hpp"
#include "convoy/model/braking.hpp"
#include "convoy/model/isa.hpp"
#include "convoy/model/nasch.hpp"
#include "convoy/model/nasch_reference.hpp"
#include "convoy/model/reference_kernel.hpp"
#include "convoy/model/rule184.hpp"

namespace {

namespace nasch = convoy::nasch;
using Cells = std::vector<std::int16_t>;  // -1 empty, else the car's velocity
using Words = std::vector<std::uint64_t>;
constexpr std::int16_t kEmpty = -1;

unsigned planesFor(unsigned vmax) {
  unsigned planes = 0;
  while ((vmax >> planes) != 0) ++planes;
  return planes;
}
std::uint64_t haloFor(unsigned vmax) { return (vmax + 63) / 64; }

// Packing written here rather than with nasch.hpp, so the tests do not trust the code they test.
nasch::State pack(const Cells& cells, unsigned vmax, std::uint64_t words) {
  const unsigned planes = planesFor(vmax);
  nasch::State road;
  road.occupancy.assign(words, 0);
  road.velocity.assign(words * planes, 0);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (cells[i] == kEmpty) continue;
    road.occupancy[i / 64] |= std::uint64_t{1} << (i % 64);
    for (unsigned b = 0; b < planes; ++b) {
      if ((cells[i] >> b) & 1) road.velocity[b * words + i / 64] |= std::uint64_t{1} << (i % 64);
    }
  }
  return road;
}
nasch::State pack(const Cells& cells, unsigned vmax) { return pack(cells, vmax, (cells.size() + 63) / 64); }

bool bit(const Words& words, std::uint64_t i) { return ((words[i / 64] >> (i % 64)) & 1U) != 0; }

Cells unpack(const nasch::State& road, std::uint64_t cells, unsigned vmax) {
  const unsigned planes = planesFor(vmax);
  const std::uint64_t words = road.occupancy.size();
  Cells out(cells, kEmpty);
  for (std::uint64_t i = 0; i < cells; ++i) {
    if (!bit(road.occupancy, i)) continue;
    int v = 0;
    for (unsigned b = 0; b < planes; ++b) {
      if ((road.velocity[b * words + i / 64] >> (i % 64)) & 1U) v |= 1 << b;
    }
    out[i] = static_cast<std::int16_t>(v);
  }
  return out;
}

// Bits past the last cell, in every layer, are zero.
bool paddingIsZero(const nasch::State& road, std::uint64_t cells) {
  const std::uint64_t words = road.occupancy.size();
  if (cells % 64 == 0 || words == 0) return true;
  const std::uint64_t planes = road.velocity.size() / words;
  if ((road.occupancy[words - 1] >> (cells % 64)) != 0) return false;
  for (std::uint64_t b = 0; b < planes; ++b) {
    if ((road.velocity[b * words + words - 1] >> (cells % 64)) != 0) return false;
  }
  return true;
}

Cells randomCells(std::uint64_t cells, double density, unsigned vmax, std::mt19937_64& rng) {
  std::bernoulli_distribution car(density);
  std::uniform_int_distribution<int> velocity(0, static_cast<int>(vmax));
  Cells out(cells, kEmpty);
  for (auto& c : out) {
    if (car(rng)) c = static_cast<std::int16_t>(velocity(rng));
  }
  return out;
}

long long firstDifference(const Cells& a, const Cells& b) {
  if (a.size() != b.size()) return -2;
  const auto [ia, ib] = std::mismatch(a.begin(), a.end(), b.begin());
  return ia == a.end() ? -1 : static_cast<long long>(ia - a.begin());
}

std::uint64_t carsIn(const Cells& cells) {
  return static_cast<std::uint64_t>(std::count_if(cells.begin(), cells.end(), [](std::int16_t c) { return c >= 0; }));
}

// P = round(p 2^32), computed here independently of braking::threshold.
std::uint64_t thresholdOf(double p) { return static_cast<std::uint64_t>(std::llround(p * 4294967296.0)); }

// pSlow < 0: plain NaSch (P_slow = P).
convoy::reference::NaschParameters referenceParameters(unsigned vmax, double p, std::uint64_t seed, double pSlow = -1) {
  return {vmax, thresholdOf(p), seed, thresholdOf(pSlow < 0 ? p : pSlow)};
}
nasch::Model modelOf(unsigned vmax, double p, std::uint64_t seed, double pSlow = -1) {
  return {vmax, thresholdOf(p), seed, thresholdOf(pSlow < 0 ? p : pSlow)};
}

enum class Kernel { Fast, Generic };

// The instruction-set variants of the fast kernels that this CPU can run (scalar always). A CPU
// without AVX2 or AVX-512 tests fewer: the test says so, so that a green run is not mistaken for
// one that covered them.
std::vector<convoy::Isa> variantsHere() {
  std::vector<convoy::Isa> variants;
  for (const convoy::Isa isa : {convoy::Isa::Scalar, convoy::Isa::Avx2, convoy::Isa::Avx512}) {
    if (convoy::available(isa)) {
      variants.push_back(isa);
    } else {
      static bool told[4] = {};
      if (!told[static_cast<int>(isa)])
        std::printf("note: this CPU cannot run the %s kernels; they are not tested here\n",
                    std::string(convoy::nameOf(isa)).c_str());
      told[static_cast<int>(isa)] = true;
    }
  }
  return variants;
}

struct Stepped {
  nasch::State road;
  std::uint64_t distance;
};

// One fast step of a whole ring; `next` starts as all ones so an unwritten word or dirty padding shows.
Stepped stepRing(const nasch::Model& model, std::uint64_t step, const nasch::State& old, std::uint64_t cells,
                 Kernel kernel = Kernel::Fast, convoy::Isa isa = convoy::Isa::Best) {
  nasch::State next;
  next.occupancy.assign(old.occupancy.size(), ~std::uint64_t{0});
  next.velocity.assign(old.velocity.size(), ~std::uint64_t{0});
  std::uint64_t distance = 0;
  if (kernel == Kernel::Fast) {
    distance = nasch::stepRing(model, step, cells, old.view(), next.view(), isa);
  } else {
    const nasch::Placement segment{cells, 0, old.occupancy.size()};
    const nasch::Halos halos = nasch::ringHalos(old.view(), segment, model.vmax);
    distance = nasch::detail::stepSegmentGeneric(model, step, segment, old.view(), halos.left.view(),
                                                 halos.right.view(), next.view());
  }
  return {next, distance};
}

// Runs both kernels side by side and compares state, distance, car count and padding every step.
void expectMatchesReference(const Cells& start, unsigned vmax, double p, std::uint64_t seed, int steps, Kernel kernel,
                            convoy::Isa isa = convoy::Isa::Best, double pSlow = -1) {
  const std::uint64_t cells = start.size();
  const nasch::Model model = modelOf(vmax, p, seed, pSlow);
  const auto parameters = referenceParameters(vmax, p, seed, pSlow);
  const std::uint64_t cars = carsIn(start);
  Cells road = start;
  nasch::State packed = pack(start, vmax);
  for (int step = 1; step <= steps; ++step) {
    Cells expected;
    const std::uint64_t expectedDistance =
        convoy::reference::stepNaschRing(parameters, static_cast<std::uint64_t>(step), road, expected);
    Stepped actual = stepRing(model, static_cast<std::uint64_t>(step), packed, cells, kernel, isa);
    const Cells actualCells = unpack(actual.road, cells, vmax);
    ASSERT_EQ(firstDifference(actualCells, expected), -1) << "step " << step;
    ASSERT_EQ(actual.distance, expectedDistance) << "step " << step;
    ASSERT_TRUE(paddingIsZero(actual.road, cells)) << "step " << step;
    ASSERT_EQ(carsIn(expected), cars) << "step " << step;
    road = std::move(expected);
    packed = std::move(actual.road);
  }
}

}  // namespace

TEST(NaschBraking, ThresholdQuantisesToMultiplesOf2ToTheMinus32) {
  EXPECT_EQ(convoy::braking::threshold(0.0), 0U);
  EXPECT_EQ(convoy::braking::threshold(0.25), std::uint64_t{1} << 30);
  EXPECT_EQ(convoy::braking::threshold(0.5), std::uint64_t{1} << 31);
  EXPECT_EQ(convoy::braking::threshold(1.0), std::uint64_t{1} << 32);
  EXPECT_EQ(convoy::braking::threshold(0.7), 3006477107U);  // 0.7 x 2^32 = 3006477107.2
  EXPECT_EQ(convoy::braking::threshold(1e-12), 0U);         // below 2^-33: never
  EXPECT_EQ(convoy::braking::randomWords(std::uint64_t{1} << 30), 2);
  EXPECT_EQ(convoy::braking::randomWords(3006477107U), 32);
}

// The word-wise comparison equals U < P per cell with U assembled from all 32 random words, for random
// P (any number of significant bits) and random candidate masks.
TEST(NaschBraking, WordWiseComparisonEqualsPerCellRule) {
  std::mt19937_64 rng(8);
  std::vector<std::uint64_t> thresholds = {0,
                                           1,
                                           2,
                                           3,
                                           std::uint64_t{1} << 31,
                                           (std::uint64_t{1} << 32) - 1,
                                           std::uint64_t{1} << 32,
                                           thresholdOf(0.25),
                                           thresholdOf(0.7)};
  std::uniform_int_distribution<std::uint64_t> anyThreshold(0, std::uint64_t{1} << 32);
  std::uniform_int_distribution<int> lowZeros(0, 31);
  for (int i = 0; i < 40; ++i) {
    thresholds.push_back(anyThreshold(rng));
    thresholds.push_back((anyThreshold(rng) >> lowZeros(rng)) << lowZeros(rng) & ((std::uint64_t{1} << 32) - 1));
  }
  for (const std::uint64_t threshold : thresholds) {
    SCOPED_TRACE("P " + std::to_string(threshold));
    const std::uint64_t key = convoy::random::streamKey(rng(), convoy::random::Stream::Braking, 1 + rng() % 1000);
    const convoy::reference::NaschParameters parameters{5, threshold, 77};
    for (int trial = 0; trial < 20; ++trial) {
      const std::uint64_t word = rng() % (std::uint64_t{1} << 40);
      std::uint64_t u[64] = {};
      for (std::uint64_t i = 0; i < 32; ++i) {
        const std::uint64_t r = convoy::random::bits(key, word * 32 + i);
        for (int j = 0; j < 64; ++j) u[j] |= ((r >> j) & 1U) << (31 - i);
      }
      std::uint64_t expected = 0;
      for (int j = 0; j < 64; ++j) expected |= static_cast<std::uint64_t>(u[j] < threshold) << j;
      const std::uint64_t candidates = trial % 2 == 0 ? ~std::uint64_t{0} : rng() & rng();
      ASSERT_EQ(convoy::braking::wordMask(key, word, threshold, candidates), expected & candidates);
    }
    // The reference kernel's per-car rule, through its own key.
    const std::uint64_t step = 1 + rng() % 100;
    const std::uint64_t referenceKey = convoy::random::streamKey(77, convoy::random::Stream::Braking, step);
    for (int trial = 0; trial < 4; ++trial) {
      const std::uint64_t word = rng() % 100000;
      const std::uint64_t mask = convoy::braking::wordMask(referenceKey, word, threshold);
      for (std::uint64_t j = 0; j < 64; ++j) {
        ASSERT_EQ(convoy::reference::naschBrakes(parameters, step, word * 64 + j), ((mask >> j) & 1U) != 0);
      }
    }
  }
}

TEST(NaschBraking, FractionOfBrakingCarsIsP) {
  for (const double p : {0.25, 0.7}) {
    const std::uint64_t threshold = convoy::braking::threshold(p);
    const std::uint64_t words = 200000;
    std::uint64_t braking = 0;
    for (std::uint64_t step = 1; step <= 2; ++step) {
      const std::uint64_t key = convoy::braking::stepKey(5743, step);
      for (std::uint64_t w = 0; w < words; ++w) {
        braking += static_cast<std::uint64_t>(std::popcount(convoy::braking::wordMask(key, w, threshold)));
      }
    }
    const double n = 2.0 * 64.0 * static_cast<double>(words);
    const double sigma = std::sqrt(p * (1 - p) / n);
    EXPECT_NEAR(static_cast<double>(braking) / n, p, 4 * sigma) << "p " << p;
  }
}

TEST(Nasch, CellsRoundTrip) {
  std::mt19937_64 rng(1);
  for (const unsigned vmax : {1U, 5U, 8U, 200U, 255U}) {
    for (const std::uint64_t cells : {1U, 63U, 64U, 65U, 1000U}) {
      const Cells start = randomCells(cells, 0.4, vmax, rng);
      const nasch::State road = nasch::fromCells(start, vmax);
      const nasch::State expected = pack(start, vmax);
      EXPECT_EQ(road.occupancy, expected.occupancy);
      EXPECT_EQ(road.velocity, expected.velocity);
      EXPECT_EQ(nasch::toCells(road.view(), 0, cells), start);
      std::uint64_t sum = 0;
      for (const auto c : start) sum += c > 0 ? static_cast<std::uint64_t>(c) : 0;
      EXPECT_EQ(nasch::velocitySum(road.view()), sum);
    }
  }
}

// Hand-worked ring steps, no braking: checks the reference too (it is the oracle elsewhere).
TEST(Nasch, HandWorkedRings) {
  struct Case {
    unsigned vmax;
    Cells before, after;
    std::uint64_t distance;
  };
  const std::int16_t e = kEmpty;
  const std::vector<Case> cases = {
      {5, {0, e, e, e, e, e, e, e, e, e}, {e, 1, e, e, e, e, e, e, e, e}, 1},  // accelerate from rest
      {5, {e, e, 5, e, e, 0, e, e, e, e}, {e, e, e, e, 2, e, 1, e, e, e}, 3},  // keep to the gap (2)
      {2, {2, e, e, e}, {e, e, 2, e}, 2},                                      // cruise at vmax
      {5, {e, e, e, 3}, {e, e, 3, e}, 3},  // lone car on a ring of 4: gap 3, wraps past cell 3
      {3, {1, 1, 1}, {0, 0, 0}, 0},        // full ring: nobody moves, velocities drop to 0
      {1, {e}, {e}, 0},
      {7, {0}, {0}, 0},  // one car on one cell: it sees itself, gap 0
  };
  for (const Case& c : cases) {
    const auto parameters = referenceParameters(c.vmax, 0.0, 1);
    Cells next;
    EXPECT_EQ(convoy::reference::stepNaschRing(parameters, 1, c.before, next), c.distance);
    EXPECT_EQ(next, c.after);
    const Stepped s = stepRing(modelOf(c.vmax, 0.0, 1), 1, pack(c.before, c.vmax), c.before.size());
    EXPECT_EQ(unpack(s.road, c.before.size(), c.vmax), c.after);
    EXPECT_EQ(s.distance, c.distance);
  }
  // p = 1: every moving car loses one cell of velocity.
  Cells next;
  const Cells before = {3, e, e, e, e, e, e, e};
  EXPECT_EQ(convoy::reference::stepNaschRing(referenceParameters(5, 1.0, 1), 1, before, next), 3U);
  EXPECT_EQ(next, (Cells{e, e, e, 3, e, e, e, e}));
  EXPECT_EQ(unpack(stepRing(modelOf(5, 1.0, 1), 1, pack(before, 5), 8).road, 8, 5), next);
}

TEST(Nasch, FastMatchesReference) {
  std::mt19937_64 rng(2025);
  for (const std::uint64_t cells : {1U, 63U, 64U, 65U, 127U, 1000U, 4099U, 100003U}) {
    const int steps = cells <= 127 ? 60 : cells <= 1000 ? 30 : cells <= 4099 ? 12 : 2;
    for (const unsigned vmax : {1U, 2U, 3U, 5U, 7U, 8U, 16U, 17U, 64U, 65U, 200U}) {
      for (const double p : {0.0, 0.25, 0.5, 0.7, 1.0}) {
        for (const double density : {0.0, 0.05, 0.2, 0.5, 0.9, 1.0}) {
          SCOPED_TRACE("cells " + std::to_string(cells) + ", vmax " + std::to_string(vmax) + ", p " +
                       std::to_string(p) + ", density " + std::to_string(density));
          const Cells start = randomCells(cells, density, vmax, rng);
          const std::uint64_t seed = rng();
          for (const convoy::Isa isa : variantsHere()) {  // each instruction-set variant of the fast kernels
            SCOPED_TRACE("kernel variant " + std::string(convoy::nameOf(isa)));
            expectMatchesReference(start, vmax, p, seed, steps, Kernel::Fast, isa);
            if (HasFatalFailure()) return;
          }
          if (vmax <= 16 && cells <= 4099) {  // the run-time-vmax path (vmax > 16) for small vmax too
            expectMatchesReference(start, vmax, p, seed, steps, Kernel::Generic);
            if (HasFatalFailure()) return;
          }
        }
      }
    }
  }
}

// The one-pass vector kernels take whole blocks of whole vectors: a ring of 537 words has one (words
// 256 .. 511; the first block has the wrapped halo's preset brakes, the last 25 words and a partial
// word), one of 536 words two (the last in a staging copy). Every vmax they exist for, every count of
// random words per 64 cells drawn in full (K = 0 .. 4: p = 0, 1/2, 1/4, 3/4, 3/8, 9/16, 11/16, 5/16,
// with each digit of P, 0 or 1, at each of the first positions) and drawn until the cars are decided
// (K = 5: p = 9/32; K = 32: p = 0.3 and 1/4 + 2^-32, whose digits 2 .. 30 are 0; K = 31: p = 0.1), at a low
// density and at a high one (more cars per word, more words left undecided after the first digits),
// against the reference.
TEST(Nasch, VectorBlocksMatchReference) {
  std::mt19937_64 rng(4242);
  for (const std::uint64_t cells : {64U * 536U + 5U, 64U * 536U}) {
    for (unsigned vmax = 1; vmax <= 16; ++vmax) {
      for (const double p :
           {0.0, 0.5, 0.25, 0.75, 0.375, 0.5625, 0.6875, 0.3125, 0.28125, 0.3, 0.1, 0.25 + std::ldexp(1.0, -32)}) {
        for (const double density : {0.2, 0.6}) {
          SCOPED_TRACE("cells " + std::to_string(cells) + ", vmax " + std::to_string(vmax) + ", p " +
                       std::to_string(p) + ", density " + std::to_string(density));
          const Cells start = randomCells(cells, density, vmax, rng);
          const std::uint64_t seed = rng();
          for (const convoy::Isa isa : variantsHere()) {
            SCOPED_TRACE("kernel variant " + std::string(convoy::nameOf(isa)));
            expectMatchesReference(start, vmax, p, seed, 6, Kernel::Fast, isa);
            if (HasFatalFailure()) return;
          }
        }
      }
    }
  }
}

// Slow-to-start in the one-pass vector kernels (the braking masks drawn for the whole block first,
// each car against P or P_slow by whether it stood still): a ring of 536 words (two whole blocks),
// with P_slow above and below P, either of them with few random words or with 32, and P_slow = 1
// (which goes to the four-pass kernel), against the reference.
TEST(Nasch, VectorBlocksWithSlowToStartMatchReference) {
  std::mt19937_64 rng(2718);
  for (const unsigned vmax : {1U, 2U, 5U, 8U, 16U}) {
    for (const auto& [p, pSlow] :
         {std::pair{0.25, 0.75}, std::pair{0.3, 0.0}, std::pair{0.0, 0.3}, std::pair{0.1, 0.6}, std::pair{0.5, 1.0}}) {
      for (const double density : {0.2, 0.6}) {
        SCOPED_TRACE("vmax " + std::to_string(vmax) + ", p " + std::to_string(p) + ", p_slow " + std::to_string(pSlow) +
                     ", density " + std::to_string(density));
        const Cells start = randomCells(64U * 536U, density, vmax, rng);
        const std::uint64_t seed = rng();
        for (const convoy::Isa isa : variantsHere()) {
          SCOPED_TRACE("kernel variant " + std::string(convoy::nameOf(isa)));
          expectMatchesReference(start, vmax, p, seed, 6, Kernel::Fast, isa, pSlow);
          if (HasFatalFailure()) return;
        }
      }
    }
  }
}

// Slow-to-start: a car standing still at the start of a step brakes with p_slow instead of p. Every
// variant and the run-time-vmax path against the reference, with p_slow above, below and at the ends.
TEST(Nasch, SlowToStartMatchesReference) {
  std::mt19937_64 rng(1998);
  for (const std::uint64_t cells : {63U, 65U, 1000U, 4099U}) {
    const int steps = cells <= 1000 ? 40 : 15;
    for (const unsigned vmax : {1U, 2U, 5U, 8U, 16U, 17U, 70U}) {
      for (const auto& [p, pSlow] : {std::pair{0.015625, 0.75}, std::pair{0.25, 0.0}, std::pair{0.5, 1.0},
                                     std::pair{0.0, 0.7}, std::pair{1.0, 0.25}}) {
        for (const double density : {0.1, 0.3, 0.6}) {
          SCOPED_TRACE("cells " + std::to_string(cells) + ", vmax " + std::to_string(vmax) + ", p " +
                       std::to_string(p) + ", p_slow " + std::to_string(pSlow) + ", density " +
                       std::to_string(density));
          const Cells start = randomCells(cells, density, vmax, rng);
          const std::uint64_t seed = rng();
          for (const convoy::Isa isa : variantsHere()) {
            SCOPED_TRACE("kernel variant " + std::string(convoy::nameOf(isa)));
            expectMatchesReference(start, vmax, p, seed, steps, Kernel::Fast, isa, pSlow);
            if (HasFatalFailure()) return;
          }
          if (vmax <= 16) {
            expectMatchesReference(start, vmax, p, seed, steps, Kernel::Generic, convoy::Isa::Best, pSlow);
            if (HasFatalFailure()) return;
          }
        }
      }
    }
  }
}

// The reference's slow-to-start rule by hand: a lone car standing still with p_slow = 1 never
// starts; at p_slow = 0 it starts in the first step; once moving it brakes with p alone.
TEST(Nasch, SlowToStartByHand) {
  constexpr std::int16_t e = -1;
  const Cells standing = {0, e, e, e, e, e, e, e};
  Cells next;
  EXPECT_EQ(convoy::reference::stepNaschRing(referenceParameters(5, 0.0, 1, 1.0), 1, standing, next), 0U);
  EXPECT_EQ(next, standing);
  EXPECT_EQ(unpack(stepRing(modelOf(5, 0.0, 1, 1.0), 1, pack(standing, 5), 8).road, 8, 5), standing);
  EXPECT_EQ(convoy::reference::stepNaschRing(referenceParameters(5, 1.0, 1, 0.0), 1, standing, next), 1U);
  EXPECT_EQ(next, (Cells{e, 1, e, e, e, e, e, e}));
  EXPECT_EQ(unpack(stepRing(modelOf(5, 1.0, 1, 0.0), 1, pack(standing, 5), 8).road, 8, 5), next);
  const Cells moving = {2, e, e, e, e, e, e, e};  // p_slow 1 does not touch a moving car
  EXPECT_EQ(convoy::reference::stepNaschRing(referenceParameters(5, 0.0, 1, 1.0), 1, moving, next), 3U);
  EXPECT_EQ(unpack(stepRing(modelOf(5, 0.0, 1, 1.0), 1, pack(moving, 5), 8).road, 8, 5), next);
}

// Long runs on a mid-size ring, where the road reaches its steady state (jams, free flow).
TEST(Nasch, LongRunsMatchReference) {
  std::mt19937_64 rng(7);
  for (const unsigned vmax : {1U, 5U, 7U, 8U}) {
    for (const double p : {0.25, 0.7}) {
      SCOPED_TRACE("vmax " + std::to_string(vmax) + ", p " + std::to_string(p));
      const Cells start = randomCells(1000, 0.2, vmax, rng);
      const std::uint64_t seed = rng();
      for (const convoy::Isa isa : variantsHere()) {
        SCOPED_TRACE("kernel variant " + std::string(convoy::nameOf(isa)));
        expectMatchesReference(start, vmax, p, seed, 400, Kernel::Fast, isa);
        if (HasFatalFailure()) return;
      }
    }
  }
}

// The ring cut into segments of whole words (as the MPI decomposition cuts it), each stepped on its own
// with halos copied from the ring around it, equals the one-segment ring and the reference. Halo cells
// further than vmax from the segment are filled with random (valid) cars: they must not matter.
TEST(Nasch, SegmentsOfARingMatchTheWholeRing) {
  std::mt19937_64 rng(99);
  // On this ring the cuts are fixed at words 8 and 304: the two later segments' blocks are whole
  // vectors with halos from a neighbour (firstWord > 0), which the one-pass vector kernels take.
  constexpr std::uint64_t kVectorRing = 64 * 536;
  for (const std::uint64_t cells : {130UL, 1000UL, 2560UL, 4099UL, kVectorRing}) {
    const std::uint64_t words = (cells + 63) / 64;
    for (const unsigned vmax : {1U, 3U, 5U, 7U, 8U, 16U, 17U, 64U, 65U, 200U}) {
      const std::uint64_t halo = haloFor(vmax);
      const unsigned planes = planesFor(vmax);
      for (const std::uint64_t pieces : {2U, 3U, 4U, 7U}) {
        if (pieces > words) continue;
        for (const double p : {0.25, 0.7}) {
          const double density = vmax <= 16 ? 0.2 : 0.05;
          SCOPED_TRACE("cells " + std::to_string(cells) + ", vmax " + std::to_string(vmax) + ", pieces " +
                       std::to_string(pieces) + ", p " + std::to_string(p));
          // Unequal whole-word pieces: distinct random cuts at word boundaries.
          std::vector<std::uint64_t> firstWords = {0};
          if (cells == kVectorRing) {
            if (pieces != 3) continue;
            firstWords = {0, 8, 304};
          }
          std::uniform_int_distribution<std::uint64_t> cut(1, words - 1);
          while (firstWords.size() < pieces) {
            const std::uint64_t c = cut(rng);
            if (std::find(firstWords.begin(), firstWords.end(), c) == firstWords.end()) firstWords.push_back(c);
          }
          std::sort(firstWords.begin(), firstWords.end());
          firstWords.push_back(words);

          const nasch::Model model = modelOf(vmax, p, rng());
          const auto parameters = referenceParameters(vmax, p, model.seed);
          Cells road = randomCells(cells, density, vmax, rng);
          nasch::State whole = pack(road, vmax);
          for (std::uint64_t step = 1; step <= 25; ++step) {
            Cells expected;
            const std::uint64_t expectedDistance = convoy::reference::stepNaschRing(parameters, step, road, expected);
            const Stepped ring = stepRing(model, step, whole, cells);
            ASSERT_EQ(firstDifference(unpack(ring.road, cells, vmax), expected), -1) << "step " << step;
            ASSERT_EQ(ring.distance, expectedDistance);

            Cells joined;
            std::uint64_t distance = 0;
            for (std::uint64_t s = 0; s < pieces; ++s) {
              const std::uint64_t first = firstWords[s] * 64;
              const std::uint64_t end = std::min(firstWords[s + 1] * 64, cells);
              const nasch::Placement segment{cells, firstWords[s], firstWords[s + 1] - firstWords[s]};
              const Cells own(road.begin() + static_cast<std::ptrdiff_t>(first),
                              road.begin() + static_cast<std::ptrdiff_t>(end));
              // Halos in ring order, from the road around the segment; far cells are noise.
              const Cells noise = randomCells(64 * halo, 0.5, vmax, rng);
              Cells left(64 * halo), right(64 * halo);
              for (std::uint64_t k = 0; k < 64 * halo; ++k) {
                const std::uint64_t back = 64 * halo - k;  // cells behind the segment's first cell
                left[k] = back <= vmax ? road[((first + cells * 4) - back) % cells] : noise[k];
                right[k] = k < vmax ? road[(end + k) % cells] : noise[k];
              }
              const nasch::State oldPiece = pack(own, vmax, segment.words);
              const nasch::State leftHalo = pack(left, vmax, halo);
              const nasch::State rightHalo = pack(right, vmax, halo);
              nasch::State next;
              next.occupancy.assign(segment.words, ~std::uint64_t{0});
              next.velocity.assign(segment.words * planes, ~std::uint64_t{0});
              distance += nasch::stepSegment(model, step, segment, oldPiece.view(), leftHalo.view(), rightHalo.view(),
                                             next.view());
              ASSERT_TRUE(paddingIsZero(next, end - first)) << "piece " << s;
              const Cells piece = unpack(next, end - first, vmax);
              joined.insert(joined.end(), piece.begin(), piece.end());
            }
            ASSERT_EQ(firstDifference(joined, expected), -1) << "step " << step;
            ASSERT_EQ(distance, expectedDistance) << "step " << step;
            road = std::move(expected);
            whole = ring.road;
          }
        }
      }
    }
  }
}

// nasch with vmax 1 and p 0 is rule 184: same road, and the distance is the number of moves.
TEST(Nasch, Vmax1WithoutBrakingIsRule184) {
  std::mt19937_64 rng(184);
  for (const std::uint64_t cells : {1U, 2U, 63U, 64U, 65U, 127U, 1000U, 4099U, 100003U}) {
    for (const double density : {0.1, 0.5, 0.52, 0.9}) {
      SCOPED_TRACE("cells " + std::to_string(cells) + ", density " + std::to_string(density));
      const Cells start = randomCells(cells, density, 1, rng);  // velocities 0 or 1: rule 184 ignores them
      std::vector<std::uint8_t> bytes(cells);
      for (std::uint64_t i = 0; i < cells; ++i) bytes[i] = start[i] >= 0 ? 1 : 0;
      nasch::State road = pack(start, 1);
      Words packed184 = road.occupancy;
      const nasch::Model model = modelOf(1, 0.0, rng());
      for (std::uint64_t step = 1; step <= (cells > 10000 ? 5U : 50U); ++step) {
        std::vector<std::uint8_t> nextBytes;
        const std::uint64_t moved = convoy::reference::stepRing(bytes, nextBytes);
        Words next184(packed184.size());
        const std::uint64_t moved184 =
            convoy::rule184::stepPacked(packed184, next184, cells, bit(packed184, cells - 1), bit(packed184, 0));
        const Stepped s = stepRing(model, step, road, cells);
        ASSERT_EQ(s.road.occupancy, next184) << "step " << step;
        ASSERT_EQ(s.distance, moved184) << "step " << step;
        ASSERT_EQ(s.distance, moved) << "step " << step;
        for (std::uint64_t i = 0; i < cells; ++i) ASSERT_EQ(bit(s.road.occupancy, i), nextBytes[i] != 0);
        bytes = nextBytes;
        packed184 = next184;
        road = s.road;
      }
    }
  }
}

namespace {

// The mean flow (distance / cells / step) over `steps` steps after `settle` steps, fast kernel, with
// initial velocities 0 (the documented start), and the realised density.
struct Flow {
  double flow;
  double density;
};
Flow meanFlow(std::uint64_t cells, double density, unsigned vmax, double p, std::uint64_t seed, int settle, int steps) {
  std::mt19937_64 rng(seed);
  Cells start = randomCells(cells, density, 0, rng);
  const nasch::Model model = modelOf(vmax, p, seed);
  nasch::State road = pack(start, vmax);
  nasch::State next = road;
  double distance = 0;
  for (int step = 1; step <= settle + steps; ++step) {
    const std::uint64_t d = nasch::stepRing(model, static_cast<std::uint64_t>(step), cells, road.view(), next.view());
    if (step > settle) distance += static_cast<double>(d);
    std::swap(road, next);
  }
  return {distance / static_cast<double>(cells) / steps,
          static_cast<double>(carsIn(start)) / static_cast<double>(cells)};
}

}  // namespace

// vmax 1 with braking has the exact steady flow (1 - sqrt(1 - 4 q d (1 - d))) / 2, q = 1 - p
// (Schadschneider and Schreckenberg 1993). Replicas with independent seeds give the standard error;
// each replica is compared with the exact flow at its own realised density. The Bernoulli start
// relaxes slowly on a ring (its density fluctuations circulate), hence the long settling time; density
// 0.5, where they do not even travel, is left out.
TEST(NaschExact, Vmax1FlowWithBraking) {
  for (const double p : {0.25, 0.5}) {
    for (const double density : {0.2, 0.75}) {
      const std::uint64_t cells = 4000;
      const int replicas = 10;
      const double q = 1 - p;
      std::vector<double> differences;
      for (int r = 0; r < replicas; ++r) {
        const Flow f = meanFlow(cells, density, 1, p, 1000 + static_cast<std::uint64_t>(r), 10000, 10000);
        const double exact = (1 - std::sqrt(1 - 4 * q * f.density * (1 - f.density))) / 2;
        differences.push_back(f.flow - exact);
      }
      double mean = 0;
      for (const double x : differences) mean += x / replicas;
      double variance = 0;
      for (const double x : differences) variance += (x - mean) * (x - mean) / (replicas - 1);
      const double standardError = std::sqrt(variance / replicas);
      EXPECT_NEAR(mean, 0.0, 4 * standardError) << "p " << p << ", density " << density;
      EXPECT_GT(standardError, 0.0);
      EXPECT_LT(std::abs(mean), 2e-3);  // and the test has the power to see a wrong rule
    }
  }
}

// p = 0: the flow settles to min(vmax d, 1 - d) exactly, every step (d = cars / cells).
TEST(NaschExact, DeterministicFlowSettles) {
  struct Case {
    unsigned vmax;
    double density;
    std::uint64_t cells;
    int settle;
  };
  for (const Case& c : {Case{5, 0.1, 5000, 3000}, Case{5, 0.5, 5000, 3000}, Case{5, 0.3, 5000, 3000},
                        Case{1, 0.3, 1000, 1000}, Case{7, 0.05, 4096, 3000}, Case{8, 0.6, 4096, 3000}}) {
    SCOPED_TRACE("vmax " + std::to_string(c.vmax) + ", density " + std::to_string(c.density));
    std::mt19937_64 rng(c.vmax * 1000 + c.cells);
    const Cells start = randomCells(c.cells, c.density, 0, rng);
    const std::uint64_t cars = carsIn(start);
    const std::uint64_t exact = std::min<std::uint64_t>(c.vmax * cars, c.cells - cars);
    nasch::State road = pack(start, c.vmax);
    nasch::State next = road;
    const nasch::Model model = modelOf(c.vmax, 0.0, 1);
    for (int step = 1; step <= c.settle + 200; ++step) {
      const std::uint64_t d =
          nasch::stepRing(model, static_cast<std::uint64_t>(step), c.cells, road.view(), next.view());
      if (step > c.settle) {
        ASSERT_EQ(d, exact) << "step " << step;
      }
      std::swap(road, next);
    }
  }
}

// A lone car moves vmax cells a step, less one with probability p: mean velocity vmax - p, variance
// p (1 - p), independent from step to step.
TEST(NaschExact, LoneCarMeanVelocity) {
  for (const unsigned vmax : {1U, 5U, 7U, 200U}) {
    for (const double p : {0.25, 0.7}) {
      const std::uint64_t cells = 4099;
      Cells start(cells, kEmpty);
      start[1234] = static_cast<std::int16_t>(vmax);
      nasch::State road = pack(start, vmax);
      nasch::State next = road;
      const nasch::Model model = modelOf(vmax, p, 42 + vmax);
      const int steps = vmax > 64 ? 3000 : 20000;
      double distance = 0;
      for (int step = 1; step <= steps; ++step) {
        distance += static_cast<double>(
            nasch::stepRing(model, static_cast<std::uint64_t>(step), cells, road.view(), next.view()));
        std::swap(road, next);
      }
      const double mean = distance / steps;
      const double standardError = std::sqrt(p * (1 - p) / steps);
      EXPECT_NEAR(mean, vmax - p, 3 * standardError) << "vmax " << vmax << ", p " << p;
    }
  }
}

// The MPI way: every segment (at least vmax cells) sends its edge cells, which are its neighbours'
// halos as they are. Segments stepped with them equal the reference ring.
TEST(Nasch, HalosFromNeighbourEdges) {
  std::mt19937_64 rng(31);
  for (const std::uint64_t cells : {2560U, 4099U, 6403U}) {
    const std::uint64_t words = (cells + 63) / 64;
    for (const unsigned vmax : {1U, 5U, 16U, 64U, 65U, 200U}) {
      const unsigned planes = planesFor(vmax);
      for (const std::uint64_t pieces : {1U, 2U, 3U, 7U}) {
        SCOPED_TRACE("cells " + std::to_string(cells) + ", vmax " + std::to_string(vmax) + ", pieces " +
                     std::to_string(pieces));
        // Unequal pieces of at least 5 words (>= 259 cells, more than vmax).
        std::vector<std::uint64_t> firstWords;
        do {
          firstWords = {0};
          std::uniform_int_distribution<std::uint64_t> cut(1, words - 1);
          while (firstWords.size() < pieces) {
            const std::uint64_t c = cut(rng);
            if (std::find(firstWords.begin(), firstWords.end(), c) == firstWords.end()) firstWords.push_back(c);
          }
          std::sort(firstWords.begin(), firstWords.end());
          firstWords.push_back(words);
        } while ([&] {
          for (std::size_t s = 0; s < pieces; ++s) {
            if (firstWords[s + 1] - firstWords[s] < 5) return true;
          }
          return false;
        }());

        const nasch::Model model = modelOf(vmax, 0.25, rng());
        const auto parameters = referenceParameters(vmax, 0.25, model.seed);
        Cells road = randomCells(cells, vmax <= 16 ? 0.2 : 0.03, vmax, rng);
        std::vector<nasch::State> state(pieces);
        std::vector<nasch::Placement> segments(pieces);
        for (std::size_t s = 0; s < pieces; ++s) {
          segments[s] = {cells, firstWords[s], firstWords[s + 1] - firstWords[s]};
          const std::uint64_t first = firstWords[s] * 64;
          const std::uint64_t end = std::min(firstWords[s + 1] * 64, cells);
          state[s] = pack(
              Cells(road.begin() + static_cast<std::ptrdiff_t>(first), road.begin() + static_cast<std::ptrdiff_t>(end)),
              vmax, segments[s].words);
        }
        for (std::uint64_t step = 1; step <= 20; ++step) {
          Cells expected;
          const std::uint64_t expectedDistance = convoy::reference::stepNaschRing(parameters, step, road, expected);
          std::vector<nasch::State> next(pieces);
          std::uint64_t distance = 0;
          Cells joined;
          for (std::size_t s = 0; s < pieces; ++s) {
            const std::size_t left = (s + pieces - 1) % pieces;
            const std::size_t right = (s + 1) % pieces;
            const auto cellsOf = [&](std::size_t p) { return segments[p].endCell() - segments[p].firstCell(); };
            const nasch::State leftHalo = nasch::edgeCells(state[left].view(), cellsOf(left), vmax, nasch::Edge::Last);
            const nasch::State rightHalo =
                nasch::edgeCells(state[right].view(), cellsOf(right), vmax, nasch::Edge::First);
            next[s].occupancy.assign(segments[s].words, ~std::uint64_t{0});
            next[s].velocity.assign(segments[s].words * planes, ~std::uint64_t{0});
            distance += nasch::stepSegment(model, step, segments[s], state[s].view(), leftHalo.view(), rightHalo.view(),
                                           next[s].view());
            const Cells piece = unpack(next[s], cellsOf(s), vmax);
            joined.insert(joined.end(), piece.begin(), piece.end());
          }
          ASSERT_EQ(firstDifference(joined, expected), -1) << "step " << step;
          ASSERT_EQ(distance, expectedDistance) << "step " << step;
          road = std::move(expected);
          state = std::move(next);
        }
      }
    }
  }
}

// The edge cells themselves, against cells picked out by hand.
TEST(Nasch, EdgeCellsPickTheSegmentsEnds) {
  std::mt19937_64 rng(5);
  for (const unsigned vmax : {5U, 65U, 200U}) {
    const std::uint64_t halo = haloFor(vmax);
    for (const std::uint64_t cells : {1U, 63U, 64U, 65U, 200U, 259U, 1000U}) {
      const Cells own = randomCells(cells, 0.5, vmax, rng);
      const nasch::State piece = pack(own, vmax);
      Cells first(64 * halo, kEmpty), last(64 * halo, kEmpty);
      for (std::uint64_t k = 0; k < 64 * halo; ++k) {
        if (k < cells) first[k] = own[k];
        if (64 * halo - k <= cells) last[k] = own[cells - (64 * halo - k)];
      }
      const nasch::State firstEdge = nasch::edgeCells(piece.view(), cells, vmax, nasch::Edge::First);
      const nasch::State lastEdge = nasch::edgeCells(piece.view(), cells, vmax, nasch::Edge::Last);
      EXPECT_EQ(unpack(firstEdge, 64 * halo, vmax), first) << "cells " << cells << ", vmax " << vmax;
      EXPECT_EQ(unpack(lastEdge, 64 * halo, vmax), last) << "cells " << cells << ", vmax " << vmax;
    }
  }
}
