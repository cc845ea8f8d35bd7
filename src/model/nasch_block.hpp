// The blocks of the NaSch step (internal to the model library): the plain arrays a block kernel reads
// and writes, and the bit-sliced kernels for vmax 1 .. kFastVmax in each instruction-set variant.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "convoy/model/isa.hpp"

namespace convoy::nasch::block {

inline constexpr std::uint64_t kAllOnes = ~std::uint64_t{0};
inline constexpr unsigned kMaxPlanes = 8;          // bit_width(255)
inline constexpr std::uint64_t kBlockWords = 256;  // words per block: the block's temporaries stay in L1/L2
inline constexpr unsigned kFastVmax = 16;          // the bit-sliced kernels exist for vmax 1 .. 16

// One block of output words [s0, s1) of the segment. Its input arrays are indexed by j, word j being
// segment word s0 - H + j (negative: the left halo; from `words` on: the right halo), j = 0 .. n + 2H - 1
// with n = s1 - s0. Pass 1 finds the new velocity of the cars of words j = 0 .. n + H - 1 (the first H
// are the words behind the block, whose cars may move into it); pass 2 moves the cars into words
// j = H .. n + H - 1. No loop carries anything but the distance.
struct BlockInput {
  const std::uint64_t* occupancy = nullptr;
  std::array<const std::uint64_t*, kMaxPlanes> planes{};
  std::uint64_t firstGlobalWord = 0;  // global word of j = 0 (for the braking numbers)
  // Braking masks of j < presetCount (halo words off the grid): against P, and against P_slow.
  const std::uint64_t* presetBrakes = nullptr;
  const std::uint64_t* presetSlowBrakes = nullptr;
  std::uint64_t presetCount = 0;
};

// The step's braking: its random key and the thresholds P and P_slow (braking.hpp, nasch::Model).
struct Braking {
  std::uint64_t key = 0;
  std::uint64_t threshold = 0;
  std::uint64_t slowThreshold = 0;
};
struct BlockOutput {
  std::uint64_t* occupancy = nullptr;  // output word s0
  std::array<std::uint64_t*, kMaxPlanes> planes{};
  std::uint64_t words = 0;            // n
  std::uint64_t lastMask = kAllOnes;  // valid cells of the block's last word (the ring's last word)
};

// A block kernel: steps one block (BlockInput, BlockOutput) with the step's braking; returns the
// distance of the cars that start in the block.
using Kernel = std::uint64_t (*)(const BlockInput&, const BlockOutput&, const Braking& braking);

// The bit-sliced kernels of one variant (Best resolved first), indexed by vmax - 1. Every variant
// computes the same bits; they differ only in the instructions the compiler may use.
std::span<const Kernel, kFastVmax> fastKernels(Isa isa);

}  // namespace convoy::nasch::block
