// Loading the config: defaults, required keys, every problem reported at once with its place
// ("FILE:LINE:COLUMN: " or "--set KEY=VALUE: "), overrides, round trip through toYaml, and the
// physics comparison used on restart.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <regex>
#include <string>
#include <vector>

#include <unistd.h>

#include "convoy/config/config.hpp"
#include "convoy/core/error.hpp"

namespace {

using convoy::Config;
using convoy::LoadedConfig;

const std::string kMinimal =  // the required keys only
    "road:\n"
    "  cells: 2048\n"
    "run:\n"
    "  steps: 10\n"
    "init:\n"
    "  density: 0.5\n";

LoadedConfig parse(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return convoy::parseConfig("test.yaml", text, overrides);
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += "\n  " + line;
  return text;
}

// The problems of a config that must be refused (none, and a test failure, if it is accepted).
std::vector<std::string> problemsOf(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    parse(text, overrides);
  } catch (const convoy::InputError& error) {
    return error.problems();
  }
  ADD_FAILURE() << "the config was accepted";
  return {};
}

// Whether one problem contains every fragment.
testing::AssertionResult hasProblem(const std::vector<std::string>& problems,
                                    std::initializer_list<std::string> fragments) {
  for (const auto& problem : problems) {
    bool all = true;
    for (const auto& fragment : fragments) all = all && problem.find(fragment) != std::string::npos;
    if (all) return testing::AssertionSuccess();
  }
  std::string wanted;
  for (const auto& fragment : fragments) wanted += " [" + fragment + "]";
  return testing::AssertionFailure() << "no problem contains" << wanted << "; the problems are:" << joined(problems);
}

testing::AssertionResult hasNoProblemWith(const std::vector<std::string>& problems, const std::string& fragment) {
  for (const auto& problem : problems) {
    if (problem.find(fragment) != std::string::npos) return testing::AssertionFailure() << "found: " << problem;
  }
  return testing::AssertionSuccess();
}

// Every problem starts with where it is: "test.yaml:LINE:COLUMN: ", "--set KEY=VALUE: ", or for a
// key that is missing altogether (and so has no line) "test.yaml: ".
testing::AssertionResult allPlaced(const std::vector<std::string>& problems) {
  static const std::regex place(R"(^(test\.yaml:[0-9]+:[0-9]+|--set [^ ]+|test\.yaml(?=: [a-z_.]+ is missing)): .+)");
  for (const auto& problem : problems) {
    if (!std::regex_search(problem, place)) return testing::AssertionFailure() << "no place in: '" << problem << "'";
  }
  return testing::AssertionSuccess();
}

bool startsWith(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

void expectSameConfig(const Config& a, const Config& b) {
  EXPECT_EQ(a.road.cells, b.road.cells);
  EXPECT_TRUE(a.road.boundary == b.road.boundary);
  EXPECT_TRUE(a.model.type == b.model.type);
  EXPECT_EQ(a.model.vmax, b.model.vmax);
  EXPECT_EQ(a.model.pBrake, b.model.pBrake);
  EXPECT_EQ(a.init.density, b.init.density);
  EXPECT_EQ(a.init.seed, b.init.seed);
  EXPECT_EQ(a.init.from, b.init.from);
  EXPECT_EQ(a.init.dataset, b.init.dataset);
  EXPECT_EQ(a.run.steps, b.run.steps);
  EXPECT_EQ(a.run.maxHours, b.run.maxHours);
  EXPECT_EQ(a.output.directory, b.output.directory);
  EXPECT_EQ(a.output.timeseriesEvery, b.output.timeseriesEvery);
  EXPECT_EQ(a.output.detectors, b.output.detectors);
  EXPECT_EQ(a.output.snapshotEvery, b.output.snapshotEvery);
  EXPECT_EQ(a.output.profileBins, b.output.profileBins);
  EXPECT_EQ(a.output.hdf5.alignment, b.output.hdf5.alignment);
  EXPECT_EQ(a.output.hdf5.alignmentThreshold, b.output.hdf5.alignmentThreshold);
  EXPECT_EQ(a.output.hdf5.hints, b.output.hdf5.hints);
  EXPECT_EQ(a.checkpoint.everySteps, b.checkpoint.everySteps);
  EXPECT_EQ(a.checkpoint.everyMinutes, b.checkpoint.everyMinutes);
  EXPECT_EQ(a.checkpoint.keep, b.checkpoint.keep);
  EXPECT_EQ(a.logging.level, b.logging.level);
  EXPECT_EQ(a.logging.progressSeconds, b.logging.progressSeconds);
  EXPECT_EQ(a.logging.reportEvery, b.logging.reportEvery);
}

}  // namespace

