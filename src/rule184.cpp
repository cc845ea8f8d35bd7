#include "convoy/rule184.hpp"

#include <bit>

#include "convoy/packed_road.hpp"

namespace convoy::rule184 {
namespace {

// The new word and its moving cars, given the word, the cells to its left (shifted in) and right.
struct WordStep {
  std::uint64_t next;
  std::uint64_t moved;
};

inline WordStep stepWord(std::uint64_t cells, std::uint64_t leftCells, std::uint64_t rightCells) {
  const std::uint64_t arriving = leftCells & ~cells;  // a car behind an empty cell moves into it
  const std::uint64_t staying = cells & rightCells;   // a car behind a car stays
  return {arriving | staying, cells & ~rightCells};
}

}  // namespace

std::uint64_t stepPacked(std::span<const std::uint64_t> old, std::span<std::uint64_t> next, std::uint64_t cells,
                         bool leftHalo, bool rightHalo) {
  if (cells == 0) return 0;
  const std::uint64_t words = packed::wordsFor(cells);
  const std::uint64_t left = leftHalo ? 1 : 0;
  const std::uint64_t right = rightHalo ? 1 : 0;
  std::uint64_t moved = 0;

  // Interior words: the neighbours of bit 0 and bit 63 come from the adjacent words. Written without
  // a loop-carried dependency so the compiler can vectorise it.
  for (std::uint64_t w = 1; w + 1 < words; ++w) {
    const std::uint64_t word = old[w];
    const WordStep s = stepWord(word, (word << 1) | (old[w - 1] >> 63), (word >> 1) | (old[w + 1] << 63));
    next[w] = s.next;
    moved += static_cast<std::uint64_t>(std::popcount(s.moved));
  }

  // The last word: its last cell's right neighbour is the right halo, placed just past that cell.
  const std::uint64_t last = words - 1;
  const std::uint64_t usedBits = cells % packed::kCellsPerWord;
  const std::uint64_t lastWord = old[last];
  const std::uint64_t beforeLast = last == 0 ? left : old[last - 1] >> 63;
  const std::uint64_t rightOfLast =
      usedBits == 0 ? (lastWord >> 1) | (right << 63) : (lastWord | (right << usedBits)) >> 1;
  const std::uint64_t mask = packed::lastWordMask(cells);
  const WordStep lastStep = stepWord(lastWord, (lastWord << 1) | beforeLast, rightOfLast);
  moved += static_cast<std::uint64_t>(std::popcount(lastStep.moved & mask));

  // The first word (if it is not also the last).
  if (last > 0) {
    const std::uint64_t first = old[0];
    const WordStep s = stepWord(first, (first << 1) | left, (first >> 1) | (old[1] << 63));
    next[0] = s.next;
    moved += static_cast<std::uint64_t>(std::popcount(s.moved));
  }
  next[last] = lastStep.next & mask;
  return moved;
}

}  // namespace convoy::rule184
