// The temporal blocking of nasch_sweep.hpp against the plain reference kernel: a segment of a ring
// (or the whole ring) swept tile by tile, with its halos cut from the reference's own trajectory,
// ends in the reference's state with every step's distance, and steps each word once per step.
// Packing and the per-car distances are written here, not taken from the code under test.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "convoy/model/braking.hpp"
#include "convoy/model/nasch.hpp"
#include "convoy/model/nasch_reference.hpp"
#include "convoy/model/nasch_sweep.hpp"

namespace {

namespace nasch = convoy::nasch;
using Cells = std::vector<std::int16_t>;  // -1 empty, else the car's velocity
constexpr std::int16_t kEmpty = -1;

unsigned planesFor(unsigned vmax) {
  unsigned planes = 0;
  while ((vmax >> planes) != 0) ++planes;
  return planes;
}

// Cells cellAt(0 .. 64 words - 1) packed into `words` words; cellAt(k) < 0 is empty.
template <typename CellAt>
nasch::State pack(std::uint64_t words, unsigned vmax, CellAt cellAt) {
  const unsigned planes = planesFor(vmax);
  nasch::State road;
  road.occupancy.assign(words, 0);
  road.velocity.assign(words * planes, 0);
  for (std::uint64_t k = 0; k < 64 * words; ++k) {
    const int c = cellAt(k);
    if (c < 0) continue;
    road.occupancy[k / 64] |= std::uint64_t{1} << (k % 64);
    for (unsigned b = 0; b < planes; ++b) {
      if ((c >> b) & 1) road.velocity[b * words + k / 64] |= std::uint64_t{1} << (k % 64);
    }
  }
  return road;
}

int cellOf(const nasch::State& road, unsigned vmax, std::uint64_t k) {
  const std::uint64_t words = road.occupancy.size();
  if (((road.occupancy[k / 64] >> (k % 64)) & 1U) == 0) return kEmpty;
  int v = 0;
  for (unsigned b = 0; b < planesFor(vmax); ++b)
    v |= static_cast<int>((road.velocity[b * words + k / 64] >> (k % 64)) & 1U) << b;
  return v;
}

// The distance of the cars that start a step in cells [first, end) of the ring: the car from x is the
// one now at x + d with velocity d (no other car can be there with that velocity).
std::uint64_t distanceFrom(const Cells& old, const Cells& next, std::uint64_t first, std::uint64_t end, unsigned vmax) {
  const std::uint64_t n = old.size();
  std::uint64_t distance = 0;
  for (std::uint64_t x = first; x < end; ++x) {
    if (old[x] == kEmpty) continue;
    for (unsigned d = 0; d <= vmax; ++d) {
      if (next[(x + d) % n] == static_cast<std::int16_t>(d)) {
        distance += d;
        break;
      }
    }
  }
  return distance;
}

// The halos from the reference's state before each step; checks the words stepped.
class ReferenceEdges final : public nasch::SweepEdges {
 public:
  ReferenceEdges(const std::vector<Cells>& states, const nasch::Placement& segment, unsigned vmax)
      : states_(states),
        segment_(segment),
        vmax_(vmax),
        steppedTimes_(states.size(), std::vector<int>(segment.words)) {}
  nasch::ConstLayers left(std::uint64_t j, nasch::ConstLayers /*before*/) override {
    EXPECT_EQ(j, leftCalls_++);
    left_ = halo(j, segment_.firstCell() + segment_.roadCells * 64 - 64 * H());
    return left_.view();
  }
  nasch::ConstLayers right(std::uint64_t j, nasch::ConstLayers /*before*/) override {
    EXPECT_EQ(j, rightCalls_++);
    right_ = halo(j, segment_.endCell());
    return right_.view();
  }
  void stepped(std::uint64_t j, nasch::ConstLayers /*after*/, std::uint64_t first, std::uint64_t end) override {
    for (std::uint64_t w = first; w < end; ++w) ++steppedTimes_[j][w];
  }
  // Words not stepped exactly once in some step.
  std::uint64_t badWords(std::uint64_t steps) const {
    std::uint64_t bad = 0;
    for (std::uint64_t j = 0; j < steps; ++j) {
      for (const int times : steppedTimes_[j]) bad += times != 1 ? 1 : 0;
    }
    return bad;
  }