TEST(Config, DefaultsAreThoseOfTheSpec) {
  const LoadedConfig loaded = parse(kMinimal);
  const Config& c = loaded.config;
  EXPECT_EQ(c.road.cells, 2048U);
  EXPECT_EQ(c.run.steps, 10U);
  EXPECT_EQ(c.init.density, 0.5);
  EXPECT_EQ(convoy::boundaryName(c.road.boundary), "periodic");
  EXPECT_EQ(convoy::modelName(c.model.type), "rule184");
  EXPECT_EQ(c.init.seed, 5743U);
  EXPECT_EQ(c.init.from, "");
  EXPECT_EQ(c.run.maxHours, 0.0);
  EXPECT_EQ(c.output.directory, "convoy-output");
  EXPECT_EQ(c.output.timeseriesEvery, 1U);
  EXPECT_TRUE(c.output.detectors.empty());
  EXPECT_EQ(c.output.snapshotEvery, 0U);
  EXPECT_EQ(c.output.profileBins, 1024U);
  EXPECT_EQ(c.checkpoint.everySteps, 0U);
  EXPECT_EQ(c.checkpoint.everyMinutes, 0.0);
  EXPECT_EQ(c.checkpoint.keep, 2U);
  EXPECT_EQ(c.logging.level, "info");
  EXPECT_EQ(c.logging.progressSeconds, 10.0);
  EXPECT_EQ(c.logging.reportEvery, 0U);
  EXPECT_TRUE(loaded.warnings.empty()) << joined(loaded.warnings);
  // Where each given key's value is; defaulted keys have no place.
  EXPECT_EQ(loaded.setAt.at("road.cells"), "test.yaml:2:10");
  EXPECT_EQ(loaded.setAt.at("init.density"), "test.yaml:6:12");
  EXPECT_EQ(loaded.setAt.count("init.seed"), 0U);
}

TEST(Config, RequiredKeysAreReportedTogether) {
  const auto problems = problemsOf("");
  EXPECT_EQ(problems.size(), 3U) << joined(problems);
  EXPECT_TRUE(hasProblem(problems, {"road.cells", "missing"}));
  EXPECT_TRUE(hasProblem(problems, {"run.steps", "missing"}));
  EXPECT_TRUE(hasProblem(problems, {"init.density", "missing"}));
  EXPECT_TRUE(allPlaced(problems));

  const auto onlyDensity = problemsOf("road:\n  cells: 2048\nrun:\n  steps: 10\n");
  EXPECT_EQ(onlyDensity.size(), 1U) << joined(onlyDensity);
  EXPECT_TRUE(hasProblem(onlyDensity, {"init.density", "missing"}));
}

TEST(Config, BadValueIsReportedAtItsLineAndColumn) {
  const auto problems = problemsOf(
      "road:\n"
      "  cells: 2048\n"
      "run:\n"
      "  steps: ten\n"
      "init:\n"
      "  density: 0.5\n");
  ASSERT_EQ(problems.size(), 1U) << joined(problems);
  EXPECT_TRUE(startsWith(problems[0], "test.yaml:4:10: ")) << problems[0];
  EXPECT_TRUE(hasProblem(problems, {"run.steps", "'ten'", "integer"}));
}

TEST(Config, UnknownKeyIsReportedWhereItIsWithASuggestion) {
  const auto problems = problemsOf(
      "road:\n"
      "  cels: 2048\n"
      "run:\n"
      "  steps: 10\n"
      "init:\n"
      "  density: 0.5\n");
  EXPECT_TRUE(hasProblem(problems, {"test.yaml:2:3: ", "unknown key 'road.cels'", "did you mean 'road.cells'"}));
  EXPECT_TRUE(hasProblem(problems, {"road.cells", "missing"}));
  EXPECT_TRUE(allPlaced(problems));
}

