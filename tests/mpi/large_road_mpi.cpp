// A road longer than 2^31 cells (such roads must work), checked sparsely. Whole-road
// quantities of the initial road (cars, digest, moves of the first step) come from one pass of the
// generator's per-cell query over each rank's range; the road after a few steps is checked in windows
// (around the wrap, cell 2^31, the middle and every rank boundary) against the reference kernel run on
// the window's initial cells: cell i after t steps depends only on initial cells i - t .. i + t.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "convoy/core/decomposition.hpp"
#include "convoy/core/digest.hpp"
#include "convoy/model/initial_road.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/parallel/rule184_road.hpp"
#include "mpi_test_support.hpp"

namespace convoy {
namespace {

using mpitest::ByteRoad;

constexpr std::uint64_t kCells = (std::uint64_t{1} << 31) + 1001;
constexpr double kDensity = 0.5;
constexpr std::uint64_t kSeed = 5743;
constexpr std::uint64_t kSteps = 3;
constexpr std::uint64_t kHalfWindow = 300;

bool initialCell(std::uint64_t cell) { return randomRoadCell(cell % kCells, kDensity, kSeed); }

// This rank's share of whole-road quantities of the initial road, from the per-cell query.
struct InitialTally {
  std::uint64_t cars = 0;
  std::uint64_t carsWithGapAhead = 0;  // the cars that move in the first step
  std::uint64_t digestSum = 0;
};

InitialTally tallyInitialRange(CellRange range) {
  InitialTally tally;
  if (range.empty()) return tally;
  bool here = initialCell(range.begin);
  std::uint64_t word = 0;  // the global packed word being built, cell by cell (ranges start on words)
  for (std::uint64_t i = range.begin; i < range.end; ++i) {
    const bool ahead = initialCell(i + 1);  // wraps past the last cell
    if (here) {
      ++tally.cars;
      word |= std::uint64_t{1} << (i % 64);
      tally.carsWithGapAhead += ahead ? 0 : 1;
    }
    if (i % 64 == 63 || i + 1 == range.end) {
      tally.digestSum += digest::wordCode(i / 64, word);
      word = 0;
    }
    here = ahead;
  }
  return tally;
}

// Global cells first, first + 1, ... (count of them, modulo the road length).
struct Window {
  std::string name;
  std::uint64_t first = 0;
  std::uint64_t count = 0;
};

std::vector<Window> windowsToCheck(const Decomposition& decomposition) {
  const auto around = [](std::string name, std::uint64_t centre) {
    return Window{std::move(name), (centre + kCells - kHalfWindow) % kCells, 2 * kHalfWindow};
  };
  std::vector<Window> windows{around("the wrap at cell 0", 0), around("cell 2^31", std::uint64_t{1} << 31),
                              around("cell 2^31 - 64", (std::uint64_t{1} << 31) - 64),
                              around("the middle", kCells / 2)};
  for (int r = 1; r < decomposition.ranks(); ++r) {
    windows.push_back(around("the boundary of rank " + std::to_string(r), decomposition.range(r).begin));
  }
  return windows;
}

// The window's cells after `kSteps` steps: the reference kernel on the window widened by more than
// kSteps cells each side, run as a small ring; the ring's false wrap reaches only kSteps cells in.
ByteRoad referenceWindow(const Window& window) {
  const std::uint64_t widen = kSteps + 8;
  const std::uint64_t start = (window.first + kCells - widen) % kCells;
  ByteRoad cells(window.count + 2 * widen);
  for (std::uint64_t k = 0; k < cells.size(); ++k) cells[k] = initialCell(start + k) ? 1 : 0;
  const mpitest::ReferenceRun run = mpitest::runReference(cells, kSteps);
  return ByteRoad(run.road.begin() + static_cast<std::ptrdiff_t>(widen),
                  run.road.begin() + static_cast<std::ptrdiff_t>(widen + window.count));
}

TEST(MPI, RoadLongerThan2To31CellsStepsCorrectly) {
  const Comm comm = Comm::world();
  const Decomposition decomposition(kCells, comm.size());
  Rule184Road road(comm, decomposition);
  const CellRange range = road.range();
  mpitest::expectRangesTileRoad(comm, range, kCells);

  fillRandomRoad(road.words(), range, kDensity, kSeed);
  const InitialTally local = tallyInitialRange(range);
  std::array<std::uint64_t, 3> whole{local.cars, local.carsWithGapAhead, local.digestSum};
  comm.sumInPlace(whole);
  const std::uint64_t cars = whole[0];
  const std::uint64_t firstStepMoves = whole[1];
  // A fair coin over 2^31 cells: far from empty or full, so the checks below have teeth.
  ASSERT_GT(cars, kCells / 4);
  ASSERT_LT(cars, 3 * kCells / 4);
  EXPECT_EQ(road.globalCars(), cars) << "initial road";
  EXPECT_EQ(road.globalDigest(), digest::finish(whole[2], kCells)) << "initial road";

  std::vector<std::int64_t> moves(kSteps, 0);
  for (std::int64_t& moved : moves) moved = static_cast<std::int64_t>(road.step());
  comm.sumInPlace(moves);
  EXPECT_EQ(moves[0], static_cast<std::int64_t>(firstStepMoves)) << "global moves of the first step";
  for (const std::int64_t moved : moves) {
    EXPECT_GT(moved, 0);
    EXPECT_LE(moved, static_cast<std::int64_t>(std::min(cars, kCells - cars)));
  }
  EXPECT_EQ(road.globalCars(), cars) << "cars not conserved";
  EXPECT_EQ(road.words().back() & ~packed::lastWordMask(range.cells()), 0u) << "padding bits set";

  // Each rank checks the window cells it owns; together the ranks check every window cell once.
  std::uint64_t checked = 0;
  std::uint64_t windowCells = 0;
  std::uint64_t wrong = 0;
  for (const Window& window : windowsToCheck(decomposition)) {
    windowCells += window.count;
    const ByteRoad expected = referenceWindow(window);
    for (std::uint64_t k = 0; k < window.count; ++k) {
      const std::uint64_t cell = (window.first + k) % kCells;
      if (!range.contains(cell)) continue;
      ++checked;
      const bool actual = packed::cell(road.words(), cell - range.begin);
      if (actual != (expected[k] != 0) && ++wrong <= 10) {
        ADD_FAILURE() << "rank " << comm.rank() << ": cell " << cell << " near " << window.name << " is "
                      << (actual ? "occupied" : "empty") << " after " << kSteps << " steps; reference says "
                      << (expected[k] != 0 ? "occupied" : "empty");
      }
    }
  }
  EXPECT_EQ(mpitest::sumOverRanks(comm, checked), windowCells) << "window cells checked by the ranks together";
  EXPECT_EQ(mpitest::sumOverRanks(comm, wrong), 0u) << "window cells differing from the reference";
}

}  // namespace
}  // namespace convoy
