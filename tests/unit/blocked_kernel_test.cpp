// The temporally blocked kernel (rule184::advancePacked) against single steps of the byte-per-cell
// reference kernel: pieces of a ring with deep halos taken from the reference road, tiles and halos
// that do not divide the road, step counts up to the halo depth, per-step moves and detector counts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "convoy/model/reference_kernel.hpp"
#include "convoy/model/rule184.hpp"

namespace {

using Road = std::vector<std::uint8_t>;  // one byte (0 or 1) per cell
using Words = std::vector<std::uint64_t>;
using convoy::rule184::Isa;
using convoy::rule184::Tiles;

// Cells (start + c) mod n of a ring, c = 0 .. count - 1, packed (written here, not taken from
// packed_road.hpp, so the test does not trust code it tests). Halos may wrap the ring several times.
Words packRun(const Road& ring, std::uint64_t start, std::uint64_t count) {
  Words words((count + 63) / 64, 0);
  for (std::uint64_t c = 0; c < count; ++c) {
    if (ring[(start + c) % ring.size()] != 0) words[c / 64] |= std::uint64_t{1} << (c % 64);
  }
  return words;
}

Road unpack(const Words& words, std::uint64_t cells) {
  Road road(cells);
  for (std::uint64_t i = 0; i < cells; ++i) road[i] = ((words[i / 64] >> (i % 64)) & 1U) != 0 ? 1 : 0;
  return road;
}

Road randomRoad(std::uint64_t cells, double density, std::mt19937_64& rng) {
  std::bernoulli_distribution car(density);
  Road road(cells);
  for (auto& c : road) c = car(rng) ? 1 : 0;
  return road;
}

// What the reference says about one piece of the ring over `steps` steps.
struct Expected {
  Road piece;                           // the piece after the steps
  std::vector<std::uint64_t> moves;     // per step, cars of the piece that moved (counted by definition)
  std::vector<std::uint64_t> arrivals;  // [step][probe]: a car moved into the probe's cell
};

Expected referencePiece(Road ring, std::uint64_t start, std::uint64_t cells, std::uint64_t steps,
                        const std::vector<std::uint64_t>& probes) {
  const std::uint64_t n = ring.size();
  Expected expected;
  for (std::uint64_t s = 0; s < steps; ++s) {
    std::uint64_t moved = 0;
    for (std::uint64_t c = 0; c < cells; ++c) {
      const std::uint64_t i = (start + c) % n;
      moved += ring[i] == 1 && ring[(i + 1) % n] == 0 ? 1 : 0;
    }
    expected.moves.push_back(moved);
    for (const std::uint64_t probe : probes) {
      const std::uint64_t i = (start + probe) % n;
      expected.arrivals.push_back(ring[(i + n - 1) % n] == 1 && ring[i] == 0 ? 1 : 0);
    }
    Road next;
    convoy::reference::stepRing(ring, next);
    ring.swap(next);
  }
  for (std::uint64_t c = 0; c < cells; ++c) expected.piece.push_back(ring[(start + c) % n]);
  return expected;
}

struct Case {
  std::uint64_t ring;
  std::uint64_t start;
  std::uint64_t cells;
  std::uint64_t haloCells;
  std::uint64_t steps;
  std::uint64_t tileWords;
};

std::string describe(const Case& c, Isa isa) {
  return "ring " + std::to_string(c.ring) + ", piece [" + std::to_string(c.start) + " +" + std::to_string(c.cells) +
         "), halo " + std::to_string(c.haloCells) + ", steps " + std::to_string(c.steps) + ", tile " +
         std::to_string(c.tileWords) + ", " + std::string(convoy::rule184::nameOf(isa));
}

// Runs one case with the tiles in one call, and again as an Interior call then a Boundary call.
void expectCaseMatchesReference(const Case& c, const Road& ring, Isa isa) {
  SCOPED_TRACE(describe(c, isa));
  std::vector<std::uint64_t> probes{0, c.cells - 1, c.cells / 2, c.cells / 3 + 1};
  probes.erase(std::remove_if(probes.begin(), probes.end(), [&](std::uint64_t p) { return p >= c.cells; }),
               probes.end());
  const Expected expected = referencePiece(ring, c.start, c.cells, c.steps, probes);
  const Words old = packRun(ring, c.start, c.cells);
  const Words left = packRun(ring, c.start + c.ring * (c.haloCells / c.ring + 1) - c.haloCells, c.haloCells);
  const Words right = packRun(ring, c.start + c.cells, c.haloCells);
  convoy::rule184::Advance advance;
  advance.cells = c.cells;
  advance.haloCells = c.haloCells;
  advance.steps = c.steps;
  advance.tileWords = c.tileWords;
  advance.probes = probes;
  advance.isa = isa;

  for (const bool split : {false, true}) {
    SCOPED_TRACE(split ? "interior, then boundary" : "all tiles at once");
    Words next(old.size(), ~std::uint64_t{0});  // all ones: an unwritten word or dirty padding shows
    std::vector<std::uint64_t> moves(c.steps, 0);
    std::vector<std::uint64_t> arrivals(c.steps * probes.size(), 0);
    if (split) {
      const Words none;  // interior tiles must not read the halos
      convoy::rule184::advancePacked(advance, old, next, none, none, moves, arrivals, Tiles::Interior);
      convoy::rule184::advancePacked(advance, old, next, left, right, moves, arrivals, Tiles::Boundary);
    } else {
      convoy::rule184::advancePacked(advance, old, next, left, right, moves, arrivals);
    }
    const Road actual = unpack(next, c.cells);
    const auto [bad, ignored] = std::mismatch(actual.begin(), actual.end(), expected.piece.begin());
    EXPECT_EQ(bad - actual.begin(), static_cast<std::ptrdiff_t>(c.cells)) << "first wrong cell";
    EXPECT_TRUE(c.cells % 64 == 0 || (next.back() >> (c.cells % 64)) == 0) << "padding not zero";
    EXPECT_EQ(moves, expected.moves);
    EXPECT_EQ(arrivals, expected.arrivals);
  }
}

std::vector<Isa> availableVariants() {
  std::vector<Isa> variants;
  for (const Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512}) {
    if (convoy::rule184::available(isa)) variants.push_back(isa);
  }
  return variants;
}

}  // namespace

