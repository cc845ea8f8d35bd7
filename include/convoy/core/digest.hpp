// A 64-bit digest of the whole road that does not depend on the rank count: a sum, modulo 2^64, of a
// 64-bit code per packed word, the code mixing the word's global index with its 64 cells, finished
// with the road length. Every rank owns whole words of the global packed road (see decomposition.hpp),
// so ranks add up their partial sums in any order and get the same digest. Exact rule: docs/model.md.
#pragma once

#include <cstdint>
#include <span>

#include "convoy/core/decomposition.hpp"
#include "convoy/core/random.hpp"

namespace convoy::digest {

inline constexpr std::uint64_t kWordKey = 0xD16E'57C0'4E0A'D184ULL;
inline constexpr std::uint64_t kPlaneCodeOffset = std::uint64_t{1} << 57;  // words; at most 7 + 1 planes

// The code of global packed word `wordIndex` holding `word` (padding bits zero). Inline: verifying a
// state file codes every word it reads.
constexpr std::uint64_t wordCode(std::uint64_t wordIndex, std::uint64_t word) {
  return random::mix(random::bits(kWordKey, wordIndex) ^ word);
}
// The partial sum of the words of `range` (which begins on a word boundary), packed in `words`.
std::uint64_t partialSum(std::span<const std::uint64_t> words, CellRange range);
// The code of global word `wordIndex` of velocity plane `plane` (NaSch).
constexpr std::uint64_t planeWordCode(unsigned plane, std::uint64_t wordIndex, std::uint64_t word) {
  return wordCode((plane + 1) * kPlaneCodeOffset + wordIndex, word);
}
// The partial sum of velocity plane `plane` (NaSch) of `range`: its word j is coded as global word
// (plane + 1) 2^57 + j, beyond every occupancy word (a road has at most 2^56 words).
std::uint64_t planePartialSum(std::span<const std::uint64_t> words, unsigned plane, CellRange range);
// The digest from the sum over the whole road.
std::uint64_t finish(std::uint64_t sum, std::uint64_t cells);

}  // namespace convoy::digest
