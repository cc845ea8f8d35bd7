#include "convoy/model/nasch.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cstdint>
#include <vector>

#include "convoy/core/packed_road.hpp"
#include "convoy/core/random.hpp"
#include "convoy/model/braking.hpp"
#include "nasch_block.hpp"

namespace convoy::nasch {
namespace {

using block::BlockInput;
using block::BlockOutput;
using block::kAllOnes;
using block::kBlockWords;
using block::kFastVmax;

// The braking masks of word j against P and against P_slow (the same when P_slow = P).
inline std::array<std::uint64_t, 2> brakesOf(const BlockInput& in, std::uint64_t j, const block::Braking& braking) {
  if (j < in.presetCount) return {in.presetBrakes[j], in.presetSlowBrakes[j]};
  const std::uint64_t mask = braking::wordMask(braking.key, in.firstGlobalWord + j, braking.threshold, in.occupancy[j]);
  if (braking.slowThreshold == braking.threshold) return {mask, mask};
  return {mask, braking::wordMask(braking.key, in.firstGlobalWord + j, braking.slowThreshold, in.occupancy[j])};
}

// Any vmax (1 .. 255, H = ceil(vmax / 64)): a loop over the cars, found by bit scans, each taking the
// four rules in turn. The thermometer code of the fast kernels would cost vmax words per word; with
// large vmax, cars are few per word. It is the path for vmax > kFastVmax, and the tests run it for
// small vmax too, as a second implementation.
std::uint64_t stepBlockCars(const BlockInput& in, const BlockOutput& out, const block::Braking& braking,
                            unsigned vmax) {
  const unsigned planeCount = velocityPlanes(vmax);
  const std::uint64_t H = haloWords(vmax);
  const std::uint64_t n = out.words;
  for (std::uint64_t i = 0; i < n; ++i) {
    out.occupancy[i] = 0;
    for (unsigned b = 0; b < planeCount; ++b) out.planes[b][i] = 0;
  }
  // 64 cells of the input from cell x on (the input has a word to spare after the last one read)
  const auto cellsFrom = [&](std::uint64_t x) {
    const std::uint64_t w = x / 64;
    const unsigned offset = x % 64;
    return offset == 0 ? in.occupancy[w] : (in.occupancy[w] >> offset) | (in.occupancy[w + 1] << (64 - offset));
  };
  const std::uint64_t firstOut = 64 * H;  // input cell of output cell 0
  std::uint64_t distance = 0;
  for (std::uint64_t j = 0; j < n + H; ++j) {
    std::uint64_t cars = in.occupancy[j];
    if (j + 1 == n + H) cars &= out.lastMask;  // cells past the ring's last are halo cells
    if (cars == 0) continue;
    const auto [brakes, slowBrakes] = brakesOf(in, j, braking);
    for (; cars != 0; cars &= cars - 1) {
      const auto bit = static_cast<unsigned>(std::countr_zero(cars));
      const std::uint64_t cell = 64 * j + bit;
      if (cell + vmax < firstOut) continue;  // behind the block and too far back to reach it
      unsigned v = 0;
      for (unsigned b = 0; b < planeCount; ++b) v |= static_cast<unsigned>((in.planes[b][j] >> bit) & 1U) << b;
      const std::uint64_t brakeMask = v == 0 ? slowBrakes : brakes;  // slow-to-start: P_slow if it stood still
      v = std::min(v + 1, vmax);                                     // 1. accelerate
      for (std::uint64_t ahead = 0; ahead < v; ahead += 64) {        // 2. keep to the gap
        const std::uint64_t occupied = cellsFrom(cell + 1 + ahead);
        if (occupied != 0) {
          v = static_cast<unsigned>(
              std::min<std::uint64_t>(v, ahead + static_cast<std::uint64_t>(std::countr_zero(occupied))));
          break;
        }
      }
      if (v > 0 && ((brakeMask >> bit) & 1U)) --v;  // 3. brake at random
      if (j >= H) distance += v;
      const std::uint64_t target = cell + v;                           // 4. move
      if (target < firstOut || target >= firstOut + 64 * n) continue;  // another block's
      const std::uint64_t o = target - firstOut;
      const std::uint64_t mask = std::uint64_t{1} << (o % 64);
      out.occupancy[o / 64] |= mask;
      for (unsigned b = 0; b < planeCount; ++b) {
        if ((v >> b) & 1U) out.planes[b][o / 64] |= mask;
      }
    }
  }
  out.occupancy[n - 1] &= out.lastMask;
  for (unsigned b = 0; b < planeCount; ++b) out.planes[b][n - 1] &= out.lastMask;
  return distance;
}

enum class Path { Fast, Generic };

// The bit-sliced kernel of the variant for this vmax, or none (the loop over cars).
block::Kernel fastKernelFor(const Model& model, Path path, Isa isa) {
  if (path != Path::Fast || model.vmax > kFastVmax) return nullptr;
  return block::fastKernels(isa)[model.vmax - 1];
}

// The segment with its halos as one sequence of words: word s (from -H) of layer l (0: occupancy,
// 1 + b: plane b). The right halo's cells follow the segment's last cell, inside its last word when
// that word is partial.
class Extended {
 public:
  Extended(const Placement& segment, ConstLayers old, ConstLayers left, ConstLayers right)
      : words_(static_cast<std::int64_t>(segment.words)),
        halo_(static_cast<std::int64_t>(left.words())),
        used_(static_cast<unsigned>((segment.endCell() - segment.firstCell()) % 64)),
        old_(old),
        left_(left),
        right_(right) {}

