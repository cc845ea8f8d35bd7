// The Nagel-Schreckenberg random braking rule (docs/model.md, "NaSch braking"): a pure function of
// (seed, step, global cell of the car before it moves), so a run is the same on any rank count.
//
// P = round(p_brake * 2^32) (0 .. 2^32). For step t and global packed word w, the random words are
// r_i = random::bits(random::streamKey(seed, Stream::Braking, t), w * 32 + i), i = 0 .. 31; the car in
// cell 64 w + j brakes iff U < P, where bit (31 - i) of the 32-bit number U is bit j of r_i. Only the
// words r_0 .. r_{K-1}, K = 32 - countr_zero(P), can change the outcome (the low bits of P are zero).
#pragma once

#include <bit>
#include <cstdint>

#include "convoy/core/random.hpp"

namespace convoy::braking {

// P for p = 1: every car brakes, no random number is drawn.
inline constexpr std::uint64_t kAlways = std::uint64_t{1} << 32;

// P = round(p * 2^32), clamped to [0, 2^32]: p is quantised to multiples of 2^-32.
std::uint64_t threshold(double pBrake);

// The probability P / 2^32 that a car brakes.
constexpr double probability(std::uint64_t threshold) { return static_cast<double>(threshold) / 4294967296.0; }

// K: the random words per 64 cells that decide U < P (0 for P = 0 and P = 2^32).
constexpr int randomWords(std::uint64_t threshold) {
  if (threshold == 0 || threshold >= kAlways) return 0;
  return 32 - std::countr_zero(threshold);
}

// The random key of step t.
constexpr std::uint64_t stepKey(std::uint64_t seed, std::uint64_t step) {
  return random::streamKey(seed, random::Stream::Braking, step);
}

// Digit i (from the most significant, 0 .. 31) of the comparison U < P, for the cells of `less` and
// `equal` at once (64-bit words, or vectors of them in the NaSch kernels), `r` holding U's digit:
// where P's digit is 1 and U's is 0, U < P; where they differ the other way, U > P.
template <typename Words>
constexpr void compareDigit(Words& less, Words& equal, const Words& r, std::uint64_t threshold, int i) {
  if ((threshold >> (31 - i)) & 1U) {
    less |= equal & ~r;
    equal &= r;
  } else {
    equal &= ~r;
  }
}

// Which of the cells `cells` (a mask) of global packed word `word` brake: U < P evaluated for 64 cells
// at once from the most significant bit down (lt: already below P; eq: equal so far). It stops when
// the remaining bits of P are zero, or when no cell of `cells` is undecided. Bits outside `cells` are 0.
inline std::uint64_t wordMask(std::uint64_t key, std::uint64_t word, std::uint64_t threshold,
                              std::uint64_t cells = ~std::uint64_t{0}) {
  if (threshold >= kAlways) return cells;
  std::uint64_t less = 0;
  std::uint64_t equal = cells;
  const int draws = randomWords(threshold);
  for (int i = 0; i < draws && equal != 0; ++i) {
    compareDigit(less, equal, random::bits(key, word * 32 + static_cast<std::uint64_t>(i)), threshold, i);
  }
  return less;
}

}  // namespace convoy::braking
