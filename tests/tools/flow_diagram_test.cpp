// convoy-flow diagram on a small rule-184 campaign: every run agrees with the exact fundamental
// diagram flow = min(d, 1 - d) at its actual density (cars / cells), rows sorted by density, and the
// JSON, CSV and table forms carry the same numbers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "flow_support.hpp"

namespace fs = std::filesystem;
using convoy::e2e::TemporaryDirectory;
using namespace convoy::flowtest;

namespace {

// Densities on both sides of 1/2. With 4000 cells a random road settles within about 1000 steps
// (measured: at most 250 steps burnt in at 0.45 and 0.55), far inside the 20000 steps run.
const std::vector<std::string> kDensities{"0.1", "0.2", "0.3", "0.45", "0.55", "0.7", "0.8", "0.9"};

class FlowDiagram : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    directory_ = std::make_unique<TemporaryDirectory>();
    const fs::path config = writeConfig(directory_->path(), 4000, 20000, 10, "density: 0.5\n  seed: 2024");
    for (const auto& density : kDensities) {
      runConvoy(config, root() / ("density_" + density), {"init.density=" + density}, directory_->path());
    }
  }
  static void TearDownTestSuite() { directory_.reset(); }
  static fs::path root() { return directory_->path() / "campaign"; }
  static fs::path where() { return directory_->path(); }

  static std::unique_ptr<TemporaryDirectory> directory_;
};
std::unique_ptr<TemporaryDirectory> FlowDiagram::directory_;

TEST_F(FlowDiagram, EveryRunAgreesWithTheExactCurveWithinThreeErrorBars) {
  const CommandResult result = runFlow({"diagram", "--json", "campaign"}, where());
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  EXPECT_NE(result.err.find("campaign: a campaign of 8 run(s)"), std::string::npos) << result.err;
  const Json json(result.out, where());
  EXPECT_EQ(json.text("command"), "diagram");
  EXPECT_EQ(json.text("model"), "rule184");
  EXPECT_EQ(json.text("exact_curve"), "min(density, 1 - density)");
  ASSERT_EQ(json.count("runs/#"), kDensities.size());
  double previous = -1.0;
  for (std::size_t index = 0; index < kDensities.size(); ++index) {
    const std::string run = "runs/" + std::to_string(index) + "/";
    const double cells = json.number(run + "cells");
    const double cars = json.number(run + "cars");
    const double density = json.number(run + "density");
    SCOPED_TRACE(json.text(run + "directory") + " at density " + std::to_string(density));
    EXPECT_EQ(cells, 4000);
    EXPECT_EQ(density, cars / cells);  // the actual density, not the requested one
    EXPECT_GT(density, previous) << "the runs are not sorted by density";
    previous = density;
    const double exact = std::min(density, 1.0 - density);
    const double flow = json.number(run + "flow");
    const double error = json.number(run + "flow_error");
    EXPECT_LE(std::abs(flow - exact), 3 * error + 1e-12) << "flow " << flow << " +- " << error << ", exact " << exact;
    EXPECT_NEAR(json.number(run + "exact_flow"), exact, 1e-15);
    ASSERT_FALSE(json.isNull(run + "deviation_sigmas"));
    EXPECT_LE(std::abs(json.number(run + "deviation_sigmas")), 3.0);
    // flow = density x velocity row by row (distance / cells vs distance / cars).
    EXPECT_NEAR(json.number(run + "velocity") * density, flow, 1e-12);
    EXPECT_GE(json.number(run + "velocity_error"), 0.0);
    EXPECT_EQ(json.count(run + "steps_used") + json.count(run + "burn_in_steps"), 20000U);
    EXPECT_EQ(json.text(run + "directory"), "campaign/density_" + kDensities[index]);
  }
}

