// The packed rule-184 kernel against the plain byte-per-cell reference kernel and hand-worked cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "convoy/core/packed_road.hpp"
#include "convoy/model/reference_kernel.hpp"
#include "convoy/model/rule184.hpp"

namespace {

using Road = std::vector<std::uint8_t>;  // one byte (0 or 1) per cell
using Words = std::vector<std::uint64_t>;
constexpr std::uint64_t kAllOnes = ~std::uint64_t{0};

// Packing written here rather than with packed_road.hpp, so the tests do not trust the code they test.
Words pack(const Road& road) {
  Words words((road.size() + 63) / 64, 0);
  for (std::size_t i = 0; i < road.size(); ++i) {
    if (road[i] != 0) words[i / 64] |= std::uint64_t{1} << (i % 64);
  }
  return words;
}

bool bit(const Words& words, std::uint64_t i) { return ((words[i / 64] >> (i % 64)) & 1U) != 0; }

Road unpack(const Words& words, std::uint64_t cells) {
  Road road(cells);
  for (std::uint64_t i = 0; i < cells; ++i) road[i] = bit(words, i) ? 1 : 0;
  return road;
}

Road roadOf(const std::string& text) {
  Road road;
  for (const char c : text) road.push_back(c == '1' ? 1 : 0);
  return road;
}

std::string textOf(const Road& road) {
  std::string text;
  for (const std::uint8_t c : road) text += c != 0 ? '1' : '0';
  return text;
}

Road randomRoad(std::uint64_t cells, double density, std::mt19937_64& rng) {
  std::bernoulli_distribution car(density);
  Road road(cells);
  for (auto& c : road) c = car(rng) ? 1 : 0;
  return road;
}

std::uint64_t carsIn(const Road& road) { return static_cast<std::uint64_t>(std::count(road.begin(), road.end(), 1)); }

bool paddingIsZero(const Words& words, std::uint64_t cells) {
  return cells % 64 == 0 || (words.back() >> (cells % 64)) == 0;
}

// The first cell where two roads differ, or -1: a short failure message for million-cell roads.
long long firstDifference(const Road& a, const Road& b) {
  if (a.size() != b.size()) return -2;
  const auto [ia, ib] = std::mismatch(a.begin(), a.end(), b.begin());
  return ia == a.end() ? -1 : static_cast<long long>(ia - a.begin());
}

struct Stepped {
  Words words;
  std::uint64_t moved;
};

using convoy::rule184::Isa;

// The kernel variants this CPU can run: the scalar fallback always, the vector ones if present.
std::vector<Isa> availableVariants() {
  std::vector<Isa> variants;
  for (const Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512}) {
    if (convoy::rule184::available(isa)) variants.push_back(isa);
  }
  return variants;
}

// One packed step of a segment; `next` starts as all ones so an unwritten word or dirty padding shows.
Stepped stepSegment(const Words& old, std::uint64_t cells, bool leftHalo, bool rightHalo, Isa isa = Isa::Best) {
  Words next(old.size(), kAllOnes);
  const std::uint64_t moved = convoy::rule184::stepPacked(old, next, cells, leftHalo, rightHalo, isa);
  return {next, moved};
}

// One packed step of a whole ring: its halos are its own last cell (left) and first cell (right).
Stepped stepRing(const Words& old, std::uint64_t cells, Isa isa = Isa::Best) {
  return stepSegment(old, cells, bit(old, cells - 1), bit(old, 0), isa);
}

struct ReferenceStep {
  Road road;
  std::uint64_t moved;
};

ReferenceStep referenceStep(const Road& old) {
  Road next;
  const std::uint64_t moved = convoy::reference::stepRing(old, next);
  return {next, moved};
}

// Runs `steps` steps of a ring with both kernels and compares state, moves, cars and padding each step.
void expectRingMatchesReference(Road road, int steps, Isa isa = Isa::Best) {
  const std::uint64_t cells = road.size();
  const std::uint64_t cars = carsIn(road);
  Words words = pack(road);
  for (int step = 1; step <= steps; ++step) {
    const ReferenceStep expected = referenceStep(road);
    const Stepped actual = stepRing(words, cells, isa);
    const Road actualRoad = unpack(actual.words, cells);
    ASSERT_EQ(firstDifference(actualRoad, expected.road), -1) << "cells " << cells << ", step " << step;
    ASSERT_EQ(actual.moved, expected.moved) << "cells " << cells << ", step " << step;
    ASSERT_TRUE(paddingIsZero(actual.words, cells)) << "cells " << cells << ", step " << step;
    ASSERT_EQ(carsIn(actualRoad), cars) << "cells " << cells << ", step " << step;
    ASSERT_LE(actual.moved, cars);
    road = expected.road;
    words = actual.words;
  }
}

}  // namespace

