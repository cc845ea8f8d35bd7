// input/workshop.yaml, the EPCC workshop's benchmark, on 1 to 4 MPI ranks: each run reports the
// average velocity every 10 steps, the time and the update rate, and (docs/model.md) the same
// config gives the same velocities and state digest on any number of ranks, 3 included, which does
// not divide the road's 10,240,000 cells evenly.
#include <gtest/gtest.h>

#include <algorithm>

#include <cstdlib>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "e2e_support.hpp"

namespace convoy::e2e {
namespace {

namespace fs = std::filesystem;

constexpr double kCells = 10240000.0;
constexpr double kDensity = 0.52;
constexpr int kSteps = 100;

struct WorkshopRun {
  CommandResult result;
  std::vector<int> reportedSteps;
  std::vector<std::string> velocityTexts;  // as printed, for the comparison across rank counts
  std::vector<double> velocities;
  bool finished = false;
  double steps = 0, cells = 0, cars = 0, seconds = 0, mcops = 0;
  std::string finalVelocityText;
  std::string digest;
  std::string log;  // run.log
};

WorkshopRun runWorkshop(const TemporaryDirectory& work, int ranks) {
  WorkshopRun run;
  const std::string output = "ranks" + std::to_string(ranks);
  const std::string config = (sourceDirectory() / "input" / "workshop.yaml").string();
  run.result =
      runCommand(mpiConvoyCommand(ranks, {"run", config, "--output", output}), work.path(), std::chrono::seconds(120));

  const std::regex velocityLine(R"(^step (\d+): average velocity ([-+0-9.eE]+)\s*$)");
  for (const auto& line : linesFrom(run.result.all(), "step ")) {
    std::smatch match;
    if (std::regex_match(line, match, velocityLine)) {
      run.reportedSteps.push_back(std::stoi(match[1]));
      run.velocityTexts.push_back(match[2]);
      run.velocities.push_back(std::stod(match[2]));
    }
  }
  const std::regex finishedLine(
      R"(^finished (\d+) steps of (\d+) cells \((\d+) cars\) in ([0-9.eE+-]+) s: ([0-9.eE+-]+) MCOPs\s*$)");
  for (const auto& line : linesFrom(run.result.all(), "finished ")) {
    std::smatch match;
    if (std::regex_match(line, match, finishedLine)) {
      run.finished = true;
      run.steps = std::stod(match[1]);
      run.cells = std::stod(match[2]);
      run.cars = std::stod(match[3]);
      run.seconds = std::stod(match[4]);
      run.mcops = std::stod(match[5]);
    }
  }
  const std::regex finalLine(R"(^final average velocity ([-+0-9.eE]+); state digest ([0-9a-fA-F]+)\s*$)");
  for (const auto& line : linesFrom(run.result.all(), "final average velocity")) {
    std::smatch match;
    if (std::regex_match(line, match, finalLine)) {
      run.finalVelocityText = match[1];
      run.digest = match[2];
    }
  }
  const fs::path logFile = work.path() / output / "run.log";
  if (fs::exists(logFile)) run.log = readFile(logFile);
  return run;
}

class Workshop : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    work_ = new TemporaryDirectory;
    runs_ = new std::map<int, WorkshopRun>;
    for (int ranks : {1, 2, 3, 4}) (*runs_)[ranks] = runWorkshop(*work_, ranks);
  }
  static void TearDownTestSuite() {
    delete runs_;
    delete work_;
  }
  static const std::map<int, WorkshopRun>& runs() { return *runs_; }

 private:
  static inline TemporaryDirectory* work_ = nullptr;
  static inline std::map<int, WorkshopRun>* runs_ = nullptr;
};

