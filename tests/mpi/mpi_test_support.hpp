// Shared helpers of the MPI tests. The oracle is independent of the code under test: the plain
// one-byte-per-cell reference kernel run over the whole road on every rank, filled cell by cell from
// the generator's per-cell query (not the packed fill), with a digest summed cell by cell. The
// collective helpers are called by every rank, so a failing check never leaves a rank behind in a
// collective call.
#pragma once

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "convoy/core/decomposition.hpp"
#include "convoy/core/digest.hpp"
#include "convoy/core/packed_road.hpp"
#include "convoy/model/initial_road.hpp"
#include "convoy/model/reference_kernel.hpp"
#include "convoy/parallel/comm.hpp"

namespace convoy::mpitest {

// A whole road, one byte (0 or 1) per cell, indexed by global cell.
using ByteRoad = std::vector<std::uint8_t>;

// The run loop logs a line per run on every rank; the tests' output is clearer without it.
inline void silenceLogs() { spdlog::set_level(spdlog::level::off); }

// The initial road, cell by cell from the generator's per-cell query.
inline ByteRoad randomByteRoad(std::uint64_t cells, double density, std::uint64_t seed) {
  ByteRoad road(cells);
  for (std::uint64_t i = 0; i < cells; ++i) road[i] = randomRoadCell(i, density, seed) ? 1 : 0;
  return road;
}

inline std::uint64_t carsOf(const ByteRoad& road) {
  return static_cast<std::uint64_t>(std::count(road.begin(), road.end(), std::uint8_t{1}));
}

// The digest as docs/model.md defines it, from the byte road: packed cell by cell into the global
// words, each word's code summed mod 2^64, then finished with the road length.
inline std::uint64_t byteRoadDigest(const ByteRoad& road) {
  std::vector<std::uint64_t> words((road.size() + 63) / 64, 0);
  for (std::uint64_t i = 0; i < road.size(); ++i) {
    if (road[i] != 0) words[i / 64] |= std::uint64_t{1} << (i % 64);
  }
  std::uint64_t sum = 0;
  for (std::uint64_t j = 0; j < words.size(); ++j) sum += digest::wordCode(j, words[j]);
  return digest::finish(sum, road.size());
}

// The reference kernel's road after `steps` steps and its moves in each step.
struct ReferenceRun {
  ByteRoad road;
  std::vector<std::int64_t> moves;
};

inline ReferenceRun runReference(ByteRoad road, std::uint64_t steps) {
  ReferenceRun run;
  run.moves.reserve(steps);
  ByteRoad next;
  for (std::uint64_t s = 0; s < steps; ++s) {
    run.moves.push_back(static_cast<std::int64_t>(reference::stepRing(road, next)));
    road.swap(next);
  }
  run.road = std::move(road);
  return run;
}

// How this rank's packed cells differ from the expected whole road.
struct RangeComparison {
  std::uint64_t mismatches = 0;
  std::string first;  // the first difference, for the failure message
};

// Compares the packed cells of `range` with `expected` (indexed by global cell). The words must be
// exactly those of the range, with zero padding (packed_road.hpp promises it; car counts rely on it).
inline RangeComparison compareRange(std::span<const std::uint64_t> words, CellRange range, const ByteRoad& expected) {
  RangeComparison result;
  if (words.size() != packed::wordsFor(range.cells())) {
    result.mismatches = 1;
    result.first = std::to_string(words.size()) + " words for " + std::to_string(range.cells()) + " cells";
    return result;
  }
  for (std::uint64_t i = range.begin; i < range.end; ++i) {
    const bool actual = packed::cell(words, i - range.begin);
    const bool wanted = expected[i] != 0;
    if (actual != wanted && result.mismatches++ == 0) {
      result.first = "cell " + std::to_string(i) + " is " + (actual ? "occupied" : "empty") + ", reference says " +
                     (wanted ? "occupied" : "empty");
    }
  }
  if (!words.empty() && (words.back() & ~packed::lastWordMask(range.cells())) != 0) {
    if (result.mismatches++ == 0) result.first = "padding bits past the last cell are set";
  }
  return result;
}

// Collective: the sum over all ranks (modulo 2^64).
inline std::uint64_t sumOverRanks(const Comm& comm, std::uint64_t value) {
  std::array<std::uint64_t, 1> values{value};
  comm.sumInPlace(values);
  return values[0];
}

// Collective: every rank's range, in rank order.
inline std::vector<CellRange> gatherRanges(const Comm& comm, CellRange mine) {
  std::vector<std::uint64_t> bounds(2 * static_cast<std::size_t>(comm.size()), 0);
  bounds[2 * static_cast<std::size_t>(comm.rank())] = mine.begin;
  bounds[2 * static_cast<std::size_t>(comm.rank()) + 1] = mine.end;
  comm.sumInPlace(bounds);
  std::vector<CellRange> ranges;
  for (std::size_t r = 0; r < bounds.size(); r += 2) ranges.push_back({bounds[r], bounds[r + 1]});
  return ranges;
}

// Collective: the ranks' ranges tile [0, cells) in rank order, and the ranks that own cells are the
// first ones (decomposition.hpp: ranks from activeRanks() on own nothing), at least one of them.
inline void expectRangesTileRoad(const Comm& comm, CellRange mine, std::uint64_t cells) {
  const std::vector<CellRange> ranges = gatherRanges(comm, mine);
  std::uint64_t next = 0;
  std::size_t owning = 0;
  for (std::size_t r = 0; r < ranges.size(); ++r) {
    EXPECT_EQ(ranges[r].begin, next) << "rank " << r << "'s range does not start where the previous one ends";
    EXPECT_LE(ranges[r].begin, ranges[r].end) << "rank " << r;
    next = ranges[r].end;
    if (!ranges[r].empty()) {
      EXPECT_EQ(owning, r) << "rank " << r << " owns cells but a rank before it owns none";
      ++owning;
    }
  }
  EXPECT_EQ(next, cells) << "the ranges do not end at the end of the road";
  EXPECT_GE(owning, cells > 0 ? 1u : 0u);
  EXPECT_EQ(static_cast<int>(owning), Decomposition(cells, comm.size()).activeRanks());
}

// Writes the cells of `range` of a whole byte road into a rank's packed words (padding zero).
inline void loadRange(std::span<std::uint64_t> words, CellRange range, const ByteRoad& road) {
  std::fill(words.begin(), words.end(), 0);
  for (std::uint64_t i = range.begin; i < range.end; ++i) packed::setCell(words, i - range.begin, road[i] != 0);
}

// A communicator split from `parent` (collective over `parent`): ranks passing the same `colour`
// share one; ranks passing MPI_UNDEFINED get none. Freed when it goes out of scope.
class SplitComm {
 public:
  SplitComm(const Comm& parent, int colour, int key) {
    CONVOY_MPI_CHECK(MPI_Comm_split(parent.raw(), colour, key, &raw_));
    if (raw_ != MPI_COMM_NULL) comm_.emplace(raw_);
  }
  ~SplitComm() {
    comm_.reset();
    if (raw_ != MPI_COMM_NULL) MPI_Comm_free(&raw_);
  }
  SplitComm(const SplitComm&) = delete;
  SplitComm& operator=(const SplitComm&) = delete;

