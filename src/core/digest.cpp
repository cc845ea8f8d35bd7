#include "convoy/core/digest.hpp"

#include <cassert>

#include "convoy/core/packed_road.hpp"
#include "convoy/core/random.hpp"

namespace convoy::digest {

std::uint64_t partialSum(std::span<const std::uint64_t> words, CellRange range) {
  assert(range.begin % packed::kCellsPerWord == 0);
  const std::uint64_t firstWord = range.begin / packed::kCellsPerWord;
  std::uint64_t sum = 0;
  for (std::uint64_t w = 0; w < words.size(); ++w) sum += wordCode(firstWord + w, words[w]);
  return sum;
}

std::uint64_t planePartialSum(std::span<const std::uint64_t> words, unsigned plane, CellRange range) {
  assert(range.begin % packed::kCellsPerWord == 0);
  const std::uint64_t firstWord = range.begin / packed::kCellsPerWord;
  std::uint64_t sum = 0;
  for (std::uint64_t w = 0; w < words.size(); ++w) sum += planeWordCode(plane, firstWord + w, words[w]);
  return sum;
}

std::uint64_t finish(std::uint64_t sum, std::uint64_t cells) { return random::mix(sum ^ random::mix(cells)); }

}  // namespace convoy::digest
