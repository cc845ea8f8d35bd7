// A 64-bit digest of the whole road that does not depend on the rank count: a sum, modulo 2^64, of a
// 64-bit code per packed word, the code mixing the word's global index with its 64 cells, finished
// with the road length. Every rank owns whole words of the global packed road (see decomposition.hpp),
// so ranks add up their partial sums in any order and get the same digest. Exact rule: docs/model.md.
#pragma once

#include <cstdint>
#include <span>

#include "convoy/core/decomposition.hpp"

namespace convoy::digest {

// The code of global packed word `wordIndex` holding `word` (padding bits zero).
std::uint64_t wordCode(std::uint64_t wordIndex, std::uint64_t word);
// The partial sum of the words of `range` (which begins on a word boundary), packed in `words`.
std::uint64_t partialSum(std::span<const std::uint64_t> words, CellRange range);
// The code of global word `wordIndex` of velocity plane `plane` (NaSch).
std::uint64_t planeWordCode(unsigned plane, std::uint64_t wordIndex, std::uint64_t word);
// The partial sum of velocity plane `plane` (NaSch) of `range`: its word j is coded as global word
// (plane + 1) 2^57 + j, beyond every occupancy word (a road has at most 2^56 words).
std::uint64_t planePartialSum(std::span<const std::uint64_t> words, unsigned plane, CellRange range);
// The digest from the sum over the whole road.
std::uint64_t finish(std::uint64_t sum, std::uint64_t cells);

}  // namespace convoy::digest