TEST_F(FlowDiagram, CsvAndTableCarryTheSameNumbersAsJson) {
  const CommandResult jsonRun = runFlow({"diagram", "--json", "campaign"}, where());
  const CommandResult csvRun = runFlow({"diagram", "--csv", "campaign"}, where());
  const CommandResult tableRun = runFlow({"diagram", "campaign"}, where());
  ASSERT_EQ(jsonRun.exitStatus, 0) << jsonRun.describe();
  ASSERT_EQ(csvRun.exitStatus, 0) << csvRun.describe();
  ASSERT_EQ(tableRun.exitStatus, 0) << tableRun.describe();
  const Json json(jsonRun.out, where());
  const auto csv = parseCsv(csvRun.out);
  ASSERT_EQ(csv.size(), kDensities.size() + 1);
  const std::vector<std::string> header = csv[0];
  const std::vector<std::string> fields{
      "density",        "cells",      "cars",          "flow",       "flow_error",      "velocity",
      "velocity_error", "steps_used", "burn_in_steps", "exact_flow", "deviation_sigmas"};
  // The table's columns, in order, after the directory.
  const auto table = splitTable(tableRun.out);
  const std::size_t firstRow = table.size() - kDensities.size();
  for (std::size_t index = 0; index < kDensities.size(); ++index) {
    const std::string run = "runs/" + std::to_string(index) + "/";
    const auto& row = csv[index + 1];
    ASSERT_EQ(row.size(), header.size());
    const auto column = [&](const std::string& name) {
      return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
    };
    EXPECT_EQ(row[column("directory")], json.text(run + "directory"));
    const auto& tableRow = table[firstRow + index];
    ASSERT_EQ(tableRow.size(), fields.size() + 2) << tableRun.out;  // directory, the fields, settled
    EXPECT_EQ(tableRow[0], json.text(run + "directory"));
    EXPECT_EQ(json.raw(run + "settled"), "true");  // this campaign settles within a tenth of its steps
    EXPECT_EQ(row[column("settled")], "true");
    EXPECT_EQ(tableRow.back(), "yes");
    for (std::size_t field = 0; field < fields.size(); ++field) {
      const double expected = json.number(run + fields[field]);
      ASSERT_LT(column(fields[field]), header.size()) << fields[field];
      EXPECT_EQ(std::stod(row[column(fields[field])]), expected) << fields[field];  // full precision
      EXPECT_NEAR(std::stod(tableRow[field + 1]), expected, 1e-5 * std::abs(expected) + 1e-12) << fields[field];
    }
  }
}

TEST_F(FlowDiagram, ARunThatHasNotSettledIsMarkedSoInEveryFormAndNamedInAWarning) {
  const fs::path steady = where() / "drift" / "steady";
  const fs::path drifting = where() / "drift" / "drifting";
  fs::create_directories(steady);
  fs::create_directories(drifting);
  fixture({"timeseries", (steady / "timeseries.h5").string(), "rule184", "1000", "500", "2000", "0.3", "0.01"},
          where());
  // The flow climbs from 0.2 to 0.4 over the whole series: no steady state anywhere.
  fixture({"timeseries", (drifting / "timeseries.h5").string(), "rule184", "1000", "500", "2000", "0.2", "0.01",
           "--ramp", "0.2"},
          where());
  const CommandResult jsonRun = runFlow({"diagram", "--json", "drift"}, where());
  const CommandResult csvRun = runFlow({"diagram", "--csv", "drift"}, where());
  const CommandResult tableRun = runFlow({"diagram", "drift"}, where());
  ASSERT_EQ(jsonRun.exitStatus, 0) << jsonRun.describe();
  ASSERT_EQ(csvRun.exitStatus, 0) << csvRun.describe();
  ASSERT_EQ(tableRun.exitStatus, 0) << tableRun.describe();
  const Json json(jsonRun.out, where());
  ASSERT_EQ(json.count("runs/#"), 2U);
  const auto csv = parseCsv(csvRun.out);
  ASSERT_EQ(csv.size(), 3U);
  const auto settledColumn = std::find(csv[0].begin(), csv[0].end(), "settled") - csv[0].begin();
  ASSERT_LT(static_cast<std::size_t>(settledColumn), csv[0].size()) << csvRun.out;
  const auto table = splitTable(tableRun.out);
  for (std::size_t index = 0; index < 2; ++index) {
    const std::string run = "runs/" + std::to_string(index) + "/";
    const bool isSteady = json.text(run + "directory") == "drift/steady";
    EXPECT_EQ(json.raw(run + "settled"), isSteady ? "true" : "false") << jsonRun.out;
    EXPECT_EQ(csv[index + 1][settledColumn], isSteady ? "true" : "false") << csvRun.out;
    EXPECT_EQ(table[table.size() - 2 + index].back(), isSteady ? "yes" : "no") << tableRun.out;
  }
  EXPECT_NE(jsonRun.err.find("drift/drifting/timeseries.h5: flow"), std::string::npos) << jsonRun.err;
  EXPECT_NE(jsonRun.err.find("has not reached a steady state"), std::string::npos) << jsonRun.err;
  EXPECT_EQ(jsonRun.err.find("drift/steady/timeseries.h5"), std::string::npos) << jsonRun.err;
}