// Hand-worked rings, checked on both kernels (the reference is the oracle elsewhere, so check it too).
TEST(Rule184, HandWorkedRings) {
  struct Case {
    std::string before, after;
    std::uint64_t moved;
  };
  const std::vector<Case> cases = {
      {"1100", "1010", 1},        // the front car moves first; the one behind waits a step
      {"1010", "0101", 2},        // free cars move towards higher index
      {"0101", "1010", 2},        // the last cell's car wraps to cell 0
      {"1", "1", 0},              // a lone car on a 1-cell ring: the cell ahead is itself, and full
      {"0", "0", 0},              //
      {"10", "01", 1},            //
      {"01", "10", 1},            //
      {"11", "11", 0},            //
      {"111000", "110100", 1},    // a jam dissolves from its front
      {"0110111", "1101110", 2},  // cells 2 and 6 move; 6 wraps into the empty cell 0
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.before);
    const ReferenceStep reference = referenceStep(roadOf(c.before));
    EXPECT_EQ(textOf(reference.road), c.after);
    EXPECT_EQ(reference.moved, c.moved);
    const Stepped packedStep = stepRing(pack(roadOf(c.before)), c.before.size());
    EXPECT_EQ(textOf(unpack(packedStep.words, c.before.size())), c.after);
    EXPECT_EQ(packedStep.moved, c.moved);
  }
}

// A segment counts the cars that leave its own cells; a car entering from the left halo is not one.
TEST(Rule184, HandWorkedSegmentsUseTheirHalos) {
  struct Case {
    std::string before;
    bool left, right;
    std::string after;
    std::uint64_t moved;
  };
  const std::vector<Case> cases = {
      {"000", true, false, "100", 0}, {"000", false, false, "000", 0}, {"001", false, false, "000", 1},
      {"001", false, true, "001", 0}, {"100", true, false, "010", 1},  {"1", true, true, "1", 0},
      {"1", false, false, "0", 1},    {"0", true, true, "1", 0},       {"0", true, false, "1", 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.before + " left " + std::to_string(c.left) + " right " + std::to_string(c.right));
    const Stepped s = stepSegment(pack(roadOf(c.before)), c.before.size(), c.left, c.right);
    EXPECT_EQ(textOf(unpack(s.words, c.before.size())), c.after);
    EXPECT_EQ(s.moved, c.moved);
    EXPECT_TRUE(paddingIsZero(s.words, c.before.size()));
  }
}

// Cars cross word boundaries in both directions of the packing (bit 63 -> next word's bit 0).
TEST(Rule184, CarCrossesWordBoundaries) {
  for (const std::uint64_t cells : {65U, 128U, 129U, 200U}) {
    for (const std::uint64_t from : {std::uint64_t{63}, std::uint64_t{127} % cells, cells - 1}) {
      SCOPED_TRACE("cells " + std::to_string(cells) + ", car at " + std::to_string(from));
      Road road(cells, 0);
      road[from] = 1;
      const Stepped s = stepRing(pack(road), cells);
      Road expected(cells, 0);
      expected[(from + 1) % cells] = 1;
      EXPECT_EQ(firstDifference(unpack(s.words, cells), expected), -1);
      EXPECT_EQ(s.moved, 1U);
    }
  }
}

TEST(Rule184, EmptySegmentDoesNothing) {
  Words none;
  Words next;
  EXPECT_EQ(convoy::rule184::stepPacked(none, next, 0, true, true), 0U);
}

TEST(Rule184, EmptyAndFullRingsStayPut) {
  for (const std::uint64_t cells : {1U, 2U, 63U, 64U, 65U, 1000U}) {
    SCOPED_TRACE(cells);
    const Stepped empty = stepRing(pack(Road(cells, 0)), cells);
    EXPECT_EQ(carsIn(unpack(empty.words, cells)), 0U);
    EXPECT_EQ(empty.moved, 0U);
    EXPECT_TRUE(paddingIsZero(empty.words, cells));
    const Stepped full = stepRing(pack(Road(cells, 1)), cells);
    EXPECT_EQ(carsIn(unpack(full.words, cells)), cells);
    EXPECT_EQ(full.moved, 0U);
    EXPECT_TRUE(paddingIsZero(full.words, cells));
  }
}

// Every variant (scalar fallback, AVX2, AVX-512 where the CPU has them), called directly.
TEST(Rule184, RingsOfEveryLengthUpTo200MatchReference) {
  for (const Isa isa : availableVariants()) {
    SCOPED_TRACE(std::string(convoy::rule184::nameOf(isa)));
    std::mt19937_64 rng(184);
    for (std::uint64_t cells = 1; cells <= 200; ++cells) {
      for (const double density : {0.0, 0.1, 0.5, 0.52, 0.9, 1.0}) {
        SCOPED_TRACE("density " + std::to_string(density));
        // 70 steps: long enough for cars to cross word boundaries and jams to form and dissolve.
        expectRingMatchesReference(randomRoad(cells, density, rng), 70, isa);
        if (HasFatalFailure()) return;
      }
    }
  }
}

