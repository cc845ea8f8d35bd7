// Deep halos and temporal blocking between ranks: Rule184Road::advance takes several steps per
// (non-blocking) halo exchange, and the Simulation groups its steps so. Halo depths and tile sizes
// that do not divide the road or the ranks' parts, roads on which a rank owns fewer cells than the
// halo depth asked for, and advances of every length up to the depth; per-step moves, detector counts
// and the road are compared with the byte-per-cell reference kernel after every advance.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "convoy/config/config.hpp"
#include "convoy/core/decomposition.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/parallel/rule184_road.hpp"
#include "convoy/run/initial_state.hpp"
#include "convoy/run/simulation.hpp"
#include "mpi_test_support.hpp"

namespace convoy {
namespace {

using mpitest::ByteRoad;

// Cell 0, the last cell, and both cells at every boundary between ranks' parts.
std::vector<std::uint64_t> detectorCells(std::uint64_t cells, int ranks) {
  std::vector<std::uint64_t> detectors{0, cells - 1, cells / 2};
  const Decomposition decomposition(cells, ranks);
  for (int r = 1; r < decomposition.activeRanks(); ++r) {
    detectors.push_back(decomposition.range(r).begin);
    detectors.push_back(decomposition.range(r).begin - 1);
  }
  std::sort(detectors.begin(), detectors.end());
  detectors.erase(std::unique(detectors.begin(), detectors.end()), detectors.end());
  return detectors;
}

// Collective: advances a road in advances of the lengths `pattern` cycles through (capped at the
// halo depth), checking every step's global moves and detector arrivals and the road after every
// advance against the reference.
void expectAdvancesFollowReference(const Comm& comm, const ByteRoad& initial, RoadOptions options,
                                   const std::vector<std::uint64_t>& pattern, std::uint64_t totalSteps) {
  const std::uint64_t cells = initial.size();
  const Decomposition decomposition(cells, comm.size());
  Rule184Road road(comm, decomposition, options);
  mpitest::loadRange(road.words(), road.range(), initial);
  const std::uint64_t depth = road.stepsPerExchange();
  // The depth asked for, unless some rank owns fewer cells (its halo would need a second rank's).
  EXPECT_EQ(depth, std::min(64 * options.haloWords, decomposition.fewestCells()));
  EXPECT_GE(depth, 1u);

  const std::vector<std::uint64_t> globalDetectors = detectorCells(cells, comm.size());
  const std::vector<LocalDetector> detectors = road.localDetectors(globalDetectors);
  ByteRoad expected = initial;
  ByteRoad next;
  std::uint64_t badSteps = 0;
  std::uint64_t badAdvances = 0;
  std::uint64_t step = 0;
  std::uint64_t advances = 0;
  for (std::size_t a = 0; step < totalSteps; ++a, ++advances) {
    const std::uint64_t steps = std::min({pattern[a % pattern.size()], depth, totalSteps - step});
    std::vector<std::uint64_t> moves(steps, 99);  // advance() must set them
    std::vector<std::uint64_t> arrivals(steps * detectors.size(), 0);
    road.advance(step + 1, steps, detectors, moves, arrivals);
    // Global counts per step: moves, then one slot per global detector.
    const std::size_t width = 1 + globalDetectors.size();
    std::vector<std::uint64_t> counts(steps * width, 0);
    for (std::uint64_t j = 0; j < steps; ++j) {
      counts[j * width] = moves[j];
      for (std::size_t k = 0; k < detectors.size(); ++k) {
        counts[j * width + 1 + detectors[k].index] += arrivals[j * detectors.size() + k];
      }
    }
    comm.sumInPlace(counts);
    for (std::uint64_t j = 0; j < steps; ++j) {
      std::vector<std::uint64_t> wanted(width, 0);
      for (std::size_t d = 0; d < globalDetectors.size(); ++d) {
        const std::uint64_t x = globalDetectors[d];
        wanted[1 + d] = expected[(x + cells - 1) % cells] == 1 && expected[x] == 0 ? 1 : 0;
      }
      wanted[0] = reference::stepRing(expected, next);
      expected.swap(next);
      const bool same =
          std::equal(wanted.begin(), wanted.end(), counts.begin() + static_cast<std::ptrdiff_t>(j * width));
      badSteps += same ? 0 : 1;
    }
    step += steps;
    const mpitest::RangeComparison comparison = mpitest::compareRange(road.words(), road.range(), expected);
    badAdvances += comparison.mismatches > 0 ? 1 : 0;
    if (comparison.mismatches > 0 && badAdvances == 1) {
      ADD_FAILURE() << "rank " << comm.rank() << " owning [" << road.range().begin << ", " << road.range().end
                    << ") differs after step " << step << ": " << comparison.first;
    }
  }
  EXPECT_EQ(badSteps, 0u) << "steps whose global moves or detector counts differ from the reference";
  EXPECT_EQ(mpitest::sumOverRanks(comm, badAdvances), 0u) << "advances after which some rank's road differs";
  EXPECT_EQ(road.globalDigest(), mpitest::byteRoadDigest(expected));
  // One exchange per advance; a rank that owns nothing exchanges nothing.
  EXPECT_EQ(road.exchanges(), road.range().empty() ? 0u : advances);
}

// Halo depths and tiles that divide nothing, the default ones, and every kernel variant this CPU
// runs (the scalar fallback always).
std::vector<RoadOptions> optionsToTry() {
  const auto option = [](std::uint64_t haloWords, std::uint64_t tileWords, rule184::Isa isa = rule184::Isa::Best) {
    RoadOptions chosen;
    chosen.haloWords = haloWords;
    chosen.tileWords = tileWords;
    chosen.isa = isa;
    return chosen;
  };
  std::vector<RoadOptions> options{option(1, 1), option(2, 3), option(3, 7), option(4, 1024)};
  for (const rule184::Isa isa : {rule184::Isa::Scalar, rule184::Isa::Avx2, rule184::Isa::Avx512}) {
    if (rule184::available(isa)) options.push_back(option(3, 5, isa));
  }
  return options;
}

std::string describe(const RoadOptions& options) {
  return "halo words " + std::to_string(options.haloWords) + ", tile words " + std::to_string(options.tileWords) +
         ", kernel " + std::string(rule184::nameOf(options.isa));
}

std::vector<std::uint64_t> roadLengths(int ranks) {
  const auto r = static_cast<std::uint64_t>(ranks);
  // Tiny roads (ranks owning nothing or a partial word), a last rank owning one cell, parts shorter
  // than one halo word, and parts of several tiles that tiles and halos do not divide.
  return {1, 2, 5, 64, 65, 64 * (r - 1) + 1, 64 * r + 63, 200 * r + 3, 1000, 4099, 20011, 100'003};
}

TEST(MPI, DeepHaloAdvancesFollowTheReferenceKernel) {
  mpitest::silenceLogs();
  const Comm comm = Comm::world();
  for (const std::uint64_t cells : roadLengths(comm.size())) {
    for (const RoadOptions options : optionsToTry()) {
      SCOPED_TRACE("cells " + std::to_string(cells) + ", " + describe(options) + ", " + std::to_string(comm.size()) +
                   " ranks");
      const ByteRoad initial = mpitest::randomByteRoad(cells, 0.52, 5743 + cells);
      // Full-depth advances, single steps, and lengths that divide nothing.
      const std::uint64_t total = std::min<std::uint64_t>(3 * cells + 70, 700);
      expectAdvancesFollowReference(comm, initial, options, {1000, 1, 37, 64, 2, 129, 255}, total);
    }
  }
}

// The whole run loop with odd halo depths and tiles: per-step moves and the detectors' time-series
// rows (intervals that do not divide the blocks or the advances), with the ranks meeting often.
TEST(MPI, SimulationWithDeepHalosMatchesReference) {
  mpitest::silenceLogs();
  const Comm comm = Comm::world();
  for (const std::uint64_t cells : {std::uint64_t{65}, std::uint64_t{4099}, std::uint64_t{100'003}}) {
    for (const RoadOptions options : optionsToTry()) {
      SCOPED_TRACE("cells " + std::to_string(cells) + ", " + describe(options));
      constexpr std::uint64_t kSteps = 600;
      constexpr std::uint64_t kEvery = 13;
      const std::vector<std::uint64_t> detectors = detectorCells(cells, comm.size());
      ByteRoad road = mpitest::randomByteRoad(cells, 0.52, 5743);
      // The oracle: moves per step and detector counts per row of kEvery steps.
      std::vector<std::int64_t> expectedMoves;
      std::vector<std::int64_t> expectedCounts;
      std::vector<std::int64_t> open(detectors.size(), 0);
      ByteRoad next;
      for (std::uint64_t step = 1; step <= kSteps; ++step) {
        for (std::size_t d = 0; d < detectors.size(); ++d) {
          const std::uint64_t x = detectors[d];
          if (road[(x + cells - 1) % cells] == 1 && road[x] == 0) ++open[d];
        }
        expectedMoves.push_back(static_cast<std::int64_t>(reference::stepRing(road, next)));
        road.swap(next);
        if (step % kEvery == 0) {
          expectedCounts.insert(expectedCounts.end(), open.begin(), open.end());
          std::fill(open.begin(), open.end(), 0);
        }
      }

      Config config;
      config.road.cells = cells;
      config.init.density = 0.52;
      config.init.seed = 5743;
      config.run.steps = kSteps;
      config.output.timeseriesEvery = kEvery;
      config.output.detectors = detectors;
      config.logging.progressSeconds = 1e-6;  // a meeting after nearly every block
      config.logging.reportEvery = 7;
      Simulation simulation(comm, config, initialRoad(comm, config, options));
      std::vector<std::int64_t> moves;
      std::vector<std::int64_t> counts;
      simulation.onFlowBlock([&](const FlowBlock& block) {
        moves.insert(moves.end(), block.moves.begin(), block.moves.end());
        for (const FlowRow& row : block.rows)
          counts.insert(counts.end(), row.detectorCounts.begin(), row.detectorCounts.end());
      });
      const RunSummary summary = simulation.run();
      EXPECT_EQ(moves, expectedMoves);
      EXPECT_EQ(counts, expectedCounts);
      EXPECT_EQ(summary.digest, mpitest::byteRoadDigest(road));
    }
  }
}

}  // namespace
}  // namespace convoy