TEST(Config, SuggestionsForMisspeltAndMisplacedKeys) {
  struct Case {
    std::string key, suggestion;
  };
  for (const Case& c : std::vector<Case>{{"road.cels", "road.cells"},
                                         {"road.density", "init.density"},
                                         {"run.step", "run.steps"},
                                         {"init.sead", "init.seed"},
                                         {"model.p_break", "model.p_brake"},
                                         {"output.snapshot_evry", "output.snapshot_every"},
                                         {"run.seed", "init.seed"}}) {
    SCOPED_TRACE(c.key);
    const auto problems = problemsOf(kMinimal, {c.key + "=1"});
    EXPECT_TRUE(hasProblem(
        problems, {"--set " + c.key + "=1: ", "unknown key '" + c.key + "'", "did you mean '" + c.suggestion + "'"}));
  }
  // Nothing is suggested when no key is close.
  EXPECT_TRUE(hasNoProblemWith(problemsOf(kMinimal, {"road.zzzzzzzzzz=1"}), "did you mean"));
  EXPECT_TRUE(hasProblem(problemsOf(kMinimal + "rood:\n  cells: 5\n"), {"test.yaml:7:1: ", "unknown key 'rood'"}));
}

TEST(Config, EveryProblemIsReportedInOneGo) {
  const auto problems = problemsOf(
      "road:\n"
      "  cells: -5\n"
      "  boundry: periodic\n"
      "run:\n"
      "  steps: 10.5\n"
      "init:\n"
      "  density: 2\n"
      "  seed: [1, 2]\n"
      "logging:\n"
      "  level: loud\n");
  EXPECT_TRUE(hasProblem(problems, {"test.yaml:2:10: ", "road.cells", "'-5'"}));
  EXPECT_TRUE(hasProblem(problems, {"test.yaml:3:3: ", "'road.boundry'", "did you mean 'road.boundary'"}));
  EXPECT_TRUE(hasProblem(problems, {"test.yaml:5:10: ", "run.steps", "'10.5'"}));
  EXPECT_TRUE(hasProblem(problems, {"test.yaml:7:12: ", "init.density", "'2'"}));
  EXPECT_TRUE(hasProblem(problems, {"test.yaml:8:9: ", "init.seed", "a list"}));
  EXPECT_TRUE(hasProblem(problems, {"test.yaml:10:10: ", "logging.level", "'loud'", "info"}));
  EXPECT_TRUE(allPlaced(problems));
  // Keys given with a bad value are not also "missing": that would send the user looking for nothing.
  EXPECT_TRUE(hasNoProblemWith(problems, "is missing"));
  EXPECT_EQ(problems.size(), 6U) << joined(problems);
}

TEST(Config, BadYamlAndBadShapesAreInputErrors) {
  const auto syntax = problemsOf("road: [1, 2\n");
  ASSERT_EQ(syntax.size(), 1U);
  EXPECT_TRUE(hasProblem(syntax, {"not valid YAML"}));
  EXPECT_TRUE(allPlaced(syntax));

  EXPECT_TRUE(hasProblem(problemsOf("- 1\n- 2\n"), {"test.yaml:1:1: ", "expected a mapping"}));
  EXPECT_TRUE(hasProblem(problemsOf("road: 5\nrun:\n  steps: 1\ninit:\n  density: 0.5\n"),
                         {"test.yaml:1:1: ", "road", "expected a mapping", "'5'"}));
}

TEST(Config, OverridesApplyAndWinOverTheFile) {
  const LoadedConfig loaded = parse(kMinimal, {"road.cells=4096", "init.seed=7", "output.directory=runs/x"});
  EXPECT_EQ(loaded.config.road.cells, 4096U);
  EXPECT_EQ(loaded.config.init.seed, 7U);
  EXPECT_EQ(loaded.config.output.directory, "runs/x");
  EXPECT_EQ(loaded.setAt.at("road.cells"), "--set road.cells=4096");

  // Overrides alone can give the required keys.
  const LoadedConfig fromOverrides = parse("", {"road.cells=3000", "run.steps=5", "init.density=0.25"});
  EXPECT_EQ(fromOverrides.config.road.cells, 3000U);
  EXPECT_EQ(fromOverrides.config.run.steps, 5U);
  EXPECT_EQ(fromOverrides.config.init.density, 0.25);
}

TEST(Config, OverridesAreCheckedLikeTheFile) {
  const auto problems =
      problemsOf(kMinimal, {"run.steps=-1", "road.cels=5", "road.cells", "=5", "init.density=[0.5", "init.seed=x"});
  EXPECT_EQ(problems.size(), 6U) << joined(problems);
  EXPECT_TRUE(hasProblem(problems, {"--set run.steps=-1: ", "run.steps", "'-1'"}));
  EXPECT_TRUE(hasProblem(problems, {"--set road.cels=5: ", "did you mean 'road.cells'"}));
  EXPECT_TRUE(hasProblem(problems, {"--set road.cells: ", "KEY=VALUE"}));
  EXPECT_TRUE(hasProblem(problems, {"--set =5: ", "KEY=VALUE"}));
  EXPECT_TRUE(hasProblem(problems, {"--set init.density=[0.5: ", "YAML"}));
  EXPECT_TRUE(hasProblem(problems, {"--set init.seed=x: ", "init.seed", "'x'"}));
}