 private:
  std::uint64_t H() const { return (vmax_ + 63) / 64; }
  nasch::State halo(std::uint64_t j, std::uint64_t firstCell) const {
    const Cells& state = states_[j];
    return pack(H(), vmax_, [&](std::uint64_t k) { return state[(firstCell + k) % state.size()]; });
  }
  const std::vector<Cells>& states_;
  nasch::Placement segment_;
  unsigned vmax_;
  std::uint64_t leftCalls_ = 0, rightCalls_ = 0;
  nasch::State left_, right_;
  std::vector<std::vector<int>> steppedTimes_;
};

struct SweepCase {
  std::uint64_t cells;
  std::uint64_t firstWord, words;  // the segment
  unsigned vmax;
  double pBrake, pSlow;
  std::uint64_t tileWords, steps;
  std::string describe() const {
    return std::to_string(cells) + " cells, words " + std::to_string(firstWord) + " + " + std::to_string(words) +
           ", vmax " + std::to_string(vmax) + ", p " + std::to_string(pBrake) + ", p_slow " + std::to_string(pSlow) +
           ", tiles of " + std::to_string(tileWords) + ", " + std::to_string(steps) + " steps";
  }
};

void expectSweepMatchesReference(const SweepCase& c) {
  SCOPED_TRACE(c.describe());
  std::mt19937_64 rng(c.cells * 31 + c.vmax);
  std::bernoulli_distribution car(0.2);
  std::uniform_int_distribution<int> velocity(0, static_cast<int>(c.vmax));
  Cells initial(c.cells, kEmpty);
  for (auto& cell : initial) {
    if (car(rng)) cell = static_cast<std::int16_t>(velocity(rng));
  }
  const convoy::reference::NaschParameters parameters{c.vmax, convoy::braking::threshold(c.pBrake), 77,
                                                      convoy::braking::threshold(c.pSlow)};
  const std::uint64_t firstStep = 40;
  std::vector<Cells> states{initial};  // states[j]: before step firstStep + j
  for (std::uint64_t j = 0; j < c.steps; ++j) {
    Cells next;
    convoy::reference::stepNaschRing(parameters, firstStep + j, states.back(), next);
    states.push_back(next);
  }
  const nasch::Placement segment{c.cells, c.firstWord, c.words};
  const std::uint64_t firstCell = segment.firstCell();
  const std::uint64_t cells = segment.endCell() - firstCell;
  const auto segmentOf = [&](const Cells& ring) {
    return pack(c.words, c.vmax, [&](std::uint64_t k) { return k < cells ? ring[firstCell + k] : kEmpty; });
  };
  nasch::State current = segmentOf(initial);
  nasch::State spare(c.words, planesFor(c.vmax));
  ReferenceEdges edges(states, segment, c.vmax);
  std::vector<std::uint64_t> distances(c.steps, 99);
  const nasch::Model model{c.vmax, parameters.brakeThreshold, parameters.seed, parameters.slowThreshold};
  nasch::sweepSegment(model, firstStep, c.steps, segment, current, spare, edges, distances, c.tileWords);

  EXPECT_EQ(edges.badWords(c.steps), 0u);
  std::uint64_t wrongCells = 0;
  for (std::uint64_t k = 0; k < 64 * c.words; ++k) {
    const int expected = k < cells ? states.back()[firstCell + k] : kEmpty;
    wrongCells += cellOf(current, c.vmax, k) != expected ? 1 : 0;
  }
  EXPECT_EQ(wrongCells, 0u);
  for (std::uint64_t j = 0; j < c.steps; ++j) {
    EXPECT_EQ(distances[j], distanceFrom(states[j], states[j + 1], firstCell, firstCell + cells, c.vmax))
        << "step " << j;
  }
}

// Many small tiles (so that the tiles lean back half a tile and a sweep takes several passes), tiles
// that are not a multiple of the kernels' block, one tile; the whole ring (its halos are its own far
// end, its last word partial) and a piece of it; the vector kernels (vmax 5, 16), vmax 1 and the loop
// over cars (vmax 70: 2 halo words); p_brake needing more than four random words, slow-to-start.
TEST(NaschSweep, TilesMatchReferenceKernel) {
  const std::uint64_t ringCells = 64 * 200 + 35;
  const std::uint64_t ringWords = 201;
  for (const unsigned vmax : {1U, 5U, 16U, 70U}) {
    for (const std::uint64_t tileWords : std::vector<std::uint64_t>{16, 24, 64, nasch::kSweepTileWords}) {
      expectSweepMatchesReference({ringCells, 0, ringWords, vmax, 0.25, 0.25, tileWords, 13});
      expectSweepMatchesReference({ringCells, 37, 150, vmax, 0.3, 0.6, tileWords, 9});
    }
  }
  expectSweepMatchesReference({64 * 4096, 0, 4096, 5, 0.25, 0.25, 512, 64});  // tiles of whole blocks
  expectSweepMatchesReference({64 * 4096, 1000, 3000, 5, 0.5, 0.5, 1024, 33});
}

}  // namespace
