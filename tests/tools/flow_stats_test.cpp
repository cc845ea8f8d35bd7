// convoy-flow stats on a real rule-184 run at density exactly 0.3 (1200 cars on 4000 cells from a
// start road with init.from): once settled every car moves every step, so the flow is exactly 0.3
// and the velocity exactly 1; the automatic burn-in must cover the transient.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "flow_support.hpp"

namespace fs = std::filesystem;
using convoy::e2e::TemporaryDirectory;
using namespace convoy::flowtest;

namespace {

class FlowStats : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    directory_ = std::make_unique<TemporaryDirectory>();
    fixture({"start-road", (where() / "start.h5").string(), "4000", "1200", "7"}, where());
    const fs::path config = writeConfig(where(), 4000, 20000, 10, "from: start.h5", "detectors: [0, 2000]");
    runConvoy(config, where() / "run", {}, where());
  }
  static void TearDownTestSuite() { directory_.reset(); }
  static fs::path where() { return directory_->path(); }

  static std::unique_ptr<TemporaryDirectory> directory_;
};
std::unique_ptr<TemporaryDirectory> FlowStats::directory_;

TEST_F(FlowStats, SettledRule184HasExactMeansAfterTheAutomaticBurnIn) {
  const CommandResult result = runFlow({"stats", "--json", "run"}, where());
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  EXPECT_EQ(result.err, "") << "no warning expected for a settled run";
  const Json json(result.out, where());
  EXPECT_EQ(json.text("command"), "stats");
  EXPECT_EQ(json.text("file"), "run/timeseries.h5");
  EXPECT_EQ(json.text("model"), "rule184");
  EXPECT_EQ(json.count("cells"), 4000U);
  EXPECT_EQ(json.count("cars"), 1200U);
  EXPECT_EQ(json.number("density"), 0.3);
  EXPECT_EQ(json.count("timeseries_every"), 10U);
  EXPECT_EQ(json.count("rows"), 2000U);
  EXPECT_EQ(json.count("last_step"), 20000U);
  EXPECT_EQ(json.text("burn_in/method"), "mser");
  EXPECT_EQ(json.raw("burn_in/settled"), "true");
  EXPECT_EQ(json.count("burn_in/steps"), 10 * json.count("burn_in/rows"));
  // The transient: rows up to the last one whose flow is not yet 0.3.
  const std::uint64_t transientRows = std::stoull(fixture({"transient", "run/timeseries.h5", "0.3"}, where()));
  EXPECT_GT(transientRows, 0U) << "a random start road should not be settled at once";
  EXPECT_GE(json.count("burn_in/rows"), transientRows);
  EXPECT_EQ(json.number("units/cell_length_m"), 7.5);
  EXPECT_EQ(json.number("units/step_seconds"), 1.0);

  ASSERT_EQ(json.count("quantities/#"), 4U);
  EXPECT_EQ(json.text("quantities/0/name"), "flow");
  EXPECT_EQ(json.text("quantities/0/unit"), "cars/step");
  EXPECT_EQ(json.text("quantities/0/physical_unit"), "vehicles/h");
  EXPECT_NEAR(json.number("quantities/0/mean"), 0.3, 1e-12);
  EXPECT_NEAR(json.number("quantities/0/standard_error"), 0.0, 1e-12);
  EXPECT_NEAR(json.number("quantities/0/physical_mean"), 1080.0, 1e-9);  // 0.3 cars/step x 3600 s/h
  EXPECT_EQ(json.count("quantities/0/samples"), 2000U - json.count("burn_in/rows"));
  EXPECT_EQ(json.text("quantities/1/name"), "mean_velocity");
  EXPECT_EQ(json.text("quantities/1/unit"), "cells/step");
  EXPECT_EQ(json.text("quantities/1/physical_unit"), "km/h");
  EXPECT_NEAR(json.number("quantities/1/mean"), 1.0, 1e-12);
  EXPECT_NEAR(json.number("quantities/1/physical_mean"), 27.0, 1e-9);  // 7.5 m/step = 27 km/h
  for (const std::string field : {"naive_error", "blocking_error", "tau_int", "tau_int_error", "effective_samples",
                                  "window", "blocking_converged", "window_converged", "physical_standard_error"}) {
    EXPECT_TRUE(json.has("quantities/0/" + field)) << field;
  }
  // Detectors: count / timeseries_every; in free flow 0.3 cars per step pass any point on average.
  EXPECT_EQ(json.text("quantities/2/name"), "detector 0");
  EXPECT_EQ(json.count("quantities/2/position"), 0U);
  EXPECT_EQ(json.text("quantities/3/name"), "detector 2000");
  EXPECT_EQ(json.count("quantities/3/position"), 2000U);
  for (const std::string detector : {"quantities/2/", "quantities/3/"}) {
    EXPECT_EQ(json.text(detector + "unit"), "cars/step");
    EXPECT_NEAR(json.number(detector + "mean"), 0.3, 0.01);
    EXPECT_NEAR(json.number(detector + "physical_mean"), json.number(detector + "mean") * 3600, 1e-9);
    EXPECT_GT(json.number(detector + "standard_error"), 0.0);
  }
}

