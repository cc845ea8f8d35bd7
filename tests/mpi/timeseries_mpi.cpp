// timeseries.h5 (docs/output.md): one row per output.timeseries_every steps
// with the distance travelled, flow, mean velocity and detector counts, the same on any rank count.
// A Simulation with its RunOutputs writes the file; rank 0 reads it back with the plain HDF5 C API
// and compares it with the reference kernel run over the whole road, which counts a car entering
// detector cell x when it moves from x - 1 (cell N - 1 for cell 0) into x. Detectors sit on cell 0,
// the last cell and both sides of every boundary between ranks' parts.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "convoy/config/config.hpp"
#include "convoy/core/decomposition.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/run/initial_state.hpp"
#include "convoy/run/run_outputs.hpp"
#include "convoy/run/simulation.hpp"
#include "mpi_test_support.hpp"
#include "plain_hdf5.hpp"

namespace convoy {
namespace {

namespace fs = std::filesystem;
using mpitest::ByteRoad;
using mpitest::PlainFile;
using mpitest::readDataset;
using mpitest::readTextAttribute;
using mpitest::readUnsignedAttribute;
using mpitest::SharedTemporaryDirectory;

// ---- The oracle: the reference kernel's rows ----

struct ExpectedRows {
  std::vector<std::int64_t> steps;
  std::vector<std::int64_t> distances;
  std::vector<std::int64_t> counts;  // rows x detectors, row-major
};

ExpectedRows referenceRows(ByteRoad road, std::uint64_t steps, std::uint64_t every,
                           const std::vector<std::uint64_t>& detectors) {
  const std::uint64_t cells = road.size();
  ExpectedRows rows;
  ByteRoad next;
  std::vector<std::int64_t> open(detectors.size(), 0);
  std::int64_t distance = 0;
  for (std::uint64_t step = 1; step <= steps; ++step) {
    for (std::size_t d = 0; d < detectors.size(); ++d) {
      const std::uint64_t x = detectors[d];
      // A car enters x when the cell behind holds one and x is empty at the start of the step.
      if (road[(x + cells - 1) % cells] == 1 && road[x] == 0) ++open[d];
    }
    distance += static_cast<std::int64_t>(reference::stepRing(road, next));
    road.swap(next);
    if (step % every == 0) {
      rows.steps.push_back(static_cast<std::int64_t>(step));
      rows.distances.push_back(distance);
      rows.counts.insert(rows.counts.end(), open.begin(), open.end());
      distance = 0;
      std::fill(open.begin(), open.end(), 0);
    }
  }
  return rows;
}

// Cell 0, the last cell, a cell inside the road, and both cells at every boundary between ranks'
// parts (where a car crosses from one rank to the next), listed out of order, each once.
std::vector<std::uint64_t> detectorsFor(std::uint64_t cells, int ranks) {
  std::vector<std::uint64_t> candidates{cells - 1, cells / 3, 0};
  const Decomposition decomposition(cells, ranks);
  for (int r = 1; r < decomposition.activeRanks(); ++r) {
    candidates.push_back(decomposition.range(r).begin);
    candidates.push_back(decomposition.range(r).begin - 1);
  }
  std::vector<std::uint64_t> detectors;
  std::set<std::uint64_t> seen;
  for (const std::uint64_t cell : candidates) {
    if (seen.insert(cell).second) detectors.push_back(cell);
  }
  return detectors;
}

struct TimeseriesCase {
  std::uint64_t cells;
  double density;
  std::uint64_t seed;
  std::uint64_t steps;
  std::uint64_t every;
  bool detectors;
};

// Collective: runs the case with its outputs into a temporary directory and checks timeseries.h5.
void expectTimeseriesMatchesReference(const TimeseriesCase& testCase) {
  mpitest::silenceLogs();
  const Comm world = Comm::world();
  const std::vector<std::uint64_t> detectors =
      testCase.detectors ? detectorsFor(testCase.cells, world.size()) : std::vector<std::uint64_t>{};
  // The oracle first: no MPI, every rank the same work.
  const ByteRoad initial = mpitest::randomByteRoad(testCase.cells, testCase.density, testCase.seed);
  const std::uint64_t cars = mpitest::carsOf(initial);
  const ExpectedRows expected = referenceRows(initial, testCase.steps, testCase.every, detectors);
  ASSERT_EQ(expected.steps.size(), testCase.steps / testCase.every);
  // The comparison has teeth: cars move, but not all of them in every row, and detectors count.
  ASSERT_GT(expected.distances.front(), 0);
  ASSERT_LT(expected.distances.front(), static_cast<std::int64_t>(cars * testCase.every));
  if (testCase.detectors) {
    ASSERT_GT(std::count_if(expected.counts.begin(), expected.counts.end(), [](std::int64_t c) { return c > 0; }), 0);
  }

  const SharedTemporaryDirectory directory(world, "convoy-timeseries-mpi");
  Config config;
  config.road.cells = testCase.cells;
  config.init.density = testCase.density;
  config.init.seed = testCase.seed;
  config.run.steps = testCase.steps;
  config.output.directory = directory.path().string();
  config.output.timeseriesEvery = testCase.every;
  config.output.detectors = detectors;
  config.logging.progressSeconds = 0;
  // An exception fails the test but lets this rank go on to the barrier below with the others.
  try {
    Simulation simulation(world, config, initialRoad(world, config));
    RunOutputs outputs(world, config, simulation, SeriesStart{});
    simulation.run();
    outputs.finish();
  } catch (const std::exception& error) {
    ADD_FAILURE() << "the run threw on rank " << world.rank() << ": " << error.what();
  }
  world.barrier();
  if (!world.isRoot()) return;

  const PlainFile file((directory.path() / "timeseries.h5").string(), H5F_ACC_RDONLY);
  ASSERT_TRUE(file.open()) << "no readable timeseries.h5 in the output directory";
  EXPECT_EQ(readTextAttribute(file.id(), "kind"), std::optional<std::string>("timeseries"));
  EXPECT_EQ(readTextAttribute(file.id(), "model"), std::optional<std::string>("rule184"));
  EXPECT_TRUE(readTextAttribute(file.id(), "config").has_value());
  EXPECT_TRUE(readTextAttribute(file.id(), "convoy_version").has_value());
  EXPECT_EQ(readUnsignedAttribute(file.id(), "cells"), std::optional<std::uint64_t>(testCase.cells));
  EXPECT_EQ(readUnsignedAttribute(file.id(), "cars"), std::optional<std::uint64_t>(cars));
  EXPECT_EQ(readUnsignedAttribute(file.id(), "timeseries_every"), std::optional<std::uint64_t>(testCase.every));

  const hsize_t rows = expected.steps.size();
  const auto step = readDataset<std::int64_t>(file.id(), "step", H5T_NATIVE_INT64, H5T_STD_I64LE);
  const auto distance = readDataset<std::int64_t>(file.id(), "distance", H5T_NATIVE_INT64, H5T_STD_I64LE);
  const auto flow = readDataset<double>(file.id(), "flow", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE);
  const auto velocity = readDataset<double>(file.id(), "mean_velocity", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE);
  const auto position = readDataset<std::int64_t>(file.id(), "detectors/position", H5T_NATIVE_INT64, H5T_STD_I64LE);
  const auto count = readDataset<std::int64_t>(file.id(), "detectors/count", H5T_NATIVE_INT64, H5T_STD_I64LE);
  for (const auto* found :
       {&step.found, &distance.found, &flow.found, &velocity.found, &position.found, &count.found}) {
    ASSERT_TRUE(*found) << "a dataset of docs/output.md is missing or unreadable";
  }
  EXPECT_TRUE(step.storedTypeMatches && distance.storedTypeMatches && position.storedTypeMatches &&
              count.storedTypeMatches)
      << "an integer dataset is not stored as int64";
  EXPECT_TRUE(flow.storedTypeMatches && velocity.storedTypeMatches) << "a real dataset is not stored as float64";
  ASSERT_EQ(step.shape, std::vector<hsize_t>{rows});
  ASSERT_EQ(distance.shape, std::vector<hsize_t>{rows});
  ASSERT_EQ(flow.shape, std::vector<hsize_t>{rows});
  ASSERT_EQ(velocity.shape, std::vector<hsize_t>{rows});
  ASSERT_EQ(position.shape, std::vector<hsize_t>{detectors.size()});
  ASSERT_EQ(count.shape, (std::vector<hsize_t>{rows, detectors.size()}));

  EXPECT_EQ(step.values, expected.steps);
  EXPECT_EQ(distance.values, expected.distances);
  const std::vector<std::int64_t> positions(detectors.begin(), detectors.end());
  EXPECT_EQ(position.values, positions) << "detector positions not in the config's order";
  for (hsize_t r = 0; r < rows; ++r) {
    const double moved = static_cast<double>(expected.distances[r]);
    const double rowSteps = static_cast<double>(testCase.every);
    EXPECT_DOUBLE_EQ(flow.values[r], moved / (static_cast<double>(testCase.cells) * rowSteps)) << "row " << r;
    EXPECT_DOUBLE_EQ(velocity.values[r], moved / (static_cast<double>(cars) * rowSteps)) << "row " << r;
    for (std::size_t d = 0; d < detectors.size(); ++d) {
      EXPECT_EQ(count.values[r * detectors.size() + d], expected.counts[r * detectors.size() + d])
          << "row " << r << " (step " << expected.steps[r] << "), detector at cell " << detectors[d];
    }
  }
}

// The workshop's average velocity: with timeseries_every 1, row t is moves(t) / cars.
TEST(MPI, TimeseriesOfEveryStepMatchesTheReference) {
  expectTimeseriesMatchesReference({20'011, 0.48, 3, 60, 1, true});
}

TEST(MPI, TimeseriesOfEverySevenStepsMatchesTheReference) {
  expectTimeseriesMatchesReference({20'011, 0.48, 3, 63, 7, true});
}

// Above density 1/2 jams persist, so the detectors count irregularly.
TEST(MPI, TimeseriesOfADenseRoadMatchesTheReference) {
  expectTimeseriesMatchesReference({10'007, 0.62, 17, 56, 7, true});
}

// Three words: at four ranks one rank owns nothing (and counts nothing), at three each owns one.
TEST(MPI, TimeseriesOfARoadWhereSomeRanksOwnNothingMatchesTheReference) {
  expectTimeseriesMatchesReference({130, 0.6, 5, 35, 7, true});
}

// No detectors: /detectors/position is empty and /detectors/count has no columns.
TEST(MPI, TimeseriesWithoutDetectorsMatchesTheReference) {
  expectTimeseriesMatchesReference({1'000, 0.4, 9, 20, 5, false});
}

}  // namespace
}  // namespace convoy
