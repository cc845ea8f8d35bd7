// Side-by-side kernel benchmark, one process, one core, the same roads (rings, density 0.52):
//   reference   the workshop's one-byte-per-cell algorithm (reference::stepWithHalos, its C loop)
//   numpy-like  the numpy version's whole-array passes over bytes (roll, not, and, or, sum), in C++
//   packed      convoy's bit-packed step, one step per sweep of the road, per kernel variant
//   blocked     the packed step with temporal blocking: tiles advanced `halo` steps per sweep
// Prints cells per CPU second and the ratio to the reference measured in the same run. tools/bench runs it.
//   convoy-bench [--large] [--seconds S] [--tile WORDS] [--halo CELLS] [--cells N] [--wall]
//   (--large adds the 10^9-cell road: ~2.5 GB of memory for the reference's byte arrays)
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "convoy/core/packed_road.hpp"
#include "convoy/model/initial_road.hpp"
#include "convoy/model/reference_kernel.hpp"
#include "convoy/model/rule184.hpp"

namespace {

// The process's CPU time, not the wall clock: on a shared machine the time this process waits for a
// core is not the kernel's (the benchmark is single-threaded). --wall measures wall time instead.
double cpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

double wallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

bool useWallClock = false;
double seconds() { return useWallClock ? wallSeconds() : cpuSeconds(); }
using convoy::rule184::Isa;
constexpr double kDensity = 0.52;
constexpr std::uint64_t kSeed = 5743;

struct Options {
  bool large = false;
  double seconds = 1.0;  // each kernel runs at least this long on each road
  std::uint64_t tileWords = 1024;
  std::uint64_t haloCells = 256;
  std::uint64_t onlyCells = 0;  // one road of this many cells instead of the standard ones
};

struct Rate {
  double cellsPerSecond = 0.0;
  std::uint64_t firstMoves = 0;  // the moves of the first step, to show the kernels agree
};

// `advance()` runs some steps and returns {steps run, moves of the first of them}.
struct Advanced {
  std::uint64_t steps;
  std::uint64_t firstMoves;
};

template <typename Advance>
Rate measure(std::uint64_t cells, double minimumSeconds, Advance advance) {
  Rate rate;
  rate.firstMoves = advance().firstMoves;  // warm-up (and page faults) outside the clock
  std::uint64_t steps = 0;
  const double start = seconds();
  double elapsed = 0.0;
  while (elapsed < minimumSeconds || steps < 3) {
    steps += advance().steps;
    elapsed = seconds() - start;
  }
  rate.cellsPerSecond = static_cast<double>(cells) * static_cast<double>(steps) / elapsed;
  return rate;
}

std::vector<std::uint8_t> bytesOf(const std::vector<std::uint64_t>& words, std::uint64_t cells) {
  std::vector<std::uint8_t> bytes(cells);
  for (std::uint64_t i = 0; i < cells; ++i) bytes[i] = convoy::packed::cell(words, i) ? 1 : 0;
  return bytes;
}

Rate referenceRate(const std::vector<std::uint64_t>& words, std::uint64_t cells, const Options& options) {
  std::vector<std::uint8_t> old(cells + 2), next(cells + 2);
  const std::vector<std::uint8_t> bytes = bytesOf(words, cells);
  std::copy(bytes.begin(), bytes.end(), old.begin() + 1);  // cells 1..n; 0 and n + 1 are the halos
  return measure(cells, options.seconds, [&] {
    old[0] = old[cells];  // the workshop's halo update on a ring
    old[cells + 1] = old[1];
    const std::uint64_t moved = convoy::reference::stepWithHalos(old, next);
    old.swap(next);
    return Advanced{1, moved};
  });
}

// The numpy version: new = (roll(road, 1) & ~road) | (road & roll(road, -1)); moved = sum(road & ~right),
// one whole-array pass per operation into preallocated arrays (numpy's out=; plain numpy also
// allocates every temporary).
Rate numpyLikeRate(const std::vector<std::uint64_t>& words, std::uint64_t cells, const Options& options) {
  std::vector<std::uint8_t> roadBytes = bytesOf(words, cells);
  std::vector<std::uint8_t> leftBytes(cells), rightBytes(cells), notRoadBytes(cells), arrivingBytes(cells),
      stayingBytes(cells), movedBytes(cells);
  // Plain pointers: through std::vector<std::uint8_t> the compiler must assume every byte store may
  // change the vectors themselves (char aliasing) and would not vectorise the passes, as numpy does.
  std::uint8_t* const road = roadBytes.data();
  std::uint8_t* const left = leftBytes.data();
  std::uint8_t* const right = rightBytes.data();
  std::uint8_t* const notRoad = notRoadBytes.data();
  std::uint8_t* const arriving = arrivingBytes.data();
  std::uint8_t* const staying = stayingBytes.data();
  std::uint8_t* const moved = movedBytes.data();
  const std::size_t n = cells;
  return measure(cells, options.seconds, [=] {
    left[0] = road[n - 1];
    std::memcpy(left + 1, road, n - 1);
    std::memcpy(right, road + 1, n - 1);
    right[n - 1] = road[0];
    for (std::size_t i = 0; i < n; ++i) notRoad[i] = static_cast<std::uint8_t>(road[i] ^ 1);
    for (std::size_t i = 0; i < n; ++i) arriving[i] = left[i] & notRoad[i];
    for (std::size_t i = 0; i < n; ++i) staying[i] = road[i] & right[i];
    for (std::size_t i = 0; i < n; ++i) moved[i] = road[i] & static_cast<std::uint8_t>(right[i] ^ 1);
    for (std::size_t i = 0; i < n; ++i) road[i] = arriving[i] | staying[i];
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += moved[i];
    return Advanced{1, sum};
  });
}

Rate packedRate(std::vector<std::uint64_t> words, std::uint64_t cells, Isa isa, const Options& options) {
  std::vector<std::uint64_t> next(words.size());
  return measure(cells, options.seconds, [&] {
    const bool left = convoy::packed::cell(words, cells - 1);
    const bool right = convoy::packed::cell(words, 0);
    const std::uint64_t moved = convoy::rule184::stepPacked(words, next, cells, left, right, isa);
    words.swap(next);
    return Advanced{1, moved};
  });
}

// Cells [first, first + count) of a ring, packed from bit 0 (the blocked kernel's halos).
std::vector<std::uint64_t> ringCells(const std::vector<std::uint64_t>& words, std::uint64_t cells, std::uint64_t first,
                                     std::uint64_t count) {
  std::vector<std::uint64_t> run(convoy::packed::wordsFor(count), 0);
  for (std::uint64_t c = 0; c < count; ++c) {
    if (convoy::packed::cell(words, (first + c) % cells)) convoy::packed::setCell(run, c, true);
  }
  return run;
}

Rate blockedRate(std::vector<std::uint64_t> words, std::uint64_t cells, Isa isa, const Options& options) {
  std::vector<std::uint64_t> next(words.size());
  const std::uint64_t halo = std::min(options.haloCells, cells);
  std::vector<std::uint64_t> moves(halo);
  convoy::rule184::Advance advance;
  advance.cells = cells;
  advance.haloCells = halo;
  advance.steps = halo;
  advance.tileWords = options.tileWords;
  advance.isa = isa;
  return measure(cells, options.seconds, [&] {
    const std::vector<std::uint64_t> left = ringCells(words, cells, cells - halo, halo);
    const std::vector<std::uint64_t> right = ringCells(words, cells, 0, halo);
    std::fill(moves.begin(), moves.end(), 0);
    convoy::rule184::advancePacked(advance, words, next, left, right, moves, {});
    words.swap(next);
    return Advanced{halo, moves[0]};
  });
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool hasValue = i + 1 < argc;
    if (arg == "--large") {
      options.large = true;
    } else if (arg == "--wall") {
      useWallClock = true;
    } else if (arg == "--seconds" && hasValue) {
      options.seconds = std::atof(argv[++i]);
    } else if (arg == "--tile" && hasValue) {
      options.tileWords = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--cells" && hasValue) {
      options.onlyCells = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--halo" && hasValue) {
      options.haloCells = std::strtoull(argv[++i], nullptr, 10);
    } else {
      std::fprintf(stderr,
                   "usage: convoy-bench [--large] [--seconds S] [--tile WORDS] [--halo CELLS] [--cells N] [--wall]\n");
      std::exit(2);
    }
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  std::vector<std::uint64_t> sizes{1000000, 10240000, 100000000};
  if (options.large) sizes.push_back(1000000000);
  if (options.onlyCells > 0) sizes = {options.onlyCells};
  std::vector<Isa> variants;
  for (const Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512}) {
    if (convoy::rule184::available(isa)) variants.push_back(isa);
  }
  std::printf(
      "rule 184, density %.2f, one core, >= %.1f %s s per kernel and road; blocked: tiles of %llu words, "
      "%llu steps per sweep; best variant here: %s\n",
      kDensity, options.seconds, useWallClock ? "wall" : "CPU", static_cast<unsigned long long>(options.tileWords),
      static_cast<unsigned long long>(options.haloCells),
      std::string(convoy::rule184::nameOf(convoy::rule184::resolve(Isa::Best))).c_str());
  std::printf("%14s  %-18s %14s %12s\n", "cells", "kernel", "cells/s", "x reference");
  for (const std::uint64_t cells : sizes) {
    std::vector<std::uint64_t> words(convoy::packed::wordsFor(cells));
    convoy::fillRandomRoad(words, {0, cells}, kDensity, kSeed);
    const Rate reference = referenceRate(words, cells, options);
    struct Row {
      std::string kernel;
      Rate rate;
    };
    std::vector<Row> rows{{"reference", reference}};
    // Seven byte arrays: 7 GB at 10^9 cells, too much for a shared machine; skipped there.
    if (cells < 1000000000) rows.push_back({"numpy-like", numpyLikeRate(words, cells, options)});
    for (const Isa isa : variants) {
      rows.push_back({"packed " + std::string(convoy::rule184::nameOf(isa)), packedRate(words, cells, isa, options)});
    }
    for (const Isa isa : variants) {
      rows.push_back({"blocked " + std::string(convoy::rule184::nameOf(isa)), blockedRate(words, cells, isa, options)});
    }
    for (const Row& row : rows) {
      if (row.rate.firstMoves != reference.firstMoves) {
        std::fprintf(stderr, "%s disagrees with the reference on %llu cells: %llu vs %llu moves\n", row.kernel.c_str(),
                     static_cast<unsigned long long>(cells), static_cast<unsigned long long>(row.rate.firstMoves),
                     static_cast<unsigned long long>(reference.firstMoves));
        return 1;
      }
      std::printf("%14llu  %-18s %14.4g %11.1fx\n", static_cast<unsigned long long>(cells), row.kernel.c_str(),
                  row.rate.cellsPerSecond, row.rate.cellsPerSecond / reference.cellsPerSecond);
      std::fflush(stdout);
    }
  }
  return 0;
}