TEST(Config, IntegersMayBeWrittenInScientificNotation) {
  EXPECT_EQ(parse(kMinimal, {"road.cells=1e6"}).config.road.cells, 1000000U);
  EXPECT_EQ(parse(kMinimal, {"road.cells=1.024e7"}).config.road.cells, 10240000U);
  EXPECT_EQ(parse(kMinimal, {"run.steps=2E3"}).config.run.steps, 2000U);
  EXPECT_EQ(parse(kMinimal, {"init.seed=18446744073709551615"}).config.init.seed, 18446744073709551615U);
  EXPECT_EQ(parse(kMinimal, {"road.cells=4611686018427387904"}).config.road.cells, std::uint64_t{1} << 62);

  for (const std::string bad : {"road.cells=10.5", "road.cells=1.5e0", "run.steps=1e-3", "road.cells=0",
                                "road.cells=4611686018427387905", "road.cells=1e19", "init.seed=18446744073709551616",
                                "run.steps=abc", "run.steps=", "road.cells=inf", "road.cells=nan"}) {
    SCOPED_TRACE(bad);
    const auto problems = problemsOf(kMinimal, {bad});
    EXPECT_TRUE(hasProblem(problems, {"--set " + bad + ": ", "expected an integer"}));
  }
}

TEST(Config, DensityMustLieBetweenZeroAndOne) {
  EXPECT_EQ(parse(kMinimal, {"init.density=0"}).config.init.density, 0.0);
  EXPECT_EQ(parse(kMinimal, {"init.density=1"}).config.init.density, 1.0);
  EXPECT_EQ(parse(kMinimal, {"init.density=0.52"}).config.init.density, 0.52);
  for (const std::string bad : {"-0.1", "1.5", "1.0000001", "half", "nan", ".inf"}) {
    SCOPED_TRACE(bad);
    EXPECT_TRUE(hasProblem(problemsOf(kMinimal, {"init.density=" + bad}), {"init.density", "from 0 to 1"}));
  }
}

TEST(Config, ToYamlRoundTrips) {
  Config c;
  c.road.cells = 12345678901;
  c.init.density = 1.0 / 3.0;  // needs all 17 digits
  c.init.seed = 18446744073709551615U;
  c.run.steps = 7;
  c.output.timeseriesEvery = 7;
  c.output.detectors = {0, 5, 12345678900};
  c.output.snapshotEvery = 7;
  c.output.hdf5.alignment = 4096;
  c.output.hdf5.alignmentThreshold = 0;
  c.output.hdf5.hints = {{"striping_factor", "16"}, {"cb_nodes", "4"}};
  c.output.profileBins = 77;
  c.checkpoint.keep = 5;
  c.logging.level = "debug";
  c.logging.progressSeconds = 2.5;
  c.logging.reportEvery = 9;
  for (const std::string directory : {"runs/a b", "out: put", "#hash", "null", "~", "123", "yes", " lead", "a'b\"c"}) {
    SCOPED_TRACE(directory);
    c.output.directory = directory;
    const std::string yaml = convoy::toYaml(c);
    const LoadedConfig loaded = parse(yaml);
    expectSameConfig(loaded.config, c);
    EXPECT_TRUE(loaded.warnings.empty()) << joined(loaded.warnings);
  }
  // Every key of the run's physics and outputs is written out.
  const std::string yaml = convoy::toYaml(c);
  for (const std::string key : {"cells:",
                                "boundary:",
                                "type:",
                                "density:",
                                "seed:",
                                "steps:",
                                "max_hours:",
                                "directory:",
                                "timeseries_every:",
                                "detectors:",
                                "snapshot_every:",
                                "profile_bins:",
                                "alignment:",
                                "alignment_threshold:",
                                "hints:",
                                "every_steps:",
                                "every_minutes:",
                                "keep:",
                                "level:",
                                "progress_seconds:",
                                "report_every:"}) {
    EXPECT_NE(yaml.find(key), std::string::npos) << key << " is missing from:\n" << yaml;
  }
}

TEST(Config, StartFromASavedRoadRoundTrips) {
  Config c;
  c.road.cells = 4096;
  c.run.steps = 10;
  c.init.from = "runs/a/checkpoints/checkpoint_000000000100.h5";
  c.init.dataset = "/road";
  const LoadedConfig loaded = parse(convoy::toYaml(c));
  expectSameConfig(loaded.config, c);
  EXPECT_TRUE(loaded.warnings.empty()) << joined(loaded.warnings);
}

