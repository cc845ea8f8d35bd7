// Rule 184's known long-time behaviour on a ring, checked on the parallel code at any rank count:
// below density 1/2 jams dissolve and every car moves every step (mean velocity exactly 1); above it
// every gap moves back every step, so moves equal empty cells (velocity exactly (1 - d) / d); at
// exactly 1/2 every car moves. A road settles within about `cells` steps; we run that long and check
// the last steps. The car counts come from the generator's per-cell query, not from the code.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <span>
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

constexpr std::uint64_t kCells = 100'003;
constexpr std::uint64_t kCheckedSteps = 100;

// Neighbouring pairs inside one rank's range: two cars, two gaps.
struct AdjacentPairs {
  std::uint64_t cars = 0;
  std::uint64_t gaps = 0;
};

AdjacentPairs adjacentPairs(const Road& road) {
  AdjacentPairs pairs;
  const std::uint64_t cells = road.range().cells();
  for (std::uint64_t i = 0; i + 1 < cells; ++i) {
    const bool here = packed::cell(road.words(), i);
    const bool ahead = packed::cell(road.words(), i + 1);
    pairs.cars += (here && ahead) ? 1 : 0;
    pairs.gaps += (!here && !ahead) ? 1 : 0;
  }
  return pairs;
}

struct SettledRun {
  std::uint64_t cells = 0;
  std::uint64_t cars = 0;  // counted independently of the code under test
  std::vector<std::int64_t> moves;
  RunSummary summary;
  AdjacentPairs finalPairs;  // summed over ranks, each counting inside its own range
};

// Collective: runs the random road of `density` for cells + kCheckedSteps steps.
SettledRun runRandomRoad(const Comm& comm, double density) {
  Config config;
  config.road.cells = kCells;
  config.init.density = density;
  config.init.seed = 5743;
  config.run.steps = kCells + kCheckedSteps;
  config.logging.progressSeconds = 0;
  config.logging.reportEvery = 0;

  SettledRun run;
  run.cells = kCells;
  for (std::uint64_t i = 0; i < kCells; ++i) run.cars += randomRoadCell(i, density, config.init.seed) ? 1 : 0;
  Simulation simulation(comm, config, initialRoad(comm, config));
  simulation.onFlowBlock(
      [&run](const FlowBlock& block) { run.moves.insert(run.moves.end(), block.moves.begin(), block.moves.end()); });
  run.summary = simulation.run();
  const AdjacentPairs local = adjacentPairs(simulation.road());
  run.finalPairs = {mpitest::sumOverRanks(comm, local.cars), mpitest::sumOverRanks(comm, local.gaps)};
  return run;
}

// In every step the moving cars are the "car, gap" pairs, as many as the "gap, car" pairs: never more
// than the cars or the gaps.
void expectMovesBounded(const SettledRun& run) {
  const auto cars = static_cast<std::int64_t>(run.cars);
  const auto gaps = static_cast<std::int64_t>(run.cells - run.cars);
  std::uint64_t outOfBounds = 0;
  for (const std::int64_t moves : run.moves) outOfBounds += (moves < 0 || moves > std::min(cars, gaps)) ? 1 : 0;
  EXPECT_EQ(outOfBounds, 0u) << "steps with moves outside [0, min(cars, gaps)]";
}

// How many of the last kCheckedSteps steps moved other than `expected` cars.
std::uint64_t settledStepsMovingOtherThan(const std::vector<std::int64_t>& moves, std::int64_t expected) {
  std::uint64_t wrong = 0;
  for (std::size_t k = moves.size() - std::min<std::size_t>(moves.size(), kCheckedSteps); k < moves.size(); ++k) {
    wrong += moves[k] != expected ? 1 : 0;
  }
  return wrong;
}

TEST(MPI, BelowHalfDensityEveryCarMovesEveryStepAfterSettling) {
  mpitest::silenceLogs();
  const Comm comm = Comm::world();
  for (const double density : {0.3, 0.45, 0.49}) {
    SCOPED_TRACE("density " + std::to_string(density));
    const SettledRun run = runRandomRoad(comm, density);
    ASSERT_EQ(run.moves.size(), kCells + kCheckedSteps);
    ASSERT_LT(run.cars, run.cells - run.cars) << "the road must be below half density";
    // Not free-flowing from the start: settling is part of what the run does.
    EXPECT_LT(run.moves.front(), static_cast<std::int64_t>(run.cars));
    EXPECT_EQ(run.summary.cars, run.cars);
    expectMovesBounded(run);
    EXPECT_EQ(settledStepsMovingOtherThan(run.moves, static_cast<std::int64_t>(run.cars)), 0u)
        << "of the last " << kCheckedSteps << " steps, those in which not all " << run.cars << " cars moved";
    EXPECT_EQ(run.summary.lastMeanVelocity, 1.0);
    EXPECT_EQ(meanVelocity(run.moves.back(), run.cars), 1.0);
    // Free flow: no car has a car right ahead of it.
    EXPECT_EQ(run.finalPairs.cars, 0u) << "pairs of adjacent cars inside the ranks' ranges";
  }
}