TEST_F(FlowStats, AGivenBurnInIsRoundedUpToWholeRowsAndUnitsAreConverted) {
  const CommandResult result =
      runFlow({"stats", "--json", "run/timeseries.h5", "--burn-in", "995", "--cell-length", "5", "--step-seconds", "2"},
              where());
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  const Json json(result.out, where());
  EXPECT_EQ(json.text("burn_in/method"), "given");
  EXPECT_EQ(json.count("burn_in/rows"), 100U);
  EXPECT_EQ(json.count("burn_in/steps"), 1000U);
  EXPECT_EQ(json.count("quantities/0/samples"), 1900U);
  EXPECT_NEAR(json.number("quantities/0/mean"), 0.3, 1e-12);
  EXPECT_NEAR(json.number("quantities/0/physical_mean"), 540.0, 1e-9);  // 0.3 cars per 2 s
  EXPECT_NEAR(json.number("quantities/1/physical_mean"), 9.0, 1e-9);    // 5 m per 2 s = 9 km/h
  EXPECT_EQ(json.number("units/cell_length_m"), 5.0);
  EXPECT_EQ(json.number("units/step_seconds"), 2.0);
}

TEST_F(FlowStats, TableAndCsvShowTheSameResult) {
  const CommandResult table = runFlow({"stats", "run"}, where());
  ASSERT_EQ(table.exitStatus, 0) << table.describe();
  EXPECT_NE(table.out.find("model rule184, 4000 cells, 1200 cars, density 0.3"), std::string::npos) << table.out;
  const auto rows = splitTable(table.out);
  bool sawFlow = false;
  for (const auto& row : rows) {
    if (row.empty() || row[0] != "flow") continue;
    sawFlow = true;
    // flow  0.3 +- 0  cars/step  1080 +- 0  vehicles/h  tau +- error  eff  samples  plateau  window
    ASSERT_GE(row.size(), 10U) << table.out;
    EXPECT_EQ(row[1], "0.3");
    EXPECT_EQ(row[3], "0");
    EXPECT_EQ(row[4], "cars/step");
    EXPECT_EQ(row[5], "1080");
    EXPECT_EQ(row[7], "0");
    EXPECT_EQ(row[8], "vehicles/h");
  }
  EXPECT_TRUE(sawFlow) << table.out;
  EXPECT_NE(table.out.find("27 +- 0"), std::string::npos) << table.out;

  const CommandResult csv = runFlow({"stats", "--csv", "run"}, where());
  ASSERT_EQ(csv.exitStatus, 0) << csv.describe();
  const auto lines = parseCsv(csv.out);
  ASSERT_EQ(lines.size(), 5U) << csv.out;  // header, flow, mean_velocity, 2 detectors
  const auto& header = lines[0];
  const auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  ASSERT_LT(column("physical_mean"), header.size());
  EXPECT_EQ(lines[1][column("name")], "flow");
  EXPECT_NEAR(std::stod(lines[1][column("mean")]), 0.3, 1e-12);
  EXPECT_NEAR(std::stod(lines[1][column("physical_mean")]), 1080.0, 1e-9);
  EXPECT_EQ(lines[3][column("name")], "detector 0");
  EXPECT_EQ(lines[4][column("position")], "2000");
}

TEST_F(FlowStats, ASeriesStillInItsTransientIsWarnedAbout) {
  // Density 0.49 on 20000 cells: jams take far longer than 3000 steps to dissolve.
  const fs::path config = writeConfig(where(), 20000, 3000, 10, "density: 0.49\n  seed: 11");
  runConvoy(config, where() / "young", {}, where());
  const CommandResult result = runFlow({"stats", "young"}, where());
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  EXPECT_NE(result.err.find("the series has not reached a steady state; run longer"), std::string::npos)
      << result.describe();
}

}  // namespace
