// Open roads against exact results, within error bars. Rule 184 and NaSch with vmax 1 on an open road
// are the totally asymmetric exclusion process with parallel update (hop probability p = 1 - p_brake,
// or 1 for rule 184), entry alpha, exit beta, whose stationary state is known exactly (Evans, Rajewsky
// & Speer, J. Stat. Phys. 95, 45, 1999; de Gier & Nienhuis, Phys. Rev. E 59, 4899, 1999):
//   low density  (alpha < beta, alpha < a_c):  J = alpha (p - alpha) / (p - alpha^2),
//                                             bulk density alpha (1 - alpha) / (p - alpha^2);
//   high density (beta < alpha, beta < a_c):   J and 1 - density the same with beta;
//   maximal current (alpha, beta >= a_c):      J = (1 - sqrt(1 - p)) / 2,
// with a_c = 1 - sqrt(1 - p). The test runs convoy's road and, as a second check of the same rules
// written independently, a plain open road with its own random numbers (std::mt19937_64), and compares
// both with the exact current; for vmax 5, where no exact result exists, convoy with that plain road.
// The current is the rate at which cars leave, in batches of steps after a burn-in; error bars are the
// batches' standard error. Runs at 1 and 2 ranks (the rank-count independence of open roads is proven
// bit for bit by open_road_mpi).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "convoy/config/config.hpp"
#include "convoy/core/packed_road.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/run/initial_state.hpp"
#include "convoy/run/simulation.hpp"
#include "mpi_test_support.hpp"