TEST(MPI, AboveHalfDensityMovesEqualEmptyCellsAfterSettling) {
  mpitest::silenceLogs();
  const Comm comm = Comm::world();
  for (const double density : {0.51, 0.55, 0.7}) {
    SCOPED_TRACE("density " + std::to_string(density));
    const SettledRun run = runRandomRoad(comm, density);
    ASSERT_EQ(run.moves.size(), kCells + kCheckedSteps);
    ASSERT_GT(run.cars, run.cells - run.cars) << "the road must be above half density";
    const std::uint64_t gaps = run.cells - run.cars;
    EXPECT_LT(run.moves.front(), static_cast<std::int64_t>(gaps));
    EXPECT_EQ(run.summary.cars, run.cars);
    expectMovesBounded(run);
    EXPECT_EQ(settledStepsMovingOtherThan(run.moves, static_cast<std::int64_t>(gaps)), 0u)
        << "of the last " << kCheckedSteps << " steps, those in which not one car per gap (" << gaps << ") moved";
    // Velocity (1 - d) / d with d = cars / cells, the actual density.
    const double actualDensity = static_cast<double>(run.cars) / static_cast<double>(run.cells);
    EXPECT_NEAR(run.summary.lastMeanVelocity, (1.0 - actualDensity) / actualDensity, 1e-12);
    EXPECT_DOUBLE_EQ(run.summary.lastMeanVelocity, static_cast<double>(gaps) / static_cast<double>(run.cars));
    // Every gap has a car right ahead of it.
    EXPECT_EQ(run.finalPairs.gaps, 0u) << "pairs of adjacent gaps inside the ranks' ranges";
  }
}

// Collective: steps a Rule184Road holding `initial` cells + kCheckedSteps times, as many steps per
// halo exchange as the road allows (one exchange per step would make the test last minutes on a
// loaded machine); the global moves of each step (local counts kept per step and summed once, as the
// run loop does).
struct SegmentRun {
  std::vector<std::int64_t> moves;
  AdjacentPairs finalPairs;
  std::uint64_t cars = 0;
};

SegmentRun runSegment(const Comm& comm, const ByteRoad& initial) {
  const std::uint64_t cells = initial.size();
  Rule184Road road(comm, Decomposition(cells, comm.size()));
  mpitest::loadRange(road.words(), road.range(), initial);
  SegmentRun run;
  const std::uint64_t totalSteps = cells + kCheckedSteps;
  std::vector<std::uint64_t> distances(totalSteps, 0);
  for (std::uint64_t first = 1; first <= totalSteps; first += road.stepsPerExchange()) {
    const std::uint64_t steps = std::min(road.stepsPerExchange(), totalSteps - first + 1);
    road.advance(first, steps, {}, std::span(distances).subspan(first - 1, steps), {});
  }
  run.moves.assign(distances.begin(), distances.end());
  comm.sumInPlace(run.moves);
  const AdjacentPairs local = adjacentPairs(road);
  run.finalPairs = {mpitest::sumOverRanks(comm, local.cars), mpitest::sumOverRanks(comm, local.gaps)};
  run.cars = road.globalCars();
  return run;
}

// Exactly half the cells of an even road hold cars: it settles into alternating cars and gaps, every
// car moving every step. Two starts: one jam of all the cars, and the cars shuffled along the road.
TEST(MPI, ExactlyHalfDensityOnAnEvenRoadSettlesToEveryCarMoving) {
  const Comm comm = Comm::world();
  constexpr std::uint64_t kEvenCells = 100'002;
  constexpr std::uint64_t kCars = kEvenCells / 2;

  ByteRoad jam(kEvenCells, 0);
  std::fill(jam.begin(), jam.begin() + kCars, std::uint8_t{1});
  // Fisher-Yates with a fixed generator: the same road on every rank (one binary, one seed).
  ByteRoad shuffled = jam;
  std::mt19937_64 generator(5743);
  for (std::uint64_t i = kEvenCells - 1; i > 0; --i) std::swap(shuffled[i], shuffled[generator() % (i + 1)]);
  ASSERT_EQ(mpitest::carsOf(shuffled), kCars);
  ASSERT_NE(shuffled, jam);

  for (const ByteRoad* initial : {&jam, &shuffled}) {
    SCOPED_TRACE(initial == &jam ? "one jam" : "shuffled");
    const SegmentRun run = runSegment(comm, *initial);
    EXPECT_EQ(run.cars, kCars);
    EXPECT_LT(run.moves.front(), static_cast<std::int64_t>(kCars));
    EXPECT_EQ(settledStepsMovingOtherThan(run.moves, static_cast<std::int64_t>(kCars)), 0u)
        << "of the last " << kCheckedSteps << " steps, those in which not all " << kCars << " cars moved";
    EXPECT_EQ(run.finalPairs.cars, 0u) << "pairs of adjacent cars inside the ranks' ranges";
    EXPECT_EQ(run.finalPairs.gaps, 0u) << "pairs of adjacent gaps inside the ranks' ranges";
  }
}

}  // namespace
}  // namespace convoy
