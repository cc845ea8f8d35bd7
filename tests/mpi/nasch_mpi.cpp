// The Nagel-Schreckenberg model through the run loop, at 1, 2, 3 and 4 ranks: a NaSch Simulation must
// equal the plain reference kernel (nasch_reference.hpp) run over the whole ring on every rank, after
// every step (occupancy and velocity of every cell a rank owns), in its per-step distances, its
// detector counts (counted here by following the reference's cars, not by the code under test) and its
// digest. Also: deep halos (several steps per exchange) on roads of any length, and the fallback to
// one exchange per step where ranks are too small for them. Also: vmax 1 without braking is rule 184
// exactly; roads some rank cannot hold a vmax halo for are refused by every rank alike; halos of 2
// and 3 words (vmax 70 and 130).
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "convoy/config/config.hpp"
#include "convoy/core/decomposition.hpp"
#include "convoy/core/digest.hpp"
#include "convoy/core/error.hpp"
#include "convoy/core/packed_road.hpp"
#include "convoy/model/initial_road.hpp"
#include "convoy/model/nasch_reference.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/parallel/nasch_road.hpp"
#include "convoy/run/initial_state.hpp"
#include "convoy/run/simulation.hpp"
#include "mpi_test_support.hpp"

namespace convoy {
namespace {

// A whole NaSch ring, one element per cell: -1 empty, else the car's velocity.
using CellRoad = std::vector<std::int16_t>;
constexpr std::int16_t kNoCar = -1;

// P = round(p x 2^32), halves up (docs/model.md "NaSch braking"), computed here rather than taken
// from the code under test.
std::uint64_t brakeThreshold(double pBrake) {
  return static_cast<std::uint64_t>(std::floor(pBrake * 4294967296.0 + 0.5));
}

// The initial road of docs/model.md: rule 184's cars, every one at velocity 0.
CellRoad initialCellRoad(std::uint64_t cells, double density, std::uint64_t seed) {
  const mpitest::ByteRoad bytes = mpitest::randomByteRoad(cells, density, seed);
  CellRoad road(cells, kNoCar);
  for (std::uint64_t i = 0; i < cells; ++i) {
    if (bytes[i] != 0) road[i] = 0;
  }
  return road;
}

// The digest of a NaSch state, from the rule of digest.hpp: the occupancy words' codes plus the codes
// of each velocity plane's word j as global word (plane + 1) 2^57 + j, finished with the length.
std::uint64_t cellRoadDigest(const CellRoad& road, unsigned vmax) {
  const auto planes = static_cast<unsigned>(std::bit_width(vmax));
  const std::uint64_t words = packed::wordsFor(road.size());
  std::vector<std::uint64_t> occupancy(words, 0);
  std::vector<std::vector<std::uint64_t>> velocity(planes, std::vector<std::uint64_t>(words, 0));
  for (std::uint64_t i = 0; i < road.size(); ++i) {
    if (road[i] == kNoCar) continue;
    occupancy[i / 64] |= std::uint64_t{1} << (i % 64);
    for (unsigned b = 0; b < planes; ++b) {
      if ((static_cast<unsigned>(road[i]) >> b) & 1U) velocity[b][i / 64] |= std::uint64_t{1} << (i % 64);
    }
  }
  std::uint64_t sum = 0;
  for (std::uint64_t j = 0; j < words; ++j) sum += digest::wordCode(j, occupancy[j]);
  for (unsigned b = 0; b < planes; ++b) {
    for (std::uint64_t j = 0; j < words; ++j) {
      sum += digest::wordCode((std::uint64_t{b} + 1) * (std::uint64_t{1} << 57) + j, velocity[b][j]);
    }
  }
  return digest::finish(sum, road.size());
}

// The reference ring stepped one step at a time, with each step's distance and detector counts. The
// counts come from following the cars: on a ring they keep their order, so the old cars, sorted, map
// onto the new ones rotated; the car from old cell p moving d cells passes detector x iff
// 0 < (x - p) mod N <= d (a car that jumps over x counts; one that starts on x does not).
class ReferenceTracker {
 public:
  ReferenceTracker(CellRoad initial, reference::NaschParameters parameters, std::vector<std::uint64_t> detectors)
      : road_(std::move(initial)), parameters_(parameters), detectors_(std::move(detectors)) {}

  void stepTo(std::uint64_t step) {
    while (step_ < step) stepOnce();
  }
  std::uint64_t step() const { return step_; }
  const CellRoad& road() const { return road_; }
  // Per step (index step - 1).
  const std::vector<std::int64_t>& distances() const { return distances_; }
  const std::vector<std::vector<std::int64_t>>& counts() const { return counts_; }
  // Steps whose cars could not be followed consistently (a car moving backwards, further than vmax,
  // to a velocity other than the distance it moved, or a car count that changed).
  std::uint64_t trackingErrors() const { return trackingErrors_; }
  // Whether some car passed a detector by jumping over it (landing beyond it), so the tests know the
  // jump case was exercised.
  std::uint64_t jumpsOverDetectors() const { return jumps_; }

 private:
  void stepOnce() {
    ++step_;
    CellRoad next;
    distances_.push_back(static_cast<std::int64_t>(reference::stepNaschRing(parameters_, step_, road_, next)));
    counts_.push_back(countPasses(road_, next));
    road_.swap(next);
  }

