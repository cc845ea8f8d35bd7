#include "convoy/digest.hpp"

#include <bit>

#include "convoy/packed_road.hpp"
#include "convoy/random.hpp"

namespace convoy::digest {
namespace {
constexpr std::uint64_t kCellKey = 0xD16E'57C0'4E0A'D184ULL;
}

std::uint64_t cellCode(std::uint64_t cell) { return random::bits(kCellKey, cell); }

std::uint64_t partialSum(std::span<const std::uint64_t> words, CellRange range) {
  std::uint64_t sum = 0;
  for (std::uint64_t w = 0; w < words.size(); ++w) {
    for (std::uint64_t word = words[w]; word != 0; word &= word - 1) {
      const auto bit = static_cast<std::uint64_t>(std::countr_zero(word));
      sum += cellCode(range.begin + w * packed::kCellsPerWord + bit);
    }
  }
  return sum;
}

std::uint64_t finish(std::uint64_t sum, std::uint64_t cells) { return random::mix(sum ^ random::mix(cells)); }

}  // namespace convoy::digest
