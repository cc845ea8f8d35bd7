// Open roads (docs/model.md "Open roads") through the run loop, at 1, 2, 3 and 4 ranks: a Simulation of
// an open rule-184 or NaSch road must equal an open-road reference written here, one element per
// cell, from the documented rules alone: after every step (every cell a rank owns), in every step's
// distance, and in every time-series row's distance, detector counts, cars, cars entered and left,
// and car-steps. Roads where the first or last rank owns a few cells, or ranks own none, included.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "convoy/config/config.hpp"
#include "convoy/core/decomposition.hpp"
#include "convoy/core/packed_road.hpp"
#include "convoy/core/random.hpp"
#include "convoy/model/nasch_reference.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/run/initial_state.hpp"
#include "convoy/run/simulation.hpp"
#include "mpi_test_support.hpp"

namespace convoy {
namespace {

using CellRoad = std::vector<std::int16_t>;  // -1 empty, else the car's velocity
constexpr std::int16_t kNoCar = -1;

struct OpenCase {
  ModelType model = ModelType::Nasch;
  std::uint64_t cells = 0;
  unsigned vmax = 5;
  double pBrake = 0.25;
  double pSlow = -1;  // < 0: plain NaSch
  double alpha = 0.5;
  double beta = 0.5;
  double density = 0.3;
  bool startAtVmax = false;  // init.velocity: vmax
  std::uint64_t seed = 5743;
  std::uint64_t steps = 300;
  std::uint64_t timeseriesEvery = 7;

  unsigned speedLimit() const { return model == ModelType::Rule184 ? 1 : vmax; }
  std::string describe() const {
    return modelName(model) + ", cells " + std::to_string(cells) + ", vmax " + std::to_string(speedLimit()) +
           ", p_brake " + std::to_string(pBrake) + ", p_slow " + std::to_string(pSlow) + ", alpha " +
           std::to_string(alpha) + ", beta " + std::to_string(beta) + ", density " + std::to_string(density);
  }
};

// The documented Bernoulli test of the ends: bits >> 11 < ceil(p 2^53), index 0 entry, 1 exit.
bool endDraw(std::uint64_t seed, std::uint64_t step, std::uint64_t index, double probability) {
  const std::uint64_t key = random::streamKey(seed, random::Stream::Inflow, step);
  const auto threshold = static_cast<std::uint64_t>(std::ceil(std::ldexp(probability, 53)));
  return (random::bits(key, index) >> 11) < threshold;
}

std::uint64_t brakeThreshold(double p) { return static_cast<std::uint64_t>(std::floor(p * 4294967296.0 + 0.5)); }

// One step of the reference open road, with what it counts.
struct StepRecord {
  std::int64_t distance = 0;
  std::int64_t entered = 0;
  std::int64_t left = 0;
  std::vector<std::int64_t> passes;  // per detector
};

class OpenReference {
 public:
  OpenReference(const OpenCase& run, CellRoad road, std::vector<std::uint64_t> detectors)
      : run_(run), road_(std::move(road)), detectors_(std::move(detectors)) {
    parameters_ = {run.speedLimit(), run.model == ModelType::Rule184 ? 0 : brakeThreshold(run.pBrake), run.seed,
                   run.model == ModelType::Rule184 ? 0 : brakeThreshold(run.pSlow < 0 ? run.pBrake : run.pSlow)};
  }
  const CellRoad& road() const { return road_; }
  std::uint64_t cars() const {
    return static_cast<std::uint64_t>(std::count_if(road_.begin(), road_.end(), [](auto c) { return c != kNoCar; }));
  }
  const std::vector<StepRecord>& records() const { return records_; }

  void stepTo(std::uint64_t step) {
    while (records_.size() < step) stepOnce(records_.size() + 1);
  }

 private:
  // The bulk rules with nothing before cell 0 and a standing car after the last cell; then the car
  // that stood in the last cell leaves (one cell travelled), and a car enters an empty cell 0 at vmax.
  void stepOnce(std::uint64_t step) {
    const std::size_t n = road_.size();
    const int vmax = static_cast<int>(run_.speedLimit());
    CellRoad next(n, kNoCar);
    StepRecord record;
    record.passes.assign(detectors_.size(), 0);
    for (std::size_t i = 0; i < n; ++i) {
      if (road_[i] == kNoCar) continue;
      int v = std::min(road_[i] + 1, vmax);
      int gap = 0;
      while (gap < v && i + static_cast<std::size_t>(gap) + 1 < n && road_[i + static_cast<std::size_t>(gap) + 1] < 0) {
        gap++;
      }
      v = std::min(v, gap);
      const std::uint64_t threshold = road_[i] == 0 ? parameters_.slowThreshold : parameters_.brakeThreshold;
      if (v > 0 && reference::naschBrakes(parameters_, step, i, threshold)) v--;
      next[i + static_cast<std::size_t>(v)] = static_cast<std::int16_t>(v);
      record.distance += v;
      for (std::size_t k = 0; k < detectors_.size(); ++k) {
        if (i < detectors_[k] && detectors_[k] <= i + static_cast<std::size_t>(v)) record.passes[k]++;
      }
    }
    if (road_[n - 1] != kNoCar && endDraw(run_.seed, step, 1, run_.beta)) {
      next[n - 1] = kNoCar;  // it stood there (the car after the end held it), and now it is gone
      record.distance += 1;
      record.left = 1;
    }
    if (road_[0] == kNoCar && endDraw(run_.seed, step, 0, run_.alpha)) {
      next[0] = static_cast<std::int16_t>(vmax);
      record.entered = 1;
      for (std::size_t k = 0; k < detectors_.size(); ++k) record.passes[k] += detectors_[k] == 0 ? 1 : 0;
    }
    road_.swap(next);
    records_.push_back(record);
  }