TEST_F(Workshop, EveryRankCountRunsToTheEnd) {
  for (const auto& [ranks, run] : runs()) {
    SCOPED_TRACE(std::to_string(ranks) + " ranks");
    EXPECT_FALSE(run.result.timedOut) << run.result.describe();
    EXPECT_EQ(run.result.exitStatus, 0) << run.result.describe();
    EXPECT_TRUE(run.finished) << "no 'finished ... MCOPs' line:\n" << run.result.describe();
    EXPECT_FALSE(run.digest.empty()) << "no 'final average velocity ...; state digest' line:\n"
                                     << run.result.describe();
  }
}

TEST_F(Workshop, ReportsTheAverageVelocityEveryTenSteps) {
  const std::vector<int> expected{10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
  for (const auto& [ranks, run] : runs()) {
    SCOPED_TRACE(std::to_string(ranks) + " ranks");
    EXPECT_EQ(run.reportedSteps, expected) << run.result.describe();
    // run.log holds the same report.
    for (std::size_t i = 0; i < run.reportedSteps.size(); ++i) {
      const std::string line =
          "step " + std::to_string(run.reportedSteps[i]) + ": average velocity " + run.velocityTexts[i];
      EXPECT_EQ(linesFrom(run.log, line).size(), 1u) << "run.log lacks '" << line << "':\n" << run.log;
    }
  }
}

TEST_F(Workshop, ReportsTheTimeAndAConsistentUpdateRate) {
  for (const auto& [ranks, run] : runs()) {
    SCOPED_TRACE(std::to_string(ranks) + " ranks");
    ASSERT_TRUE(run.finished) << run.result.describe();
    EXPECT_EQ(run.steps, kSteps);
    EXPECT_EQ(run.cells, kCells);
    EXPECT_GT(run.seconds, 0.0);
    EXPECT_GT(run.mcops, 0.0);
    // MCOPs: millions of cell updates per second, so cells x steps / time / 1e6, to the printed
    // digits: the time is printed to 1e-6 s, so a fast run's rate may differ by that much rounding.
    const double millions = kCells * kSteps / 1e6;
    const double rounding = millions * 5e-7 / (run.seconds * std::max(run.seconds - 5e-7, 5e-7));
    EXPECT_NEAR(run.mcops, millions / run.seconds, 0.01 * run.mcops + rounding);
  }
}

TEST_F(Workshop, TheCarsAndVelocitiesArePlausible) {
  for (const auto& [ranks, run] : runs()) {
    SCOPED_TRACE(std::to_string(ranks) + " ranks");
    ASSERT_TRUE(run.finished) << run.result.describe();
    // A Bernoulli fill at 0.52: the standard deviation of the car count is about 1600.
    EXPECT_NEAR(run.cars, kDensity * kCells, 0.001 * kCells);
    // Above half density at most one car moves into each empty cell: v <= empty / cars.
    const double ceiling = (kCells - run.cars) / run.cars;
    ASSERT_FALSE(run.velocities.empty());
    for (double velocity : run.velocities) {
      EXPECT_GT(velocity, 0.0);
      EXPECT_LT(velocity, 1.0);
      EXPECT_LE(velocity, ceiling + 1e-6);
    }
    // Jams dissolve from a random start: the velocity rises, well above its start in 100 steps.
    EXPECT_GT(run.velocities.back(), run.velocities.front());
    EXPECT_EQ(run.finalVelocityText, run.velocityTexts.back()) << "the final velocity is not that of step 100";
  }
}

TEST_F(Workshop, VelocitiesAndDigestAreTheSameOnEveryRankCount) {
  const WorkshopRun& reference = runs().at(1);
  ASSERT_EQ(reference.velocityTexts.size(), 10u);
  ASSERT_FALSE(reference.digest.empty());
  for (const auto& [ranks, run] : runs()) {
    SCOPED_TRACE(std::to_string(ranks) + " ranks");
    EXPECT_EQ(run.velocityTexts, reference.velocityTexts);
    EXPECT_EQ(run.cars, reference.cars);
    EXPECT_EQ(run.digest, reference.digest);
  }
}

}  // namespace
}  // namespace convoy::e2e
