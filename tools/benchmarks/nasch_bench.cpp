// Side-by-side Nagel-Schreckenberg benchmark, one core, one process, one run: a plain byte-per-cell C
// loop (its own random numbers), convoy's reference kernel (one cell per element, a loop over cars)
// and its bit-sliced kernel in every instruction-set variant this CPU has (scalar, avx2, avx512), on
// the same roads, with the ratios to the plain C loop (and to a pure-Python loop whose rate
// --python-rate passes in: tools/bench-nasch measures it first). Then where the bit-sliced step (of
// the variant CONVOY_KERNEL or the CPU picks) spends its time: the step without random words
// (p_brake 0), hence the random words' share; and the scalar random words alone. Checks that the
// reference kernel and every variant give the same first step.
//   convoy-bench-nasch [--density D] [--vmax V] [--p P] [--cells N]... [--python-rate CELLS_PER_S]
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
#include "convoy/model/isa.hpp"
#include "convoy/model/nasch.hpp"
#include "convoy/model/nasch_reference.hpp"
#include "plain_nasch.hpp"

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
  volatile std::uint64_t kept = 0;  // every step's result is used: nothing is optimised away
  while (seconds < kMinimumSeconds || steps < 3) {
    kept = kept + step(t++);
    ++steps;
    seconds = std::chrono::duration<double>(Clock::now() - start).count();
  }
  rate.cellsPerSecond = static_cast<double>(cells) * static_cast<double>(steps) / seconds;
  return rate;
}

void printRow(const char* program, double cellsPerSecond, double plainC, double python) {
  std::printf("  %-46s %12.3g %11.1fx", program, cellsPerSecond, cellsPerSecond / plainC);
  if (python > 0) std::printf(" %11.0fx", cellsPerSecond / python);
  std::printf("\n");
}

// The random words of one step alone: braking::wordMask over every word, as the kernel calls it.
Rate randomWordsAlone(const std::vector<std::uint64_t>& occupancy, std::uint64_t cells, std::uint64_t threshold) {
  return measure(cells, [&](std::uint64_t step) {
    const std::uint64_t key = convoy::braking::stepKey(kSeed, step);
    std::uint64_t masks = 0;
    for (std::uint64_t w = 0; w < occupancy.size(); ++w) {
      masks ^= convoy::braking::wordMask(key, w, threshold, occupancy[w]);
    }
    return masks;
  });
}

Rate bitSliced(const convoy::nasch::Model& model, const std::vector<std::uint64_t>& occupancy, std::uint64_t cells,
               convoy::Isa isa) {
  convoy::nasch::State road(occupancy.size(), convoy::nasch::velocityPlanes(model.vmax));
  road.occupancy = occupancy;
  convoy::nasch::State after = road;
  return measure(cells, [&](std::uint64_t step) {
    const std::uint64_t distance = convoy::nasch::stepRing(model, step, cells, road.view(), after.view(), isa);
    std::swap(road, after);
    return distance;
  });
}

}  // namespace

int main(int argc, char** argv) {
  double density = 0.2;
  unsigned vmax = 5;
  double p = 0.25;
  double pythonRate = 0.0;
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
    else if (option == "--python-rate")
      pythonRate = std::atof(argv[i + 1]);
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
  for (const std::uint64_t cells : sizes) {
    std::vector<std::uint64_t> occupancy(convoy::packed::wordsFor(cells));
    convoy::fillRandomRoad(occupancy, {0, cells}, density, kSeed);  // initial velocities 0

    std::vector<std::int8_t> plainOld(cells, -1), plainNext;
    for (std::uint64_t i = 0; i < cells; ++i) {
      if (convoy::packed::cell(occupancy, i)) plainOld[i] = 0;
    }
    std::uint64_t generator = kSeed;
    const Rate plain = measure(cells, [&](std::uint64_t) {
      const std::uint64_t distance =
          convoy::bench::plainNaschStep(plainOld, plainNext, static_cast<int>(vmax), threshold, generator);
      plainOld.swap(plainNext);
      return distance;
    });
    plainOld = {};
    plainNext = {};

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

    struct VariantRate {
      convoy::Isa isa;
      Rate rate;
    };
    std::vector<VariantRate> variants;  // every variant this CPU has, the widest last
    for (const convoy::Isa isa : {convoy::Isa::Scalar, convoy::Isa::Avx2, convoy::Isa::Avx512}) {
      if (!convoy::available(isa)) continue;
      variants.push_back({isa, bitSliced(model, occupancy, cells, isa)});
      if (reference.firstDistance != variants.back().rate.firstDistance) {
        std::fprintf(stderr, "the kernels disagree on %llu cells: distance %llu (reference) vs %llu (%s)\n",
                     static_cast<unsigned long long>(cells), static_cast<unsigned long long>(reference.firstDistance),
                     static_cast<unsigned long long>(variants.back().rate.firstDistance),
                     std::string(convoy::nameOf(isa)).c_str());
        return 1;
      }
    }
    const convoy::Isa best = convoy::resolve(convoy::Isa::Best);
    Rate fast;
    for (const VariantRate& v : variants) {
      if (v.isa == best) fast = v.rate;
    }
    const Rate words = randomWordsAlone(occupancy, cells, threshold);
    const Rate noBraking = bitSliced({vmax, 0, kSeed}, occupancy, cells, best);

    std::printf("\nroad of %llu cells (%.0f MB of bit-sliced state)\n", static_cast<unsigned long long>(cells),
                static_cast<double>(occupancy.size() * 8 * (1 + convoy::nasch::velocityPlanes(vmax))) / 1e6);
    std::printf("  %-46s %12s %12s%s\n", "program", "cells/s", "x plain C", pythonRate > 0 ? "     x Python" : "");
    if (pythonRate > 0)
      printRow("pure-Python loop (measured apart, fewer cells)", pythonRate, plain.cellsPerSecond, pythonRate);
    printRow("plain C, byte per cell", plain.cellsPerSecond, plain.cellsPerSecond, pythonRate);
    printRow("convoy reference kernel", reference.cellsPerSecond, plain.cellsPerSecond, pythonRate);
    for (const VariantRate& v : variants) {
      const std::string name = "convoy bit-sliced kernel, " + std::string(convoy::nameOf(v.isa));
      printRow(name.c_str(), v.rate.cellsPerSecond, plain.cellsPerSecond, pythonRate);
    }
    std::printf("  where the %s bit-sliced step's time goes (%d random words per 64 cells):\n",
                std::string(convoy::nameOf(best)).c_str(), convoy::braking::randomWords(threshold));
    std::printf("    the step without random words (p_brake 0)    %12.3g cells/s: %4.0f%% of a step's time\n",
                noBraking.cellsPerSecond, 100.0 * fast.cellsPerSecond / noBraking.cellsPerSecond);
    std::printf("    so the random words take                                        %4.0f%% of it\n",
                100.0 * (1.0 - fast.cellsPerSecond / noBraking.cellsPerSecond));
    std::printf("    (random words alone, scalar braking::wordMask: %.3g cells/s)\n", words.cellsPerSecond);
    std::fflush(stdout);
  }
  return 0;
}
