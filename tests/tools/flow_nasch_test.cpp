// convoy-flow on Nagel-Schreckenberg output. jams: hand-made NaSch snapshots whose jams are worked out
// by hand (a car is stopped when its velocity is 0; a jam is a maximal run of consecutive stopped cars
// in road order around the ring, its cars need not be in adjacent cells), a real nasch run against a
// car-by-car count in Python, and the refusal of planes that are missing or disagree with the road.
// diagram: hand-made time series against the exact curves (vmax 1: (1 - sqrt(1 - 4 q d (1 - d))) / 2;
// p_brake 0: min(vmax d, 1 - d)), real nasch runs against them, and the refusal of mixed parameters.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "flow_support.hpp"
#include "jams_expectations.hpp"

namespace fs = std::filesystem;
using convoy::e2e::TemporaryDirectory;
using namespace convoy::flowtest;

namespace {

// A road for flow_fixtures.py nasch-snapshot: `cells` cells, the cars at the map's cells with their
// velocities, every other cell empty ("-1*k" for k empty cells).
std::string naschRoad(std::uint64_t cells, const std::map<std::uint64_t, int>& cars) {
  std::string text;
  std::uint64_t next = 0;
  const auto add = [&](const std::string& item) { text += (text.empty() ? "" : ",") + item; };
  for (const auto& [cell, velocity] : cars) {
    if (cell > next) add("-1*" + std::to_string(cell - next));
    add(std::to_string(velocity));
    next = cell + 1;
  }
  if (cells > next) add("-1*" + std::to_string(cells - next));
  return text;
}

void expectRefusal(const CommandResult& result, const std::vector<std::string>& fragments) {
  EXPECT_EQ(result.exitStatus, 2) << result.describe();
  EXPECT_TRUE(result.out.empty()) << result.describe();
  for (const auto& fragment : fragments) {
    EXPECT_NE(result.err.find(fragment), std::string::npos) << "missing \"" << fragment << "\"\n" << result.describe();
  }
}

TEST(FlowNaschJams, HandMadeRoadsGiveTheJamsWorkedOutByHand) {
  const TemporaryDirectory directory;
  struct Case {
    std::string name;
    std::string road;
    int vmax;
    std::string kind;
    Expected expected;
  };
  const std::vector<Case> cases{
      // Cars at 0 (v 0), 2 (0), 5 (3), 6 (0), 8 (0), 9 (2): the stopped cars 0, 2 and 6, 8 are not in
      // adjacent cells but consecutive cars: two jams of 2, cut by the moving cars at 5 and 9.
      {"apart.h5", "0,-1,0,-1,-1,3,0,-1,0,2", 3, "snapshot", {10, 6, 4, {{2, 2}}}},
      // Cars at 0 (0), 1 (0), 3 (4), 7 (0), 9 (0): after the moving car at 3 come 7, 9, then 0, 1
      // around the end of the road: one jam of 4 across cell 9 -> 0.
      {"wrap.h5", naschRoad(10, {{0, 0}, {1, 0}, {3, 4}, {7, 0}, {9, 0}}), 5, "snapshot", {10, 5, 4, {{4, 1}}}},
      // 100 cells (not a multiple of 64): moving cars at 0, 10, 70; stopped at 60, 62, 65 (a jam of 3
      // across the word boundary 63|64) and at 90, 99 (a jam of 2 that ends at cell 99 and does not
      // join the moving car at 0).
      {"hundred.h5",
       naschRoad(100, {{0, 1}, {10, 1}, {60, 0}, {62, 0}, {65, 0}, {70, 2}, {90, 0}, {99, 0}}),
       2,
       "snapshot",
       {100, 8, 5, {{2, 1}, {3, 1}}}},
      // Checkpoints hold the planes the same way. Cars at 1 (0), 2 (1), 3 (0): the car at 3 is stopped
      // and the one at 1 after it (around the ring): one jam of 2.
      {"checkpoint.h5", "-1,0,1,0", 1, "checkpoint", {4, 3, 2, {{2, 1}}}},
  };
  // 71 words: a jam of 65 cars every other cell over words 15 .. 17 (1000 .. 1128), one of 1 (3000),
  // one of 2 starting just after a moving car in bit 63 of word 63 (4096, 4100), and one of 3 across
  // the end of the road (4490, 4492, 0).
  std::map<std::uint64_t, int> longRoad{{0, 0},    {2, 1},    {990, 3},  {1130, 5}, {2999, 1}, {3000, 0}, {3001, 5},
                                        {4095, 4}, {4096, 0}, {4100, 0}, {4200, 2}, {4490, 0}, {4492, 0}};
  for (std::uint64_t cell = 1000; cell <= 1128; cell += 2) longRoad[cell] = 0;
  std::vector<Case> all = cases;
  all.push_back(
      {"long.h5", naschRoad(70 * 64 + 13, longRoad), 5, "snapshot", {4493, 78, 71, {{1, 1}, {2, 1}, {3, 1}, {65, 1}}}});
  // Every car stopped (cars every third cell over two words): one jam of all 24.
  std::map<std::uint64_t, int> stoppedRoad;
  for (std::uint64_t cell = 0; cell < 70; cell += 3) stoppedRoad[cell] = 0;
  all.push_back({"allstopped.h5", naschRoad(70, stoppedRoad), 5, "snapshot", {70, 24, 24, {{24, 1}}}});
  // Every car moving, also cars in adjacent cells (a velocity 1 behind a car is a hand-made state,
  // not one NaSch reaches, but the rule is about velocities only): no jam.
  all.push_back({"nonestopped.h5", "1,1,-1,5,-1*6,2,-1*59,3", 5, "snapshot", {71, 5, 0, {}}});
  all.push_back({"empty.h5", "-1*130", 5, "snapshot", {130, 0, 0, {}}});

  std::vector<std::string> arguments{"jams", "--json"};
  Expected total{0, 0, 0, {}};
  for (const auto& item : all) {
    fixture({"nasch-snapshot", item.name, item.road, std::to_string(item.vmax), "--kind", item.kind, "--step", "23"},
            directory.path());
    arguments.push_back(item.name);
    total.cars += item.expected.cars;
    total.stopped += item.expected.stopped;
    for (const auto& [length, count] : item.expected.lengths) total.lengths[length] += count;
  }
  const CommandResult result = runFlow(arguments, directory.path());
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  const Json json(result.out, directory.path());
  ASSERT_EQ(json.count("files/#"), all.size());
  for (std::size_t index = 0; index < all.size(); ++index) {
    const std::string prefix = "files/" + std::to_string(index) + "/";
    EXPECT_EQ(json.text(prefix + "file"), all[index].name);
    EXPECT_EQ(json.text(prefix + "kind"), all[index].kind);
    EXPECT_EQ(json.text(prefix + "model"), "nasch");
    EXPECT_EQ(json.text(prefix + "stopped_rule"), "velocity 0");
    EXPECT_EQ(json.count(prefix + "step"), 23U);
    expectFile(json, prefix, all[index].expected);
  }
  EXPECT_EQ(json.text("total/stopped_rule"), "velocity 0");
  EXPECT_EQ(json.count("total/cars"), total.cars);
  EXPECT_EQ(json.count("total/stopped_cars"), total.stopped);
  ASSERT_EQ(json.count("total/jam_lengths/#"), total.lengths.size());
  std::size_t index = 0;
  for (const auto& [length, count] : total.lengths) {
    const std::string entry = "total/jam_lengths/" + std::to_string(index++) + "/";
    EXPECT_EQ(json.count(entry + "length"), length);
    EXPECT_EQ(json.count(entry + "count"), count);
  }

  // The independent count in Python agrees on every hand-made road (a check of the oracle used below).
  for (const auto& item : all) {
    std::istringstream oracle(fixture({"nasch-jams", item.name}, directory.path()));
    std::string word;
    std::uint64_t cars = 0;
    std::uint64_t stopped = 0;
    oracle >> word >> cars >> word >> stopped;
    EXPECT_EQ(cars, item.expected.cars) << item.name;
    EXPECT_EQ(stopped, item.expected.stopped) << item.name;
  }

  // Table and CSV name the rule; with a rule-184 snapshot beside, the total's rule is "mixed".
  fixture({"snapshot", "rule184.h5", "0110"}, directory.path());
  const CommandResult table = runFlow({"jams", "long.h5", "rule184.h5"}, directory.path());
  ASSERT_EQ(table.exitStatus, 0) << table.describe();
  const auto lines = splitTable(table.out);
  const std::vector<std::string> longRow{"long.h5", "23",    "4493", "78",       "71", "0.910256",
                                         "4",       "17.75", "65",   "velocity", "0"};
  const std::vector<std::string> ruleRow{"rule184.h5", "0", "4", "2",    "1",     "0.5",
                                         "1",          "1", "1", "cell", "ahead", "occupied"};
  EXPECT_NE(std::find(lines.begin(), lines.end(), longRow), lines.end()) << table.out;
  EXPECT_NE(std::find(lines.begin(), lines.end(), ruleRow), lines.end()) << table.out;
  EXPECT_NE(table.out.find("mixed"), std::string::npos) << table.out;
  const CommandResult csv = runFlow({"jams", "--csv", "long.h5", "rule184.h5"}, directory.path());
  ASSERT_EQ(csv.exitStatus, 0) << csv.describe();
  const auto rows = parseCsv(csv.out);
  // header; long.h5: lengths 1, 2, 3, 65; rule184.h5: 1; total: 1, 2, 3, 65.
  ASSERT_EQ(rows.size(), 1U + 4U + 1U + 4U) << csv.out;
  EXPECT_EQ(rows[0].back(), "stopped_rule");
  EXPECT_EQ(rows[4][9], "65");
  EXPECT_EQ(rows[4].back(), "velocity 0");
  EXPECT_EQ(rows[5].back(), "cell ahead occupied");
  EXPECT_EQ(rows[6][0], "total");
  EXPECT_EQ(rows[6].back(), "mixed");
}

TEST(FlowNaschJams, PlanesThatAreMissingOrDisagreeWithTheRoadAreRefused) {
  const TemporaryDirectory directory;
  const fs::path& where = directory.path();
  const std::string road = "0,-1,2,-1*7";  // 10 cells, cars at 0 (v 0) and 2 (v 2)
  fixture({"nasch-snapshot", "good.h5", road, "5"}, where);
  fixture({"nasch-snapshot", "noattribute.h5", road, "5", "--no-planes-attribute"}, where);
  fixture({"nasch-snapshot", "noplane.h5", road, "5", "--drop-plane", "1"}, where);
  fixture({"nasch-snapshot", "zeroplanes.h5", road, "5", "--planes", "0"}, where);
  fixture({"nasch-snapshot", "encoding.h5", road, "5", "--encoding", "bits-v1: rule 184"}, where);
  fixture({"nasch-snapshot", "onempty.h5", road, "5", "--velocity-at", "5:3"}, where);
  fixture({"nasch-snapshot", "padding.h5", road, "5", "--velocity-at", "12:1"}, where);
  fixture({"nasch-snapshot", "fast.h5", road, "5", "--velocity-at", "2:7"}, where);
  fixture({"nasch-snapshot", "cars.h5", road, "5", "--cars", "3"}, where);
  fixture({"nasch-snapshot", "noconfig.h5", road, "5"}, where);
  fixture({"set-attribute", "noconfig.h5", "config", "model:\n  type: nasch\n"}, where);
  fixture({"nasch-snapshot", "other.h5", road, "5"}, where);
  fixture({"set-attribute", "other.h5", "model", "aw-rascle"}, where);

  EXPECT_EQ(runFlow({"jams", "good.h5"}, where).exitStatus, 0);
  expectRefusal(runFlow({"jams", "noattribute.h5"}, where),
                {"noattribute.h5: a nasch snapshot without velocity planes"});
  expectRefusal(runFlow({"jams", "noplane.h5"}, where), {"noplane.h5: damaged: velocity_planes = 3 but there is no "
                                                         "/velocity/bit_1"});
  expectRefusal(runFlow({"jams", "zeroplanes.h5"}, where), {"zeroplanes.h5: damaged: velocity_planes = 0"});
  expectRefusal(runFlow({"jams", "encoding.h5"}, where),
                {"encoding.h5: a nasch snapshot, but its encoding is 'bits-v1", "not nasch-bitplanes-v1"});
  expectRefusal(runFlow({"jams", "onempty.h5"}, where), {"onempty.h5: damaged: the velocity planes disagree with the "
                                                         "road: 1 cell(s) without a car"});
  expectRefusal(runFlow({"jams", "padding.h5"}, where), {"padding.h5: damaged", "1 cell(s) without a car"});
  expectRefusal(runFlow({"jams", "fast.h5"}, where), {"fast.h5: damaged", "1 car(s) are faster than model.vmax = 5"});
  expectRefusal(runFlow({"jams", "cars.h5"}, where), {"cars.h5: damaged: the road holds 2 cars but the file says 3"});
  expectRefusal(runFlow({"jams", "noconfig.h5"}, where), {"noconfig.h5", "has no model.vmax"});
  expectRefusal(runFlow({"jams", "other.h5"}, where), {"other.h5: a road of model 'aw-rascle'"});
  // Every bad file in one go.
  expectRefusal(runFlow({"jams", "good.h5", "noplane.h5", "fast.h5"}, where), {"noplane.h5", "fast.h5"});
}

TEST(FlowNaschJams, ARealNaschRunAgreesWithACarByCarCount) {
  const TemporaryDirectory directory;
  // 1037 cells (not a multiple of 64), dense enough for many jams; snapshots while they still form.
  const fs::path config = writeConfig(directory.path(), 1037, 6, 1, "density: 0.45\n  seed: 77", "snapshot_every: 3");
  runConvoy(config, directory.path() / "run", {"model.type=nasch", "model.vmax=5", "model.p_brake=0.25"},
            directory.path());
  std::vector<std::string> snapshots;
  for (const auto& entry : fs::directory_iterator(directory.path() / "run" / "snapshots")) {
    snapshots.push_back(entry.path().string());
  }
  std::sort(snapshots.begin(), snapshots.end());
  ASSERT_EQ(snapshots.size(), 2U);
  std::vector<std::string> arguments{"jams", "--json"};
  arguments.insert(arguments.end(), snapshots.begin(), snapshots.end());
  const CommandResult result = runFlow(arguments, directory.path());
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  const Json json(result.out, directory.path());
  for (std::size_t index = 0; index < snapshots.size(); ++index) {
    const std::string prefix = "files/" + std::to_string(index) + "/";
    EXPECT_EQ(json.text(prefix + "stopped_rule"), "velocity 0");
    expectOracleCounts(json, prefix, fixture({"nasch-jams", snapshots[index]}, directory.path()));
  }
}

std::string naschConfig(int vmax, const std::string& pBrake) {
  return "road:\n  cells: 1000\nmodel:\n  type: nasch\n  vmax: " + std::to_string(vmax) + "\n  p_brake: " + pBrake +
         "\n";
}

// A hand-made run directory `directory`/timeseries.h5 (flow_fixtures.py timeseries).
void makeRun(const fs::path& where, const std::string& directory, std::uint64_t cells, std::uint64_t cars, double flow,
             double noise, const std::string& config, const std::string& seed = "1") {
  fs::create_directories(where / directory);
  std::ostringstream flowText;
  flowText.precision(17);
  flowText << flow;
  fixture({"timeseries", (fs::path(directory) / "timeseries.h5").string(), "nasch", std::to_string(cells),
           std::to_string(cars), "2000", flowText.str(), std::to_string(noise), "--config", config, "--every", "10",
           "--seed", seed},
          where);
}

double vmaxOneFlow(double q, std::uint64_t cells, std::uint64_t cars) {
  const double d = static_cast<double>(cars) / static_cast<double>(cells);
  const double holes = static_cast<double>(cells - cars) / static_cast<double>(cells);
  return (1.0 - std::sqrt(1.0 - 4.0 * q * d * holes)) / 2.0;
}

TEST(FlowNaschDiagram, VmaxOneRunsAreComparedWithTheExactCurve) {
  const TemporaryDirectory directory;
  const fs::path& where = directory.path();
  const std::vector<std::uint64_t> cars{200, 500, 800};
  // Noisy flows around the exact values: error bars > 0, deviations = (flow - exact) / error.
  for (std::size_t index = 0; index < cars.size(); ++index) {
    makeRun(where, "vmax1/run" + std::to_string(index), 1000, cars[index], vmaxOneFlow(0.5, 1000, cars[index]), 0.01,
            naschConfig(1, "0.5"), std::to_string(index + 1));
  }
  const CommandResult result = runFlow({"diagram", "--json", "vmax1"}, where);
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  const Json json(result.out, where);
  EXPECT_EQ(json.text("model"), "nasch");
  EXPECT_EQ(json.count("vmax"), 1U);
  EXPECT_EQ(json.number("p_brake"), 0.5);
  EXPECT_EQ(json.text("exact_curve"), "(1 - sqrt(1 - 4 q d (1 - d))) / 2, q = 0.5");
  ASSERT_EQ(json.count("runs/#"), cars.size());
  for (std::size_t index = 0; index < cars.size(); ++index) {
    const std::string run = "runs/" + std::to_string(index) + "/";
    SCOPED_TRACE(run);
    EXPECT_EQ(json.count(run + "cars"), cars[index]);
    const double exact = vmaxOneFlow(0.5, 1000, cars[index]);
    EXPECT_NEAR(json.number(run + "exact_flow"), exact, 1e-15);
    const double flow = json.number(run + "flow");
    const double error = json.number(run + "flow_error");
    ASSERT_GT(error, 0.0);
    EXPECT_NEAR(json.number(run + "deviation_sigmas"), (flow - exact) / error, 1e-9);
    EXPECT_LT(std::abs(json.number(run + "deviation_sigmas")), 5.0);
  }
  // At d = 1/2 and q = 1/2: (1 - sqrt(1/2)) / 2.
  EXPECT_NEAR(json.number("runs/1/exact_flow"), (1.0 - std::sqrt(0.5)) / 2.0, 1e-15);

  const CommandResult table = runFlow({"diagram", "vmax1"}, where);
  ASSERT_EQ(table.exitStatus, 0) << table.describe();
  EXPECT_NE(table.out.find("model nasch (vmax 1, p_brake 0.5); exact curve: flow = (1 - sqrt(1 - 4 q d (1 - d))) / "
                           "2, q = 0.5"),
            std::string::npos)
      << table.out;
  const CommandResult csv = runFlow({"diagram", "--csv", "vmax1"}, where);
  ASSERT_EQ(csv.exitStatus, 0) << csv.describe();
  const auto rows = parseCsv(csv.out);
  ASSERT_EQ(rows.size(), 4U);
  EXPECT_EQ(rows[0][11], "exact_flow");
  EXPECT_EQ(std::stod(rows[1][11]), json.number("runs/0/exact_flow"));
}

TEST(FlowNaschDiagram, DeterministicRunsAreComparedWithMinOfVmaxDAndOneMinusD) {
  const TemporaryDirectory directory;
  const fs::path& where = directory.path();
  const std::string config = naschConfig(5, "0");
  // Constant flows on the curve (error 0, deviation 0): below, at and above the density 1 / (vmax + 1).
  makeRun(where, "vmax5/low", 1200, 100, 5.0 * 100 / 1200, 0.0, config);
  makeRun(where, "vmax5/critical", 1200, 200, 1000.0 / 1200, 0.0, config);
  makeRun(where, "vmax5/high", 1200, 600, 600.0 / 1200, 0.0, config);
  const CommandResult result = runFlow({"diagram", "--json", "vmax5"}, where);
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  const Json json(result.out, where);
  EXPECT_EQ(json.text("exact_curve"), "min(vmax d, 1 - d), vmax = 5");
  EXPECT_EQ(json.count("vmax"), 5U);
  EXPECT_EQ(json.number("p_brake"), 0.0);
  const std::vector<std::uint64_t> cars{100, 200, 600};
  for (std::size_t index = 0; index < cars.size(); ++index) {
    const std::string run = "runs/" + std::to_string(index) + "/";
    SCOPED_TRACE(run);
    EXPECT_EQ(json.count(run + "cars"), cars[index]);
    const double d = static_cast<double>(cars[index]) / 1200.0;
    EXPECT_NEAR(json.number(run + "exact_flow"), std::min(5.0 * d, 1.0 - d), 1e-15);
    EXPECT_EQ(json.number(run + "flow_error"), 0.0);
    EXPECT_EQ(json.number(run + "deviation_sigmas"), 0.0);
  }
  // Off the curve with error 0: infinitely many error bars (null; "inf" in the table).
  makeRun(where, "vmax5/off", 1200, 600, 0.45, 0.0, config);
  const CommandResult off = runFlow({"diagram", "--json", "vmax5/off"}, where);
  ASSERT_EQ(off.exitStatus, 0) << off.describe();
  const Json offJson(off.out, where);
  EXPECT_EQ(offJson.number("runs/0/exact_flow"), 0.5);
  EXPECT_TRUE(offJson.isNull("runs/0/deviation_sigmas"));
  const CommandResult table = runFlow({"diagram", "vmax5/off"}, where);
  ASSERT_EQ(table.exitStatus, 0) << table.describe();
  const auto lastRow = splitTable(table.out).back();  // ..., deviation (sigmas), settled
  ASSERT_GE(lastRow.size(), 2U) << table.out;
  EXPECT_EQ(lastRow[lastRow.size() - 2], "inf") << table.out;
}

TEST(FlowNaschDiagram, MixedParametersAreRefusedAndUnknownCurvesAreNull) {
  const TemporaryDirectory directory;
  const fs::path& where = directory.path();
  makeRun(where, "a/v1", 1000, 300, 0.1, 0.01, naschConfig(1, "0.5"));
  makeRun(where, "b/v5", 1000, 300, 0.1, 0.01, naschConfig(5, "0"));
  makeRun(where, "c/v1p", 1000, 300, 0.1, 0.01, naschConfig(1, "0.25"));
  makeRun(where, "d/v2", 1000, 300, 0.1, 0.01, naschConfig(2, "0.25"));
  makeRun(where, "e/none", 1000, 300, 0.1, 0.01, "model:\n  type: nasch\n  vmax: 2\n");

  expectRefusal(runFlow({"diagram", "a/v1", "b/v5"}, where),
                {"the nasch runs have 2 different parameter sets", "vmax 1, p_brake 0.5: 1 run(s), e.g. a/v1",
                 "vmax 5, p_brake 0: 1 run(s), e.g. b/v5", "give the runs of each vmax and p_brake separately"});
  expectRefusal(runFlow({"diagram", "a/v1", "c/v1p"}, where),
                {"2 different parameter sets", "p_brake 0.5", "p_brake 0.25"});
  expectRefusal(runFlow({"diagram", "e/none"}, where), {"e/none/timeseries.h5", "has no model.p_brake"});

  const CommandResult unknown = runFlow({"diagram", "--json", "d/v2"}, where);
  ASSERT_EQ(unknown.exitStatus, 0) << unknown.describe();
  const Json json(unknown.out, where);
  EXPECT_EQ(json.count("vmax"), 2U);
  EXPECT_TRUE(json.isNull("exact_curve"));
  EXPECT_TRUE(json.isNull("runs/0/exact_flow"));
  EXPECT_TRUE(json.isNull("runs/0/deviation_sigmas"));
  const CommandResult table = runFlow({"diagram", "d/v2"}, where);
  ASSERT_EQ(table.exitStatus, 0) << table.describe();
  EXPECT_NE(table.out.find("exact curve: none known"), std::string::npos) << table.out;
}

// Slow-to-start (model.p_slow other than p_brake) has no exact curve, even at vmax 1 or p_brake 0,
// and is another parameter set than plain NaSch; p_slow equal to p_brake is plain NaSch.
TEST(FlowNaschDiagram, SlowToStartHasNoExactCurveAndIsItsOwnParameterSet) {
  const TemporaryDirectory directory;
  const fs::path& where = directory.path();
  makeRun(where, "plain", 1000, 300, 0.1, 0.01, naschConfig(1, "0.5"));
  makeRun(where, "same", 1000, 300, 0.1, 0.01, naschConfig(1, "0.5") + "  p_slow: 0.5\n");
  makeRun(where, "slow", 1000, 300, 0.1, 0.01, naschConfig(1, "0.5") + "  p_slow: 0.75\n");
  makeRun(where, "slow0", 1000, 300, 0.1, 0.01, naschConfig(5, "0") + "  p_slow: 0.25\n");

  const CommandResult same = runFlow({"diagram", "--json", "plain", "same"}, where);
  ASSERT_EQ(same.exitStatus, 0) << same.describe();
  const Json plain(same.out, where);
  EXPECT_EQ(plain.number("p_slow"), 0.5);
  EXPECT_FALSE(plain.isNull("exact_curve"));

  for (const std::string run : {"slow", "slow0"}) {
    const CommandResult result = runFlow({"diagram", "--json", run}, where);
    ASSERT_EQ(result.exitStatus, 0) << result.describe();
    const Json json(result.out, where);
    EXPECT_TRUE(json.isNull("exact_curve")) << run;
    EXPECT_TRUE(json.isNull("runs/0/exact_flow")) << run;
  }
  const CommandResult table = runFlow({"diagram", "slow"}, where);
  EXPECT_NE(table.out.find("model nasch (vmax 1, p_brake 0.5, p_slow 0.75); exact curve: none known"),
            std::string::npos)
      << table.out;
  expectRefusal(runFlow({"diagram", "plain", "slow"}, where),
                {"2 different parameter sets", "vmax 1, p_brake 0.5: 1 run(s)", "vmax 1, p_brake 0.5, p_slow 0.75"});
}

TEST(FlowNaschDiagram, RealNaschRunsAgreeWithTheExactCurves) {
  const TemporaryDirectory directory;
  const fs::path& where = directory.path();
  const fs::path config = writeConfig(where, 4000, 20000, 10, "density: 0.3\n  seed: 11");
  // vmax 1, p_brake 0.5: stochastic, within a few error bars of (1 - sqrt(1 - 4 q d (1 - d))) / 2.
  runConvoy(config, where / "v1", {"model.type=nasch", "model.vmax=1", "model.p_brake=0.5"}, where);
  // vmax 5, p_brake 0 at density 0.1 < 1/6: every car reaches vmax, flow 5 d exactly.
  runConvoy(config, where / "v5",
            {"model.type=nasch", "model.vmax=5", "model.p_brake=0", "init.density=0.1", "run.steps=4000"}, where);
  const CommandResult v1 = runFlow({"diagram", "--json", "v1"}, where);
  ASSERT_EQ(v1.exitStatus, 0) << v1.describe();
  const Json one(v1.out, where);
  const double exact = vmaxOneFlow(0.5, one.count("runs/0/cells"), one.count("runs/0/cars"));
  EXPECT_NEAR(one.number("runs/0/exact_flow"), exact, 1e-15);
  EXPECT_GT(one.number("runs/0/flow_error"), 0.0);
  EXPECT_LT(std::abs(one.number("runs/0/deviation_sigmas")), 4.0)
      << "flow " << one.number("runs/0/flow") << " +- " << one.number("runs/0/flow_error") << ", exact " << exact;

  const CommandResult v5 = runFlow({"diagram", "--json", "v5"}, where);
  ASSERT_EQ(v5.exitStatus, 0) << v5.describe();
  const Json five(v5.out, where);
  const double cells = five.number("runs/0/cells");
  const double cars = five.number("runs/0/cars");
  EXPECT_EQ(five.number("runs/0/exact_flow"), 5.0 * cars / cells);
  EXPECT_NEAR(five.number("runs/0/flow"), 5.0 * cars / cells, 1e-12);
  EXPECT_EQ(five.number("runs/0/deviation_sigmas"), 0.0);
}

}  // namespace
