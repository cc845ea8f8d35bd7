// Side-by-side Nagel-Schreckenberg benchmark: the plain reference kernel (one cell per element, a loop
// over cars) and the bit-sliced kernel on the same roads, in one process and one run, one core.
// Prints cell updates per second for each and the ratio; checks that both give the same first step.
//   convoy-bench-nasch [--density D] [--vmax V] [--p P] [--cells N]...
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "convoy/core/packed_road.hpp"
#include "convoy/model/braking.hpp"
#include "convoy/model/initial_road.hpp"
#include "convoy/model/nasch.hpp"
#include "convoy/model/nasch_reference.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kMinimumSeconds = 1.0;  // each kernel runs at least this long on each road
constexpr std::uint64_t kSeed = 5743;

struct Rate {
  double cellsPerSecond = 0.0;
  std::uint64_t firstDistance = 0;  // the distance of step 1, to show both kernels agree
};

template <typename Step>
Rate measure(std::uint64_t cells, Step step) {
  Rate rate;
  std::uint64_t t = 1;
  rate.firstDistance = step(t++);
  std::uint64_t steps = 0;
  const auto start = Clock::now();
  double seconds = 0.0;
  while (seconds < kMinimumSeconds || steps < 3) {
    step(t++);
    ++steps;
    seconds = std::chrono::duration<double>(Clock::now() - start).count();
  }
  rate.cellsPerSecond = static_cast<double>(cells) * static_cast<double>(steps) / seconds;
  return rate;
}

}  // namespace

int main(int argc, char** argv) {
  double density = 0.2;
  unsigned vmax = 5;
  double p = 0.25;
  std::vector<std::uint64_t> sizes;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string option = argv[i];
    if (option == "--density")
      density = std::atof(argv[i + 1]);
    else if (option == "--vmax")
      vmax = static_cast<unsigned>(std::atoi(argv[i + 1]));
    else if (option == "--p")
      p = std::atof(argv[i + 1]);
    else if (option == "--cells")
      sizes.push_back(std::strtoull(argv[i + 1], nullptr, 10));
    else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  if (sizes.empty()) sizes = {1000000, 10240000, 100000000};
  const std::uint64_t threshold = convoy::braking::threshold(p);
  const convoy::nasch::Model model{vmax, threshold, kSeed};
  const convoy::reference::NaschParameters parameters{vmax, threshold, kSeed};

  std::printf("NaSch, density %.2f, vmax %u, p_brake %.4g, one core; each kernel runs >= %.1f s per road\n", density,
              vmax, p, kMinimumSeconds);
  std::printf("%14s %22s %22s %8s\n", "cells", "reference (cells/s)", "bit-sliced (cells/s)", "ratio");
  for (const std::uint64_t cells : sizes) {
    std::vector<std::uint64_t> occupancy(convoy::packed::wordsFor(cells));
    convoy::fillRandomRoad(occupancy, {0, cells}, density, kSeed);  // initial velocities 0

    std::vector<std::int16_t> old(cells, -1), next;
    for (std::uint64_t i = 0; i < cells; ++i) {
      if (convoy::packed::cell(occupancy, i)) old[i] = 0;
    }
    const Rate reference = measure(cells, [&](std::uint64_t step) {
      const std::uint64_t distance = convoy::reference::stepNaschRing(parameters, step, old, next);
      old.swap(next);
      return distance;
    });
    old = {};
    next = {};

    convoy::nasch::State road(occupancy.size(), convoy::nasch::velocityPlanes(vmax));
    road.occupancy = occupancy;
    convoy::nasch::State after = road;
    const Rate fast = measure(cells, [&](std::uint64_t step) {
      const std::uint64_t distance = convoy::nasch::stepRing(model, step, cells, road.view(), after.view());
      std::swap(road, after);
      return distance;
    });
    if (reference.firstDistance != fast.firstDistance) {
      std::fprintf(stderr, "the kernels disagree on %llu cells: distance %llu vs %llu\n",
                   static_cast<unsigned long long>(cells), static_cast<unsigned long long>(reference.firstDistance),
                   static_cast<unsigned long long>(fast.firstDistance));
      return 1;
    }
    std::printf("%14llu %22.4g %22.4g %7.1fx\n", static_cast<unsigned long long>(cells), reference.cellsPerSecond,
                fast.cellsPerSecond, fast.cellsPerSecond / reference.cellsPerSecond);
    std::fflush(stdout);
  }
  return 0;
}
