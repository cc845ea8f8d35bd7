// Bad input (docs/cli.md "Exit status" 2, docs/config.md): every bad config or command line is refused with
// exit status 2 and a message that names the key, where it is and what is wrong, and nothing is
// written. Each case breaks one valid config in one way.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "e2e_support.hpp"

namespace convoy::e2e {
namespace {

// A valid config whose output directory is "out" in the working directory. Line numbers matter: the
// cases check that messages point at the right line and column.
const std::string kValidConfig =
    "# a valid run; each case below breaks it in one way\n"  // 1
    "road:\n"                                                // 2
    "  cells: 2048\n"                                        // 3
    "  boundary: periodic\n"                                 // 4
    "model:\n"                                               // 5
    "  type: rule184\n"                                      // 6
    "init:\n"                                                // 7
    "  density: 0.5\n"                                       // 8
    "  seed: 5743\n"                                         // 9
    "run:\n"                                                 // 10
    "  steps: 10\n"                                          // 11
    "output:\n"                                              // 12
    "  directory: out\n"                                     // 13
    "logging:\n"                                             // 14
    "  level: info\n";                                       // 15

// kValidConfig with the line `line` (without its newline) replaced by `replacement` (which may span
// several lines, or be empty to delete the line).
std::string replacedIn(std::string text, const std::string& line, const std::string& replacement) {
  const std::string whole = line + "\n";
  const std::size_t at = text.find(whole);
  if (at == std::string::npos) throw std::logic_error("the config has no line '" + line + "'");
  text.replace(at, whole.size(), replacement.empty() ? "" : replacement + "\n");
  return text;
}

std::string replaced(const std::string& line, const std::string& replacement) {
  return replacedIn(kValidConfig, line, replacement);
}

std::string appended(const std::string& lines) { return kValidConfig + lines + "\n"; }

struct BadInputCase {
  std::string name;
  std::optional<std::string> config;  // written to config.yaml in the working directory, if given
  std::vector<std::string> arguments;
  std::vector<std::string> fragments;  // each must appear in what convoy prints
};

BadInputCase badConfig(std::string name, std::string config, std::vector<std::string> fragments) {
  return {std::move(name), std::move(config), {"run", "config.yaml"}, std::move(fragments)};
}

BadInputCase badCommandLine(std::string name, std::vector<std::string> arguments, std::vector<std::string> fragments,
                            std::optional<std::string> config = kValidConfig) {
  return {std::move(name), std::move(config), std::move(arguments), std::move(fragments)};
}

std::vector<BadInputCase> badInputCases() {
  return {
      // Unknown keys, with a suggestion.
      badConfig("MisspelledRoadCells", replaced("  cells: 2048", "  cels: 2048"),
                {"config.yaml:3:3", "road.cels", "did you mean 'road.cells'"}),
      badConfig("MisspelledInitDensity", replaced("  density: 0.5", "  desnity: 0.5"),
                {"config.yaml:8:3", "init.desnity", "did you mean 'init.density'"}),
      badConfig("MisspelledSection", replaced("output:", "outptu:"),
                {"config.yaml:12:1", "outptu", "did you mean 'output"}),
      badConfig("KeyInTheWrongSection", replaced("  cells: 2048", "  cells: 2048\n  density: 0.5"),
                {"config.yaml:4:3", "road.density", "did you mean 'init.density'"}),
      badConfig("UnknownKeyWithoutLikeness", appended("  zzzzzzzzzzzz: 1"),
                {"config.yaml:16:3", "logging.zzzzzzzzzzzz"}),

      // Wrong types.
      badConfig("CellsNotANumber", replaced("  cells: 2048", "  cells: abc"),
                {"config.yaml:3:10", "road.cells", "expected an integer", "abc"}),
      badConfig("CellsAList", replaced("  cells: 2048", "  cells: [1, 2]"),
                {"config.yaml:3:10", "road.cells", "expected an integer", "list"}),
      badConfig("CellsAMapping", replaced("  cells: 2048", "  cells: {a: 1}"),
                {"config.yaml:3:10", "road.cells", "expected an integer", "mapping"}),
      badConfig("DensityAWord", replaced("  density: 0.5", "  density: high"),
                {"config.yaml:8:12", "init.density", "expected a number", "high"}),
      badConfig("DetectorsNotAList", replaced("  directory: out", "  directory: out\n  detectors: 5"),
                {"config.yaml:14:14", "output.detectors", "expected a list"}),
      badConfig("DirectoryEmpty", replaced("  directory: out", "  directory: \"\""),
                {"config.yaml:13:14", "output.directory", "non-empty"}),

      // Out of range.
      badConfig("DensityNegative", replaced("  density: 0.5", "  density: -0.1"),
                {"config.yaml:8:12", "init.density", "from 0 to 1", "-0.1"}),
      badConfig("DensityAboveOne", replaced("  density: 0.5", "  density: 1.5"),
                {"config.yaml:8:12", "init.density", "from 0 to 1", "1.5"}),
      badConfig("CellsZero", replaced("  cells: 2048", "  cells: 0"), {"config.yaml:3:10", "road.cells", "from 1"}),
      badConfig("CellsNegative", replaced("  cells: 2048", "  cells: -5"),
                {"config.yaml:3:10", "road.cells", "from 1", "-5"}),
      badConfig("CellsNotWhole", replaced("  cells: 2048", "  cells: 10.5"),
                {"config.yaml:3:10", "road.cells", "integer", "10.5"}),
      badConfig("CellsAbove2To62", replaced("  cells: 2048", "  cells: 4611686018427387905"),
                {"config.yaml:3:10", "road.cells", "2^62"}),
      badConfig("StepsNegative", replaced("  steps: 10", "  steps: -1"), {"config.yaml:11:10", "run.steps", "-1"}),
      badConfig("SeedNegative", replaced("  seed: 5743", "  seed: -1"), {"config.yaml:9:9", "init.seed", "-1"}),
      badConfig("TimeseriesEveryZero", replaced("  directory: out", "  directory: out\n  timeseries_every: 0"),
                {"config.yaml:14:21", "output.timeseries_every", "from 1"}),
      badConfig("CheckpointKeepZero", appended("checkpoint:\n  keep: 0"),
                {"config.yaml:17:9", "checkpoint.keep", "from 1"}),
      badConfig("LoggingLevelUnknown", replaced("  level: info", "  level: loud"),
                {"config.yaml:15:10", "logging.level", "loud", "info"}),
      badConfig("ModelTypeUnknown", replaced("  type: rule184", "  type: rule999"),
                {"config.yaml:6:9", "model.type", "rule999", "rule184"}),

      // Missing required keys, an empty file, and files that are not a config.
      badConfig("CellsMissing", replaced("  cells: 2048", ""), {"road.cells", "missing"}),
      badConfig("StepsMissing", replaced("  steps: 10", ""), {"run.steps", "missing"}),
      badConfig("DensityMissing", replaced("  density: 0.5", ""), {"init.density", "missing"}),
      badConfig("EmptyFile", "", {"road.cells", "run.steps", "init.density", "missing"}),
      badConfig("YamlSyntaxError", replaced("run:", " run:"), {"config.yaml:10:", "YAML"}),
      badConfig("TopLevelAList", "- road\n- run\n", {"config.yaml:1:1", "mapping"}),
      badConfig("TopLevelAScalar", "just some text\n", {"config.yaml:1:1", "mapping"}),
      badConfig("SectionNotAMapping", replacedIn(replaced("  level: info", ""), "logging:", "logging: verbose"),
                {"config.yaml:14:1", "logging", "mapping"}),
      // YAML forbids a key twice in one mapping; taking the last one silently hides a mistake.
      badConfig("KeyGivenTwice", replaced("  steps: 10", "  steps: 10\n  steps: 20"), {"run.steps"}),

      // Values that contradict each other.
      badConfig("DetectorOutsideTheRoad", replaced("  directory: out", "  directory: out\n  detectors: [2048]"),
                {"output.detectors", "2048", "not a cell"}),
      badConfig("DetectorListedTwice", replaced("  directory: out", "  directory: out\n  detectors: [5, 5]"),
                {"output.detectors", "twice"}),
      badConfig("MoreProfileBinsThanCells", replaced("  directory: out", "  directory: out\n  profile_bins: 4096"),
                {"config.yaml:14:17", "output.profile_bins", "road.cells"}),
      // A space-time window that is not on the road, or too wide for one.
      badConfig("SpacetimeStartOutsideTheRoad",
                replaced("  directory: out", "  directory: out\n  spacetime:\n    start: 2048\n    every: 1"),
                {"config.yaml:15:12", "output.spacetime.start", "2048", "not a cell"}),
      badConfig("SpacetimeWiderThanTheRoad",
                replaced("  directory: out", "  directory: out\n  spacetime:\n    width: 3000\n    every: 1"),
                {"config.yaml:15:12", "output.spacetime.width", "3000", "road.cells"}),
      badConfig("SpacetimeWiderThanAPicture",
                replaced("  directory: out", "  directory: out\n  spacetime:\n    width: 2000000"),
                {"config.yaml:15:12", "output.spacetime.width", "1048576"}),

      // Features this version does not have.
      // The Nagel-Schreckenberg model's own keys.
      badConfig("NaschVmaxZero", replaced("  type: rule184", "  type: nasch\n  vmax: 0"),
                {"config.yaml:7:9", "model.vmax", "from 1 to 255"}),
      badConfig("NaschBrakingAboveOne", replaced("  type: rule184", "  type: nasch\n  p_brake: 1.5"),
                {"config.yaml:7:12", "model.p_brake", "1.5"}),
      // Open roads: both ends' probabilities, in [0, 1], and only on an open road.
      badConfig("OpenBoundaryWithoutAlpha", replaced("  boundary: periodic", "  boundary: open\n  beta: 0.5"),
                {"config.yaml", "road.alpha is missing", "enters cell 0"}),
      badConfig("OpenBoundaryWithoutBeta", replaced("  boundary: periodic", "  boundary: open\n  alpha: 0.5"),
                {"config.yaml", "road.beta is missing", "leaves"}),
      badConfig("OpenBoundaryAlphaAboveOne",
                replaced("  boundary: periodic", "  boundary: open\n  alpha: 1.5\n  beta: 0.5"),
                {"config.yaml:5:10", "road.alpha", "from 0 to 1"}),
      badConfig("BetaOnARingRoad", replaced("  boundary: periodic", "  boundary: periodic\n  beta: 0.5"),
                {"config.yaml:5:9", "road.beta", "open only"}),
      // Snapshots with more density-profile bins than the road has cells.
      badConfig("SnapshotProfileBinsAboveCells",
                replaced("  directory: out", "  directory: out\n  snapshot_every: 5\n  profile_bins: 2049"),
                {"config.yaml:15:17", "output.profile_bins", "2049", "road.cells"}),
      badConfig("WallTimeBudgetNegative", replaced("  steps: 10", "  steps: 10\n  max_hours: -1"),
                {"config.yaml:12:14", "run.max_hours", "from 0"}),
      badConfig("CheckpointEveryStepsNotANumber", appended("checkpoint:\n  every_steps: often"),
                {"config.yaml:17:16", "checkpoint.every_steps", "'often'"}),
      // Starting from a file that is not there.
      badConfig("StartingFromAMissingFile", replaced("  density: 0.5", "  from: road.h5"),
                {"init.from", "road.h5", "no such file"}),

      // --set.
      badCommandLine("SetWithoutEquals", {"run", "config.yaml", "--set", "road.cells"},
                     {"--set road.cells", "KEY=VALUE"}),
      badCommandLine("SetWithoutKey", {"run", "config.yaml", "--set", "=5"}, {"--set =5", "KEY=VALUE"}),
      badCommandLine("SetUnknownKey", {"run", "config.yaml", "--set", "road.cels=4096"},
                     {"--set road.cels=4096", "road.cels", "did you mean 'road.cells'"}),
      badCommandLine("SetBadValue", {"run", "config.yaml", "--set", "road.cells=abc"},
                     {"--set road.cells=abc", "road.cells", "expected an integer", "abc"}),
      badCommandLine("SetValueOutOfRange", {"run", "config.yaml", "--set", "init.density=2"},
                     {"--set init.density=2", "init.density", "from 0 to 1"}),
      badCommandLine("SetValueNotYaml", {"run", "config.yaml", "--set", "road.cells=[1"},
                     {"--set road.cells=[1", "YAML"}),

      // The command line itself.
      badCommandLine("ConfigFileMissing", {"run", "no-such-config.yaml"}, {"no-such-config.yaml", "cannot read"},
                     std::nullopt),
      badCommandLine("ValidateConfigFileMissing", {"validate", "no-such-config.yaml"},
                     {"no-such-config.yaml", "cannot read"}, std::nullopt),
      badCommandLine("ConfigArgumentMissing", {"run"}, {"config", "required"}),
      badCommandLine("UnknownSubcommand", {"rnu", "config.yaml"}, {"rnu"}),
      badCommandLine("UnknownOption", {"run", "config.yaml", "--bogus"}, {"--bogus"}),
      badCommandLine("OutputWithoutDirectory", {"run", "config.yaml", "--output"}, {"--output"}),
      badCommandLine("OutputEmpty", {"run", "config.yaml", "--output", ""}, {"--output", "empty"}),
      badCommandLine("MaxHoursNegative", {"run", "config.yaml", "--max-hours", "-1"}, {"--max-hours -1", "hours"}),
      // Checked as run.max_hours is (YAML reads no hexadecimal number), and named as the user wrote it.
      badCommandLine("MaxHoursHexadecimal", {"run", "config.yaml", "--max-hours", "0x10"},
                     {"--max-hours 0x10: run.max_hours", "expected a number"}),
      badCommandLine("SectionGivenAValue", {"run", "config.yaml", "--set", "road=5"},
                     {"--set road=5", "road is a section", "road.cells"}),
      // A road that cannot fit in the memory of the ranks it runs on is refused before anything is
      // taken or written, saying what it needs and how many ranks would do.
      badCommandLine("RoadTooLargeForMemory", {"run", "config.yaml", "--set", "road.cells=1e15"},
                     {"road.cells = 1000000000000000", "per rank", "ranks"}),
      badCommandLine("RoadTooLargeToValidate",
                     {"validate", "config.yaml", "--set", "road.cells=1e15", "--ranks", "1000"},
                     {"road.cells = 1000000000000000", "per rank"}),
      badCommandLine("TwoConfigFiles", {"run", "config.yaml", "other.yaml"}, {"other.yaml"}),
      badCommandLine("NoSubcommand", {}, {"subcommand"}),
  };
}

// Names the case in gtest's messages instead of dumping its bytes.
void PrintTo(const BadInputCase& badCase, std::ostream* out) { *out << badCase.name; }

class BadInput : public ::testing::TestWithParam<BadInputCase> {};

TEST_P(BadInput, ExitsTwoNamingTheProblemAndWritesNothing) {
  const BadInputCase& badCase = GetParam();
  const TemporaryDirectory work;
  if (badCase.config) writeFile(work.path() / "config.yaml", *badCase.config);
  const std::set<std::string> before = listTree(work.path());

  const CommandResult result = runCommand(convoyCommand(badCase.arguments), work.path());

  EXPECT_EQ(result.exitStatus, 2) << result.describe();
  EXPECT_FALSE(result.timedOut);
  for (const auto& fragment : badCase.fragments) {
    EXPECT_NE(result.all().find(fragment), std::string::npos) << "missing '" << fragment << "' in\n"
                                                              << result.describe();
  }
  EXPECT_NE(result.all().find("bad input"), std::string::npos) << result.describe();
  EXPECT_FALSE(std::filesystem::exists(work.path() / "out")) << "the output directory was created";
  EXPECT_EQ(listTree(work.path()), before) << "files appeared in the working directory";
}

INSTANTIATE_TEST_SUITE_P(Cases, BadInput, ::testing::ValuesIn(badInputCases()),
                         [](const ::testing::TestParamInfo<BadInputCase>& param) { return param.param.name; });

// Without this, "nothing was written" above could hold because convoy never writes anything.
TEST(BadInputBaseline, TheUnbrokenConfigRunsAndWritesItsOutputDirectory) {
  const TemporaryDirectory work;
  writeFile(work.path() / "config.yaml", kValidConfig);
  const CommandResult result = runCommand(convoyCommand({"run", "config.yaml"}), work.path());
  EXPECT_EQ(result.exitStatus, 0) << result.describe();
  EXPECT_TRUE(std::filesystem::exists(work.path() / "out" / "config.yaml"));
  EXPECT_EQ(result.all().find("error"), std::string::npos) << result.describe();
}

TEST(BadInputReport, EveryProblemOfAFileIsReportedInOneRun) {
  const TemporaryDirectory work;
  writeFile(work.path() / "config.yaml",
            "road:\n"             // 1
            "  cells: abc\n"      // 2
            "init:\n"             // 3
            "  density: 1.5\n"    // 4
            "run:\n"              // 5
            "  steps: 10\n"       // 6
            "  stesp: 20\n"       // 7
            "outptu:\n"           // 8
            "  directory: out\n"  // 9
            "logging:\n"          // 10
            "  level: loud\n");   // 11
  const CommandResult result =
      runCommand(convoyCommand({"run", "config.yaml", "--set", "model.type=rule999"}), work.path());
  EXPECT_EQ(result.exitStatus, 2) << result.describe();
  const std::string all = result.all();
  for (const std::string fragment :
       {"config.yaml:2:10: road.cells", "config.yaml:4:12: init.density", "config.yaml:7:3", "run.stesp",
        "config.yaml:8:1", "outptu", "config.yaml:11:10: logging.level", "--set model.type=rule999"}) {
    EXPECT_NE(all.find(fragment), std::string::npos) << "missing '" << fragment << "' in\n" << result.describe();
  }
  EXPECT_EQ(countOccurrences(all, "bad input"), 1u) << result.describe();
  EXPECT_TRUE(listTree(work.path()) == std::set<std::string>{"config.yaml"}) << "files appeared";
}

// A key with a bad value is there: calling it missing as well sends the user looking for the wrong thing.
TEST(BadInputReport, ABadValueIsNotAlsoReportedMissing) {
  const TemporaryDirectory work;
  writeFile(work.path() / "config.yaml", replaced("  cells: 2048", "  cells: abc"));
  const CommandResult result = runCommand(convoyCommand({"validate", "config.yaml"}), work.path());
  EXPECT_EQ(result.exitStatus, 2) << result.describe();
  EXPECT_NE(result.all().find("road.cells"), std::string::npos) << result.describe();
  EXPECT_EQ(result.all().find("missing"), std::string::npos) << result.describe();
}

TEST(BadInputReport, ValidateOfABadConfigPrintsNoConfig) {
  const TemporaryDirectory work;
  writeFile(work.path() / "config.yaml", replaced("  density: 0.5", "  density: 1.5"));
  const CommandResult result = runCommand(convoyCommand({"validate", "config.yaml"}), work.path());
  EXPECT_EQ(result.exitStatus, 2) << result.describe();
  EXPECT_NE(result.all().find("init.density"), std::string::npos) << result.describe();
  // A resolved config would list every section, e.g. "checkpoint:", which the input does not have.
  EXPECT_EQ(result.out.find("checkpoint:"), std::string::npos) << result.describe();
}

// Under MPI every rank finds the problem; the user must see it once, and the job must end, not hang.
TEST(BadInputMpi, ThreeRanksReportOnceExitTwoAndDoNotHang) {
  const TemporaryDirectory work;
  writeFile(work.path() / "config.yaml", replaced("  density: 0.5", "  density: 1.5"));
  const CommandResult result =
      runCommand(mpiConvoyCommand(3, {"run", "config.yaml"}), work.path(), std::chrono::seconds(60));
  ASSERT_FALSE(result.timedOut) << result.describe();
  EXPECT_EQ(result.exitStatus, 2) << result.describe();
  EXPECT_EQ(countOccurrences(result.all(), "config.yaml:8:12: init.density"), 1u) << result.describe();
  EXPECT_EQ(countOccurrences(result.all(), "bad input"), 1u) << result.describe();
  EXPECT_TRUE(listTree(work.path()) == std::set<std::string>{"config.yaml"}) << "files appeared";
}

TEST(BadInputMpi, ThreeRanksRefuseABadSetOnce) {
  const TemporaryDirectory work;
  writeFile(work.path() / "config.yaml", kValidConfig);
  const CommandResult result = runCommand(mpiConvoyCommand(3, {"run", "config.yaml", "--set", "road.cels=4096"}),
                                          work.path(), std::chrono::seconds(60));
  ASSERT_FALSE(result.timedOut) << result.describe();
  EXPECT_EQ(result.exitStatus, 2) << result.describe();
  EXPECT_EQ(linesFrom(result.all(), "road.cels").size(), 1u) << result.describe();
  EXPECT_FALSE(std::filesystem::exists(work.path() / "out"));
}

// NaSch halos come from the neighbouring rank only, so every rank needs at least vmax cells: 258
// cells are 5 words, and on 3 ranks the third owns the last word alone, which holds 2 cells; on 2
// ranks the second owns the last two words (66 cells), so 2 is the most ranks this road allows.
TEST(BadInputMpi, ThreeRanksRefuseAVmaxLongerThanARanksPartOfTheRoad) {
  const TemporaryDirectory work;
  writeFile(work.path() / "config.yaml", replaced("  type: rule184", "  type: nasch\n  vmax: 5"));
  const CommandResult result = runCommand(mpiConvoyCommand(3, {"run", "config.yaml", "--set", "road.cells=258"}),
                                          work.path(), std::chrono::seconds(60));
  ASSERT_FALSE(result.timedOut) << result.describe();
  EXPECT_EQ(result.exitStatus, 2) << result.describe();
  EXPECT_EQ(countOccurrences(result.all(), "model.vmax = 5 needs every rank to own at least 5 cells"), 1u)
      << result.describe();
  EXPECT_NE(result.all().find("on 3 ranks leaves a rank only 2; run on at most 2 ranks"), std::string::npos)
      << result.describe();
  EXPECT_TRUE(listTree(work.path()) == std::set<std::string>{"config.yaml"}) << "files appeared";
}

}  // namespace
}  // namespace convoy::e2e
