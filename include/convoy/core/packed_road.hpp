// The bit-packed road: cell i is bit (i mod 64) of 64-bit word (i / 64). Bits past the last cell
// (padding) are always zero, so counting cars is a popcount over the words.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <span>

namespace convoy::packed {

inline constexpr std::uint64_t kCellsPerWord = 64;

constexpr std::uint64_t wordsFor(std::uint64_t cells) { return (cells + kCellsPerWord - 1) / kCellsPerWord; }

// The valid bits of the last word of a road of `cells` cells.
constexpr std::uint64_t lastWordMask(std::uint64_t cells) {
  const std::uint64_t used = cells % kCellsPerWord;
  return used == 0 ? ~std::uint64_t{0} : (std::uint64_t{1} << used) - 1;
}

inline bool cell(std::span<const std::uint64_t> words, std::uint64_t index) {
  return (words[index / kCellsPerWord] >> (index % kCellsPerWord)) & 1U;
}

inline void setCell(std::span<std::uint64_t> words, std::uint64_t index, bool occupied) {
  const std::uint64_t bit = std::uint64_t{1} << (index % kCellsPerWord);
  std::uint64_t& word = words[index / kCellsPerWord];
  word = occupied ? (word | bit) : (word & ~bit);
}

inline std::uint64_t countCars(std::span<const std::uint64_t> words) {
  std::uint64_t cars = 0;
  for (const std::uint64_t word : words) cars += static_cast<std::uint64_t>(std::popcount(word));
  return cars;
}

// Cars in cells [first, last) of a packed road.
inline std::uint64_t countCarsInRange(std::span<const std::uint64_t> words, std::uint64_t first, std::uint64_t last) {
  std::uint64_t cars = 0;
  while (first < last) {
    const std::uint64_t bit = first % kCellsPerWord;
    const std::uint64_t take = std::min(kCellsPerWord - bit, last - first);
    const std::uint64_t mask = take == kCellsPerWord ? ~std::uint64_t{0} : ((std::uint64_t{1} << take) - 1) << bit;
    cars += static_cast<std::uint64_t>(std::popcount(words[first / kCellsPerWord] & mask));
    first += take;
  }
  return cars;
}

}  // namespace convoy::packed
