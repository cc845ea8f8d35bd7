// Side-by-side kernel benchmark: the workshop's one-byte-per-cell algorithm (reference::stepWithHalos,
// written like the workshop's C) and convoy's packed rule-184 kernel on the same roads, in one process
// and one run, one core. Prints cells per second for each and the ratio. Run through tools/bench.
//   convoy-bench [--large]      (--large adds the 10^9-cell road: ~1.1 GB of memory for the bytes)
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "convoy/initial_road.hpp"
#include "convoy/packed_road.hpp"
#include "convoy/reference_kernel.hpp"
#include "convoy/rule184.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kMinimumSeconds = 1.0;  // each kernel runs at least this long on each road
constexpr double kDensity = 0.52;
constexpr std::uint64_t kSeed = 5743;

struct Rate {
  double cellsPerSecond = 0.0;
  std::uint64_t firstMoves = 0;  // the moves of the first step, to show both kernels agree
};

template <typename Step>
Rate measure(std::uint64_t cells, Step step) {
  Rate rate;
  rate.firstMoves = step();
  std::uint64_t steps = 0;
  const auto start = Clock::now();
  double seconds = 0.0;
  while (seconds < kMinimumSeconds || steps < 3) {
    step();
    ++steps;
    seconds = std::chrono::duration<double>(Clock::now() - start).count();
  }
  rate.cellsPerSecond = static_cast<double>(cells) * static_cast<double>(steps) / seconds;
  return rate;
}

Rate referenceRate(const std::vector<std::uint64_t>& words, std::uint64_t cells) {
  std::vector<std::uint8_t> old(cells + 2), next(cells + 2);
  std::uint8_t* road = old.data() + 1;  // cells 1..n; 0 and n + 1 are the halos
  for (std::uint64_t i = 0; i < cells; ++i) road[i] = convoy::packed::cell(words, i) ? 1 : 0;
  return measure(cells, [&] {
    old[0] = old[cells];  // the workshop's halo update on a ring
    old[cells + 1] = old[1];
    const std::uint64_t moved = convoy::reference::stepWithHalos(old, next);
    old.swap(next);
    return moved;
  });
}

Rate packedRate(std::vector<std::uint64_t> words, std::uint64_t cells) {
  std::vector<std::uint64_t> next(words.size());
  return measure(cells, [&] {
    const bool left = convoy::packed::cell(words, cells - 1);
    const bool right = convoy::packed::cell(words, 0);
    const std::uint64_t moved = convoy::rule184::stepPacked(words, next, cells, left, right);
    words.swap(next);
    return moved;
  });
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::uint64_t> sizes{1000000, 10240000, 100000000};
  if (argc > 1 && std::strcmp(argv[1], "--large") == 0) sizes.push_back(1000000000);
  std::printf("rule 184, density %.2f, one core; each kernel runs >= %.1f s per road\n", kDensity, kMinimumSeconds);
  std::printf("%14s %22s %22s %8s\n", "cells", "reference (cells/s)", "packed (cells/s)", "ratio");
  for (const std::uint64_t cells : sizes) {
    std::vector<std::uint64_t> words(convoy::packed::wordsFor(cells));
    convoy::fillRandomRoad(words, {0, cells}, kDensity, kSeed);
    const Rate reference = referenceRate(words, cells);
    const Rate packed = packedRate(words, cells);
    if (reference.firstMoves != packed.firstMoves) {
      std::fprintf(stderr, "the kernels disagree on %llu cells: %llu vs %llu moves\n",
                   static_cast<unsigned long long>(cells), static_cast<unsigned long long>(reference.firstMoves),
                   static_cast<unsigned long long>(packed.firstMoves));
      return 1;
    }
    std::printf("%14llu %22.4g %22.4g %7.0fx\n", static_cast<unsigned long long>(cells), reference.cellsPerSecond,
                packed.cellsPerSecond, packed.cellsPerSecond / reference.cellsPerSecond);
  }
  return 0;
}
