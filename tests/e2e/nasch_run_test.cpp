// The Nagel-Schreckenberg model end to end (issue 8, "everything else works for it"): runs at 1 to 4
// ranks write identical time series, space-time windows, snapshots and checkpoints (velocities
// included); a snapshot's road and velocities start a run exactly (init.from); `convoy inspect`
// recomputes the digest over the velocity planes and notices a flipped velocity bit; a road from a
// file with velocities above the config's vmax is refused; prepared starts with slow-to-start restart
// identically on other rank counts. Kills and restarts of NaSch runs are in
// fault_injection_test; the kernel against the reference in tests/unit and tests/mpi.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "e2e_support.hpp"
#include "restart_support.hpp"

namespace convoy::e2e {
namespace {

namespace fs = std::filesystem;

constexpr std::chrono::seconds kTimeout(120);

// 20,011 cells (the last word partly padding), vmax 5 with braking, detectors at both ends.
std::string naschConfig(const std::string& vmax = "5", const std::string& initLines = "  density: 0.3\n  seed: 17\n",
                        const std::string& steps = "400") {
  return "road:\n  cells: 20011\nmodel:\n  type: nasch\n  vmax: " + vmax + "\n  p_brake: 0.25\ninit:\n" + initLines +
         "run:\n  steps: " + steps +
         "\noutput:\n  directory: out\n  timeseries_every: 5\n  detectors: [0, 9999, 20010]\n"
         "  snapshot_every: 200\n  profile_bins: 7\n  spacetime:\n    start: 19900\n    width: 300\n    every: 3\n"
         "logging:\n  progress_seconds: 0.01\n";
}

std::string storedDigest(const fs::path& file, const fs::path& work) {
  const CommandResult inspected = runCommand(convoyCommand({"inspect", file.string()}), work, kTimeout);
  std::smatch match;
  const std::string all = inspected.all();
  return std::regex_search(all, match, std::regex(R"(digest: ([0-9a-f]{16}) stored)")) ? std::string(match[1]) : "";
}

TEST(Nasch, RunsAtOneToFourRanksWriteIdenticalFiles) {
  TemporaryDirectory work;
  writeFile(work.path() / "config.yaml", naschConfig());
  std::vector<fs::path> outputs;
  for (int ranks = 1; ranks <= 4; ++ranks) {
    const fs::path output = work.path() / ("out" + std::to_string(ranks));
    const CommandResult run =
        runCommand(mpiConvoyCommand(ranks, {"run", "config.yaml", "--output", output.string()}), work.path(), kTimeout);
    ASSERT_EQ(run.exitStatus, 0) << run.describe();
    outputs.push_back(output);
  }
  for (std::size_t i = 1; i < outputs.size(); ++i) {
    const CommandResult same = compareRuns(outputs[0], outputs[i]);
    EXPECT_EQ(same.exitStatus, 0) << same.describe();
    EXPECT_NE(same.out.find("80 time-series rows, 134 space-time rows, 2 snapshots"), std::string::npos)
        << same.describe();
  }
  const CommandResult inspected =
      runCommand(convoyCommand({"inspect", (outputs[2] / "snapshots" / "snapshot_000000000400.h5").string()}),
                 work.path(), kTimeout);
  EXPECT_EQ(inspected.exitStatus, 0) << inspected.describe();
  EXPECT_NE(inspected.out.find("model: nasch"), std::string::npos) << inspected.describe();
  EXPECT_NE(inspected.out.find("encoding: nasch-bitplanes-v1"), std::string::npos) << inspected.describe();
  EXPECT_NE(inspected.out.find("recomputed from the road: matches"), std::string::npos) << inspected.describe();
}

// Prepared starts and slow-to-start (init.layout, init.velocity, model.p_slow): a run stopped at step
// 200 on 3 ranks and continued to 400 on 2 writes the same files as a straight run on 4 ranks.
TEST(Nasch, PreparedStartsWithSlowToStartRestartOnOtherRankCountsIdentically) {
  TemporaryDirectory work;
  std::string config = naschConfig("5", "  density: 0.3\n  seed: 17\n  layout: jam\n  velocity: random\n");
  config.replace(config.find("p_brake: 0.25\n"), 14, "p_brake: 0.25\n  p_slow: 0.75\n");
  writeFile(work.path() / "config.yaml", config);
  const PiecewiseRun run = runInPiecesAndStraight(work.path(), 200);
  ASSERT_EQ(run.failure, "");
  const CommandResult same = compareRuns(run.straight, run.pieces);
  EXPECT_EQ(same.exitStatus, 0) << same.describe();
  EXPECT_EQ(storedDigest(run.pieces / "snapshots" / "snapshot_000000000400.h5", work.path()),
            storedDigest(run.straight / "snapshots" / "snapshot_000000000400.h5", work.path()));
  // The resolved config the run wrote holds the prepared start and p_slow.
  const std::string resolved = readFile(run.straight / "config.yaml");
  for (const std::string line : {"layout: jam", "velocity: random", "p_slow: 0.75"}) {
    EXPECT_NE(resolved.find(line), std::string::npos) << line << " not in:\n" << resolved;
  }
}

TEST(Nasch, ASnapshotStartsARunWithItsRoadAndVelocities) {
  TemporaryDirectory work;
  writeFile(work.path() / "config.yaml", naschConfig());
  const CommandResult first = runCommand(mpiConvoyCommand(2, {"run", "config.yaml"}), work.path(), kTimeout);
  ASSERT_EQ(first.exitStatus, 0) << first.describe();
  const fs::path snapshot = work.path() / "out" / "snapshots" / "snapshot_000000000200.h5";
  const std::string expected = storedDigest(snapshot, work.path());
  ASSERT_EQ(expected.size(), 16u);
  // No steps: the run's final state (and its digest, over occupancy and velocities) is the file's.
  writeFile(work.path() / "from.yaml", naschConfig("5", "  from: " + snapshot.string() + "\n", "0"));
  const CommandResult again = runCommand(
      mpiConvoyCommand(3, {"run", "from.yaml", "--output", (work.path() / "again").string()}), work.path(), kTimeout);
  ASSERT_EQ(again.exitStatus, 0) << again.describe();
  EXPECT_NE(again.all().find("state digest " + expected), std::string::npos) << again.describe();
}

TEST(Nasch, VelocitiesAboveTheConfigsVmaxAreRefused) {
  TemporaryDirectory work;
  writeFile(work.path() / "config.yaml", naschConfig());
  ASSERT_EQ(runCommand(convoyCommand({"run", "config.yaml"}), work.path(), kTimeout).exitStatus, 0);
  const fs::path snapshot = work.path() / "out" / "snapshots" / "snapshot_000000000400.h5";
  writeFile(work.path() / "slow.yaml", naschConfig("2", "  from: " + snapshot.string() + "\n", "10"));
  const CommandResult refused = runCommand(
      mpiConvoyCommand(2, {"run", "slow.yaml", "--output", (work.path() / "slow").string()}), work.path(), kTimeout);
  EXPECT_EQ(refused.exitStatus, 2) << refused.describe();
  EXPECT_EQ(countOccurrences(refused.all(), "velocities above model.vmax (2)"), 1u) << refused.describe();
  EXPECT_FALSE(fs::exists(work.path() / "slow"));
}

TEST(Nasch, InspectNoticesAFlippedVelocityBit) {
  TemporaryDirectory work;
  writeFile(work.path() / "config.yaml", naschConfig());
  ASSERT_EQ(runCommand(convoyCommand({"run", "config.yaml"}), work.path(), kTimeout).exitStatus, 0);
  const fs::path snapshot = work.path() / "out" / "snapshots" / "snapshot_000000000200.h5";
  const CommandResult flipped = corruptCheckpoint(snapshot, "flip-velocity");
  ASSERT_EQ(flipped.exitStatus, 0) << flipped.describe();
  const CommandResult inspected = runCommand(convoyCommand({"inspect", snapshot.string()}), work.path(), kTimeout);
  EXPECT_EQ(inspected.exitStatus, 2) << inspected.describe();
  EXPECT_NE(inspected.out.find("DOES NOT MATCH"), std::string::npos) << inspected.describe();
}

}  // namespace
}  // namespace convoy::e2e
