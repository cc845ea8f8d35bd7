// convoy-flow phase on a real open-road campaign (docs/analysis.md, "convoy-flow phase DIR..."): NaSch
// with vmax 1 (the parallel TASEP, p = 0.75) at one (alpha, beta) in each phase and one on the line
// where two of them meet. The exact current and phase are computed here from the formulas of Evans,
// Rajewsky & Speer (1999), not by convoy-flow's code, and the measured current and density agree with
// them: the density with the bulk density of that current on the ring's exact fundamental diagram
// (J = (1 - sqrt(1 - 4 p d (1 - d))) / 2, so d = (1 -+ sqrt(1 - 4 J (1 - J) / p)) / 2, the lower root
// at low density, the upper at high density, 1/2 at maximal current), and so does convoy-flow's
// exact_density. Ring roads and mixed models are refused.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "flow_support.hpp"

namespace fs = std::filesystem;
using convoy::e2e::TemporaryDirectory;
using namespace convoy::flowtest;

namespace {

constexpr double kP = 0.75;  // 1 - p_brake
const double kCritical = 1.0 - std::sqrt(1.0 - kP);

struct Point {
  double alpha;
  double beta;
  const char* phase;
};
// In the order convoy-flow sorts them (alpha, then beta).
// (0.3, 0.3) lies on the line where the low- and high-density phases meet: a shock between them
// wanders over the road, so there is no one bulk density (convoy-flow gives none).
const std::vector<Point> kPoints{
    {0.2, 0.6, "low density"}, {0.3, 0.3, "high density"}, {0.7, 0.9, "maximal current"}, {0.8, 0.3, "high density"}};

bool onTheCoexistenceLine(const Point& point) { return point.alpha == point.beta && point.alpha < kCritical; }

double exactCurrent(const Point& point) {
  if (point.alpha >= kCritical && point.beta >= kCritical) return kCritical / 2;
  const double rate = std::min(point.alpha, point.beta);
  return rate * (kP - rate) / (kP - rate * rate);
}

double bulkDensity(const Point& point) {
  const std::string phase = point.phase;
  if (phase == "maximal current") return 0.5;
  const double current = exactCurrent(point);
  const double root = std::sqrt(1.0 - 4.0 * current * (1.0 - current) / kP);
  return phase == "low density" ? (1.0 - root) / 2 : (1.0 + root) / 2;
}

class FlowPhase : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    directory_ = std::make_unique<TemporaryDirectory>();
    const fs::path config = writeConfig(where(), 2000, 100000, 1000, "density: 0");
    for (const Point& point : kPoints) {
      runConvoy(config, where() / "phase" / ("alpha_" + std::to_string(point.alpha)),
                {"road.boundary=open", "road.alpha=" + std::to_string(point.alpha),
                 "road.beta=" + std::to_string(point.beta), "model.type=nasch", "model.vmax=1", "model.p_brake=0.25"},
                where());
    }
    runConvoy(config, where() / "ring", {"init.density=0.3"}, where());
  }
  static void TearDownTestSuite() { directory_.reset(); }
  static fs::path where() { return directory_->path(); }

  static std::unique_ptr<TemporaryDirectory> directory_;
};
std::unique_ptr<TemporaryDirectory> FlowPhase::directory_;

TEST_F(FlowPhase, EachPhasesCurrentAndDensityAgreeWithTheExactSolution) {
  const CommandResult result = runFlow({"phase", "--json", "phase"}, where());
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  EXPECT_NE(result.err.find("a campaign of 4 run(s)"), std::string::npos) << result.err;
  const Json json(result.out, where());
  EXPECT_EQ(json.text("command"), "phase");
  EXPECT_EQ(json.text("model"), "nasch");
  EXPECT_NEAR(json.number("hop_probability"), kP, 1e-15);
  EXPECT_NEAR(json.number("critical_rate"), 0.5, 1e-15);
  ASSERT_EQ(json.count("rows/#"), kPoints.size());
  for (std::size_t i = 0; i < kPoints.size(); ++i) {
    const Point& point = kPoints[i];
    const std::string row = "rows/" + std::to_string(i) + "/";
    SCOPED_TRACE(point.phase);
    EXPECT_EQ(json.number(row + "alpha"), point.alpha);
    EXPECT_EQ(json.number(row + "beta"), point.beta);
    EXPECT_EQ(json.text(row + "phase"), point.phase);
    EXPECT_NEAR(json.number(row + "exact_current"), exactCurrent(point), 1e-15);
    const double current = json.number(row + "current");
    const double error = json.number(row + "current_error");
    EXPECT_GT(error, 0.0);
    EXPECT_LT(std::abs(current - exactCurrent(point)), 4 * error) << current << " +- " << error;
    EXPECT_NEAR(json.number(row + "deviation_sigmas"), (current - exactCurrent(point)) / error, 1e-9);
    if (onTheCoexistenceLine(point)) {
      EXPECT_TRUE(json.isNull(row + "exact_density"));
      continue;
    }
    // The road's mean density holds its boundary layers too: a tolerance for them on 2,000 cells.
    EXPECT_NEAR(json.number(row + "density"), bulkDensity(point), 0.02);
    EXPECT_NEAR(json.number(row + "exact_density"), bulkDensity(point), 1e-12);
  }
  const CommandResult csv = runFlow({"phase", "--csv", "phase"}, where());
  ASSERT_EQ(csv.exitStatus, 0) << csv.describe();
  const auto rows = parseCsv(csv.out);
  ASSERT_EQ(rows.size(), kPoints.size() + 1);
  EXPECT_EQ(rows[0][2], "alpha");
  EXPECT_EQ(rows[0][13], "phase");
  EXPECT_EQ(rows[1][13], "low density");
}

TEST_F(FlowPhase, RingRoadsAndMixedModelsAreRefused) {
  const CommandResult ring = runFlow({"phase", "ring"}, where());
  EXPECT_EQ(ring.exitStatus, 2) << ring.describe();
  EXPECT_NE(ring.err.find("ring: a ring road"), std::string::npos) << ring.describe();
  EXPECT_NE(ring.err.find("convoy-flow diagram"), std::string::npos) << ring.describe();
  const CommandResult mixed = runFlow({"phase", "phase", "ring"}, where());
  EXPECT_EQ(mixed.exitStatus, 2) << mixed.describe();
  EXPECT_NE(mixed.err.find("2 different models"), std::string::npos) << mixed.describe();
  EXPECT_NE(mixed.err.find("a phase diagram compares runs of one model"), std::string::npos) << mixed.describe();
}

}  // namespace
