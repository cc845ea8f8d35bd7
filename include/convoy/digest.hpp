// A 64-bit digest of the whole road that does not depend on the rank count: a sum, modulo 2^64, of a
// random 64-bit code per occupied global cell (Zobrist hashing), finished with the road length.
// Ranks add up their partial sums in any order and get the same digest.
#pragma once

#include <cstdint>
#include <span>

#include "convoy/decomposition.hpp"

namespace convoy::digest {

// The code of an occupied global cell.
std::uint64_t cellCode(std::uint64_t cell);
// The partial sum of the cells of `range`, packed in `words`.
std::uint64_t partialSum(std::span<const std::uint64_t> words, CellRange range);
// The digest from the sum over the whole road.
std::uint64_t finish(std::uint64_t sum, std::uint64_t cells);

}  // namespace convoy::digest