// The whole ring as one piece (the one-rank case: the halos are the ring's own other end), lengths
// around word boundaries and tiny rings, halos deeper than the ring, tiles that do not divide it.
TEST(BlockedKernel, WholeRingsMatchReference) {
  std::mt19937_64 rng(7);
  for (const Isa isa : availableVariants()) {
    for (const std::uint64_t ring : {1U, 2U, 3U, 63U, 64U, 65U, 127U, 129U, 200U, 1000U, 4097U, 20011U}) {
      const Road road = randomRoad(ring, 0.52, rng);
      for (const std::uint64_t halo : {1U, 2U, 63U, 64U, 65U, 130U, 256U}) {
        for (const std::uint64_t steps : {std::uint64_t{0}, std::uint64_t{1}, halo / 2 + 1, halo}) {
          if (steps > halo) continue;
          for (const std::uint64_t tile : {1U, 3U, 7U, 64U, 1024U}) {
            expectCaseMatchesReference({ring, 0, ring, halo, steps, tile}, road, isa);
            if (HasFailure()) return;
          }
        }
      }
    }
  }
}

// Pieces of a ring (a rank's part of the road), starting mid-ring and mid-word, of odd lengths
// (partial last words, pieces shorter than the halo, than a word, a single cell).
TEST(BlockedKernel, PiecesOfARingMatchReference) {
  std::mt19937_64 rng(11);
  for (const Isa isa : availableVariants()) {
    for (const double density : {0.2, 0.52, 0.8}) {
      const std::uint64_t ring = 3001;
      const Road road = randomRoad(ring, density, rng);
      for (const std::uint64_t start : {0U, 1U, 77U, 2999U}) {
        for (const std::uint64_t cells : {1U, 5U, 63U, 64U, 65U, 129U, 700U, 2047U}) {
          for (const std::uint64_t halo : {1U, 64U, 100U, 193U}) {
            for (const std::uint64_t steps : {std::uint64_t{1}, std::uint64_t{halo * 2 / 3 + 1}, halo}) {
              for (const std::uint64_t tile : {2U, 5U, 16U}) {
                expectCaseMatchesReference({ring, start, cells, halo, steps, tile}, road, isa);
                if (HasFailure()) return;
              }
            }
          }
        }
      }
    }
  }
}

// Many sweeps of a long ring: the state after each sweep feeds the next, as in a run.
TEST(BlockedKernel, RepeatedSweepsOfALongRingMatchReference) {
  std::mt19937_64 rng(13);
  const std::uint64_t ring = 100'003;
  Road road = randomRoad(ring, 0.52, rng);
  for (const Isa isa : availableVariants()) {
    SCOPED_TRACE(std::string(convoy::rule184::nameOf(isa)));
    for (const std::uint64_t steps : {37U, 256U, 1U, 200U}) {
      const Expected expected = referencePiece(road, 0, ring, steps, {});
      convoy::rule184::Advance advance;
      advance.cells = ring;
      advance.haloCells = 256;
      advance.steps = steps;
      advance.tileWords = 333;
      advance.isa = isa;
      const Words current = packRun(road, 0, ring);
      const Words left = packRun(road, ring - 256, 256);
      const Words right = packRun(road, 0, 256);
      Words next(current.size());
      std::vector<std::uint64_t> moves(steps, 0);
      convoy::rule184::advancePacked(advance, current, next, left, right, moves, {});
      ASSERT_EQ(unpack(next, ring), expected.piece);
      ASSERT_EQ(moves, expected.moves);
      road = expected.piece;
    }
  }
}