  bool member() const { return comm_.has_value(); }
  const Comm& comm() const { return *comm_; }

 private:
  MPI_Comm raw_ = MPI_COMM_NULL;
  std::optional<Comm> comm_;
};

// A temporary directory that rank 0 makes, every rank knows, and rank 0 removes after all are done.
class SharedTemporaryDirectory {
 public:
  SharedTemporaryDirectory(const Comm& comm, const std::string& prefix) : comm_(comm) {
    std::string made;
    if (comm.isRoot()) {
      std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
      if (::mkdtemp(pattern.data()) != nullptr) made = pattern;
    }
    path_ = comm.broadcast(made);
    if (path_.empty()) ADD_FAILURE() << "rank 0 could not make a temporary directory";
  }
  ~SharedTemporaryDirectory() {
    MPI_Barrier(comm_.raw());
    std::error_code error;
    if (comm_.isRoot() && !path_.empty()) std::filesystem::remove_all(path_, error);
  }
  SharedTemporaryDirectory(const SharedTemporaryDirectory&) = delete;
  SharedTemporaryDirectory& operator=(const SharedTemporaryDirectory&) = delete;
  std::filesystem::path path() const { return path_; }

 private:
  const Comm& comm_;
  std::filesystem::path path_;
};

}  // namespace convoy::mpitest
