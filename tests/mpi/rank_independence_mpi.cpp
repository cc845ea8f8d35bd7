// The promise of docs/model.md: the same config gives bit-for-bit the same road, flow series and digest on any
// number of ranks. Run at 1, 2, 3 and 4 ranks (and on sub-communicators of every size), a Simulation
// must match the reference kernel run over the whole road on every rank.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "convoy/config/config.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/run/initial_state.hpp"
#include "convoy/run/simulation.hpp"
#include "mpi_test_support.hpp"

namespace convoy {
namespace {

using mpitest::ByteRoad;

Config runConfig(std::uint64_t cells, double density, std::uint64_t seed, std::uint64_t steps) {
  Config config;
  config.road.cells = cells;
  config.init.density = density;
  config.init.seed = seed;
  config.run.steps = steps;
  config.logging.progressSeconds = 0;
  config.logging.reportEvery = 0;
  return config;
}

// The flow blocks an observer received, joined into one series; counts blocks that do not start
// where the previous one ended.
struct FlowSeries {
  std::vector<std::int64_t> moves;
  std::uint64_t misplacedBlocks = 0;
  void observe(Simulation& simulation) {
    simulation.onFlowBlock([this](const FlowBlock& block) {
      if (block.firstStep != moves.size() + 1) ++misplacedBlocks;
      moves.insert(moves.end(), block.moves.begin(), block.moves.end());
    });
  }
};

// The first step whose move count differs from the reference (0 if none), for failure messages.
std::uint64_t firstDifferingStep(const std::vector<std::int64_t>& moves, const std::vector<std::int64_t>& expected) {
  for (std::size_t k = 0; k < std::min(moves.size(), expected.size()); ++k) {
    if (moves[k] != expected[k]) return k + 1;
  }
  return moves.size() == expected.size() ? 0 : std::min(moves.size(), expected.size()) + 1;
}

// Collective over `comm`: runs the config and checks the flow series, the digest, the cars and each
// rank's part of the final road against the reference. Returns the run's digest.
std::uint64_t expectRunMatchesReference(const Comm& comm, const Config& config, const ByteRoad& initial,
                                        const mpitest::ReferenceRun& reference) {
  const std::uint64_t cells = config.road.cells;
  const std::uint64_t cars = mpitest::carsOf(initial);
  const std::uint64_t expectedDigest = mpitest::byteRoadDigest(reference.road);

  Simulation simulation(comm, config, initialRoad(comm, config));
  FlowSeries flow;
  flow.observe(simulation);
  const RunSummary summary = simulation.run();

  EXPECT_EQ(flow.misplacedBlocks, 0u) << "flow blocks out of step order";
  EXPECT_EQ(flow.moves.size(), config.run.steps);
  EXPECT_EQ(firstDifferingStep(flow.moves, reference.moves), 0u)
      << "first step whose global moves differ from the reference (0 = none) on " << comm.size() << " ranks";
  EXPECT_EQ(summary.digest, expectedDigest) << "on " << comm.size() << " ranks";
  EXPECT_EQ(summary.cars, cars);
  EXPECT_EQ(summary.cells, cells);
  EXPECT_EQ(summary.steps, config.run.steps);

  // Collective calls, made by every rank whatever the checks above found.
  const Road& road = simulation.road();
  EXPECT_EQ(mpitest::sumOverRanks(comm, packed::countCars(road.words())), cars) << "cars not conserved";
  EXPECT_EQ(road.globalCars(), cars);
  EXPECT_EQ(road.globalDigest(), expectedDigest);
  const mpitest::RangeComparison local = mpitest::compareRange(road.words(), road.range(), reference.road);
  EXPECT_EQ(local.mismatches, 0u) << "rank " << comm.rank() << " of " << comm.size() << " owning ["
                                  << road.range().begin << ", " << road.range().end << "): " << local.first;
  EXPECT_EQ(mpitest::sumOverRanks(comm, local.mismatches), 0u) << "cells differing from the reference, all ranks";
  mpitest::expectRangesTileRoad(comm, road.range(), cells);
  return summary.digest;
}

void expectMillionCellRoadMatchesReference(double density) {
  mpitest::silenceLogs();
  constexpr std::uint64_t kCells = 1'000'003;
  constexpr std::uint64_t kSeed = 5743;
  constexpr std::uint64_t kSteps = 300;
  // The oracle first: no MPI, every rank the same work.
  const ByteRoad initial = mpitest::randomByteRoad(kCells, density, kSeed);
  const mpitest::ReferenceRun reference = mpitest::runReference(initial, kSteps);
  // The road really moves, and not trivially (every car, or none): the comparison has teeth.
  ASSERT_GT(reference.moves.back(), 0);
  ASSERT_LT(static_cast<std::uint64_t>(reference.moves.front()), mpitest::carsOf(initial));

  const Comm comm = Comm::world();
  expectRunMatchesReference(comm, runConfig(kCells, density, kSeed, kSteps), initial, reference);
}

TEST(MPI, MillionCellRoadAtDensity052MatchesReferenceOnAnyRankCount) { expectMillionCellRoadMatchesReference(0.52); }

TEST(MPI, MillionCellRoadAtDensity03MatchesReferenceOnAnyRankCount) { expectMillionCellRoadMatchesReference(0.3); }

// Within one job: the first k ranks of the world, for every k, run the same config; every run matches
// the reference, and rank 0 (a member of each) sees the same digest from each.
TEST(MPI, SubCommunicatorsOfEverySizeGiveTheSameResult) {
  mpitest::silenceLogs();
  constexpr std::uint64_t kCells = 100'003;
  constexpr double kDensity = 0.52;
  constexpr std::uint64_t kSeed = 5743;
  constexpr std::uint64_t kSteps = 200;
  const ByteRoad initial = mpitest::randomByteRoad(kCells, kDensity, kSeed);
  const mpitest::ReferenceRun reference = mpitest::runReference(initial, kSteps);
  const Config config = runConfig(kCells, kDensity, kSeed, kSteps);

  const Comm world = Comm::world();
  std::vector<std::uint64_t> digests;
  for (int ranks = 1; ranks <= world.size(); ++ranks) {
    const bool member = world.rank() < ranks;
    const mpitest::SplitComm part(world, member ? 0 : MPI_UNDEFINED, world.rank());
    EXPECT_EQ(part.member(), member);
    if (part.member()) {
      EXPECT_EQ(part.comm().size(), ranks);
      digests.push_back(expectRunMatchesReference(part.comm(), config, initial, reference));
    }
  }
  if (world.isRoot()) {
    ASSERT_EQ(digests.size(), static_cast<std::size_t>(world.size()));
    for (std::size_t k = 1; k < digests.size(); ++k) {
      EXPECT_EQ(digests[k], digests[0]) << "digest on " << k + 1 << " ranks differs from the digest on 1 rank";
    }
  }
}

// The ranks meet as often as they can (a tiny progress interval) and log velocities every 7 steps (to
// a silenced logger): the run is cut into many blocks, and the joined series must not notice.
TEST(MPI, FlowSeriesDoesNotDependOnHowTheRunIsCutIntoBlocks) {
  mpitest::silenceLogs();
  constexpr std::uint64_t kCells = 100'003;
  constexpr std::uint64_t kSteps = 500;
  const ByteRoad initial = mpitest::randomByteRoad(kCells, 0.52, 5743);
  const mpitest::ReferenceRun reference = mpitest::runReference(initial, kSteps);
  Config config = runConfig(kCells, 0.52, 5743, kSteps);
  config.logging.progressSeconds = 1e-6;
  config.logging.reportEvery = 7;
  const Comm comm = Comm::world();
  expectRunMatchesReference(comm, config, initial, reference);
}

// A different seed gives a different road and digest (the digest is not blind to the road).
TEST(MPI, DigestDependsOnTheRoad) {
  mpitest::silenceLogs();
  constexpr std::uint64_t kCells = 10'007;
  const Comm comm = Comm::world();
  const ByteRoad initialA = mpitest::randomByteRoad(kCells, 0.5, 1);
  const ByteRoad initialB = mpitest::randomByteRoad(kCells, 0.5, 2);
  const mpitest::ReferenceRun referenceA = mpitest::runReference(initialA, 50);
  const mpitest::ReferenceRun referenceB = mpitest::runReference(initialB, 50);
  ASSERT_NE(mpitest::byteRoadDigest(referenceA.road), mpitest::byteRoadDigest(referenceB.road));
  const std::uint64_t digestA = expectRunMatchesReference(comm, runConfig(kCells, 0.5, 1, 50), initialA, referenceA);
  const std::uint64_t digestB = expectRunMatchesReference(comm, runConfig(kCells, 0.5, 2, 50), initialB, referenceB);
  EXPECT_NE(digestA, digestB);
}

// No steps: the run's road is the initial road, filled in packed words on each rank, equal cell by
// cell to the generator's per-cell query, at lengths that split unevenly and mid-word.
TEST(MPI, InitialRoadMatchesThePerCellGenerator) {
  mpitest::silenceLogs();
  const Comm comm = Comm::world();
  for (const std::uint64_t cells : {1ULL, 3ULL, 64ULL, 65ULL, 1000ULL, 4099ULL, 100'003ULL}) {
    for (const double density : {0.0, 0.25, 0.5, 0.9, 1.0}) {
      SCOPED_TRACE("cells " + std::to_string(cells) + ", density " + std::to_string(density));
      const ByteRoad initial = mpitest::randomByteRoad(cells, density, 5743);
      const mpitest::ReferenceRun reference = mpitest::runReference(initial, 0);
      expectRunMatchesReference(comm, runConfig(cells, density, 5743, 0), initial, reference);
    }
  }
}

}  // namespace
}  // namespace convoy