TEST(Config, DefaultsRoundTrip) {
  const LoadedConfig loaded = parse(kMinimal);
  const LoadedConfig again = parse(convoy::toYaml(loaded.config));
  expectSameConfig(again.config, loaded.config);
  EXPECT_TRUE(again.warnings.empty()) << joined(again.warnings);
}

TEST(Config, PhysicsDifferencesNameThePhysicsKeysOnly) {
  const Config a = parse(kMinimal).config;
  EXPECT_TRUE(convoy::physicsDifferences(a, a).empty());

  const Config b = parse(kMinimal, {"road.cells=4096", "init.seed=1", "init.density=0.25"}).config;
  const auto differences = convoy::physicsDifferences(a, b);
  EXPECT_EQ(differences.size(), 3U) << joined(differences);
  EXPECT_TRUE(hasProblem(differences, {"road.cells", "2048", "4096"}));
  EXPECT_TRUE(hasProblem(differences, {"init.seed", "5743", "1"}));
  EXPECT_TRUE(hasProblem(differences, {"init.density"}));

  const Config c = parse(kMinimal, {"run.steps=100000", "output.directory=elsewhere", "output.timeseries_every=10",
                                    "output.profile_bins=16", "checkpoint.keep=9", "logging.level=debug",
                                    "logging.report_every=5", "logging.progress_seconds=1"})
                       .config;
  const auto none = convoy::physicsDifferences(a, c);
  EXPECT_TRUE(none.empty()) << joined(none);
}

// init.layout and init.velocity came after checkpoints were first written: at their defaults they leave
// the physics hash as it was (such checkpoints still restart); away from them they change it and are
// named as physics differences.
TEST(Config, PreparedInitialStatesArePhysicsThatKeepOldHashes) {
  const std::string nasch = kMinimal + "model:\n  type: nasch\n";
  const Config plain = parse(nasch).config;
  const Config defaults = parse(nasch, {"init.layout=random", "init.velocity=zero"}).config;
  EXPECT_EQ(convoy::physicsHash(defaults), convoy::physicsHash(plain));
  const std::string shown = convoy::toYaml(defaults);
  EXPECT_NE(shown.find("layout: random"), std::string::npos) << shown;
  EXPECT_NE(shown.find("velocity: zero"), std::string::npos) << shown;
  for (const std::string setting :
       {"init.layout=uniform", "init.layout=jam", "init.velocity=vmax", "init.velocity=random"}) {
    const Config changed = parse(nasch, {setting}).config;
    EXPECT_NE(convoy::physicsHash(changed), convoy::physicsHash(plain)) << setting;
    const auto differences = convoy::physicsDifferences(plain, changed);
    ASSERT_EQ(differences.size(), 1U) << setting << ": " << joined(differences);
    EXPECT_EQ(differences[0].rfind(setting.substr(0, setting.find('=')), 0), 0U) << differences[0];
    const Config again = parse(convoy::toYaml(changed)).config;
    EXPECT_EQ(convoy::physicsHash(again), convoy::physicsHash(changed)) << setting;
  }
}

// model.p_slow defaults to p_brake (plain NaSch, the hash of runs from before it existed); only a
// value that differs from p_brake changes the physics.
TEST(Config, SlowToStartDefaultsToPBrakeAndKeepsOldHashes) {
  const std::string nasch = kMinimal + "model:\n  type: nasch\n  p_brake: 0.125\n";
  const Config plain = parse(nasch).config;
  EXPECT_EQ(plain.model.pSlow, 0.125);
  EXPECT_EQ(convoy::physicsHash(parse(nasch, {"model.p_slow=0.125"}).config), convoy::physicsHash(plain));
  const Config slow = parse(nasch, {"model.p_slow=0.75"}).config;
  EXPECT_EQ(slow.model.pSlow, 0.75);
  EXPECT_NE(convoy::physicsHash(slow), convoy::physicsHash(plain));
  const auto differences = convoy::physicsDifferences(plain, slow);
  ASSERT_EQ(differences.size(), 1U) << joined(differences);
  EXPECT_TRUE(hasProblem(differences, {"model.p_slow", "0.125", "0.75"})) << joined(differences);
  const Config again = parse(convoy::toYaml(slow)).config;
  EXPECT_EQ(again.model.pSlow, 0.75);
  EXPECT_EQ(convoy::physicsHash(again), convoy::physicsHash(slow));
  // Overriding p_brake of a config without p_slow moves p_slow with it.
  EXPECT_EQ(parse(nasch, {"model.p_brake=0.5"}).config.model.pSlow, 0.5);
  const auto rule184 = problemsOf(kMinimal, {"model.p_slow=0.5"});
  EXPECT_TRUE(hasProblem(rule184, {"--set model.p_slow=0.5: ", "model.p_slow", "nasch only"})) << joined(rule184);
  const auto outOfRange = problemsOf(nasch, {"model.p_slow=1.5"});
  EXPECT_TRUE(hasProblem(outOfRange, {"--set model.p_slow=1.5: ", "a number from 0 to 1"})) << joined(outOfRange);
}