TEST_F(FlowDiagram, RunDirectoriesAndFilesMayBeNamedOneByOneWithAGivenBurnIn) {
  const CommandResult result = runFlow({"diagram", "--json", "--burn-in", "995", "campaign/density_0.9",
                                        "campaign/density_0.1/timeseries.h5", "campaign/density_0.55"},
                                       where());
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  const Json json(result.out, where());
  ASSERT_EQ(json.count("runs/#"), 3U);
  EXPECT_EQ(json.text("runs/0/directory"), "campaign/density_0.1");
  EXPECT_EQ(json.text("runs/1/directory"), "campaign/density_0.55");
  EXPECT_EQ(json.text("runs/2/directory"), "campaign/density_0.9");
  for (int index = 0; index < 3; ++index) {
    const std::string run = "runs/" + std::to_string(index) + "/";
    EXPECT_EQ(json.count(run + "burn_in_steps"), 1000U);  // 995 steps round up to 100 rows of 10
    EXPECT_EQ(json.count(run + "steps_used"), 19000U);
  }
}

TEST_F(FlowDiagram, RunsOfDifferentModelsAreRefusedAndModelsWithoutAKnownCurveHaveNone) {
  const fs::path other = where() / "other" / "run";
  fs::create_directories(other);
  fs::copy_file(root() / "density_0.3" / "timeseries.h5", other / "timeseries.h5");
  fixture({"set-attribute", (other / "timeseries.h5").string(), "model", "nasch"}, where());
  // NaSch at vmax 2, p_brake 0.25: no exact curve known.
  fixture({"set-attribute", (other / "timeseries.h5").string(), "config",
           "model:\n  type: nasch\n  vmax: 2\n  p_brake: 0.25\n"},
          where());

  const CommandResult mixed = runFlow({"diagram", "campaign", "other/run"}, where());
  EXPECT_EQ(mixed.exitStatus, 2) << mixed.describe();
  EXPECT_NE(mixed.err.find("different models"), std::string::npos) << mixed.err;
  EXPECT_NE(mixed.err.find("nasch"), std::string::npos) << mixed.err;
  EXPECT_TRUE(mixed.out.empty()) << mixed.out;

  const CommandResult alone = runFlow({"diagram", "--json", "other"}, where());
  ASSERT_EQ(alone.exitStatus, 0) << alone.describe();
  const Json json(alone.out, where());
  EXPECT_EQ(json.text("model"), "nasch");
  EXPECT_TRUE(json.isNull("exact_curve"));
  EXPECT_TRUE(json.isNull("runs/0/exact_flow"));
  EXPECT_TRUE(json.isNull("runs/0/deviation_sigmas"));
  const CommandResult table = runFlow({"diagram", "other"}, where());
  EXPECT_EQ(table.exitStatus, 0) << table.describe();
  EXPECT_NE(table.out.find("exact curve: none known"), std::string::npos) << table.out;
}

}  // namespace