  std::vector<std::int64_t> countPasses(const CellRoad& old, const CellRoad& next) {
    const std::uint64_t cells = old.size();
    std::vector<std::uint64_t> from;
    std::vector<std::uint64_t> to;
    for (std::uint64_t i = 0; i < cells; ++i) {
      if (old[i] != kNoCar) from.push_back(i);
      if (next[i] != kNoCar) to.push_back(i);
    }
    std::vector<std::int64_t> counts(detectors_.size(), 0);
    if (from.size() != to.size()) {
      ++trackingErrors_;
      return counts;
    }
    if (from.empty()) return counts;
    // The car from from[0] lands on the first new car at or after from[0]: the car behind it stops
    // short of from[0], and it does not move past the car ahead.
    const std::size_t shift =
        static_cast<std::size_t>(std::lower_bound(to.begin(), to.end(), from[0]) - to.begin()) % to.size();
    bool consistent = true;
    std::int64_t distance = 0;
    std::vector<std::int16_t> movedFrom(cells, -1);  // by old cell: the cells its car moved
    for (std::size_t i = 0; i < from.size(); ++i) {
      const std::uint64_t landing = to[(i + shift) % to.size()];
      const std::uint64_t moved = (landing + cells - from[i]) % cells;
      distance += static_cast<std::int64_t>(moved);
      if (moved > parameters_.vmax || static_cast<std::uint64_t>(next[landing]) != moved) consistent = false;
      movedFrom[from[i]] = static_cast<std::int16_t>(moved);
    }
    // Only cars that start at most vmax (and fewer than N) cells before a detector can pass it.
    const std::uint64_t reach = std::min<std::uint64_t>(parameters_.vmax, cells - 1);
    for (std::size_t k = 0; k < detectors_.size(); ++k) {
      for (std::uint64_t ahead = 1; ahead <= reach; ++ahead) {
        const std::int16_t moved = movedFrom[(detectors_[k] + cells - ahead) % cells];
        if (moved >= 0 && ahead <= static_cast<std::uint64_t>(moved)) {
          ++counts[k];
          if (ahead < static_cast<std::uint64_t>(moved)) ++jumps_;
        }
      }
    }
    if (!consistent || distance != distances_.back()) ++trackingErrors_;
    return counts;
  }

  CellRoad road_;
  reference::NaschParameters parameters_;
  std::vector<std::uint64_t> detectors_;
  std::uint64_t step_ = 0;
  std::vector<std::int64_t> distances_;
  std::vector<std::vector<std::int64_t>> counts_;
  std::uint64_t trackingErrors_ = 0;
  std::uint64_t jumps_ = 0;
};

struct NaschCase {
  InitialLayout layout = InitialLayout::Random;
  InitialVelocity velocity = InitialVelocity::Zero;
  std::uint64_t cells = 0;
  unsigned vmax = 5;
  double pBrake = 0.25;
  double pSlow = -1;  // slow-to-start; < 0: plain NaSch
  double density = 0.3;
  std::uint64_t seed = 5743;
  std::uint64_t steps = 200;
  std::uint64_t timeseriesEvery = 1;
  // The road is compared with the reference after every multiple of this step (a sampler ends an
  // advance, so 1 means one step per advance).
  std::uint64_t sampleEvery = 1;
  std::vector<std::uint64_t> detectors;
  // The tiles of the deep-halo sweep (RoadOptions::naschTileWords, 0: the default): small ones make
  // many tiles.
  std::uint64_t tileWords = 0;

