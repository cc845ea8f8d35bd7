// Open roads end to end (docs/model.md "Open roads"): a run of an open NaSch road and of an open
// rule-184 road, stopped on 3 ranks and continued on 2, writes the same files as a straight run on 4
// (the time series with its cars, entered and left columns, snapshots, checkpoints; rows of 7 steps,
// so that the stop at step 200 leaves a row open in the checkpoint); the series'
// columns add up (cars after a row = cars before it + entered - left, checked here with h5py, and
// mean_velocity = distance / the cars at each step's start, from the rows alone where no car came
// or went); `convoy inspect` recounts a snapshot's cars, which change over the run.
#include <gtest/gtest.h>

#include <string>

#include "e2e_support.hpp"
#include "restart_support.hpp"

namespace convoy::e2e {
namespace {

namespace fs = std::filesystem;

constexpr std::chrono::seconds kTimeout(180);

std::string openConfig(const std::string& model) {
  return "road:\n  cells: 20011\n  boundary: open\n  alpha: 0.6\n  beta: 0.35\nmodel:\n" + model +
         "init:\n  density: 0.1\n  seed: 17\nrun:\n  steps: 400\n"
         "output:\n  directory: out\n  timeseries_every: 7\n  detectors: [0, 9999, 20010]\n"
         "  snapshot_every: 200\ncheckpoint:\n  every_steps: 100\nlogging:\n  progress_seconds: 0.01\n";
}

// The time series' cars, entered and left columns: cars[r] = cars[r - 1] + entered[r] - left[r],
// starting from the file's `cars` attribute (the cars at step 0).
constexpr const char* kSeriesCheck = R"(
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
cars, entered, left = f["cars"][:], f["entered"][:], f["left"][:]
before = np.concatenate(([int(f.attrs["cars"])], cars[:-1]))
assert np.array_equal(cars, before + entered - left), "cars do not add up"
assert entered.sum() > 0 and left.sum() > 0, "no car entered or left"
assert (entered <= f.attrs["timeseries_every"]).all() and (left <= f.attrs["timeseries_every"]).all()
steady = (entered == 0) & (left == 0)
expected = f["distance"][:][steady] / (cars[steady] * f.attrs["timeseries_every"])
assert np.allclose(f["mean_velocity"][:][steady], expected, rtol=1e-12), "mean_velocity of rows without changes"
print("rows", len(cars), "cars at the end", cars[-1], "entered", entered.sum(), "left", left.sum())
)";

void expectRestartOnOtherRankCountsIsIdentical(const std::string& model) {
  TemporaryDirectory work;
  writeFile(work.path() / "config.yaml", openConfig(model));
  const PiecewiseRun run = runInPiecesAndStraight(work.path(), 200);
  ASSERT_EQ(run.failure, "");
  EXPECT_NE(run.whole.all().find(" at the end"), std::string::npos) << "the summary names the cars at the end\n"
                                                                    << run.whole.describe();
  const CommandResult same = compareRuns(run.straight, run.pieces);
  EXPECT_EQ(same.exitStatus, 0) << same.describe();

  writeFile(work.path() / "check_series.py", kSeriesCheck);
  const CommandResult series =
      runCommand({CONVOY_PYTHON, "check_series.py", (run.straight / "timeseries.h5").string()}, work.path(), kTimeout);
  EXPECT_EQ(series.exitStatus, 0) << series.describe();
  const CommandResult inspected =
      runCommand(convoyCommand({"inspect", (run.pieces / "snapshots" / "snapshot_000000000400.h5").string()}),
                 work.path(), kTimeout);
  EXPECT_EQ(inspected.exitStatus, 0) << inspected.describe();
  EXPECT_NE(inspected.out.find("cars counted in the road"), std::string::npos) << inspected.describe();
  EXPECT_NE(inspected.out.find("(matches)"), std::string::npos) << inspected.describe();
}

TEST(OpenRoad, NaschRestartsOnOtherRankCountsIdentically) {
  expectRestartOnOtherRankCountsIsIdentical("  type: nasch\n  vmax: 5\n  p_brake: 0.25\n  p_slow: 0.5\n");
}

TEST(OpenRoad, Rule184RestartsOnOtherRankCountsIdentically) {
  expectRestartOnOtherRankCountsIsIdentical("  type: rule184\n");
}

}  // namespace
}  // namespace convoy::e2e
