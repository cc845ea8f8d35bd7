// The space-time window (output.spacetime, spacetime.h5), checked from outside: runs under mpiexec
// at 1 to 4 ranks whose windows cross rank boundaries and the end of the ring; check_spacetime.py
// (h5py, numpy) compares every row with the snapshots of the same step and with rule 184 applied to
// the row before, and the files of all rank counts must be identical. Restarts, kills and damaged
// files are covered by restart_test and fault_injection_test, whose runs record a window too.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "e2e_support.hpp"

namespace convoy::e2e {
namespace {

namespace fs = std::filesystem;

constexpr std::chrono::seconds kTimeout(120);

CommandResult checkSpacetime(const std::vector<std::string>& arguments, const fs::path& workingDirectory) {
  std::vector<std::string> argv{CONVOY_PYTHON, (sourceDirectory() / "tests" / "e2e" / "check_spacetime.py").string()};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  return runCommand(argv, workingDirectory, kTimeout);
}

// A 10,007-cell road (the last word is partly padding) with snapshots every 40 steps.
std::string configWithWindow(const std::string& start, const std::string& width, const std::string& every) {
  return "road:\n  cells: 10007\ninit:\n  density: 0.48\n  seed: 99\nrun:\n  steps: 120\noutput:\n"
         "  directory: out\n  timeseries_every: 10\n  snapshot_every: 40\n  profile_bins: 16\n"
         "  spacetime:\n    start: " +
         start + "\n    width: " + width + "\n    every: " + every + "\nlogging:\n  progress_seconds: 0.01\n";
}

struct Window {
  const char* name;
  const char* start;
  const char* width;
  const char* every;
};

class SpacetimeWindows : public ::testing::TestWithParam<Window> {};

TEST_P(SpacetimeWindows, RowsMatchSnapshotsAndRule184AndDoNotDependOnRanks) {
  const Window window = GetParam();
  TemporaryDirectory work;
  writeFile(work.path() / "config.yaml", configWithWindow(window.start, window.width, window.every));
  std::vector<fs::path> outputs;
  for (int ranks = 1; ranks <= 4; ++ranks) {
    const fs::path output = work.path() / ("out" + std::to_string(ranks));
    const CommandResult run =
        runCommand(mpiConvoyCommand(ranks, {"run", "config.yaml", "--output", output.string()}), work.path(), kTimeout);
    ASSERT_EQ(run.exitStatus, 0) << run.describe();
    EXPECT_NE(run.all().find("space-time window: "), std::string::npos) << run.describe();
    const CommandResult checked = checkSpacetime({"check", output.string(), "120"}, work.path());
    EXPECT_EQ(checked.exitStatus, 0) << ranks << " ranks: " << checked.describe();
    EXPECT_NE(checked.out.find("3 matched snapshots"), std::string::npos) << checked.describe();
    outputs.push_back(output);
  }
  const CommandResult inspected =
      runCommand(convoyCommand({"inspect", (outputs[0] / "spacetime.h5").string()}), work.path(), kTimeout);
  EXPECT_EQ(inspected.exitStatus, 0) << inspected.describe();
  EXPECT_NE(inspected.out.find(std::string("width: ") + window.width + "\n"), std::string::npos)
      << inspected.describe();
  EXPECT_NE(inspected.out.find("kind: spacetime"), std::string::npos) << inspected.describe();
  for (std::size_t i = 1; i < outputs.size(); ++i) {
    const CommandResult same = checkSpacetime({"same", outputs[0].string(), outputs[i].string()}, work.path());
    EXPECT_EQ(same.exitStatus, 0) << same.describe();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Windows, SpacetimeWindows,
    ::testing::Values(Window{"AcrossTheEndOfTheRing", "9900", "300", "1"},   // in the last and first ranks
                      Window{"AcrossSeveralRanks", "1200", "7000", "1"},     // over every rank boundary
                      Window{"WholeRoadEveryFewSteps", "0", "10007", "4"}),  // rows of steps 0, 4, ..., 120
    [](const ::testing::TestParamInfo<Window>& param) { return std::string(param.param.name); });

}  // namespace
}  // namespace convoy::e2e