  std::string describe() const {
    return "cells " + std::to_string(cells) + ", vmax " + std::to_string(vmax) + ", p_brake " + std::to_string(pBrake) +
           ", density " + std::to_string(density) + ", seed " + std::to_string(seed) + ", steps " +
           std::to_string(steps) + ", timeseries every " + std::to_string(timeseriesEvery) + ", sampled every " +
           std::to_string(sampleEvery) + ", layout " + std::to_string(static_cast<int>(layout)) + ", velocity " +
           std::to_string(static_cast<int>(velocity)) + ", p_slow " + std::to_string(pSlow) + ", tiles of " +
           std::to_string(tileWords) + " words";
  }
};

// A prepared initial road (init.layout, init.velocity of docs/config.md), built here cell by cell:
// M = round(density N) cars; uniform: cell x holds a car when some k has floor(k N / M) = x, i.e. when
// ceil((x + 1) M / N) > ceil(x M / N); jam: cells 0 to M - 1; velocities 0, vmax, or the per-cell draw.
CellRoad initialCellRoad(const NaschCase& run) {
  if (run.layout == InitialLayout::Random && run.velocity == InitialVelocity::Zero) {
    return initialCellRoad(run.cells, run.density, run.seed);
  }
  CellRoad road = initialCellRoad(run.cells, run.density, run.seed);
  const auto cars = static_cast<std::uint64_t>(std::llround(run.density * static_cast<double>(run.cells)));
  const auto ceilDiv = [](std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; };
  for (std::uint64_t x = 0; x < run.cells; ++x) {
    bool car = road[x] != kNoCar;
    if (run.layout == InitialLayout::Uniform) car = ceilDiv((x + 1) * cars, run.cells) > ceilDiv(x * cars, run.cells);
    if (run.layout == InitialLayout::Jam) car = x < cars;
    std::int16_t velocity = 0;
    if (run.velocity == InitialVelocity::Vmax) velocity = static_cast<std::int16_t>(run.vmax);
    if (run.velocity == InitialVelocity::Random) {
      velocity = static_cast<std::int16_t>(randomInitialVelocity(x, run.vmax, run.seed));
    }
    road[x] = car ? velocity : kNoCar;
  }
  return road;
}

Config naschConfig(const NaschCase& run) {
  Config config;
  config.road.cells = run.cells;
  config.model.type = ModelType::Nasch;
  config.model.vmax = run.vmax;
  config.model.pBrake = run.pBrake;
  config.model.pSlow = run.pSlow;
  config.init.density = run.density;
  config.init.seed = run.seed;
  config.init.layout = run.layout;
  config.init.velocity = run.velocity;
  config.run.steps = run.steps;
  config.output.timeseriesEvery = run.timeseriesEvery;
  config.output.detectors = run.detectors;
  config.logging.progressSeconds = 0;
  config.logging.reportEvery = 0;
  return config;
}

// Detectors at cell 0, the last cell, the first cell of every rank at 2, 3 and 4 ranks (and the cell
// before it, and vmax - 1 cells after it), and two cells inside; without duplicates, in cell order.
std::vector<std::uint64_t> detectorCells(std::uint64_t cells, unsigned vmax) {
  std::set<std::uint64_t> chosen{0, cells - 1, cells / 3, (cells * 5) / 7};
  for (const int ranks : {2, 3, 4}) {
    const Decomposition decomposition(cells, ranks);
    for (int r = 1; r < decomposition.activeRanks(); ++r) {
      const std::uint64_t boundary = decomposition.range(r).begin;
      chosen.insert(boundary);
      chosen.insert(boundary - 1);
      chosen.insert((boundary + vmax - 1) % cells);
    }
  }
  return {chosen.begin(), chosen.end()};
}

// This rank's cells (occupancy and velocity planes, padding included) against the reference ring.
mpitest::RangeComparison compareNaschRange(const Road& road, const CellRoad& expected, unsigned vmax) {
  mpitest::RangeComparison result;
  const CellRange range = road.range();
  const std::uint64_t words = packed::wordsFor(range.cells());
  const unsigned planes = static_cast<unsigned>(std::bit_width(vmax));
  auto fail = [&result](const std::string& what) {
    if (result.mismatches++ == 0) result.first = what;
  };
  if (road.velocityPlanes() != planes) {
    fail(std::to_string(road.velocityPlanes()) + " velocity planes for vmax " + std::to_string(vmax));
    return result;
  }
  if (road.words().size() != words) {
    fail(std::to_string(road.words().size()) + " occupancy words for " + std::to_string(range.cells()) + " cells");
    return result;
  }
  for (unsigned b = 0; b < planes; ++b) {
    if (road.velocityPlane(b).size() != words) {
      fail("velocity plane " + std::to_string(b) + " has " + std::to_string(road.velocityPlane(b).size()) + " words");
      return result;
    }
  }
  for (std::uint64_t i = range.begin; i < range.end; ++i) {
    const std::uint64_t offset = i - range.begin;
    const bool occupied = packed::cell(road.words(), offset);
    unsigned velocity = 0;
    for (unsigned b = 0; b < planes; ++b) velocity |= (packed::cell(road.velocityPlane(b), offset) ? 1U : 0U) << b;
    const int actual =
        occupied ? static_cast<int>(velocity) : (velocity != 0 ? -1000 - static_cast<int>(velocity) : -1);
    if (actual != expected[i]) {
      fail("cell " + std::to_string(i) + " holds " +
           (occupied ? "a car at velocity " + std::to_string(velocity)
                     : (velocity != 0 ? "no car but velocity bits " + std::to_string(velocity) : "no car")) +
           ", reference says " +
           (expected[i] == kNoCar ? std::string("no car") : "a car at velocity " + std::to_string(expected[i])));
    }
  }
  if (words > 0) {
    const std::uint64_t padding = ~packed::lastWordMask(range.cells());
    if ((road.words().back() & padding) != 0) fail("occupancy padding bits past the last cell are set");
    for (unsigned b = 0; b < planes; ++b) {
      if ((road.velocityPlane(b).back() & padding) != 0) fail("velocity plane " + std::to_string(b) + " padding set");
    }
  }
  return result;
}

// The first step (1-based) where two series differ, 0 if none.
std::uint64_t firstDifferingStep(const std::vector<std::int64_t>& actual, const std::vector<std::int64_t>& expected) {
  for (std::size_t k = 0; k < std::min(actual.size(), expected.size()); ++k) {
    if (actual[k] != expected[k]) return k + 1;
  }
  return actual.size() == expected.size() ? 0 : std::min(actual.size(), expected.size()) + 1;
}

// Collective over `comm`: runs the case as a Simulation and checks, against the reference ring run on
// this rank, every step's state of this rank's cells (through a sampler after every step), the
// per-step distances, every time-series row's distance and detector counts, the digest and the cars.
// Returns the run's digest; `facts` (if given) receives how the road exchanged its halos.
struct ExchangeFacts {
  std::uint64_t stepsPerExchange = 0;
  std::uint64_t exchanges = 0;
};
std::uint64_t expectNaschRunMatchesReference(const Comm& comm, const NaschCase& run, ExchangeFacts* facts = nullptr) {
  SCOPED_TRACE(run.describe() + " on " + std::to_string(comm.size()) + " ranks");
  const CellRoad initial = initialCellRoad(run);
  const std::uint64_t cars = static_cast<std::uint64_t>(
      std::count_if(initial.begin(), initial.end(), [](std::int16_t c) { return c != kNoCar; }));
  ReferenceTracker tracker(
      initial, {run.vmax, brakeThreshold(run.pBrake), run.seed, brakeThreshold(run.pSlow < 0 ? run.pBrake : run.pSlow)},
      run.detectors);

  const Config runConfig = naschConfig(run);
  RoadOptions options;
  options.naschTileWords = run.tileWords;
  Simulation simulation(comm, runConfig, initialRoad(comm, runConfig, options));
  const Road& road = simulation.road();
  // The initial road: filled by the run, velocities 0.
  const mpitest::RangeComparison atStart = compareNaschRange(road, initial, run.vmax);
  EXPECT_EQ(atStart.mismatches, 0u) << "rank " << comm.rank() << ", initial road: " << atStart.first;

  std::uint64_t samples = 0;
  std::uint64_t firstBadStep = 0;
  std::string firstBadCell;
  simulation.sampleAtEveryMultipleOf(run.sampleEvery, [&](std::uint64_t step) {
    ++samples;
    tracker.stepTo(step);
    if (firstBadStep != 0) return;
    const mpitest::RangeComparison comparison = compareNaschRange(road, tracker.road(), run.vmax);
    if (comparison.mismatches > 0) {
      firstBadStep = step;
      firstBadCell = comparison.first;
    }
  });
  std::vector<std::int64_t> moves;
  std::vector<FlowRow> rows;
  std::uint64_t misplacedBlocks = 0;
  simulation.onFlowBlock([&](const FlowBlock& block) {
    if (block.firstStep != moves.size() + 1) ++misplacedBlocks;
    moves.insert(moves.end(), block.moves.begin(), block.moves.end());
    rows.insert(rows.end(), block.rows.begin(), block.rows.end());
  });
  const RunSummary summary = simulation.run();
  tracker.stepTo(run.steps);
  const std::uint64_t expectedDigest = cellRoadDigest(tracker.road(), run.vmax);

  EXPECT_EQ(samples, run.steps / run.sampleEvery) << "the sampler did not see every sampled step";
  EXPECT_EQ(firstBadStep, 0u) << "rank " << comm.rank() << " of " << comm.size() << " owning [" << road.range().begin
                              << ", " << road.range().end << ") differs from the reference first after step "
                              << firstBadStep << ": " << firstBadCell;
  EXPECT_EQ(tracker.trackingErrors(), 0u) << "the reference's cars could not be followed (oracle broken)";
  EXPECT_EQ(misplacedBlocks, 0u) << "flow blocks out of step order";
  EXPECT_EQ(moves.size(), run.steps);
  const std::uint64_t badMoveStep = firstDifferingStep(moves, tracker.distances());
  EXPECT_EQ(badMoveStep, 0u) << "first step whose distance differs from the reference (0 = none): "
                             << (badMoveStep > 0 && badMoveStep <= moves.size()
                                     ? std::to_string(moves[badMoveStep - 1]) + " vs " +
                                           std::to_string(tracker.distances()[badMoveStep - 1])
                                     : std::string());

  // Rows: (0, E], (E, 2E], ...; a row's numbers are the sums of its steps' reference numbers.
  const std::uint64_t every = run.timeseriesEvery;
  EXPECT_EQ(rows.size(), run.steps / every) << "time-series rows";
  std::uint64_t badRows = 0;
  std::string firstBadRow;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const FlowRow& row = rows[r];
    std::vector<std::int64_t> counts(run.detectors.size(), 0);
    std::int64_t distance = 0;
    const std::uint64_t last = (r + 1) * every;
    for (std::uint64_t s = last - every + 1; s <= last && s <= run.steps; ++s) {
      distance += tracker.distances()[s - 1];
      for (std::size_t k = 0; k < counts.size(); ++k) counts[k] += tracker.counts()[s - 1][k];
    }
    const bool good =
        row.step == last && row.steps == every && row.distance == distance && row.detectorCounts == counts;
    if (!good && badRows++ == 0) {
      firstBadRow = "row " + std::to_string(r) + " (step " + std::to_string(row.step) + ", " +
                    std::to_string(row.steps) + " steps, distance " + std::to_string(row.distance) + " vs " +
                    std::to_string(distance) + ") detector counts:";
      for (std::size_t k = 0; k < counts.size(); ++k) {
        const std::int64_t actual = k < row.detectorCounts.size() ? row.detectorCounts[k] : -1;
        if (actual != counts[k]) {
          firstBadRow += " cell " + std::to_string(run.detectors[k]) + " " + std::to_string(actual) + " vs " +
                         std::to_string(counts[k]) + ";";
        }
      }
    }
  }
  EXPECT_EQ(badRows, 0u) << "time-series rows differing from the reference; first: " << firstBadRow;

