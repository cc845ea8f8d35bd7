// Roads so short that some ranks own no cells (a rank owns whole 64-cell words, so a road of 37
// cells on 4 ranks leaves three of them empty): every output, checkpoint and restart works as on one
// rank. For both models, on ring and open roads of 1, 37 and 131 cells: runs at 2 to 4 ranks write the
// same files as a run on one rank (compare_runs.py, h5py), and a run stopped at step 50 on 4 ranks and
// continued on 3 writes the same files as a straight run on one. Ranks without cells take part in
// every collective write and read of snapshots, checkpoints and the time series.
#include <gtest/gtest.h>

#include <string>

#include "e2e_support.hpp"
#include "restart_support.hpp"

namespace convoy::e2e {
namespace {

namespace fs = std::filesystem;

constexpr std::chrono::seconds kTimeout(120);

struct TinyRoad {
  std::uint64_t cells;
  std::string model;     // the model: section's lines
  std::string boundary;  // the road: section's lines after cells
};

std::string tinyConfig(const TinyRoad& road) {
  return "road:\n  cells: " + std::to_string(road.cells) + "\n" + road.boundary + "model:\n" + road.model +
         "init:\n  density: 0.5\n  seed: 3\nrun:\n  steps: 100\n"
         "output:\n  directory: out\n  timeseries_every: 10\n  detectors: [0]\n  snapshot_every: 50\n"
         "checkpoint:\n  every_steps: 25\nlogging:\n  progress_seconds: 0.01\n";
}

void expectEmptyRanksChangeNothing(const std::string& model, const std::string& boundary) {
  for (const std::uint64_t cells : {1, 37, 131}) {
    SCOPED_TRACE(std::to_string(cells) + " cells");
    TemporaryDirectory work;
    writeFile(work.path() / "config.yaml", tinyConfig({cells, model, boundary}));
    const fs::path one = work.path() / "one";
    const CommandResult reference = runCommand(runCommandLine(0, one), work.path(), kTimeout);
    ASSERT_EQ(reference.exitStatus, 0) << reference.describe();
    ASSERT_EQ(checkpointSteps(one).back(), 100u);
    for (int ranks = 2; ranks <= 4; ++ranks) {
      const fs::path output = work.path() / ("ranks" + std::to_string(ranks));
      const CommandResult run = runCommand(runCommandLine(ranks, output), work.path(), kTimeout);
      ASSERT_EQ(run.exitStatus, 0) << ranks << " ranks: " << run.describe();
      const CommandResult same = compareRuns(one, output);
      EXPECT_EQ(same.exitStatus, 0) << ranks << " ranks: " << same.describe();
    }
    const PiecewiseRun pieces = runInPiecesAndStraight(work.path(), 50, {4, 3, 1}, kTimeout);
    ASSERT_EQ(pieces.failure, "");
    const CommandResult same = compareRuns(pieces.straight, pieces.pieces);
    EXPECT_EQ(same.exitStatus, 0) << same.describe();
  }
}

constexpr const char* kRule184 = "  type: rule184\n";
constexpr const char* kNasch = "  type: nasch\n  vmax: 3\n  p_brake: 0.25\n";
constexpr const char* kRing = "  boundary: periodic\n";
constexpr const char* kOpen = "  boundary: open\n  alpha: 0.7\n  beta: 0.6\n";

TEST(TinyRoad, Rule184RingWithEmptyRanks) { expectEmptyRanksChangeNothing(kRule184, kRing); }
TEST(TinyRoad, Rule184OpenRoadWithEmptyRanks) { expectEmptyRanksChangeNothing(kRule184, kOpen); }
TEST(TinyRoad, NaschRingWithEmptyRanks) { expectEmptyRanksChangeNothing(kNasch, kRing); }
TEST(TinyRoad, NaschOpenRoadWithEmptyRanks) { expectEmptyRanksChangeNothing(kNasch, kOpen); }

}  // namespace
}  // namespace convoy::e2e
