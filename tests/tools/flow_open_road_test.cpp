// convoy-flow on real open-road runs (docs/analysis.md "Open roads"): stats names the ends, the cars
// and the exit rate, and for NaSch with vmax 1 the exact current of the parallel TASEP in its phase,
// computed here from the formula of Evans, Rajewsky & Speer (not by convoy-flow's code); the measured
// exit rate agrees with it within error bars. NaSch with vmax 5 has no exact current; diagram refuses
// open roads.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "flow_support.hpp"

namespace fs = std::filesystem;
using convoy::e2e::TemporaryDirectory;
using namespace convoy::flowtest;

namespace {

class FlowOpenRoad : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    directory_ = std::make_unique<TemporaryDirectory>();
    const fs::path config = writeConfig(where(), 2000, 100000, 1000, "density: 0");
    const std::vector<std::string> open{"road.boundary=open", "road.alpha=0.9", "road.beta=0.3", "model.type=nasch",
                                        "model.p_brake=0.25"};
    std::vector<std::string> vmax1 = open;
    vmax1.push_back("model.vmax=1");
    runConvoy(config, where() / "vmax1", vmax1, where());
    std::vector<std::string> vmax5 = open;
    vmax5.push_back("model.vmax=5");
    vmax5.push_back("run.steps=40000");
    runConvoy(config, where() / "vmax5", vmax5, where());
  }
  static void TearDownTestSuite() { directory_.reset(); }
  static fs::path where() { return directory_->path(); }

  static std::unique_ptr<TemporaryDirectory> directory_;
};
std::unique_ptr<TemporaryDirectory> FlowOpenRoad::directory_;

TEST_F(FlowOpenRoad, StatsNamesTheExactCurrentAndTheExitRateAgrees) {
  const CommandResult result = runFlow({"stats", "--json", "vmax1"}, where());
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  const Json json(result.out, where());
  EXPECT_EQ(json.number("open_road/alpha"), 0.9);
  EXPECT_EQ(json.number("open_road/beta"), 0.3);
  // High density (beta < alpha, beta < a_c = 1 - sqrt(1 - p) = 0.5): J = beta (p - beta) / (p - beta^2).
  const double p = 0.75;
  const double beta = 0.3;
  const double exact = beta * (p - beta) / (p - beta * beta);
  EXPECT_EQ(json.text("open_road/phase"), "high density");
  EXPECT_NEAR(json.number("open_road/exact_current"), exact, 1e-15);
  ASSERT_EQ(json.count("quantities/#"), 4U);
  EXPECT_EQ(json.text("quantities/2/name"), "cars");
  EXPECT_EQ(json.text("quantities/3/name"), "exit_rate");
  EXPECT_EQ(json.text("quantities/3/unit"), "cars/step");
  for (const char* quantity : {"quantities/0", "quantities/3"}) {  // flow and exit rate: both the current
    const double mean = json.number(std::string(quantity) + "/mean");
    const double error = json.number(std::string(quantity) + "/standard_error");
    EXPECT_GT(error, 0.0) << quantity;
    EXPECT_LT(error, 0.005) << quantity;
    EXPECT_LT(std::abs(mean - exact), 5 * error) << quantity << ": " << mean << " +- " << error << " vs " << exact;
  }
  // The high-density bulk holds 1 - beta (1 - beta) / (p - beta^2) of the cells: about 1364 cars.
  const double cars = 2000 * (1 - beta * (1 - beta) / (p - beta * beta));
  EXPECT_NEAR(json.number("quantities/2/mean"), cars, 0.05 * cars);

  const CommandResult table = runFlow({"stats", "vmax1"}, where());
  ASSERT_EQ(table.exitStatus, 0) << table.describe();
  EXPECT_NE(table.out.find("open road: alpha 0.9, beta 0.3"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("high density phase: beta (p - beta) / (p - beta^2), p = 0.75"), std::string::npos)
      << table.out;
}

TEST_F(FlowOpenRoad, NoExactCurrentForVmax5) {
  const CommandResult result = runFlow({"stats", "--json", "vmax5"}, where());
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  const Json json(result.out, where());
  EXPECT_EQ(json.number("open_road/alpha"), 0.9);
  EXPECT_FALSE(json.has("open_road/exact_current"));
  const CommandResult table = runFlow({"stats", "vmax5"}, where());
  EXPECT_NE(table.out.find("exact current none known"), std::string::npos) << table.out;
}

TEST_F(FlowOpenRoad, DiagramRefusesOpenRoads) {
  const CommandResult result = runFlow({"diagram", "vmax1"}, where());
  EXPECT_EQ(result.exitStatus, 2) << result.describe();
  EXPECT_NE(result.err.find("an open road"), std::string::npos) << result.describe();
  EXPECT_NE(result.err.find("convoy-flow stats"), std::string::npos) << result.describe();
}

}  // namespace