  OpenCase run_;
  reference::NaschParameters parameters_;
  CellRoad road_;
  std::vector<std::uint64_t> detectors_;
  std::vector<StepRecord> records_;
};

CellRoad initialCells(const OpenCase& run) {
  const mpitest::ByteRoad bytes = mpitest::randomByteRoad(run.cells, run.density, run.seed);
  CellRoad road(run.cells, kNoCar);
  for (std::uint64_t i = 0; i < run.cells; ++i) {
    if (bytes[i] != 0) road[i] = static_cast<std::int16_t>(run.startAtVmax ? run.speedLimit() : 0);
  }
  return road;
}

Config openConfig(const OpenCase& run, const std::vector<std::uint64_t>& detectors) {
  Config config;
  config.road.cells = run.cells;
  config.road.boundary = Boundary::Open;
  config.road.alpha = run.alpha;
  config.road.beta = run.beta;
  config.model.type = run.model;
  config.model.vmax = run.vmax;
  config.model.pBrake = run.pBrake;
  config.model.pSlow = run.pSlow;
  config.init.density = run.density;
  config.init.seed = run.seed;
  config.init.velocity = run.startAtVmax ? InitialVelocity::Vmax : InitialVelocity::Zero;
  config.run.steps = run.steps;
  config.output.timeseriesEvery = run.timeseriesEvery;
  config.output.detectors = detectors;
  config.logging.progressSeconds = 0;
  return config;
}

// Cell 0, the last cell, every rank's first cell at 2 to 4 ranks and the cells around it.
std::vector<std::uint64_t> detectorCells(std::uint64_t cells) {
  std::vector<std::uint64_t> chosen{0, cells - 1, cells / 2};
  for (const int ranks : {2, 3, 4}) {
    const Decomposition decomposition(cells, ranks);
    for (int r = 1; r < decomposition.activeRanks(); ++r) {
      chosen.push_back(decomposition.range(r).begin);
      chosen.push_back(decomposition.range(r).begin - 1);
    }
  }
  std::sort(chosen.begin(), chosen.end());
  chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
  return chosen;
}

// The first difference between this rank's cells and the reference, or "".
std::string differenceInRange(const Road& road, const CellRoad& expected) {
  const CellRange range = road.range();
  for (std::uint64_t i = range.begin; i < range.end; ++i) {
    const std::uint64_t offset = i - range.begin;
    int actual = packed::cell(road.words(), offset) ? 0 : -1;
    for (unsigned b = 0; b < road.velocityPlanes(); ++b) {
      if (packed::cell(road.velocityPlane(b), offset)) actual += static_cast<int>(1U << b);
    }
    // Rule 184 keeps no velocities: only whether a car is there.
    const int wanted = road.velocityPlanes() == 0 && expected[i] != kNoCar ? 0 : expected[i];
    if (actual != wanted) {
      return "cell " + std::to_string(i) + ": " + std::to_string(actual) + " (velocity, -1 empty), reference " +
             std::to_string(expected[i]);
    }
  }
  return "";
}

void expectOpenRunMatchesReference(const Comm& comm, const OpenCase& run) {
  SCOPED_TRACE(run.describe() + " on " + std::to_string(comm.size()) + " ranks");
  const std::vector<std::uint64_t> detectors = detectorCells(run.cells);
  OpenReference reference(run, initialCells(run), detectors);
  const std::uint64_t carsAtStart = reference.cars();
  const Config config = openConfig(run, detectors);
  Simulation simulation(comm, config, initialRoad(comm, config));
  ASSERT_TRUE(simulation.road().open());
  ASSERT_EQ(simulation.road().stepsPerExchange(), 1u);

  std::string firstDifference;
  simulation.sampleAtEveryMultipleOf(1, [&](std::uint64_t step) {
    reference.stepTo(step);
    if (firstDifference.empty()) {
      const std::string difference = differenceInRange(simulation.road(), reference.road());
      if (!difference.empty()) firstDifference = "after step " + std::to_string(step) + ", " + difference;
    }
  });
  std::vector<std::int64_t> moves;
  std::vector<FlowRow> rows;
  simulation.onFlowBlock([&](const FlowBlock& block) {
    moves.insert(moves.end(), block.moves.begin(), block.moves.end());
    rows.insert(rows.end(), block.rows.begin(), block.rows.end());
  });
  const RunSummary summary = simulation.run();
  reference.stepTo(run.steps);
  EXPECT_EQ(firstDifference, "") << "rank " << comm.rank() << " owning [" << simulation.road().range().begin << ", "
                                 << simulation.road().range().end << ")";

  std::int64_t entered = 0;
  std::int64_t left = 0;
  ASSERT_EQ(moves.size(), run.steps);
  for (std::uint64_t s = 0; s < run.steps; ++s) {
    EXPECT_EQ(moves[s], reference.records()[s].distance) << "distance of step " << s + 1;
    entered += reference.records()[s].entered;
    left += reference.records()[s].left;
  }
  // The run must have exercised both ends (the cases are chosen so), or the test proves little.
  EXPECT_GT(entered, 0);
  EXPECT_GT(left, 0);

  const std::uint64_t every = run.timeseriesEvery;
  ASSERT_EQ(rows.size(), run.steps / every);
  std::uint64_t cars = carsAtStart;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    FlowRow expected;
    expected.detectorCounts.assign(detectors.size(), 0);
    for (std::uint64_t s = r * every + 1; s <= (r + 1) * every; ++s) {
      const StepRecord& record = reference.records()[s - 1];
      expected.carSteps += cars;
      cars = cars + static_cast<std::uint64_t>(record.entered) - static_cast<std::uint64_t>(record.left);
      expected.distance += record.distance;
      expected.entered += record.entered;
      expected.left += record.left;
      for (std::size_t k = 0; k < detectors.size(); ++k) expected.detectorCounts[k] += record.passes[k];
    }
    const FlowRow& row = rows[r];
    EXPECT_EQ(row.distance, expected.distance) << "row " << r;
    EXPECT_EQ(row.entered, expected.entered) << "row " << r;
    EXPECT_EQ(row.left, expected.left) << "row " << r;
    EXPECT_EQ(row.carSteps, expected.carSteps) << "row " << r;
    EXPECT_EQ(row.cars, cars) << "row " << r;
    EXPECT_EQ(row.detectorCounts, expected.detectorCounts) << "row " << r;
  }
  EXPECT_EQ(summary.carsAtEnd, reference.cars());
  EXPECT_EQ(simulation.road().globalCars(), reference.cars());
}

OpenCase rule184Case(std::uint64_t cells, double alpha, double beta, double density) {
  OpenCase run;
  run.model = ModelType::Rule184;
  run.cells = cells;
  run.alpha = alpha;
  run.beta = beta;
  run.density = density;
  return run;
}

OpenCase naschCase(std::uint64_t cells, unsigned vmax, double pBrake, double alpha, double beta) {
  OpenCase run;
  run.cells = cells;
  run.vmax = vmax;
  run.pBrake = pBrake;
  run.alpha = alpha;
  run.beta = beta;
  return run;
}

TEST(MPI, OpenRule184RoadsMatchTheReference) {
  mpitest::silenceLogs();
  const Comm world = Comm::world();
  for (const OpenCase& run : {rule184Case(200, 0.3, 0.9, 0.2), rule184Case(131, 0.9, 0.3, 0.5),
                              rule184Case(67, 1.0, 1.0, 0.0), rule184Case(3, 0.7, 0.6, 0.5)}) {
    expectOpenRunMatchesReference(world, run);
  }
}

TEST(MPI, OpenNaschRoadsMatchTheReference) {
  mpitest::silenceLogs();
  const Comm world = Comm::world();
  OpenCase slowToStart = naschCase(157, 3, 0.5, 0.6, 0.8);
  slowToStart.pSlow = 0.8;
  slowToStart.startAtVmax = true;
  OpenCase filling = naschCase(97, 2, 0.25, 0.9, 0.05);  // the exit all but shut: a queue grows back
  filling.steps = 600;
  // Long enough (1,172 words a rank at 4 ranks) that each step's exchange overlaps the step.
  OpenCase overlapped = naschCase(300007, 5, 0.25, 0.6, 0.4);
  overlapped.steps = 40;
  for (const OpenCase& run : {naschCase(200, 1, 0.25, 0.8, 0.8), naschCase(197, 5, 0.25, 0.4, 0.9),
                              naschCase(20, 5, 0.1, 1.0, 0.5), slowToStart, filling, overlapped}) {
    expectOpenRunMatchesReference(world, run);
  }
}

}  // namespace
}  // namespace convoy
