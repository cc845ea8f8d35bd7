#include "convoy/io/state_sums.hpp"

#include <bit>

#include "convoy/core/digest.hpp"
#include "convoy/core/packed_road.hpp"

namespace convoy::io {

void StateSums::add(std::uint64_t cells, std::uint64_t firstWord, std::span<const std::uint64_t> occupancy,
                    std::span<const std::span<const std::uint64_t>> planes, std::size_t keptPlanes) {
  // The occupancy first, in a loop without branches (most files have no planes).
  for (std::uint64_t w = 0; w < occupancy.size(); ++w) {
    digestSum += digest::wordCode(firstWord + w, occupancy[w]);
    cars += static_cast<std::uint64_t>(std::popcount(occupancy[w]));
  }
  const std::uint64_t lastWord = packed::wordsFor(cells) - 1;
  if (lastWord >= firstWord && lastWord - firstWord < occupancy.size() &&
      (occupancy[lastWord - firstWord] & ~packed::lastWordMask(cells)) != 0) {
    ++paddingWords;
  }
  if (planes.empty()) return;
  for (std::uint64_t w = 0; w < occupancy.size(); ++w) {
    const std::uint64_t index = firstWord + w;
    std::uint64_t velocityBits = 0;
    std::uint64_t beyond = 0;
    for (std::size_t b = 0; b < planes.size(); ++b) {
      digestSum += digest::planeWordCode(static_cast<unsigned>(b), index, planes[b][w]);
      velocityBits |= planes[b][w];
      if (b >= keptPlanes) beyond |= planes[b][w];
    }
    if (beyond != 0) ++planesBeyond;
    if ((velocityBits & ~occupancy[w]) != 0) ++strayVelocities;
  }
}

void StateSums::merge(const StateSums& other) {
  digestSum += other.digestSum;
  cars += other.cars;
  paddingWords += other.paddingWords;
  strayVelocities += other.strayVelocities;
  planesBeyond += other.planesBeyond;
}

std::uint64_t StateSums::digest(std::uint64_t cells) const {
  // A damaged last word must not pass, even if its code happened to add up.
  return digest::finish(digestSum ^ (paddingWords > 0 ? 1 : 0), cells);
}

}  // namespace convoy::io
