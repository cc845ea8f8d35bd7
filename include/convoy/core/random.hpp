// Counter-based randomness: every random number is a pure function of (seed, stream, step, index),
// never of a generator's history, so results do not depend on which rank owns what.
//
// The rule (documented in docs/model.md): key = mix(mix(seed ^ streamTag) + step * GAMMA);
// value(index) = mix(key + (index + 1) * GAMMA), where mix is SplitMix64's finaliser and
// GAMMA = 0x9E3779B97F4A7C15. For a fixed key this is SplitMix64 at position `index`.
#pragma once

#include <cstdint>

namespace convoy::random {

inline constexpr std::uint64_t kGamma = 0x9E3779B97F4A7C15ULL;

// Independent streams, one per use, so no two uses ever share a number.
enum class Stream : std::uint64_t {
  InitialRoad = 0x1A17'0000'0000'0001ULL,
  Braking = 0x1A17'0000'0000'0002ULL,
  Inflow = 0x1A17'0000'0000'0003ULL,
  InitialVelocity = 0x1A17'0000'0000'0004ULL,
};

// SplitMix64's finaliser, in place, on a 64-bit word or on each lane of a vector of them (GCC's
// vector extensions: the NaSch kernels draw their random words a vector at a time; by reference, so
// that no vector crosses a function's boundary outside the kernels' target options).
template <typename Words>
constexpr void mixInPlace(Words& x) {
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  x = x ^ (x >> 31);
}

constexpr std::uint64_t mix(std::uint64_t x) {
  mixInPlace(x);
  return x;
}

constexpr std::uint64_t streamKey(std::uint64_t seed, Stream stream, std::uint64_t step) {
  return mix(mix(seed ^ static_cast<std::uint64_t>(stream)) + step * kGamma);
}

constexpr std::uint64_t bits(std::uint64_t key, std::uint64_t index) { return mix(key + (index + 1) * kGamma); }

// The integer threshold t such that "bits >> 11 < t" happens with probability exactly p
// (p * 2^53 rounded up; p is a double, so the product is exact).
std::uint64_t bernoulliThreshold(double probability);

constexpr bool bernoulli(std::uint64_t key, std::uint64_t index, std::uint64_t threshold) {
  return (bits(key, index) >> 11) < threshold;
}

}  // namespace convoy::random