TEST(Rule184, LongRingsMatchReference) {
  for (const Isa isa : availableVariants()) {
    SCOPED_TRACE(std::string(convoy::rule184::nameOf(isa)));
    std::mt19937_64 rng(2024);
    for (const std::uint64_t cells : {63U, 64U, 65U, 127U, 128U, 129U, 4097U, 64000U, 1000003U}) {
      for (const double density : {0.1, 0.5, 0.52, 0.9}) {
        SCOPED_TRACE("density " + std::to_string(density));
        expectRingMatchesReference(randomRoad(cells, density, rng), cells > 100000 ? 4 : 40, isa);
        if (HasFatalFailure()) return;
      }
    }
  }
}

// The scalar fallback is always there; Best names a variant this CPU runs.
TEST(Rule184, VariantsAreDetected) {
  EXPECT_TRUE(convoy::rule184::available(Isa::Scalar));
  const Isa best = convoy::rule184::resolve(Isa::Best);
  EXPECT_NE(best, Isa::Best);
  EXPECT_TRUE(convoy::rule184::available(best));
  std::printf("kernel variants here:");
  for (const Isa isa : availableVariants()) std::printf(" %s", std::string(convoy::rule184::nameOf(isa)).c_str());
  std::printf(" (best: %s)\n", std::string(convoy::rule184::nameOf(best)).c_str());
}

// A ring cut into pieces at arbitrary (mostly not word-aligned) points, each stepped on its own with
// halos from its neighbours' boundary cells, gives the same road as the whole ring.
TEST(Rule184, SegmentsOfARingMatchReference) {
  std::mt19937_64 rng(99);
  struct Split {
    std::uint64_t cells;
    std::vector<std::uint64_t> cuts;  // piece starts after 0; empty = random cuts
    int randomPieces;
  };
  const std::vector<Split> splits = {
      {2, {1}, 0},    {3, {1, 2}, 0},  {130, {1, 64, 65, 129}, 0}, {1000, {128, 512}, 0}, {777, {}, 2}, {777, {}, 5},
      {4097, {}, 17}, {100003, {}, 3}, {100003, {}, 11},
  };
  for (const Split& split : splits) {
    std::vector<std::uint64_t> starts = {0};
    if (split.randomPieces == 0) {
      starts.insert(starts.end(), split.cuts.begin(), split.cuts.end());
    } else {
      std::uniform_int_distribution<std::uint64_t> cut(1, split.cells - 1);
      while (starts.size() < static_cast<std::size_t>(split.randomPieces)) {
        const std::uint64_t c = cut(rng);
        if (std::find(starts.begin(), starts.end(), c) == starts.end()) starts.push_back(c);
      }
      std::sort(starts.begin(), starts.end());
    }
    starts.push_back(split.cells);
    const std::size_t pieces = starts.size() - 1;

    for (const double density : {0.3, 0.5, 0.8}) {
      SCOPED_TRACE("cells " + std::to_string(split.cells) + ", pieces " + std::to_string(pieces) + ", density " +
                   std::to_string(density));
      Road road = randomRoad(split.cells, density, rng);
      std::vector<Words> pieceWords(pieces);
      for (std::size_t p = 0; p < pieces; ++p) {
        pieceWords[p] = pack(Road(road.begin() + static_cast<std::ptrdiff_t>(starts[p]),
                                  road.begin() + static_cast<std::ptrdiff_t>(starts[p + 1])));
      }
      for (int step = 1; step <= 30; ++step) {
        const ReferenceStep expected = referenceStep(road);
        std::uint64_t moved = 0;
        Road joined;
        std::vector<Words> nextWords(pieces);
        for (std::size_t p = 0; p < pieces; ++p) {
          const std::size_t leftPiece = (p + pieces - 1) % pieces;
          const std::size_t rightPiece = (p + 1) % pieces;
          const bool leftHalo = bit(pieceWords[leftPiece], starts[leftPiece + 1] - starts[leftPiece] - 1);
          const bool rightHalo = bit(pieceWords[rightPiece], 0);
          const std::uint64_t cells = starts[p + 1] - starts[p];
          const Stepped s = stepSegment(pieceWords[p], cells, leftHalo, rightHalo);
          ASSERT_TRUE(paddingIsZero(s.words, cells)) << "piece " << p;
          const Road piece = unpack(s.words, cells);
          joined.insert(joined.end(), piece.begin(), piece.end());
          moved += s.moved;
          nextWords[p] = s.words;
        }
        ASSERT_EQ(firstDifference(joined, expected.road), -1) << "step " << step;
        ASSERT_EQ(moved, expected.moved) << "step " << step;
        road = expected.road;
        pieceWords = nextWords;
      }
    }
  }
}