namespace convoy {
namespace {

constexpr std::uint64_t kCells = 2000;
constexpr std::uint64_t kBatchSteps = 2000;
constexpr std::uint64_t kBurnInBatches = 10;
constexpr std::uint64_t kBatches = 50;
constexpr double kSigmas = 5.0;

struct Point {
  ModelType model = ModelType::Nasch;
  unsigned vmax = 1;
  double pBrake = 0.25;
  double alpha = 0.5;
  double beta = 0.5;
  std::string describe() const {
    return modelName(model) + " vmax " + std::to_string(vmax) + ", p_brake " + std::to_string(pBrake) + ", alpha " +
           std::to_string(alpha) + ", beta " + std::to_string(beta);
  }
};

// The stationary current and bulk density of the parallel-update TASEP (above), hop probability p.
struct Exact {
  double current = 0;
  double density = -1;  // < 0: not compared (the maximal-current phase's profile decays slowly)
};
Exact exactTasep(double p, double alpha, double beta) {
  const double critical = 1 - std::sqrt(1 - p);
  const auto current = [p](double rate) { return rate * (p - rate) / (p - rate * rate); };
  const auto density = [p](double rate) { return rate * (1 - rate) / (p - rate * rate); };
  if (alpha >= critical && beta >= critical) return {critical / 2, -1};
  if (alpha < beta) return {current(alpha), density(alpha)};
  return {current(beta), 1 - density(beta)};
}

struct Measured {
  double current = 0;
  double currentError = 0;
  double density = 0;
  double densityError = 0;
};

Measured batchMeans(const std::vector<double>& currents, const std::vector<double>& densities) {
  const auto meanAndError = [](const std::vector<double>& values, double& mean, double& error) {
    mean = 0;
    for (const double v : values) mean += v;
    mean /= static_cast<double>(values.size());
    double square = 0;
    for (const double v : values) square += (v - mean) * (v - mean);
    error = std::sqrt(square / static_cast<double>(values.size() - 1) / static_cast<double>(values.size()));
  };
  Measured measured;
  meanAndError(currents, measured.current, measured.currentError);
  meanAndError(densities, measured.density, measured.densityError);
  return measured;
}

// The middle half of the road, where the bulk density is measured.
bool inBulk(std::uint64_t cell) { return cell >= kCells / 4 && cell < 3 * kCells / 4; }

// convoy's road: rows of one batch each; the density from the cars in the middle half, every 10 steps.
Measured measureConvoy(const Comm& comm, const Point& point) {
  Config config;
  config.road.cells = kCells;
  config.road.boundary = Boundary::Open;
  config.road.alpha = point.alpha;
  config.road.beta = point.beta;
  config.model.type = point.model;
  config.model.vmax = point.vmax;
  config.model.pBrake = point.pBrake;
  config.model.pSlow = point.pBrake;
  config.init.density = 0.0;
  config.init.seed = 20011999;
  config.run.steps = (kBurnInBatches + kBatches) * kBatchSteps;
  config.output.timeseriesEvery = kBatchSteps;
  config.logging.progressSeconds = 0;
  Simulation simulation(comm, config, initialRoad(comm, config));
  constexpr std::uint64_t kSampleEvery = 10;
  std::vector<std::int64_t> bulkCars(kBurnInBatches + kBatches, 0);  // this rank's, summed over the samples
  simulation.sampleAtEveryMultipleOf(kSampleEvery, [&](std::uint64_t step) {
    const Road& road = simulation.road();
    std::uint64_t cars = 0;
    for (std::uint64_t i = road.range().begin; i < road.range().end; ++i) {
      if (inBulk(i) && packed::cell(road.words(), i - road.range().begin)) ++cars;
    }
    bulkCars[(step - 1) / kBatchSteps] += static_cast<std::int64_t>(cars);
  });
  std::vector<double> currents;
  simulation.onFlowBlock([&](const FlowBlock& block) {
    for (const FlowRow& row : block.rows) currents.push_back(static_cast<double>(row.left) / kBatchSteps);
  });
  simulation.run();
  comm.sumInPlace(bulkCars);
  std::vector<double> densities;
  for (const std::int64_t cars : bulkCars) {
    densities.push_back(static_cast<double>(cars) / (kBatchSteps / kSampleEvery) / (kCells / 2.0));
  }
  currents.erase(currents.begin(), currents.begin() + kBurnInBatches);
  densities.erase(densities.begin(), densities.begin() + kBurnInBatches);
  return batchMeans(currents, densities);
}

// The same rules, written plainly with their own random numbers: every step, all at once, each car
// accelerates, keeps a gap (the road's end counts as a car standing after the last cell), brakes with
// p_brake and moves; the car that stood in the last cell leaves with probability beta, and a car enters
// an empty cell 0 at vmax with probability alpha.
Measured measurePlainRoad(const Point& point) {
  const int vmax = point.model == ModelType::Rule184 ? 1 : static_cast<int>(point.vmax);
  const double pBrake = point.model == ModelType::Rule184 ? 0.0 : point.pBrake;
  std::mt19937_64 engine(1999);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<int> road(kCells, -1);
  std::vector<int> next(kCells, -1);
  std::vector<double> currents;
  std::vector<double> densities;
  for (std::uint64_t batch = 0; batch < kBurnInBatches + kBatches; ++batch) {
    std::uint64_t left = 0;
    double bulkCars = 0;
    for (std::uint64_t step = 0; step < kBatchSteps; ++step) {
      std::fill(next.begin(), next.end(), -1);
      for (std::uint64_t i = 0; i < kCells; ++i) {
        if (road[i] < 0) continue;
        int v = std::min(road[i] + 1, vmax);
        int gap = 0;
        while (gap < v && i + gap + 1 < kCells && road[i + gap + 1] < 0) ++gap;
        v = std::min(v, gap);
        if (v > 0 && uniform(engine) < pBrake) --v;
        next[i + v] = v;
      }
      if (road[kCells - 1] >= 0 && uniform(engine) < point.beta) {
        next[kCells - 1] = -1;
        ++left;
      }
      if (road[0] < 0 && uniform(engine) < point.alpha) next[0] = vmax;
      road.swap(next);
      if ((step + 1) % 10 == 0) {
        for (std::uint64_t i = kCells / 4; i < 3 * kCells / 4; ++i) bulkCars += road[i] >= 0 ? 1 : 0;
      }
    }
    if (batch < kBurnInBatches) continue;
    currents.push_back(static_cast<double>(left) / kBatchSteps);
    densities.push_back(bulkCars / (kBatchSteps / 10.0) / (kCells / 2.0));
  }
  return batchMeans(currents, densities);
}

void expectNear(double value, double error, double expected, const std::string& what) {
  EXPECT_LT(std::abs(value - expected), kSigmas * error + 1e-9)
      << what << ": " << value << " +- " << error << ", expected " << expected;
  // Error bars too wide to test anything would make the check above pass by itself.
  EXPECT_LT(error, 0.01) << what;
}

void expectExact(const Comm& comm, const Point& point) {
  SCOPED_TRACE(point.describe());
  const double p = point.model == ModelType::Rule184 ? 1.0 : 1.0 - point.pBrake;
  const Exact exact = exactTasep(p, point.alpha, point.beta);
  const Measured convoy = measureConvoy(comm, point);
  const Measured plain = measurePlainRoad(point);
  if (comm.isRoot()) {
    std::printf(
        "%s: current exact %.5f, convoy %.5f +- %.5f, plain %.5f +- %.5f; bulk density exact %.4f, "
        "convoy %.4f, plain %.4f\n",
        point.describe().c_str(), exact.current, convoy.current, convoy.currentError, plain.current, plain.currentError,
        exact.density, convoy.density, plain.density);
  }
  expectNear(convoy.current, convoy.currentError, exact.current, "convoy's current");
  expectNear(plain.current, plain.currentError, exact.current, "the plain road's current");
  if (exact.density >= 0) {
    expectNear(convoy.density, convoy.densityError, exact.density, "convoy's bulk density");
    expectNear(plain.density, plain.densityError, exact.density, "the plain road's bulk density");
  }
}

Point tasep(ModelType model, double pBrake, double alpha, double beta) {
  Point point;
  point.model = model;
  point.pBrake = pBrake;
  point.alpha = alpha;
  point.beta = beta;
  return point;
}

TEST(MPI, Rule184OpenRoadHasTheExactCurrentInEveryPhase) {
  mpitest::silenceLogs();
  const Comm world = Comm::world();
  expectExact(world, tasep(ModelType::Rule184, 0, 0.3, 0.9));  // low density
  expectExact(world, tasep(ModelType::Rule184, 0, 0.8, 0.4));  // high density
  expectExact(world, tasep(ModelType::Rule184, 0, 1.0, 1.0));  // maximal current (a_c = 1)
}

TEST(MPI, NaschVmax1OpenRoadHasTheExactCurrentInEveryPhase) {
  mpitest::silenceLogs();
  const Comm world = Comm::world();
  expectExact(world, tasep(ModelType::Nasch, 0.25, 0.2, 0.9));  // low density (a_c = 0.5)
  expectExact(world, tasep(ModelType::Nasch, 0.25, 0.9, 0.3));  // high density
  expectExact(world, tasep(ModelType::Nasch, 0.25, 0.8, 0.7));  // maximal current
  expectExact(world, tasep(ModelType::Nasch, 0.5, 0.15, 0.6));  // low density (a_c = 0.293)
  expectExact(world, tasep(ModelType::Nasch, 0.5, 0.7, 0.5));   // maximal current
}

TEST(MPI, NaschVmax5OpenRoadMatchesAPlainOpenRoad) {
  mpitest::silenceLogs();
  const Comm world = Comm::world();
  for (const auto& [alpha, beta] : {std::pair{0.3, 0.9}, std::pair{0.9, 0.3}, std::pair{0.8, 0.8}}) {
    Point point = tasep(ModelType::Nasch, 0.25, alpha, beta);
    point.vmax = 5;
    SCOPED_TRACE(point.describe());
    const Measured convoy = measureConvoy(world, point);
    const Measured plain = measurePlainRoad(point);
    const double error = std::hypot(convoy.currentError, plain.currentError);
    if (world.isRoot()) {
      std::printf("%s: current convoy %.5f +- %.5f, plain %.5f +- %.5f; bulk density convoy %.4f, plain %.4f\n",
                  point.describe().c_str(), convoy.current, convoy.currentError, plain.current, plain.currentError,
                  convoy.density, plain.density);
    }
    expectNear(convoy.current, error, plain.current, "convoy's current against the plain road's");
    expectNear(convoy.density, std::hypot(convoy.densityError, plain.densityError), plain.density,
               "convoy's bulk density against the plain road's");
  }
}

}  // namespace
}  // namespace convoy