TEST(Config, PreparedInitialStatesRefuseWhatContradictsThem) {
  const auto velocityForRule184 = problemsOf(kMinimal, {"init.velocity=vmax"});
  EXPECT_TRUE(hasProblem(velocityForRule184, {"--set init.velocity=vmax: ", "init.velocity", "nasch only"}))
      << joined(velocityForRule184);
  const auto badLayout = problemsOf(kMinimal, {"init.layout=jammed"});
  EXPECT_TRUE(hasProblem(badLayout, {"--set init.layout=jammed: ", "random, uniform, jam"})) << joined(badLayout);
  const auto badVelocity = problemsOf(kMinimal + "model:\n  type: nasch\n", {"init.velocity=5"});
  EXPECT_TRUE(hasProblem(badVelocity, {"--set init.velocity=5: ", "zero, vmax, random"})) << joined(badVelocity);
  const std::string fromFile =
      "road:\n  cells: 2048\nrun:\n  steps: 10\ninit:\n  from: road.h5\n  layout: jam\n  velocity: vmax\n"
      "model:\n  type: nasch\n";
  const auto problems = problemsOf(fromFile, {});
  EXPECT_TRUE(hasProblem(problems, {"test.yaml:7:11: ", "init.layout and init.from contradict"})) << joined(problems);
  EXPECT_TRUE(hasProblem(problems, {"test.yaml:8:13: ", "init.velocity and init.from contradict"})) << joined(problems);
}

TEST(Config, NaschKeysWithRule184AreWarningsNotErrors) {
  const LoadedConfig loaded = parse(kMinimal +
                                    "model:\n"
                                    "  type: rule184\n"
                                    "  vmax: 3\n"
                                    "  p_brake: 0.5\n");
  ASSERT_EQ(loaded.warnings.size(), 2U) << joined(loaded.warnings);
  EXPECT_TRUE(hasProblem(loaded.warnings, {"test.yaml:9:9: ", "model.vmax", "ignored"}));
  EXPECT_TRUE(hasProblem(loaded.warnings, {"test.yaml:10:12: ", "model.p_brake", "ignored"}));
}

// A space-time window sampled every step ends every advance of the road there: the log must say
// why the run exchanges halos every step (and not say it for every > 1).
TEST(Config, SpacetimeEveryOneWarnsOfHaloExchangesEveryStep) {
  const LoadedConfig every1 = parse(kMinimal + "output:\n  spacetime:\n    every: 1\n");
  ASSERT_EQ(every1.warnings.size(), 1U) << joined(every1.warnings);
  EXPECT_TRUE(
      hasProblem(every1.warnings, {"test.yaml:9:12: ", "output.spacetime.every = 1", "halo exchanges every step",
                                   "the space-time window samples", "a value > 1"}));
  const LoadedConfig every2 = parse(kMinimal + "output:\n  spacetime:\n    every: 2\n");
  EXPECT_TRUE(every2.warnings.empty()) << joined(every2.warnings);
}

// Snapshots and checkpoints every step end every advance of the road too.
TEST(Config, SnapshotsOrCheckpointsEveryStepWarnOfHaloExchangesEveryStep) {
  const LoadedConfig snapshots = parse(kMinimal + "output:\n  snapshot_every: 1\n");
  ASSERT_EQ(snapshots.warnings.size(), 1U) << joined(snapshots.warnings);
  EXPECT_TRUE(hasProblem(snapshots.warnings, {"test.yaml:8:19: ", "output.snapshot_every = 1",
                                              "halo exchanges every step", "a snapshot is written"}));
  const LoadedConfig checkpoints = parse(kMinimal + "checkpoint:\n  every_steps: 1\n");
  ASSERT_EQ(checkpoints.warnings.size(), 1U) << joined(checkpoints.warnings);
  EXPECT_TRUE(hasProblem(checkpoints.warnings, {"test.yaml:8:16: ", "checkpoint.every_steps = 1",
                                                "halo exchanges every step", "a checkpoint is written"}));
  EXPECT_TRUE(parse(kMinimal + "output:\n  snapshot_every: 2\ncheckpoint:\n  every_steps: 3\n").warnings.empty());
}