  std::uint64_t word(unsigned layer, std::int64_t s) const {
    if (s < -halo_) return 0;
    if (s < 0) return at(left_, layer, static_cast<std::uint64_t>(s + halo_));
    if (s < words_ - 1 || (s == words_ - 1 && used_ == 0)) return at(old_, layer, static_cast<std::uint64_t>(s));
    if (used_ == 0) return s - words_ < halo_ ? at(right_, layer, static_cast<std::uint64_t>(s - words_)) : 0;
    // The halo's cells start at bit `used_` of the segment's last word.
    const std::int64_t m = s - (words_ - 1);  // 0: the last word
    const std::uint64_t low =
        m == 0 ? at(old_, layer, static_cast<std::uint64_t>(s)) & packed::lastWordMask(used_)
               : (m - 1 < halo_ ? at(right_, layer, static_cast<std::uint64_t>(m - 1)) >> (64 - used_) : 0);
    const std::uint64_t high = m < halo_ ? at(right_, layer, static_cast<std::uint64_t>(m)) << used_ : 0;
    return low | high;
  }

 private:
  std::uint64_t at(ConstLayers piece, unsigned layer, std::uint64_t i) const {
    return layer == 0 ? piece.occupancy[i] : piece.velocity[(layer - 1) * piece.words() + i];
  }
  std::int64_t words_;
  std::int64_t halo_;
  unsigned used_;
  ConstLayers old_, left_, right_;
};

// Output words [first, end) of the segment (stepSegmentWords).
std::uint64_t stepSegmentWith(const Model& model, std::uint64_t step, const Placement& segment, ConstLayers old,
                              ConstLayers leftHalo, ConstLayers rightHalo, Layers next, Path path, Isa isa,
                              std::uint64_t first, std::uint64_t end) {
  assert(model.vmax >= 1 && model.vmax <= kMaxVmax);
  const std::uint64_t words = segment.words;
  assert(first <= end && end <= words);
  if (first == end) return 0;
  const unsigned planeCount = velocityPlanes(model.vmax);
  const std::uint64_t H = haloWords(model.vmax);
  assert(old.occupancy.size() == words && old.velocity.size() == words * planeCount);
  assert(next.occupancy.size() == words && next.velocity.size() == words * planeCount);
  assert(leftHalo.words() == H && rightHalo.words() == H);
  const std::uint64_t key = braking::stepKey(model.seed, step);
  const std::uint64_t cells = segment.endCell() - segment.firstCell();
  const std::uint64_t lastMask = packed::lastWordMask(cells);
  const Extended extended(segment, old, leftHalo, rightHalo);

  // Braking masks of left-halo words that are not global words (the ring wraps inside the halo):
  // cell by cell, from the masks of the global words their cells belong to, against P and P_slow.
  std::vector<std::uint64_t> haloBrakes;
  std::vector<std::uint64_t> haloSlowBrakes;
  if (segment.firstWord < H && first == 0) {
    const auto roadCells = static_cast<std::int64_t>(segment.roadCells);
    std::uint64_t cachedWord = kAllOnes;
    std::array<std::uint64_t, 2> cachedMasks{};
    for (std::uint64_t k = 0; k < H; ++k) {
      std::array<std::uint64_t, 2> masks{};
      for (unsigned bit = 0; bit < 64; ++bit) {
        const std::int64_t raw =
            static_cast<std::int64_t>(segment.firstCell() + 64 * k + bit) - static_cast<std::int64_t>(64 * H);
        const auto cell = static_cast<std::uint64_t>(((raw % roadCells) + roadCells) % roadCells);
        if (cell / 64 != cachedWord) {
          cachedWord = cell / 64;
          const std::uint64_t mask = braking::wordMask(key, cachedWord, model.brakeThreshold);
          cachedMasks = {mask, model.slowThreshold == model.brakeThreshold
                                   ? mask
                                   : braking::wordMask(key, cachedWord, model.slowThreshold)};
        }
        for (std::size_t t = 0; t < 2; ++t) masks[t] |= ((cachedMasks[t] >> (cell % 64)) & 1U) << bit;
      }
      haloBrakes.push_back(masks[0]);
      haloSlowBrakes.push_back(masks[1]);
    }
  }
  const block::Braking stepBraking{key, model.brakeThreshold, model.slowThreshold};

  const block::Kernel fast = fastKernelFor(model, path, isa);
  const std::uint64_t block = fast != nullptr ? kBlockWords : 64;
  std::vector<std::uint64_t> staging;
  std::uint64_t distance = 0;
  for (std::uint64_t s0 = first; s0 < end; s0 += block) {
    const std::uint64_t s1 = std::min(end, s0 + block);
    const std::uint64_t inputWords = s1 - s0 + 2 * H;
    BlockInput in;
    in.firstGlobalWord = segment.firstWord + s0 - H;
    BlockOutput out;
    out.words = s1 - s0;
    out.lastMask = s1 == words ? lastMask : kAllOnes;
    out.occupancy = next.occupancy.data() + s0;
    for (unsigned b = 0; b < planeCount; ++b) out.planes[b] = next.velocity.data() + b * words + s0;
    if (s0 >= H && s1 + H + 1 <= words) {  // interior: read the segment in place
      in.occupancy = old.occupancy.data() + (s0 - H);
      for (unsigned b = 0; b < planeCount; ++b) in.planes[b] = old.velocity.data() + b * words + (s0 - H);
    } else {  // an edge: copy the halo, the segment's edge and the spliced last word aside
      const std::uint64_t stride = inputWords + 1;  // + 1 zero word read past the end by pass 1
      staging.assign((planeCount + 1) * stride, 0);
      // Words j with segment word s = s0 + j - H in [0, words - 1) are the segment's own: copied as
      // they are; the halo words and the (maybe spliced) last word come from `extended`.
      const std::uint64_t ownFirst = s0 < H ? H - s0 : 0;
      const std::uint64_t ownEnd = std::min(inputWords, words - 1 + H - s0);
      for (unsigned layer = 0; layer <= planeCount; ++layer) {
        const std::uint64_t* source = layer == 0 ? old.occupancy.data() : old.velocity.data() + (layer - 1) * words;
        for (std::uint64_t j = 0; j < inputWords; ++j) {
          const std::int64_t s = static_cast<std::int64_t>(s0 + j) - static_cast<std::int64_t>(H);
          staging[layer * stride + j] =
              j >= ownFirst && j < ownEnd ? source[static_cast<std::uint64_t>(s)] : extended.word(layer, s);
        }
      }
      in.occupancy = staging.data();
      for (unsigned b = 0; b < planeCount; ++b) in.planes[b] = staging.data() + (b + 1) * stride;
      if (s0 == 0 && !haloBrakes.empty()) {
        in.presetBrakes = haloBrakes.data();
        in.presetSlowBrakes = haloSlowBrakes.data();
        in.presetCount = H;
      }
    }
    distance += fast != nullptr ? fast(in, out, stepBraking) : stepBlockCars(in, out, stepBraking, model.vmax);
  }
  return distance;
}

}  // namespace

std::uint64_t Placement::endCell() const { return std::min((firstWord + words) * 64, roadCells); }

std::uint64_t stepSegment(const Model& model, std::uint64_t step, const Placement& segment, ConstLayers old,
                          ConstLayers leftHalo, ConstLayers rightHalo, Layers next, Isa isa) {
  return stepSegmentWith(model, step, segment, old, leftHalo, rightHalo, next, Path::Fast, isa, 0, segment.words);
}

std::uint64_t stepSegmentWords(const Model& model, std::uint64_t step, const Placement& segment, ConstLayers old,
                               ConstLayers leftHalo, ConstLayers rightHalo, Layers next, std::uint64_t first,
                               std::uint64_t end, Isa isa) {
  return stepSegmentWith(model, step, segment, old, leftHalo, rightHalo, next, Path::Fast, isa, first, end);
}

namespace detail {
std::uint64_t stepSegmentGeneric(const Model& model, std::uint64_t step, const Placement& segment, ConstLayers old,
                                 ConstLayers leftHalo, ConstLayers rightHalo, Layers next) {
  return stepSegmentWith(model, step, segment, old, leftHalo, rightHalo, next, Path::Generic, Isa::Scalar, 0,
                         segment.words);
}
}  // namespace detail

namespace {

// Copies cell `from` of `source` to cell `to` of `target` (all layers).
void copyCell(ConstLayers source, std::uint64_t from, Layers target, std::uint64_t to, unsigned planes) {
  const std::uint64_t sw = source.words();
  const std::uint64_t tw = target.words();
  packed::setCell(target.occupancy, to, packed::cell(source.occupancy, from));
  for (unsigned b = 0; b < planes; ++b) {
    packed::setCell(target.velocity.subspan(b * tw, tw), to, packed::cell(source.velocity.subspan(b * sw, sw), from));
  }
}

}  // namespace

namespace {

// The 64 bits of a packed layer starting at bit `start` (may be negative), cells outside [0, cells)
// read as 0.
std::uint64_t bitsAt(std::span<const std::uint64_t> words, std::uint64_t cells, std::int64_t start) {
  std::uint64_t result = 0;
  const auto end = static_cast<std::int64_t>(cells);
  for (std::int64_t w = start >= 0 ? start / 64 : -1; w * 64 < start + 64 && w * 64 < end; ++w) {
    if (w < 0) continue;
    const std::uint64_t word = words[static_cast<std::uint64_t>(w)];
    const std::int64_t offset = w * 64 - start;  // where the word's bit 0 lands in the result
    if (offset >= 0) {
      result |= word << offset;
    } else {
      result |= word >> -offset;
    }
  }
  // cells past the end (padding is zero, but the caller's layer may be a longer buffer)
  const std::int64_t valid = end - start;
  if (valid < 64) result &= valid <= 0 ? 0 : (std::uint64_t{1} << valid) - 1;
  if (start < 0) result &= start <= -64 ? 0 : kAllOnes << -start;
  return result;
}

}  // namespace

State edgeCells(ConstLayers segment, std::uint64_t cells, unsigned vmax, Edge edge) {
  State halo(haloWords(vmax), velocityPlanes(vmax));
  edgeCellsInto(segment, cells, vmax, edge, halo.view());
  return halo;
}

void edgeCellsInto(ConstLayers segment, std::uint64_t cells, unsigned vmax, Edge edge, Layers halo) {
  const unsigned planes = velocityPlanes(vmax);
  const std::uint64_t H = haloWords(vmax);
  const std::uint64_t words = segment.words();
  const std::int64_t first =
      edge == Edge::First ? 0 : static_cast<std::int64_t>(cells) - static_cast<std::int64_t>(64 * H);
  for (std::uint64_t k = 0; k < H; ++k) {
    const std::int64_t start = first + static_cast<std::int64_t>(64 * k);
    halo.occupancy[k] = bitsAt(segment.occupancy, cells, start);
    for (unsigned b = 0; b < planes; ++b) {
      halo.velocity[b * H + k] = bitsAt(segment.velocity.subspan(b * words, words), cells, start);
    }
  }
}

Halos ringHalos(ConstLayers ring, const Placement& segment, unsigned vmax) {
  const unsigned planes = velocityPlanes(vmax);
  const std::uint64_t H = haloWords(vmax);
  const std::uint64_t n = segment.roadCells;
  Halos halos{State(H, planes), State(H, planes)};
  if (n == 0) return halos;
  // left: cells firstCell - 64 H + k; written as firstCell + (n - 64 H mod n) + k to stay unsigned
  const std::uint64_t back = (n - (64 * H) % n) % n;
  for (std::uint64_t k = 0; k < 64 * H; ++k) {
    copyCell(ring, (segment.firstCell() + back + k) % n, halos.left.view(), k, planes);
    copyCell(ring, (segment.endCell() + k) % n, halos.right.view(), k, planes);
  }
  return halos;
}

std::uint64_t stepRing(const Model& model, std::uint64_t step, std::uint64_t roadCells, ConstLayers old, Layers next,
                       Isa isa) {
  const Placement segment{roadCells, 0, packed::wordsFor(roadCells)};
  const Halos halos = ringHalos(old, segment, model.vmax);
  return stepSegment(model, step, segment, old, halos.left.view(), halos.right.view(), next, isa);
}

State fromCells(std::span<const Cell> cells, unsigned vmax) {
  const unsigned planes = velocityPlanes(vmax);
  const std::uint64_t words = packed::wordsFor(cells.size());
  State road(words, planes);
  for (std::uint64_t i = 0; i < cells.size(); ++i) {
    if (cells[i] == kEmpty) continue;
    assert(cells[i] >= 0 && static_cast<unsigned>(cells[i]) <= vmax);
    const std::uint64_t bit = std::uint64_t{1} << (i % 64);
    road.occupancy[i / 64] |= bit;
    for (unsigned b = 0; b < planes; ++b) {
      if ((static_cast<unsigned>(cells[i]) >> b) & 1U) road.velocity[b * words + i / 64] |= bit;
    }
  }
  return road;
}

std::vector<Cell> toCells(ConstLayers road, std::uint64_t firstCell, std::uint64_t count) {
  const std::uint64_t words = road.words();
  const auto planes = static_cast<unsigned>(words == 0 ? 0 : road.velocity.size() / words);
  std::vector<Cell> cells(count, kEmpty);
  for (std::uint64_t k = 0; k < count; ++k) {
    const std::uint64_t i = firstCell + k;
    if (!packed::cell(road.occupancy, i)) continue;
    unsigned v = 0;
    for (unsigned b = 0; b < planes; ++b) {
      if (packed::cell(road.velocity.subspan(b * words, words), i)) v |= 1U << b;
    }
    cells[k] = static_cast<Cell>(v);
  }
  return cells;
}

std::uint64_t velocitySum(ConstLayers road) {
  const std::uint64_t words = road.words();
  const std::uint64_t planes = words == 0 ? 0 : road.velocity.size() / words;
  std::uint64_t sum = 0;
  for (std::uint64_t b = 0; b < planes; ++b) {
    sum += packed::countCars(road.velocity.subspan(b * words, words)) << b;
  }
  return sum;
}

}  // namespace convoy::nasch
