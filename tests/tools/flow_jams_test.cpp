// convoy-flow jams on hand-made snapshots whose jams are worked out by hand (a car is stopped when the
// cell ahead holds a car; a jam is a maximal run of consecutive stopped cars around the ring), and on
// real convoy snapshots against an independent car-by-car count in Python.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "flow_support.hpp"
#include "jams_expectations.hpp"

namespace fs = std::filesystem;
using convoy::e2e::TemporaryDirectory;
using namespace convoy::flowtest;

namespace {

// A road of `cells` cells with the cells of the half-open ranges occupied.
std::string road(std::uint64_t cells, const std::vector<std::pair<std::uint64_t, std::uint64_t>>& blocks) {
  std::string text(cells, '0');
  for (const auto& [first, last] : blocks) {
    for (std::uint64_t cell = first; cell < last; ++cell) text[cell] = '1';
  }
  return text;
}

TEST(FlowJams, HandMadeRoadsGiveTheJamsWorkedOutByHand) {
  const TemporaryDirectory directory;
  struct Case {
    std::string name;
    std::string road;
    std::string kind;
    Expected expected;
  };
  const std::vector<Case> cases{
      // The block 5..7 runs on into 0..1: one block of 5 cars, the front one (cell 1) can move.
      {"wrap.h5", "11000111", "snapshot", {8, 5, 4, {{4, 1}}}},
      // 100 cells (not a multiple of 64): a block across the word boundary 63|64 and one that ends at
      // cell 99 but does not wrap (cell 0 is empty); a lone car is no jam.
      {"hundred.h5", road(100, {{50, 51}, {62, 66}, {98, 100}}), "snapshot", {100, 7, 4, {{1, 1}, {3, 1}}}},
      // 71 words: blocks across word boundaries (62..66, 1000..1129 over three words, 4095|4096),
      // "11011" (two jams of 1), and 4490..4492 wrapping into 0..1.
      {"long.h5",
       road(70 * 64 + 13,
            {{0, 2}, {62, 67}, {200, 202}, {203, 205}, {1000, 1130}, {3000, 3001}, {4095, 4097}, {4490, 4493}}),
       "snapshot",
       {4493, 147, 140, {{1, 3}, {4, 2}, {129, 1}}}},
      {"empty.h5", std::string(130, '0'), "snapshot", {130, 0, 0, {}}},
      // A full road: every car waits for the one ahead, one jam of all of them.
      {"full.h5", std::string(70, '1'), "snapshot", {70, 70, 70, {{70, 1}}}},
      {"one.h5", "1", "snapshot", {1, 1, 1, {{1, 1}}}},
      // Checkpoints hold /road the same way. Cars at 1, 2, 3: the one at 3 can move into cell 0.
      {"checkpoint.h5", "0111", "checkpoint", {4, 3, 2, {{2, 1}}}},
  };
  std::vector<std::string> arguments{"jams", "--json"};
  Expected total{0, 0, 0, {}};
  for (const auto& item : cases) {
    fixture({"snapshot", item.name, item.road, "--kind", item.kind, "--step", "17"}, directory.path());
    arguments.push_back(item.name);
    total.cars += item.expected.cars;
    total.stopped += item.expected.stopped;
    for (const auto& [length, count] : item.expected.lengths) total.lengths[length] += count;
  }
  const CommandResult result = runFlow(arguments, directory.path());
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  const Json json(result.out, directory.path());
  EXPECT_EQ(json.text("command"), "jams");
  ASSERT_EQ(json.count("files/#"), cases.size());
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const std::string prefix = "files/" + std::to_string(index) + "/";
    EXPECT_EQ(json.text(prefix + "file"), cases[index].name);
    EXPECT_EQ(json.count(prefix + "step"), 17U);
    expectFile(json, prefix, cases[index].expected);
  }
  EXPECT_EQ(json.count("total/cars"), total.cars);
  EXPECT_EQ(json.count("total/stopped_cars"), total.stopped);
  EXPECT_DOUBLE_EQ(json.number("total/stopped_fraction"),
                   static_cast<double>(total.stopped) / static_cast<double>(total.cars));
  ASSERT_EQ(json.count("total/jam_lengths/#"), total.lengths.size());
  std::size_t index = 0;
  std::uint64_t jams = 0;
  for (const auto& [length, count] : total.lengths) {
    const std::string entry = "total/jam_lengths/" + std::to_string(index++) + "/";
    EXPECT_EQ(json.count(entry + "length"), length);
    EXPECT_EQ(json.count(entry + "count"), count);
    jams += count;
  }
  EXPECT_EQ(json.count("total/jams"), jams);