  EXPECT_EQ(summary.digest, expectedDigest);
  EXPECT_EQ(summary.cars, cars);
  EXPECT_EQ(summary.steps, run.steps);

  // Collective calls, made by every rank whatever the checks above found.
  EXPECT_EQ(road.globalCars(), cars) << "cars not conserved";
  EXPECT_EQ(road.globalDigest(), expectedDigest);
  const mpitest::RangeComparison atEnd = compareNaschRange(road, tracker.road(), run.vmax);
  EXPECT_EQ(atEnd.mismatches, 0u) << "rank " << comm.rank() << ", final road: " << atEnd.first;
  EXPECT_EQ(mpitest::sumOverRanks(comm, atEnd.mismatches + (firstBadStep != 0 ? 1 : 0)), 0u)
      << "ranks whose cells differ from the reference";
  mpitest::expectRangesTileRoad(comm, road.range(), run.cells);
  if (facts != nullptr) *facts = {road.stepsPerExchange(), road.exchanges()};
  return summary.digest;
}

// 1. The matrix of vmax x p_brake on roads that end mid-word, densities from sparse to jammed.
TEST(MPI, NaschRunMatchesReferenceKernelOnAnyRankCount) {
  mpitest::silenceLogs();
  const Comm comm = Comm::world();
  const std::vector<double> densities{0.05, 0.15, 0.3, 0.45, 0.6};
  std::size_t k = 0;
  for (const std::uint64_t cells : {1000ULL, 4099ULL}) {
    for (const unsigned vmax : {1U, 2U, 5U, 7U, 20U}) {
      for (const double pBrake : {0.0, 0.25, 0.7}) {
        NaschCase run;
        run.cells = cells;
        run.vmax = vmax;
        run.pBrake = pBrake;
        run.density = densities[k++ % densities.size()];
        run.seed = 5743 + k;
        run.steps = 300;
        run.timeseriesEvery = 1 + k % 4;
        run.detectors = detectorCells(cells, vmax);
        expectNaschRunMatchesReference(comm, run);
      }
    }
  }
}

TEST(MPI, NaschLongRoadMatchesReferenceKernelOnAnyRankCount) {
  mpitest::silenceLogs();
  const Comm comm = Comm::world();
  constexpr std::uint64_t kCells = 100'003;
  struct Setting {
    unsigned vmax;
    double pBrake;
    double density;
  };
  for (const Setting setting : {Setting{5, 0.25, 0.1}, Setting{7, 0.7, 0.35}, Setting{20, 0.0, 0.05},
                                Setting{2, 0.25, 0.6}, Setting{20, 0.25, 0.2}}) {
    NaschCase run;
    run.cells = kCells;
    run.vmax = setting.vmax;
    run.pBrake = setting.pBrake;
    run.density = setting.density;
    run.steps = 200;
    run.timeseriesEvery = 10;
    run.detectors = detectorCells(kCells, setting.vmax);
    expectNaschRunMatchesReference(comm, run);
  }
}

// 2. Detector counts per step (rows of one step) on a sparse fast road, where cars jump over
// detectors, and on a dense one; the oracle follows the reference's cars.
TEST(MPI, NaschDetectorCountsMatchCarsFollowedThroughTheReference) {
  mpitest::silenceLogs();
  const Comm comm = Comm::world();
  for (const std::uint64_t cells : {1000ULL, 4099ULL}) {
    for (const double density : {0.08, 0.5}) {
      NaschCase run;
      run.cells = cells;
      run.vmax = 20;
      run.pBrake = 0.25;
      run.density = density;
      run.steps = 300;
      run.timeseriesEvery = 1;
      run.detectors = detectorCells(cells, run.vmax);
      // The oracle must see cars jump over detectors, or the jump case is untested.
      ReferenceTracker probe(initialCellRoad(cells, density, run.seed),
                             {run.vmax, brakeThreshold(run.pBrake), run.seed}, run.detectors);
      probe.stepTo(run.steps);
      EXPECT_GT(probe.jumpsOverDetectors(), 0u);
      std::int64_t total = 0;
      for (const auto& counts : probe.counts()) {
        for (const std::int64_t count : counts) total += count;
      }
      EXPECT_GT(total, 0);
      expectNaschRunMatchesReference(comm, run);
    }
  }
}

// The first k ranks of the world, for every k: the same NaSch run, the same digest everywhere.
TEST(MPI, NaschSubCommunicatorsOfEverySizeGiveTheSameDigest) {
  mpitest::silenceLogs();
  NaschCase run;
  run.cells = 4099;
  run.vmax = 5;
  run.pBrake = 0.25;
  run.density = 0.3;
  run.steps = 200;
  run.timeseriesEvery = 5;
  run.detectors = detectorCells(run.cells, run.vmax);
  const Comm world = Comm::world();
  std::vector<std::uint64_t> digests;
  for (int ranks = 1; ranks <= world.size(); ++ranks) {
    const bool member = world.rank() < ranks;
    const mpitest::SplitComm part(world, member ? 0 : MPI_UNDEFINED, world.rank());
    if (part.member()) digests.push_back(expectNaschRunMatchesReference(part.comm(), run));
  }
  if (world.isRoot()) {
    ASSERT_EQ(digests.size(), static_cast<std::size_t>(world.size()));
    for (std::size_t k = 1; k < digests.size(); ++k) {
      EXPECT_EQ(digests[k], digests[0]) << "digest on " << k + 1 << " ranks differs from the digest on 1 rank";
    }
  }
}

// 3. vmax 1 without braking is rule 184: same distances per step and same road as a rule-184 run
// (and as rule 184's reference kernel); a car's velocity is 1 exactly when it entered its cell in
// the last step.
TEST(MPI, NaschWithVmax1AndNoBrakingIsRule184) {
  mpitest::silenceLogs();
  const Comm comm = Comm::world();
  for (const std::uint64_t cells : {1000ULL, 4099ULL, 100'003ULL}) {
    for (const double density : {0.1, 0.5, 0.52, 0.8}) {
      SCOPED_TRACE("cells " + std::to_string(cells) + ", density " + std::to_string(density) + " on " +
                   std::to_string(comm.size()) + " ranks");
      constexpr std::uint64_t kSteps = 250;
      const mpitest::ByteRoad initial = mpitest::randomByteRoad(cells, density, 99);
      const mpitest::ReferenceRun before = mpitest::runReference(initial, kSteps - 1);
      const mpitest::ReferenceRun reference = mpitest::runReference(initial, kSteps);

      Config config;
      config.road.cells = cells;
      config.init.density = density;
      config.init.seed = 99;
      config.run.steps = kSteps;
      config.logging.progressSeconds = 0;
      config.logging.reportEvery = 0;
      config.model.type = ModelType::Rule184;
      Config nasch = config;
      nasch.model.type = ModelType::Nasch;
      nasch.model.vmax = 1;
      nasch.model.pBrake = 0.0;

      Simulation rule184Run(comm, config, initialRoad(comm, config));
      std::vector<std::int64_t> rule184Moves;
      rule184Run.onFlowBlock([&](const FlowBlock& block) {
        rule184Moves.insert(rule184Moves.end(), block.moves.begin(), block.moves.end());
      });
      rule184Run.run();
      Simulation naschRun(comm, nasch, initialRoad(comm, nasch));
      std::vector<std::int64_t> naschMoves;
      naschRun.onFlowBlock(
          [&](const FlowBlock& block) { naschMoves.insert(naschMoves.end(), block.moves.begin(), block.moves.end()); });
      const RunSummary summary = naschRun.run();

      EXPECT_EQ(firstDifferingStep(rule184Moves, reference.moves), 0u) << "rule 184 run vs rule 184 reference";
      EXPECT_EQ(firstDifferingStep(naschMoves, rule184Moves), 0u)
          << "first step where NaSch vmax 1 differs from rule 184";
      EXPECT_EQ(summary.cars, mpitest::carsOf(initial));

      const Road& road = naschRun.road();
      ASSERT_EQ(road.range().begin, rule184Run.road().range().begin);
      ASSERT_EQ(road.range().end, rule184Run.road().range().end);
      EXPECT_TRUE(std::ranges::equal(road.words(), rule184Run.road().words())) << "rank " << comm.rank();
      const mpitest::RangeComparison occupancy = mpitest::compareRange(road.words(), road.range(), reference.road);
      EXPECT_EQ(occupancy.mismatches, 0u) << "rank " << comm.rank() << ": " << occupancy.first;
      // Velocity: 1 where the cell was empty before the last step and holds a car after it.
      ASSERT_EQ(road.velocityPlanes(), 1u);
      std::uint64_t badVelocities = 0;
      std::string firstBad;
      for (std::uint64_t i = road.range().begin; i < road.range().end; ++i) {
        const bool moving = reference.road[i] != 0 && before.road[i] == 0;
        if (packed::cell(road.velocityPlane(0), i - road.range().begin) != moving && badVelocities++ == 0) {
          firstBad = "cell " + std::to_string(i);
        }
      }
      EXPECT_EQ(badVelocities, 0u) << "rank " << comm.rank() << ", first wrong velocity at " << firstBad;
      EXPECT_EQ(mpitest::sumOverRanks(comm, occupancy.mismatches + badVelocities), 0u);
    }
  }
}

// Per rank, without any collective call: whether building this rank's NaSch road throws, and the
// message. Used before a Simulation, which makes collective calls, so that a rank that throws alone
// is a test failure rather than a hang.
struct Refusal {
  bool thrown = false;
  std::string message;
};
Refusal tryNaschRoad(const Comm& comm, const Config& config) {
  Refusal refusal;
  try {
    const NaschRoad segment(comm, Decomposition(config.road.cells, comm.size()), config);
  } catch (const InputError& error) {
    refusal.thrown = true;
    refusal.message = error.what();
  }
  return refusal;
}

// 4. Road of 100 cells: two words, so at 2, 3 and 4 ranks the ranks that own cells are two, owning 64
// and 36 cells (the ranks past them own nothing and do not count). vmax 36 fits; vmax 37 and 40 do
// not, and every rank refuses together with an InputError naming model.vmax; on 1 rank they run.
TEST(MPI, NaschRefusesRanksOwningFewerThanVmaxCellsOnEveryRank) {
  mpitest::silenceLogs();
  const Comm comm = Comm::world();
  constexpr std::uint64_t kCells = 100;
  for (const unsigned vmax : {36U, 37U, 40U}) {
    SCOPED_TRACE("vmax " + std::to_string(vmax) + " on " + std::to_string(comm.size()) + " ranks");
    NaschCase run;
    run.cells = kCells;
    run.vmax = vmax;
    run.pBrake = 0.25;
    run.density = 0.1;
    run.steps = 300;
    run.timeseriesEvery = 1;
    run.detectors = detectorCells(kCells, vmax);
    const Config config = naschConfig(run);
    const bool shouldRefuse = comm.size() > 1 && vmax > 36;

    const Refusal refusal = tryNaschRoad(comm, config);
    const std::uint64_t refusing = mpitest::sumOverRanks(comm, refusal.thrown ? 1 : 0);
    EXPECT_EQ(refusal.thrown, shouldRefuse) << "rank " << comm.rank() << ": " << refusal.message;
    if (refusing == static_cast<std::uint64_t>(comm.size())) {
      // Every rank refuses: so does the Simulation, on every rank, naming the key.
      bool simulationThrew = false;
      try {
        Simulation simulation(comm, config, initialRoad(comm, config));
      } catch (const InputError& error) {
        simulationThrew = true;
        EXPECT_NE(std::string(error.what()).find("model.vmax"), std::string::npos) << error.what();
      }
      EXPECT_TRUE(simulationThrew) << "rank " << comm.rank();
    } else if (refusing == 0) {
      expectNaschRunMatchesReference(comm, run);
    } else {
      ADD_FAILURE() << refusing << " of " << comm.size() << " ranks refuse the road: not collective";
    }
  }
}

// A road of fewer cells than vmax, held by rank 0 alone (the other ranks own nothing): one rank owns
// the whole ring, so no halo is needed. The ranks must agree: all refuse, or all run it like 1 rank
// (which runs it; a lone car sees a gap of N - 1).
TEST(MPI, NaschRoadShorterThanVmaxOnOneOwningRankIsHandledAlikeOnEveryRank) {
  mpitest::silenceLogs();
  const Comm comm = Comm::world();
  for (const std::uint64_t cells : {3ULL, 40ULL}) {
    SCOPED_TRACE("cells " + std::to_string(cells) + " on " + std::to_string(comm.size()) + " ranks");
    NaschCase run;
    run.cells = cells;
    run.vmax = 50;
    run.pBrake = 0.25;
    run.density = 0.2;
    run.steps = 100;
    run.timeseriesEvery = 1;
    run.detectors = {0, cells - 1};
    const Config config = naschConfig(run);

    const Refusal refusal = tryNaschRoad(comm, config);
    const std::uint64_t refusing = mpitest::sumOverRanks(comm, refusal.thrown ? 1 : 0);
    if (comm.size() == 1) {
      EXPECT_FALSE(refusal.thrown) << refusal.message;
    }
    EXPECT_TRUE(refusing == 0 || refusing == static_cast<std::uint64_t>(comm.size()))
        << refusing << " of " << comm.size() << " ranks refuse the road (rank " << comm.rank()
        << (refusal.thrown ? " refuses: " + refusal.message : std::string(" accepts it")) << ")";
    if (refusing == 0) expectNaschRunMatchesReference(comm, run);
  }
}

// 5. Halos of 2 and 3 words: vmax 70 and 130, on sparse roads (cars reach vmax) and denser ones,
// including roads where the last rank owns exactly vmax cells (454 cells: 70 at 3 and 4 ranks; 706
// cells: 130 at 4 ranks) and a long road.
TEST(MPI, NaschDeepHalosMatchReferenceKernelOnAnyRankCount) {
  mpitest::silenceLogs();
  const Comm comm = Comm::world();
  struct Setting {
    std::uint64_t cells;
    unsigned vmax;
    double pBrake;
    double density;
    bool reachesFar;  // sparse enough that some car gets above 64 cells per step
  };
  for (const Setting setting :
       {Setting{454, 70, 0.0, 0.01, true}, Setting{454, 70, 0.25, 0.05, false}, Setting{706, 130, 0.0, 0.006, true},
        Setting{706, 130, 0.25, 0.01, true}, Setting{706, 70, 0.7, 0.3, false}, Setting{4099, 130, 0.25, 0.01, true},
        Setting{4099, 70, 0.0, 0.01, true}, Setting{100'003, 70, 0.25, 0.005, true},
        Setting{100'003, 130, 0.0, 0.02, true}}) {
    NaschCase run;
    run.cells = setting.cells;
    run.vmax = setting.vmax;
    run.pBrake = setting.pBrake;
    run.density = setting.density;
    run.steps = 300;
    run.timeseriesEvery = 3;
    run.detectors = detectorCells(setting.cells, setting.vmax);
    // A sparse case must reach past the halo's first word: some car faster than 64 in the reference.
    ReferenceTracker probe(initialCellRoad(run.cells, run.density, run.seed),
                           {run.vmax, brakeThreshold(run.pBrake), run.seed}, {});
    std::int16_t fastest = 0;
    for (std::uint64_t s = 1; s <= run.steps; ++s) {
      probe.stepTo(s);
      for (const std::int16_t cell : probe.road()) fastest = std::max(fastest, cell);
    }
    if (setting.reachesFar) {
      EXPECT_GT(fastest, 64) << "cells " << run.cells << ", vmax " << run.vmax << ", density " << run.density;
    }
    expectNaschRunMatchesReference(comm, run);
  }
}

// 6. Deep halos (docs/model.md "NaSch halos"): roads of any length run k > 1 steps per exchange of D
// words, with the same results as the reference; ranks too small for the extensions fall back to one
// exchange per step. Sampled every 7 steps (a sampler ends an advance) and with rows every 5 steps,
// so advances of every length up to k happen. The rule as docs/model.md states it: on a road ending
// mid-word one word more, and the extension holding the partial last word lacks what that word lacks.
// One rank owning the whole ring takes the same plan, its extensions from its own far ends: no exchange.
bool deepHalosExpected(const Comm& comm, std::uint64_t cells, unsigned vmax) {
  const Decomposition decomposition(cells, comm.size());
  const std::uint64_t lacking = cells % 64 == 0 ? 0 : 64 - cells % 64;
  const std::uint64_t haloWords = (vmax + 63) / 64;
  const std::uint64_t depth = std::min<std::uint64_t>(
      std::min<std::uint64_t>(std::max<std::uint64_t>(4, 2 * haloWords), vmax) + (lacking > 0 ? 1 : 0),
      decomposition.fewestCells() / 64);
  return depth > 0 && (64 * depth - lacking) / vmax >= 2;
}

void expectDeepRun(const Comm& comm, const NaschCase& run) {
  ExchangeFacts facts;
  expectNaschRunMatchesReference(comm, run, &facts);
  const bool deep = deepHalosExpected(comm, run.cells, run.vmax);
  SCOPED_TRACE(run.describe() + " on " + std::to_string(comm.size()) + " ranks");
  const Decomposition decomposition(run.cells, comm.size());
  const bool owns = !decomposition.range(comm.rank()).empty();
  if (deep) {
    EXPECT_GT(facts.stepsPerExchange, 1u);
    if (owns && decomposition.activeRanks() > 1) {
      EXPECT_LT(facts.exchanges, run.steps);
      EXPECT_GT(facts.exchanges, 0u);
    }
    if (decomposition.activeRanks() == 1) {
      EXPECT_EQ(facts.exchanges, 0u);
    }
  } else {
    EXPECT_EQ(facts.stepsPerExchange, 1u);
    if (owns && decomposition.activeRanks() > 1) {
      EXPECT_EQ(facts.exchanges, run.steps);
    }
  }
  // Every rank takes the same k.
  EXPECT_EQ(comm.max(facts.stepsPerExchange), facts.stepsPerExchange);
}

// Whole words, a last word of 1 cell, and one of 35 cells.
TEST(MPI, NaschDeepHalosOnRoadsOfAnyLengthMatchReferenceKernel) {
  mpitest::silenceLogs();
  const Comm comm = Comm::world();
  const std::vector<double> densities{0.03, 0.15, 0.3, 0.5};
  std::size_t k = 0;
  for (const std::uint64_t cells : {6400ULL, 6401ULL, 64'000ULL, 64'035ULL}) {
    for (const unsigned vmax : {1U, 2U, 5U, 7U, 20U, 64U, 70U}) {
      for (const double pBrake : {0.0, 0.25, 0.7}) {
        NaschCase run;
        run.cells = cells;
        run.vmax = vmax;
        run.pBrake = pBrake;
        run.density = densities[k++ % densities.size()];
        run.seed = 811 + k;
        run.steps = cells > 10'000 ? 150 : 300;
        run.tileWords = cells > 10'000 ? 64 : 16;  // tiles that lean back half their length in a sweep
        run.timeseriesEvery = 5;
        run.sampleEvery = 7;
        run.detectors = detectorCells(cells, vmax);
        expectDeepRun(comm, run);
      }
    }
  }
}

TEST(MPI, NaschDeepHalosOnLongRoadsMatchReferenceKernel) {
  mpitest::silenceLogs();
  const Comm comm = Comm::world();
  for (const unsigned vmax : {5U, 20U, 70U}) {
    NaschCase run;
    run.cells = vmax == 20 ? 64 * 4099 + 17 : 64 * 4099;
    run.vmax = vmax;
    run.pBrake = 0.25;
    run.density = vmax == 70 ? 0.01 : 0.2;
    run.steps = 120;
    run.timeseriesEvery = 1;
    run.sampleEvery = 40;
    run.tileWords = 256;
    run.detectors = detectorCells(run.cells, vmax);
    expectDeepRun(comm, run);
  }
}

// Where deep halos must not be used: ranks too small for an extension of 2 vmax cells (128 cells: 2
// words at 2 ranks, 1 word at 3 and 4 ranks, with vmax 64 and 40; 190 cells: a rank owns the partial
// last word of 62 cells and no whole word). Small roads where a rank's extensions overlap each other
// (128 and 192 cells: a rank owns 1 or 2 words, D = 1; 4099 cells with vmax 2 at 4 ranks) run deep
// and must still be exact. On one rank they all run deep, the ring's extensions cut from its own ends.
TEST(MPI, NaschDeepHalosFallBackWhereTheyDoNotApply) {
  mpitest::silenceLogs();
  const Comm comm = Comm::world();
  struct Setting {
    std::uint64_t cells;
    unsigned vmax;
  };
  for (const Setting setting : {Setting{190, 5}, Setting{4099, 2}, Setting{128, 64}, Setting{128, 40}, Setting{192, 5},
                                Setting{128, 1}, Setting{256, 20}}) {
    NaschCase run;
    run.cells = setting.cells;
    run.vmax = setting.vmax;
    run.pBrake = 0.25;
    run.density = 0.1;
    run.steps = 200;
    run.timeseriesEvery = 3;
    run.sampleEvery = 11;
    run.detectors = detectorCells(setting.cells, setting.vmax);
    if (comm.size() > 1 && (setting.cells == 190 || setting.vmax >= 40)) {  // one rank: the ring's own ends
      EXPECT_FALSE(deepHalosExpected(comm, setting.cells, setting.vmax)) << "test setting";
    }
    expectDeepRun(comm, run);
  }
}

// 7. Prepared initial states (init.layout, init.velocity): every layout with every velocity rule, on a
// road ending mid-word, through the run loop at every rank count, against the reference from the
// road built cell by cell here; every other case with slow-to-start braking (model.p_slow).
TEST(MPI, NaschPreparedInitialStatesMatchReferenceKernel) {
  mpitest::silenceLogs();
  const Comm comm = Comm::world();
  std::size_t k = 0;
  for (const InitialLayout layout : {InitialLayout::Random, InitialLayout::Uniform, InitialLayout::Jam}) {
    for (const InitialVelocity velocity : {InitialVelocity::Zero, InitialVelocity::Vmax, InitialVelocity::Random}) {
      NaschCase run;
      run.layout = layout;
      run.velocity = velocity;
      run.cells = 4099;
      run.vmax = 5 + static_cast<unsigned>(k % 3);
      run.pBrake = k % 2 == 0 ? 0.25 : 0.015625;
      run.pSlow = k % 2 == 0 ? -1 : 0.75;
      run.density = k % 2 == 0 ? 0.2 : 0.35;
      run.seed = 31 + k++;
      run.steps = 120;
      run.timeseriesEvery = 4;
      run.sampleEvery = 6;
      run.detectors = detectorCells(run.cells, run.vmax);
      expectNaschRunMatchesReference(comm, run);
    }
  }
}

}  // namespace
}  // namespace convoy