// A key given by an option of its own is named in messages as the user wrote the option.
TEST(Config, AnOptionValueIsNamedAsTheOptionInMessages) {
  const std::vector<convoy::OptionValue> options{{"run.max_hours", "-1", "--max-hours -1"}};
  try {
    convoy::parseConfig("test.yaml", kMinimal, {}, options);
    FAIL() << "--max-hours -1 was accepted";
  } catch (const convoy::InputError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("--max-hours -1: run.max_hours"), std::string::npos) << message;
    EXPECT_EQ(message.find("--set"), std::string::npos) << message;
  }
  const LoadedConfig loaded = convoy::parseConfig("test.yaml", kMinimal, {}, {{"run.max_hours", "2", "--max-hours 2"}});
  EXPECT_EQ(loaded.config.run.maxHours, 2.0);
  EXPECT_EQ(loaded.setAt.at("run.max_hours"), "--max-hours 2");
}

// An open road needs road.alpha and road.beta (each a probability); a ring road takes neither. They
// are physics, hashed only on open roads (a ring's hash is as it was before open roads).
TEST(Config, OpenRoadsNeedBothEndsProbabilities) {
  const auto missing = problemsOf(kMinimal, {"road.boundary=open"});
  EXPECT_TRUE(hasProblem(missing, {"road.alpha is missing"})) << joined(missing);
  EXPECT_TRUE(hasProblem(missing, {"road.beta is missing"})) << joined(missing);
  const auto ring = problemsOf(kMinimal, {"road.alpha=0.5"});
  EXPECT_TRUE(hasProblem(ring, {"--set road.alpha=0.5: ", "road.alpha", "open only"})) << joined(ring);
  EXPECT_TRUE(allPlaced(ring));
  const auto outOfRange = problemsOf(kMinimal, {"road.boundary=open", "road.alpha=0.5", "road.beta=-0.1"});
  EXPECT_TRUE(hasProblem(outOfRange, {"road.beta", "a number from 0 to 1"})) << joined(outOfRange);

  const Config open = parse(kMinimal, {"road.boundary=open", "road.alpha=0.25", "road.beta=0.75"}).config;
  EXPECT_EQ(open.road.alpha, 0.25);
  EXPECT_EQ(open.road.beta, 0.75);
  const Config otherExit = parse(kMinimal, {"road.boundary=open", "road.alpha=0.25", "road.beta=0.5"}).config;
  EXPECT_NE(convoy::physicsHash(open), convoy::physicsHash(otherExit));
  const auto differences = convoy::physicsDifferences(open, otherExit);
  EXPECT_TRUE(hasProblem(differences, {"road.beta", "0.75", "0.5"})) << joined(differences);
  // The resolved config shows them on open roads only, and reads back the same.
  const std::string resolved = convoy::toYaml(open);
  EXPECT_NE(resolved.find("alpha: 0.25"), std::string::npos) << resolved;
  EXPECT_EQ(convoy::physicsHash(parse(resolved).config), convoy::physicsHash(open));
  EXPECT_EQ(convoy::toYaml(parse(kMinimal).config).find("alpha"), std::string::npos);
}

TEST(Config, NaschIsAcceptedWithItsKeys) {
  const convoy::LoadedConfig loaded =
      convoy::parseConfig("test.yaml", kMinimal + "model:\n  type: nasch\n  vmax: 7\n  p_brake: 0.125\n", {});
  EXPECT_EQ(loaded.config.model.type, convoy::ModelType::Nasch);
  EXPECT_EQ(loaded.config.model.vmax, 7U);
  EXPECT_EQ(loaded.config.model.pBrake, 0.125);
  EXPECT_TRUE(loaded.warnings.empty()) << joined(loaded.warnings);
}

TEST(Config, CheckpointsAndWallTimeAreAccepted) {
  const convoy::Config c =
      parse(kMinimal, {"run.max_hours=1.5", "checkpoint.every_steps=100", "checkpoint.every_minutes=5"}).config;
  EXPECT_EQ(c.run.maxHours, 1.5);
  EXPECT_EQ(c.checkpoint.everySteps, 100U);
  EXPECT_EQ(c.checkpoint.everyMinutes, 5.0);
}