  // The table and CSV say the same.
  const CommandResult table = runFlow({"jams", "long.h5"}, directory.path());
  ASSERT_EQ(table.exitStatus, 0) << table.describe();
  const auto lines = splitTable(table.out);
  const std::vector<std::string> summary{"long.h5", "17",      "4493", "147",  "140",   "0.952381",
                                         "6",       "23.3333", "129",  "cell", "ahead", "occupied"};
  const std::vector<std::string> longest{"129", "1", "129"};  // length, jams, cars in them
  EXPECT_NE(std::find(lines.begin(), lines.end(), summary), lines.end()) << table.out;
  EXPECT_NE(std::find(lines.begin(), lines.end(), longest), lines.end()) << table.out;
  const CommandResult csv = runFlow({"jams", "--csv", "long.h5", "empty.h5"}, directory.path());
  ASSERT_EQ(csv.exitStatus, 0) << csv.describe();
  const auto rows = parseCsv(csv.out);
  // header; long.h5: lengths 1, 4, 129; empty.h5: one row without lengths; total: 1, 4, 129.
  ASSERT_EQ(rows.size(), 1U + 3U + 1U + 3U) << csv.out;
  EXPECT_EQ(rows[3][0], "long.h5");
  EXPECT_EQ(rows[3][9], "129");
  EXPECT_EQ(rows[3][10], "1");
  EXPECT_EQ(rows[4][0], "empty.h5");
  EXPECT_EQ(rows[4][5], "");  // no stopped fraction without cars
  EXPECT_EQ(rows[7][0], "total");
  EXPECT_EQ(rows[0][11], "stopped_rule");
  EXPECT_EQ(rows[3][11], "cell ahead occupied");
  EXPECT_EQ(json.text("files/0/stopped_rule"), "cell ahead occupied");
  EXPECT_EQ(json.text("files/0/model"), "rule184");
  EXPECT_EQ(json.text("total/stopped_rule"), "cell ahead occupied");
}

TEST(FlowJams, RealSnapshotsAgreeWithACarByCarCount) {
  const TemporaryDirectory directory;
  // 1037 cells (not a multiple of 64), dense enough for many jams; snapshots while they still form.
  const fs::path config = writeConfig(directory.path(), 1037, 6, 1, "density: 0.62\n  seed: 99", "snapshot_every: 3");
  runConvoy(config, directory.path() / "run", {}, directory.path());
  std::vector<std::string> snapshots;
  for (const auto& entry : fs::directory_iterator(directory.path() / "run" / "snapshots")) {
    snapshots.push_back(entry.path().string());
  }
  std::sort(snapshots.begin(), snapshots.end());
  ASSERT_GE(snapshots.size(), 2U);
  std::vector<std::string> arguments{"jams", "--json"};
  arguments.insert(arguments.end(), snapshots.begin(), snapshots.end());
  const CommandResult result = runFlow(arguments, directory.path());
  ASSERT_EQ(result.exitStatus, 0) << result.describe();
  const Json json(result.out, directory.path());
  for (std::size_t index = 0; index < snapshots.size(); ++index) {
    const std::string prefix = "files/" + std::to_string(index) + "/";
    expectOracleCounts(json, prefix, fixture({"jams", snapshots[index]}, directory.path()));
  }
}

TEST(FlowJams, FileNamesAreEscapedInJsonAndQuotedInCsv) {
  const TemporaryDirectory directory;
  const std::string name = "odd \"name\", tab\t\\ \xc3\xa9.h5";  // odd "name", tab<TAB>\ e-acute.h5
  fixture({"snapshot", name, "0110"}, directory.path());
  const CommandResult json = runFlow({"jams", "--json", name}, directory.path());
  ASSERT_EQ(json.exitStatus, 0) << json.describe();
  // Python's json.dumps of the parsed name, which must be the name itself.
  EXPECT_EQ(Json(json.out, directory.path()).raw("files/0/file"), "\"odd \\\"name\\\", tab\\t\\\\ \\u00e9.h5\"");
  const CommandResult csv = runFlow({"jams", "--csv", name}, directory.path());
  ASSERT_EQ(csv.exitStatus, 0) << csv.describe();
  EXPECT_EQ(parseCsv(csv.out).at(1).at(0), name);
}

TEST(FlowJams, ARoadThatDisagreesWithItsCarCountIsRefused) {
  const TemporaryDirectory directory;
  fixture({"snapshot", "damaged.h5", "0111", "--cars", "2"}, directory.path());
  const CommandResult result = runFlow({"jams", "damaged.h5"}, directory.path());
  EXPECT_EQ(result.exitStatus, 2) << result.describe();
  EXPECT_NE(result.err.find("damaged.h5: damaged"), std::string::npos) << result.err;
}

}  // namespace
