// Snapshots (docs/output.md): every rank writes its words of the road
// collectively into one file, and the file holds the whole road in the documented encoding whatever
// the rank count. Each road is written on one rank count and read back on another (a
// sub-communicator of the world, whose rank 0 is not the world's), and compared with the reference
// kernel run over the whole road. The file itself is read on rank 0 with the plain HDF5 C API, not
// with convoy's h5 layer, and its density profile and digest are recomputed from the reference road.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <stdlib.h>

#include <cstdint>
#include <exception>
#include <filesystem>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "convoy/config/config.hpp"
#include "convoy/core/decomposition.hpp"
#include "convoy/core/error.hpp"
#include "convoy/io/inspect.hpp"
#include "convoy/io/road_file.hpp"
#include "convoy/io/snapshot.hpp"
#include "convoy/io/state_file.hpp"
#include "convoy/model/initial_road.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/parallel/rule184_road.hpp"
#include "convoy/run/initial_state.hpp"
#include "convoy/run/run_outputs.hpp"
#include "convoy/run/simulation.hpp"
#include "mpi_test_support.hpp"
#include "plain_hdf5.hpp"

namespace convoy {
namespace {

namespace fs = std::filesystem;
using mpitest::ByteRoad;
using mpitest::PlainFile;
using mpitest::readDataset;
using mpitest::readTextAttribute;
using mpitest::readUnsignedAttribute;
using mpitest::SharedTemporaryDirectory;

// Writes one element of a one-dimensional uint64 dataset in place (to damage a file on purpose).
bool overwriteWord(const std::string& path, const char* name, hsize_t index, std::uint64_t word) {
  const PlainFile file(path, H5F_ACC_RDWR);
  if (!file.open()) return false;
  const hid_t dataset = H5Dopen2(file.id(), name, H5P_DEFAULT);
  const hid_t fileSpace = H5Dget_space(dataset);
  const hsize_t one = 1;
  H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &index, nullptr, &one, nullptr);
  const hid_t memory = H5Screate_simple(1, &one, nullptr);
  const bool written = H5Dwrite(dataset, H5T_NATIVE_UINT64, memory, fileSpace, H5P_DEFAULT, &word) >= 0;
  H5Sclose(memory);
  H5Sclose(fileSpace);
  H5Dclose(dataset);
  return written;
}

std::optional<std::uint64_t> readWord(const std::string& path, hsize_t index) {
  const PlainFile file(path, H5F_ACC_RDONLY);
  if (!file.open()) return std::nullopt;
  const auto road = readDataset<std::uint64_t>(file.id(), "road", H5T_NATIVE_UINT64, H5T_STD_U64LE);
  if (!road.found || index >= road.values.size()) return std::nullopt;
  return road.values[index];
}

// Writes `road` as a one-dimensional uint8 dataset `name` (groups made on the way), as another
// program would.
bool writeByteRoad(const std::string& path, const std::string& name, const ByteRoad& road) {
  const hid_t links = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(links, 1);
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hsize_t cells = road.size();
  const hid_t space = H5Screate_simple(1, &cells, nullptr);
  const hid_t dataset = H5Dcreate2(file, name.c_str(), H5T_STD_U8LE, space, links, H5P_DEFAULT, H5P_DEFAULT);
  const bool written =
      dataset >= 0 && H5Dwrite(dataset, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, road.data()) >= 0;
  H5Dclose(dataset);
  H5Sclose(space);
  H5Fclose(file);
  H5Pclose(links);
  return written;
}

// Runs one of convoy's collective calls. An exception fails the test but lets this rank go on to
// the next collective call as the others do; gtest would otherwise end the test on this rank alone
// and leave the others waiting.
template <typename Call>
void collectively(const Comm& comm, const char* what, Call&& call) {
  try {
    call();
  } catch (const std::exception& error) {
    ADD_FAILURE() << what << " threw on rank " << comm.rank() << " of " << comm.size() << ": " << error.what();
  }
}

// ---- The oracle ----

// docs/output.md: bin k of B covers the cells [floor(k N / B), floor((k+1) N / B)) and holds cars / cells.
std::vector<float> expectedProfile(const ByteRoad& road, std::uint64_t bins) {
  const std::uint64_t cells = road.size();
  std::vector<float> profile;
  for (std::uint64_t k = 0; k < bins; ++k) {
    const std::uint64_t begin = k * cells / bins;
    const std::uint64_t end = (k + 1) * cells / bins;
    std::uint64_t cars = 0;
    for (std::uint64_t i = begin; i < end; ++i) cars += road[i];
    profile.push_back(static_cast<float>(static_cast<double>(cars) / static_cast<double>(end - begin)));
  }
  return profile;
}

struct RoadCase {
  std::uint64_t cells;
  double density;
  std::uint64_t seed;
  std::uint64_t steps;
  std::uint64_t bins;
};

// What a snapshot of `road` at `step` must hold.
struct ExpectedSnapshot {
  const ByteRoad& road;
  std::uint64_t step;
  std::uint64_t bins;
  std::uint64_t cars;
  std::string config;
};

// On one process: the file, read with plain HDF5, holds exactly the expected snapshot.
void expectFileHoldsSnapshot(const std::string& path, const ExpectedSnapshot& expected) {
  SCOPED_TRACE("file " + path);
  const std::uint64_t cells = expected.road.size();
  const PlainFile file(path, H5F_ACC_RDONLY);
  ASSERT_TRUE(file.open());

  EXPECT_EQ(readTextAttribute(file.id(), "kind"), std::optional<std::string>("snapshot"));
  EXPECT_EQ(readTextAttribute(file.id(), "model"), std::optional<std::string>("rule184"));
  EXPECT_EQ(readTextAttribute(file.id(), "config"), std::optional<std::string>(expected.config));
  const std::optional<std::string> version = readTextAttribute(file.id(), "convoy_version");
  EXPECT_TRUE(version && !version->empty());
  const std::optional<std::string> encoding = readTextAttribute(file.id(), "encoding");
  EXPECT_TRUE(encoding && encoding->rfind("bits-v1", 0) == 0) << encoding.value_or("(no encoding attribute)");
  EXPECT_EQ(readUnsignedAttribute(file.id(), "cells"), std::optional<std::uint64_t>(cells));
  EXPECT_EQ(readUnsignedAttribute(file.id(), "cars"), std::optional<std::uint64_t>(expected.cars));
  EXPECT_EQ(readUnsignedAttribute(file.id(), "step"), std::optional<std::uint64_t>(expected.step));
  EXPECT_EQ(readUnsignedAttribute(file.id(), "digest"),
            std::optional<std::uint64_t>(mpitest::byteRoadDigest(expected.road)));

  // /road: cell i is bit i % 64 of word i / 64; the bits past the last cell are 0.
  const auto road = readDataset<std::uint64_t>(file.id(), "road", H5T_NATIVE_UINT64, H5T_STD_U64LE);
  ASSERT_TRUE(road.found);
  EXPECT_TRUE(road.storedTypeMatches) << "/road is not stored as uint64";
  ASSERT_EQ(road.shape, std::vector<hsize_t>{(cells + 63) / 64});
  std::uint64_t differing = 0;
  std::uint64_t firstDiffering = 0;
  for (std::uint64_t bit = 0; bit < 64 * road.values.size(); ++bit) {
    const bool stored = (road.values[bit / 64] >> (bit % 64)) & 1U;
    const bool wanted = bit < cells && expected.road[bit] != 0;
    if (stored != wanted && differing++ == 0) firstDiffering = bit;
  }
  EXPECT_EQ(differing, 0u) << "bits of /road that differ from the reference road; the first is bit " << firstDiffering
                           << (firstDiffering >= cells ? " (padding)" : "");

  const auto profile = readDataset<float>(file.id(), "density_profile", H5T_NATIVE_FLOAT, H5T_IEEE_F32LE);
  ASSERT_TRUE(profile.found);
  EXPECT_TRUE(profile.storedTypeMatches) << "/density_profile is not stored as float32";
  ASSERT_EQ(profile.shape, std::vector<hsize_t>{expected.bins});
  const std::vector<float> wantedProfile = expectedProfile(expected.road, expected.bins);
  for (std::uint64_t k = 0; k < expected.bins; ++k) {
    EXPECT_FLOAT_EQ(profile.values[k], wantedProfile[k]) << "bin " << k << " of " << expected.bins;
  }
}

// Collective: reads the road of `request` with init.from's reader into this rank's part of a road of
// `cells` cells, as `words` (filled with ones first, so that words not read show as set bits).
void readRoadWords(const Comm& comm, const io::RoadFileRequest& request, std::uint64_t cells,
                   std::vector<std::uint64_t>& words) {
  Rule184Road road(comm, Decomposition(cells, comm.size()));
  std::fill(road.words().begin(), road.words().end(), ~std::uint64_t{0});
  io::loadRoadFile(comm, request, road, 1);
  words.assign(road.words().begin(), road.words().end());
}

// Collective over `comm`: the road of `roadCase` after its steps, stepped on `comm`, written to `path`.
void writeSnapshotOn(const Comm& comm, const std::string& path, const RoadCase& roadCase, std::uint64_t cars,
                     const std::string& configText, std::uint64_t expectedDigest) {
  const Decomposition decomposition(roadCase.cells, comm.size());
  Rule184Road road(comm, decomposition);
  fillRandomRoad(road.words(), road.range(), roadCase.density, roadCase.seed);
  for (std::uint64_t s = 0; s < roadCase.steps; ++s) road.step();
  const io::RunIdentity identity{configText, roadCase.cells, cars, "rule184"};
  io::StateWrite written;
  collectively(comm, "writeSnapshot", [&] {
    written = io::writeSnapshot(comm, path, road, identity, roadCase.steps, roadCase.bins, h5::Settings{});
  });
  // Every rank took part in the collective writes, also ranks that own nothing: one per piece of
  // 2^22 words of the rank with the most.
  const std::uint64_t mostWords = packed::wordsFor(decomposition.range(0).cells());
  EXPECT_EQ(written.transfers, std::max<std::uint64_t>(1, (mostWords + io::kPieceWords - 1) / io::kPieceWords))
      << "rank " << comm.rank() << " of " << comm.size() << " owning [" << road.range().begin << ", "
      << road.range().end << ")";
  EXPECT_EQ(written.digest, expectedDigest) << "on " << comm.size() << " ranks";
}

// Collective over `comm`: reads the snapshot back into `comm`'s decomposition, compares every owned
// cell with the reference, and lets `convoy inspect` recompute the digest.
void readSnapshotOn(const Comm& comm, const std::string& path, const ByteRoad& expected) {
  const std::uint64_t cells = expected.size();
  const Decomposition decomposition(cells, comm.size());
  const CellRange range = decomposition.range(comm.rank());
  io::RoadFileInfo info;
  collectively(comm, "describeRoadFile", [&] { info = io::describeRoadFile(comm, {path, ""}); });
  EXPECT_EQ(info.encoding, io::RoadEncoding::PackedBits);
  EXPECT_EQ(info.cells, cells);
  EXPECT_EQ(info.dataset, "road");

  // Words that are not overwritten show up as set cells and set padding bits.
  std::vector<std::uint64_t> words(packed::wordsFor(range.cells()), ~std::uint64_t{0});
  collectively(comm, "loadRoadFile", [&] { readRoadWords(comm, {path, ""}, cells, words); });
  const mpitest::RangeComparison local = mpitest::compareRange(words, range, expected);
  EXPECT_EQ(local.mismatches, 0u) << "reading on rank " << comm.rank() << " of " << comm.size() << " owning ["
                                  << range.begin << ", " << range.end << "): " << local.first;
  EXPECT_EQ(mpitest::sumOverRanks(comm, local.mismatches), 0u) << "cells read back wrong, all ranks";
  EXPECT_EQ(mpitest::sumOverRanks(comm, packed::countCars(words)), mpitest::carsOf(expected));

  std::ostringstream summary;
  ExitCode inspected = ExitCode::RuntimeFailure;
  collectively(comm, "inspectFile", [&] { inspected = io::inspectFile(comm, path, summary); });
  EXPECT_EQ(inspected, ExitCode::Success) << summary.str();
  if (comm.isRoot()) {
    EXPECT_NE(summary.str().find("matches"), std::string::npos) << summary.str();
    EXPECT_EQ(summary.str().find("DOES NOT MATCH"), std::string::npos) << summary.str();
  }
}

// A part of the world of another size than the world (all ranks but world rank 0, or the one rank
// of a one-rank world), with its ranks in reverse order so that its rank 0 is not the world's.
bool inOtherPart(const Comm& world) { return world.size() == 1 || world.rank() > 0; }

mpitest::SplitComm otherPart(const Comm& world) {
  return mpitest::SplitComm(world, inOtherPart(world) ? 0 : MPI_UNDEFINED, world.size() - world.rank());
}

void expectSnapshotRoundTrips(const RoadCase& roadCase) {
  mpitest::silenceLogs();
  const Comm world = Comm::world();
  // The oracle first: no MPI, every rank the same work.
  const ByteRoad initial = mpitest::randomByteRoad(roadCase.cells, roadCase.density, roadCase.seed);
  const mpitest::ReferenceRun reference = mpitest::runReference(initial, roadCase.steps);
  const std::uint64_t cars = mpitest::carsOf(initial);
  const std::uint64_t expectedDigest = mpitest::byteRoadDigest(reference.road);
  ASSERT_GT(cars, 0u) << "the road must hold cars for the comparison to have teeth";
  const std::string configText = "road:\n  cells: " + std::to_string(roadCase.cells) + "\n# a test's identity\n";
  const ExpectedSnapshot expected{reference.road, roadCase.steps, roadCase.bins, cars, configText};

  const SharedTemporaryDirectory directory(world, "convoy-snapshot-mpi");
  const std::string fromWorld = (directory.path() / io::snapshotFileName(roadCase.steps)).string();
  const std::string fromPart = (directory.path() / "written_by_part.h5").string();

  // Written on the world, read back on the other part.
  writeSnapshotOn(world, fromWorld, roadCase, cars, configText, expectedDigest);
  if (world.isRoot()) {
    expectFileHoldsSnapshot(fromWorld, expected);
    EXPECT_FALSE(fs::exists(fromWorld + ".tmp")) << "the temporary file was left behind";
    EXPECT_EQ(io::snapshotFileName(roadCase.steps).size(), std::string("snapshot_000000000000.h5").size());
  }
  world.barrier();
  {
    const mpitest::SplitComm part = otherPart(world);
    EXPECT_EQ(part.member(), inOtherPart(world));
    if (part.member()) {
      EXPECT_EQ(part.comm().size(), world.size() == 1 ? 1 : world.size() - 1);
      readSnapshotOn(part.comm(), fromWorld, reference.road);
    }
    world.barrier();  // the ranks outside the part wait here

    // Written on the other part, read back on the world.
    if (part.member()) writeSnapshotOn(part.comm(), fromPart, roadCase, cars, configText, expectedDigest);
    world.barrier();
  }
  if (world.isRoot()) expectFileHoldsSnapshot(fromPart, expected);
  world.barrier();
  readSnapshotOn(world, fromPart, reference.road);
}

// 100003 = 1562 x 64 + 35: the last word is partly used, and the ranks' parts split unevenly.
TEST(MPI, SnapshotOfARoadEndingMidWordReadsBackOnAnotherRankCount) {
  expectSnapshotRoundTrips({100'003, 0.4, 7, 37, 997});
}

// Two words: at three and four ranks some ranks own nothing and write and read empty selections.
TEST(MPI, SnapshotOfATwoWordRoadReadsBackWhenSomeRanksOwnNothing) { expectSnapshotRoundTrips({100, 0.5, 7, 13, 7}); }

// Whole words only, one bin per cell.
TEST(MPI, SnapshotOfARoadOfWholeWordsReadsBackOnAnotherRankCount) {
  expectSnapshotRoundTrips({7 * 64, 0.55, 3, 20, 7 * 64});
}

// One cell holding one car (density 1): the smallest road, one word of 63 padding bits.
TEST(MPI, SnapshotOfAOneCellRoadReadsBackOnAnotherRankCount) { expectSnapshotRoundTrips({1, 1.0, 5, 3, 1}); }

TEST(MPI, SnapshotFileNamesHoldTheStepInTwelveDigits) {
  EXPECT_EQ(io::snapshotFileName(0), "snapshot_000000000000.h5");
  EXPECT_EQ(io::snapshotFileName(50), "snapshot_000000000050.h5");
  EXPECT_EQ(io::snapshotFileName(123'456'789'012), "snapshot_123456789012.h5");
}

// A word of /road altered after writing: inspect recomputes the digest and says it does not match
// (exit status 2), on every rank count. Padding bits set past the last cell: a reader refuses the
// file on every rank (no rank is left in a collective call).
TEST(MPI, AlteredSnapshotsAreDetectedOnEveryRank) {
  mpitest::silenceLogs();
  const Comm world = Comm::world();
  const RoadCase roadCase{100'003, 0.45, 11, 5, 64};
  const ByteRoad initial = mpitest::randomByteRoad(roadCase.cells, roadCase.density, roadCase.seed);
  const mpitest::ReferenceRun reference = mpitest::runReference(initial, roadCase.steps);
  const std::uint64_t cars = mpitest::carsOf(initial);
  const SharedTemporaryDirectory directory(world, "convoy-snapshot-mpi");
  const std::string path = (directory.path() / "snapshot.h5").string();
  writeSnapshotOn(world, path, roadCase, cars, "test", mpitest::byteRoadDigest(reference.road));

  // The last cell's bit flipped: in the last word, owned by the last rank that owns cells.
  const hsize_t lastWord = (roadCase.cells - 1) / 64;
  const std::uint64_t lastCellBit = std::uint64_t{1} << ((roadCase.cells - 1) % 64);
  std::uint64_t original = 0;
  if (world.isRoot()) {
    // No ASSERT here: the other ranks are on their way to a collective call.
    const std::optional<std::uint64_t> word = readWord(path, lastWord);
    EXPECT_TRUE(word.has_value()) << "cannot read back the last word of /road";
    original = word.value_or(0);
    EXPECT_TRUE(overwriteWord(path, "road", lastWord, original ^ lastCellBit));
  }
  world.barrier();
  std::ostringstream summary;
  ExitCode inspected = ExitCode::Success;
  collectively(world, "inspectFile", [&] { inspected = io::inspectFile(world, path, summary); });
  EXPECT_EQ(inspected, ExitCode::BadInput) << summary.str();
  if (world.isRoot()) {
    EXPECT_NE(summary.str().find("DOES NOT MATCH"), std::string::npos) << summary.str();
  }

  // The cell restored, and a padding bit (bit 63: 100003 % 64 = 35 cells used) set.
  if (world.isRoot()) {
    EXPECT_TRUE(overwriteWord(path, "road", lastWord, original | (std::uint64_t{1} << 63)));
  }
  world.barrier();
  std::vector<std::uint64_t> words(
      packed::wordsFor(Decomposition(roadCase.cells, world.size()).range(world.rank()).cells()));
  std::int64_t refused = 0;
  std::string message;
  try {
    readRoadWords(world, {path, ""}, roadCase.cells, words);
  } catch (const InputError& error) {
    refused = 1;
    message = error.what();
  } catch (const std::exception& error) {
    ADD_FAILURE() << "rank " << world.rank() << ": not an InputError: " << error.what();
  }
  EXPECT_EQ(world.sum(refused), world.size()) << "ranks that refused the damaged file";
  EXPECT_NE(message.find(path), std::string::npos) << "rank " << world.rank() << ": " << message;
}

// A plain uint8 dataset of 0/1 per cell (what another program writes), in a group, is read into
// every rank's part; one with other values is refused on every rank, wherever the bad cells lie.
TEST(MPI, ByteRoadDatasetsAreReadIntoEveryRanksPart) {
  mpitest::silenceLogs();
  const Comm world = Comm::world();
  const SharedTemporaryDirectory directory(world, "convoy-snapshot-mpi");
  for (const std::uint64_t cells : {100'003ULL, 100ULL, 1ULL}) {
    SCOPED_TRACE("cells " + std::to_string(cells));
    const ByteRoad road = mpitest::randomByteRoad(cells, cells == 1 ? 1.0 : 0.5, 99);
    const std::string path = (directory.path() / ("bytes_" + std::to_string(cells) + ".h5")).string();
    if (world.isRoot()) {
      EXPECT_TRUE(writeByteRoad(path, "input/cells", road));
    }
    world.barrier();

    io::RoadFileInfo info;
    collectively(world, "describeRoadFile", [&] { info = io::describeRoadFile(world, {path, "input/cells"}); });
    EXPECT_EQ(info.encoding, io::RoadEncoding::BytePerCell);
    EXPECT_EQ(info.cells, cells);
    const CellRange range = Decomposition(cells, world.size()).range(world.rank());
    std::vector<std::uint64_t> words(packed::wordsFor(range.cells()), ~std::uint64_t{0});
    collectively(world, "loadRoadFile", [&] { readRoadWords(world, {path, "input/cells"}, cells, words); });
    const mpitest::RangeComparison local = mpitest::compareRange(words, range, road);
    EXPECT_EQ(local.mismatches, 0u) << "rank " << world.rank() << ": " << local.first;

    // A 2 in the last cell (the last owning rank's part) and a 3 in the first (rank 0's).
    ByteRoad bad = road;
    bad.back() = 2;
    bad.front() = 3;
    const std::string badPath = (directory.path() / ("bad_" + std::to_string(cells) + ".h5")).string();
    if (world.isRoot()) {
      EXPECT_TRUE(writeByteRoad(badPath, "road", bad));
    }
    world.barrier();
    std::int64_t refused = 0;
    std::string message;
    try {
      readRoadWords(world, {badPath, ""}, cells, words);
    } catch (const InputError& error) {
      refused = 1;
      message = error.what();
    } catch (const std::exception& error) {
      ADD_FAILURE() << "rank " << world.rank() << ": not an InputError: " << error.what();
    }
    EXPECT_EQ(world.sum(refused), world.size()) << "ranks that refused values other than 0 and 1";
    EXPECT_NE(message.find(badPath), std::string::npos) << message;
    EXPECT_NE(message.find("other than 0 and 1"), std::string::npos) << message;
    EXPECT_NE(message.find(cells == 1 ? "in 1 cell" : "in 2 cells"), std::string::npos) << message;
  }
}

// convoy run's outputs: a snapshot at every multiple of output.snapshot_every, each holding the
// reference road of its step, and nothing else in the snapshots folder.
TEST(MPI, RunOutputsWriteASnapshotAtEveryMultipleOfSnapshotEvery) {
  mpitest::silenceLogs();
  const Comm world = Comm::world();
  const SharedTemporaryDirectory directory(world, "convoy-snapshot-mpi");
  Config config;
  config.road.cells = 10'007;
  config.init.density = 0.45;
  config.init.seed = 21;
  config.run.steps = 60;
  config.output.directory = directory.path().string();
  config.output.snapshotEvery = 20;
  config.output.profileBins = 100;
  config.logging.progressSeconds = 0;

  ByteRoad road = mpitest::randomByteRoad(config.road.cells, config.init.density, config.init.seed);
  const std::uint64_t cars = mpitest::carsOf(road);
  std::vector<ByteRoad> expectedRoads;  // at steps 20, 40, 60
  for (int block = 0; block < 3; ++block) {
    road = mpitest::runReference(road, 20).road;
    expectedRoads.push_back(road);
  }

  collectively(world, "the run with its outputs", [&] {
    Simulation simulation(world, config, initialRoad(world, config));
    RunOutputs outputs(world, config, simulation, SeriesStart{});
    simulation.run();
    outputs.finish();
  });
  world.barrier();

  if (world.isRoot()) {
    const fs::path snapshots = directory.path() / "snapshots";
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(snapshots)) names.insert(entry.path().filename().string());
    EXPECT_EQ(names, (std::set<std::string>{"snapshot_000000000020.h5", "snapshot_000000000040.h5",
                                            "snapshot_000000000060.h5"}));
    for (std::uint64_t k = 0; k < 3; ++k) {
      const std::uint64_t step = 20 * (k + 1);
      expectFileHoldsSnapshot((snapshots / io::snapshotFileName(step)).string(),
                              {expectedRoads[k], step, 100, cars, toYaml(config)});
    }
  }
}

}  // namespace
}  // namespace convoy
