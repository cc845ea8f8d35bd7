#include "convoy/model/initial_road.hpp"

#include <algorithm>

#include "convoy/core/packed_road.hpp"
#include "convoy/core/random.hpp"

namespace convoy {

void fillRandomRoad(std::span<std::uint64_t> words, CellRange range, double density, std::uint64_t seed) {
  const std::uint64_t key = random::streamKey(seed, random::Stream::InitialRoad, 0);
  const std::uint64_t threshold = random::bernoulliThreshold(density);
  const std::uint64_t cells = range.cells();
  for (std::uint64_t w = 0; w < words.size(); ++w) {
    std::uint64_t word = 0;
    const std::uint64_t first = w * packed::kCellsPerWord;
    const std::uint64_t count = std::min(packed::kCellsPerWord, cells - first);
    for (std::uint64_t bit = 0; bit < count; ++bit) {
      const bool car = random::bernoulli(key, range.begin + first + bit, threshold);
      word |= static_cast<std::uint64_t>(car) << bit;
    }
    words[w] = word;
  }
}

bool randomRoadCell(std::uint64_t cell, double density, std::uint64_t seed) {
  return random::bernoulli(random::streamKey(seed, random::Stream::InitialRoad, 0), cell,
                           random::bernoulliThreshold(density));
}

}  // namespace convoy
