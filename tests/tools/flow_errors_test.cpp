// convoy-flow's refusals: each is exit status 2 with one message that names the file and says what
// is wrong, and nothing on stdout.
#include <gtest/gtest.h>

#include "flow_support.hpp"

namespace fs = std::filesystem;
using convoy::e2e::TemporaryDirectory;
using namespace convoy::flowtest;

namespace {

void expectRefusal(const CommandResult& result, const std::vector<std::string>& fragments) {
  EXPECT_EQ(result.exitStatus, 2) << result.describe();
  EXPECT_TRUE(result.out.empty()) << result.describe();
  for (const auto& fragment : fragments) {
    EXPECT_NE(result.err.find(fragment), std::string::npos) << "missing \"" << fragment << "\"\n" << result.describe();
  }
}

TEST(FlowErrors, FilesThatAreNotWhatTheCommandNeedsAreRefusedByName) {
  const TemporaryDirectory directory;
  const fs::path& where = directory.path();
  convoy::e2e::writeFile(where / "notes.txt", "not HDF5\n");
  fixture({"no-kind", "foreign.h5"}, where);
  fixture({"snapshot", "snap.h5", "0110"}, where);
  fs::create_directory(where / "emptydir");
  const fs::path config = writeConfig(where, 256, 40, 1);
  runConvoy(config, where / "run", {}, where);

  expectRefusal(runFlow({"stats", "missing.h5"}, where), {"missing.h5: no such file"});
  expectRefusal(runFlow({"stats", "notes.txt"}, where), {"notes.txt: not an HDF5 file"});
  expectRefusal(runFlow({"stats", "foreign.h5"}, where),
                {"foreign.h5: an HDF5 file, but not one convoy wrote", "no 'kind' attribute"});
  expectRefusal(runFlow({"stats", "snap.h5"}, where), {"snap.h5: a convoy snapshot file", "needs a time series"});
  expectRefusal(runFlow({"stats", "emptydir"}, where), {"emptydir: a directory without timeseries.h5"});
  expectRefusal(runFlow({"jams", "run/timeseries.h5"}, where),
                {"run/timeseries.h5: a convoy timeseries file", "jams need a road: give snapshots"});
  expectRefusal(runFlow({"jams", "foreign.h5"}, where), {"foreign.h5: an HDF5 file, but not one convoy wrote"});
  expectRefusal(runFlow({"jams", "missing.h5"}, where), {"missing.h5: no such file"});
  expectRefusal(runFlow({"diagram", "emptydir"}, where), {"emptydir: neither a run directory", "nor a campaign root"});
  expectRefusal(runFlow({"diagram", "snap.h5"}, where), {"snap.h5: a convoy snapshot file"});
  expectRefusal(runFlow({"diagram", "missing"}, where), {"missing: no such file or directory"});
  // Several bad files: each is named, in one go.
  expectRefusal(runFlow({"jams", "notes.txt", "run/timeseries.h5"}, where), {"notes.txt", "run/timeseries.h5"});
}

TEST(FlowErrors, SeriesTooShortForTheStatisticsSayHowShort) {
  const TemporaryDirectory directory;
  const fs::path& where = directory.path();
  const fs::path config = writeConfig(where, 256, 10, 1);
  runConvoy(config, where / "short", {}, where);
  runConvoy(config, where / "none", {"run.steps=0"}, where);
  runConvoy(config, where / "long", {"run.steps=400", "output.timeseries_every=4"}, where);

  expectRefusal(runFlow({"stats", "short"}, where),
                {"short/timeseries.h5 has 10 rows; the statistics need at least 32 after the burn-in of 0 rows"});
  expectRefusal(runFlow({"stats", "none/timeseries.h5"}, where), {"none/timeseries.h5 has 0 rows"});
  // 100 rows of 4 steps: --burn-in 300 steps drops 75 rows, leaving 25; 1000 steps is longer than the run.
  expectRefusal(runFlow({"stats", "long", "--burn-in", "300"}, where),
                {"long/timeseries.h5 has 100 rows; the statistics need at least 32 after the burn-in of 75 rows"});
  expectRefusal(runFlow({"stats", "long", "--burn-in", "1000"}, where),
                {"long/timeseries.h5 has 100 rows; the statistics need at least 32 after the burn-in of 250 rows"});
  expectRefusal(runFlow({"diagram", "long", "short"}, where), {"short/timeseries.h5 has 10 rows"});
  // A row of one step, and a run of one: the singular.
  runConvoy(config, where / "one", {"run.steps=1"}, where);
  expectRefusal(runFlow({"stats", "short"}, where), {"run at least 32 steps (1 step per row)"});
  expectRefusal(runFlow({"stats", "one"}, where), {"one/timeseries.h5 has 1 row;", "(1 step per row)"});
  const CommandResult fine = runFlow({"stats", "long", "--burn-in", "272"}, where);  // 68 rows, 32 left
  EXPECT_EQ(fine.exitStatus, 0) << fine.describe();
}

TEST(FlowErrors, BadCommandLinesAreExitStatusTwo) {
  const TemporaryDirectory directory;
  expectRefusal(runFlow({"frobnicate"}, directory.path()), {"unknown command 'frobnicate'"});
  expectRefusal(runFlow({"stats"}, directory.path()), {"command line"});
  expectRefusal(runFlow({"stats", "x", "--burn-in", "-5"}, directory.path()), {"--burn-in", "'-5'"});
  expectRefusal(runFlow({"stats", "x", "--cell-length", "0"}, directory.path()), {"--cell-length"});
  expectRefusal(runFlow({"jams", "x", "--json", "--csv"}, directory.path()), {"--json excludes --csv"});
  const CommandResult help = runFlow({"--help"}, directory.path());
  EXPECT_EQ(help.exitStatus, 0) << help.describe();
  EXPECT_NE(help.out.find("stats"), std::string::npos);
}

}  // namespace