TEST(Config, DetectorsAndProfileBinsMustFitTheRoad) {
  EXPECT_TRUE(hasProblem(problemsOf(kMinimal, {"output.detectors=[0, 2048]"}),
                         {"--set output.detectors=[0, 2048]: ", "output.detectors[1]", "2048", "not a cell"}));
  EXPECT_EQ(parse(kMinimal, {"output.detectors=[0, 2047]"}).config.output.detectors,
            (std::vector<std::uint64_t>{0, 2047}));
  EXPECT_TRUE(hasProblem(problemsOf(kMinimal, {"output.detectors=[3, 3]"}), {"output.detectors", "3", "twice"}));
  EXPECT_TRUE(hasProblem(problemsOf(kMinimal, {"output.detectors=[-1]"}),
                         {"--set output.detectors=[-1]: ", "output.detectors", "integers >= 0"}));

  const auto bins = problemsOf(kMinimal, {"output.profile_bins=2049"});
  EXPECT_TRUE(hasProblem(bins, {"--set output.profile_bins=2049: ", "output.profile_bins", "2049", "2048"}));
  EXPECT_EQ(parse(kMinimal, {"output.profile_bins=2048"}).config.output.profileBins, 2048U);
}

// On a road shorter than the default profile_bins (1024) the default shrinks to a bin per cell; only a
// profile_bins the user gave is checked against the road.
TEST(Config, DefaultProfileBinsFitAShortRoad) {
  const std::string shortRoad = "road:\n  cells: 100\nrun:\n  steps: 10\ninit:\n  density: 0.5\n";
  const LoadedConfig loaded = parse(shortRoad);
  EXPECT_EQ(loaded.config.output.profileBins, 100U);
  expectSameConfig(parse(convoy::toYaml(loaded.config)).config, loaded.config);

  const auto problems = problemsOf(shortRoad + "output:\n  profile_bins: 1024\n");
  EXPECT_TRUE(hasProblem(problems, {"test.yaml:8:17: ", "output.profile_bins", "1024", "100"}));
  EXPECT_TRUE(allPlaced(problems));
}

// YAML requires the keys of a mapping to be unique; a key given twice is a contradiction.
TEST(Config, KeyGivenTwiceIsAProblem) {
  const auto problems = problemsOf(kMinimal + "road:\n  cells: 4096\n");
  EXPECT_TRUE(hasProblem(problems, {"test.yaml:7:1: ", "road"}));
  const auto inSection = problemsOf(
      "road:\n"
      "  cells: 2048\n"
      "  cells: 4096\n"
      "run:\n"
      "  steps: 10\n"
      "init:\n"
      "  density: 0.5\n");
  EXPECT_TRUE(hasProblem(inSection, {"test.yaml:3:3: ", "road.cells"}));
}

TEST(Config, ReadConfigTextNamesAMissingFile) {
  const std::string missing = "/nonexistent/convoy-config-test.yaml";
  try {
    convoy::readConfigText(missing);
    ADD_FAILURE() << "no InputError";
  } catch (const convoy::InputError& error) {
    EXPECT_TRUE(hasProblem(error.problems(), {missing}));
  }

  const auto path =
      std::filesystem::temp_directory_path() / ("convoy_config_test_" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path) << kMinimal;
  EXPECT_EQ(convoy::readConfigText(path.string()), kMinimal);
  std::filesystem::remove(path);
}

// The configs shipped in input/ load without problems or warnings.
TEST(Config, ShippedInputsLoadCleanly) {
  for (const std::string name : {"quickstart.yaml", "workshop.yaml"}) {
    SCOPED_TRACE(name);
    const std::string path = std::string(CONVOY_SOURCE_DIR) + "/input/" + name;
    const LoadedConfig loaded = convoy::parseConfig(path, convoy::readConfigText(path), {});
    EXPECT_TRUE(loaded.warnings.empty()) << joined(loaded.warnings);
    EXPECT_EQ(convoy::modelName(loaded.config.model.type), "rule184");
  }
  const std::string workshop = std::string(CONVOY_SOURCE_DIR) + "/input/workshop.yaml";
  const Config c = convoy::parseConfig(workshop, convoy::readConfigText(workshop), {}).config;
  EXPECT_EQ(c.road.cells, 10240000U);
  EXPECT_EQ(c.init.density, 0.52);
  EXPECT_EQ(c.init.seed, 5743U);
  EXPECT_EQ(c.run.steps, 100U);
}
