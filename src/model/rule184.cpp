#include "convoy/model/rule184.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>
#include <vector>

#include "convoy/core/packed_road.hpp"

#ifdef CONVOY_X86_VARIANTS
#include <immintrin.h>
#endif

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

// The portable fallback, and the tail of the vector variants.
std::uint64_t stepWordsScalar(const std::uint64_t* in, std::uint64_t* out, std::uint64_t words) {
  std::uint64_t moved = 0;
  for (std::uint64_t i = 0; i < words; ++i) {
    const std::uint64_t word = in[i];
    const WordStep s = stepWord(word, (word << 1) | (in[i - 1] >> 63), (word >> 1) | (in[i + 1] << 63));
    out[i] = s.next;
    moved += static_cast<std::uint64_t>(std::popcount(s.moved));
  }
  return moved;
}

#ifdef CONVOY_X86_VARIANTS
// AVX2 (ARCHER2's EPYC 7742 has it; it has no AVX-512): four words per vector, the neighbours' edge
// bits from unaligned loads one word either side. AVX2 has no popcount. The moving cars of 16 vectors
// are added up bit-sliced with carry-save adders (Harley-Seal: five logic operations per vector), and
// only the 16s, and at the end the 8s, 4s, 2s and 1s, are counted per byte with a 16-entry table
// (vpshufb on each nibble) and widened to 64 bits with vpsadbw.
#define CONVOY_AVX2 __attribute__((target("avx2"))) inline

// One step of the four words at in[0..3] into out[0..3]; returns their moving cars.
CONVOY_AVX2 __m256i stepVectorAvx2(const std::uint64_t* in, std::uint64_t* out) {
  const __m256i word = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in));
  const __m256i before = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in - 1));
  const __m256i after = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + 1));
  // word + word is word << 1 on any vector ALU port, leaving the shift ports to the other shifts.
  const __m256i left = _mm256_or_si256(_mm256_add_epi64(word, word), _mm256_srli_epi64(before, 63));
  const __m256i right = _mm256_or_si256(_mm256_srli_epi64(word, 1), _mm256_slli_epi64(after, 63));
  const __m256i next = _mm256_or_si256(_mm256_andnot_si256(word, left), _mm256_and_si256(word, right));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), next);
  return _mm256_andnot_si256(right, word);
}

// Set bits per 64-bit lane.
CONVOY_AVX2 __m256i popcountAvx2(__m256i bits) {
  const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,  //
                                         0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i nibble = _mm256_set1_epi8(0x0f);
  const __m256i low = _mm256_shuffle_epi8(table, _mm256_and_si256(bits, nibble));
  const __m256i high = _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(bits, 4), nibble));
  return _mm256_sad_epu8(_mm256_add_epi8(low, high), _mm256_setzero_si256());
}

// Carry-save adder: a + b + c = 2 * carry + sum, bitwise.
CONVOY_AVX2 void carrySave(__m256i& carry, __m256i& sum, __m256i a, __m256i b, __m256i c) {
  const __m256i half = _mm256_xor_si256(a, b);
  carry = _mm256_or_si256(_mm256_and_si256(a, b), _mm256_and_si256(half, c));
  sum = _mm256_xor_si256(half, c);
}

__attribute__((target("avx2"))) std::uint64_t stepWordsAvx2(const std::uint64_t* in, std::uint64_t* out,
                                                            std::uint64_t words) {
  __m256i total = _mm256_setzero_si256();  // sixteens, then everything
  __m256i ones = _mm256_setzero_si256();
  __m256i twos = ones, fours = ones, eights = ones;
  __m256i twosA, twosB, foursA, foursB, eightsA, eightsB, sixteens;
  std::uint64_t i = 0;
// The k-th vector of this block of 16 (a macro: a lambda would not inherit the avx2 target).
#define moved(k) stepVectorAvx2(in + i + 4 * (k), out + i + 4 * (k))
  for (; i + 64 <= words; i += 64) {
    carrySave(twosA, ones, ones, moved(0), moved(1));
    carrySave(twosB, ones, ones, moved(2), moved(3));
    carrySave(foursA, twos, twos, twosA, twosB);
    carrySave(twosA, ones, ones, moved(4), moved(5));
    carrySave(twosB, ones, ones, moved(6), moved(7));
    carrySave(foursB, twos, twos, twosA, twosB);
    carrySave(eightsA, fours, fours, foursA, foursB);
    carrySave(twosA, ones, ones, moved(8), moved(9));
    carrySave(twosB, ones, ones, moved(10), moved(11));
    carrySave(foursA, twos, twos, twosA, twosB);
    carrySave(twosA, ones, ones, moved(12), moved(13));
    carrySave(twosB, ones, ones, moved(14), moved(15));
    carrySave(foursB, twos, twos, twosA, twosB);
    carrySave(eightsB, fours, fours, foursA, foursB);
    carrySave(sixteens, eights, eights, eightsA, eightsB);
    total = _mm256_add_epi64(total, popcountAvx2(sixteens));
  }
#undef moved
  total = _mm256_slli_epi64(total, 4);
  total = _mm256_add_epi64(total, _mm256_slli_epi64(popcountAvx2(eights), 3));
  total = _mm256_add_epi64(total, _mm256_slli_epi64(popcountAvx2(fours), 2));
  total = _mm256_add_epi64(total, _mm256_slli_epi64(popcountAvx2(twos), 1));
  total = _mm256_add_epi64(total, popcountAvx2(ones));
  for (; i + 4 <= words; i += 4) total = _mm256_add_epi64(total, popcountAvx2(stepVectorAvx2(in + i, out + i)));
  alignas(32) std::uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), total);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3] + stepWordsScalar(in + i, out + i, words - i);
}
#undef CONVOY_AVX2

// AVX-512 with VPOPCNTDQ (Ice Lake and later, Zen 4): eight words per vector and a popcount per lane.
// GCC 12's AVX-512 headers trip its own uninitialised-value warnings (GCC bug 105593).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
__attribute__((target("avx512f,avx512vpopcntdq"))) std::uint64_t stepWordsAvx512(const std::uint64_t* in,
                                                                                 std::uint64_t* out,
                                                                                 std::uint64_t words) {
  __m512i total = _mm512_setzero_si512();
  std::uint64_t i = 0;
  for (; i + 8 <= words; i += 8) {
    const __m512i word = _mm512_loadu_si512(in + i);
    const __m512i before = _mm512_loadu_si512(in + i - 1);
    const __m512i after = _mm512_loadu_si512(in + i + 1);
    const __m512i left = _mm512_or_si512(_mm512_slli_epi64(word, 1), _mm512_srli_epi64(before, 63));
    const __m512i right = _mm512_or_si512(_mm512_srli_epi64(word, 1), _mm512_slli_epi64(after, 63));
    // (left & ~word) | (word & right) in one instruction: truth table over (word, left, right).
    const __m512i next = _mm512_ternarylogic_epi64(word, left, right, 0xAC);
    _mm512_storeu_si512(out + i, next);
    total = _mm512_add_epi64(total, _mm512_popcnt_epi64(_mm512_andnot_si512(right, word)));
  }
  return static_cast<std::uint64_t>(_mm512_reduce_add_epi64(total)) + stepWordsScalar(in + i, out + i, words - i);
}
#pragma GCC diagnostic pop
#endif

}  // namespace

namespace detail {

std::uint64_t stepWords(const std::uint64_t* in, std::uint64_t* out, std::uint64_t words, Isa isa) {
  switch (resolve(isa)) {
#ifdef CONVOY_X86_VARIANTS
    case Isa::Avx2:
      return stepWordsAvx2(in, out, words);
    case Isa::Avx512:
      return stepWordsAvx512(in, out, words);
#endif
    default:
      return stepWordsScalar(in, out, words);
  }
}

}  // namespace detail

std::uint64_t stepPacked(std::span<const std::uint64_t> old, std::span<std::uint64_t> next, std::uint64_t cells,
                         bool leftHalo, bool rightHalo, Isa isa) {
  if (cells == 0) return 0;
  const std::uint64_t words = packed::wordsFor(cells);
  const std::uint64_t left = leftHalo ? 1 : 0;
  const std::uint64_t right = rightHalo ? 1 : 0;
  std::uint64_t moved = 0;

  // Interior words: the neighbours of bit 0 and bit 63 come from the adjacent words.
  if (words > 2) moved += detail::stepWords(old.data() + 1, next.data() + 1, words - 2, isa);

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

namespace {

bool bitAt(std::span<const std::uint64_t> words, std::uint64_t bit) {
  return ((words[bit / packed::kCellsPerWord] >> (bit % packed::kCellsPerWord)) & 1U) != 0;
}

void setBit(std::span<std::uint64_t> words, std::uint64_t bit) {
  words[bit / packed::kCellsPerWord] |= std::uint64_t{1} << (bit % packed::kCellsPerWord);
}

// The extended segment: the left halo, the segment and the right halo as one packed run of bits,
// the segment starting at word `haloWords` (so that the segment's own words can be copied as they
// are). Word e of it is a head word (the left halo, aligned to end where the segment begins), a word
// of the segment, or a tail word (the segment's last word with the right halo right after its last
// cell); past the right halo it is zero. Only the head and tail are materialised.
class ExtendedSegment {
 public:
  ExtendedSegment(std::span<const std::uint64_t> segment, std::uint64_t cells, std::uint64_t haloCells,
                  std::span<const std::uint64_t> leftHalo, std::span<const std::uint64_t> rightHalo, bool withHalos)
      : segment_(segment), haloWords_(packed::wordsFor(haloCells)), words_(packed::wordsFor(cells)) {
    if (!withHalos) return;
    head_.assign(haloWords_, 0);
    tail_.assign(haloWords_ + 1, 0);
    const std::uint64_t headStart = haloWords_ * packed::kCellsPerWord - haloCells;
    const std::uint64_t tailStart = cells - (words_ - 1) * packed::kCellsPerWord;  // cells in the last word
    tail_[0] = segment[words_ - 1];
    for (std::uint64_t c = 0; c < haloCells; ++c) {
      if (bitAt(leftHalo, c)) setBit(head_, headStart + c);
      if (bitAt(rightHalo, c)) setBit(tail_, tailStart + c);
    }
  }

  // Copies words [first, first + count) into `out`.
  void copy(std::uint64_t first, std::uint64_t count, std::uint64_t* out) const {
    const std::uint64_t fullEnd = haloWords_ + words_ - 1;  // the segment's words before its last
    for (std::uint64_t e = first; e < first + count; ++e) {
      if (e < haloWords_) {
        *out++ = head_[e];
      } else if (e < fullEnd) {
        const std::uint64_t run = std::min(first + count, fullEnd) - e;
        std::memcpy(out, segment_.data() + (e - haloWords_), run * sizeof(std::uint64_t));
        out += run;
        e += run - 1;
      } else {
        *out++ = e - fullEnd < tail_.size() ? tail_[e - fullEnd] : 0;
      }
    }
  }

 private:
  std::span<const std::uint64_t> segment_;
  std::uint64_t haloWords_;
  std::uint64_t words_;
  std::vector<std::uint64_t> head_;
  std::vector<std::uint64_t> tail_;
};

struct TileProbe {
  std::uint64_t bit;    // the probe's cell, as a bit of the tile buffer
  std::uint64_t index;  // in Advance::probes
};

}  // namespace

void advancePacked(const Advance& advance, std::span<const std::uint64_t> old, std::span<std::uint64_t> next,
                   std::span<const std::uint64_t> leftHalo, std::span<const std::uint64_t> rightHalo,
                   std::span<std::uint64_t> moves, std::span<std::uint64_t> arrivals, Tiles tiles) {
  const std::uint64_t cells = advance.cells;
  if (cells == 0) return;
  assert(advance.haloCells >= 1 && advance.steps <= advance.haloCells && advance.tileWords >= 1);
  assert(moves.size() >= advance.steps && arrivals.size() >= advance.steps * advance.probes.size());
  const std::uint64_t words = packed::wordsFor(cells);
  const std::uint64_t haloWords = packed::wordsFor(advance.haloCells);
  const std::uint64_t tileWords = advance.tileWords;
  const std::uint64_t lastMask = packed::lastWordMask(cells);
  const Isa isa = resolve(advance.isa);
  const ExtendedSegment extended(old, cells, advance.haloCells, leftHalo, rightHalo, tiles != Tiles::Interior);

  // Two buffers of a tile and its halos, with a zero word either side (the kernel reads one past).
  std::vector<std::uint64_t> bufferA(std::min(tileWords, words) + 2 * haloWords + 2, 0);
  std::vector<std::uint64_t> bufferB(bufferA.size(), 0);
  std::vector<TileProbe> tileProbes;

  for (std::uint64_t first = 0; first < words; first += tileWords) {
    const std::uint64_t end = std::min(first + tileWords, words);
    const bool interior = first >= haloWords && end + haloWords <= words - 1;
    if ((tiles == Tiles::Interior && !interior) || (tiles == Tiles::Boundary && interior)) continue;
    const std::uint64_t owned = end - first;
    const std::uint64_t span = owned + 2 * haloWords;  // words stepped
    std::uint64_t* current = bufferA.data() + 1;
    std::uint64_t* stepped = bufferB.data() + 1;
    extended.copy(first, span, current);
    current[span] = 0;
    stepped[-1] = 0;
    stepped[span] = 0;

    tileProbes.clear();
    for (std::uint64_t p = 0; p < advance.probes.size(); ++p) {
      const std::uint64_t probe = advance.probes[p];
      if (probe >= first * packed::kCellsPerWord && probe < end * packed::kCellsPerWord) {
        tileProbes.push_back({probe + haloWords * packed::kCellsPerWord - first * packed::kCellsPerWord, p});
      }
    }
    const bool partialLast = end == words && lastMask != ~std::uint64_t{0};
    const std::uint64_t lastIndex = haloWords + (words - 1 - first);

    for (std::uint64_t step = 0; step < advance.steps; ++step) {
      for (const TileProbe& probe : tileProbes) {
        const std::span<const std::uint64_t> buffer(current, span);
        if (bitAt(buffer, probe.bit - 1) && !bitAt(buffer, probe.bit)) {
          arrivals[step * advance.probes.size() + probe.index] += 1;
        }
      }
      // The halo words are stepped too (their outer edge goes stale, at most one cell per step), but
      // only the tile's own cars are counted.
      detail::stepWords(current, stepped, haloWords, isa);
      std::uint64_t moved = detail::stepWords(current + haloWords, stepped + haloWords, owned, isa);
      detail::stepWords(current + haloWords + owned, stepped + haloWords + owned, haloWords, isa);
      if (partialLast) {  // the cells past the segment's last one are right-halo cells: not ours
        const std::uint64_t word = current[lastIndex];
        const std::uint64_t right = (word >> 1) | (current[lastIndex + 1] << 63);
        moved -= static_cast<std::uint64_t>(std::popcount(word & ~right & ~lastMask));
      }
      moves[step] += moved;
      std::swap(current, stepped);
    }
    std::copy(current + haloWords, current + haloWords + owned, next.begin() + static_cast<std::ptrdiff_t>(first));
    if (end == words) next[words - 1] &= lastMask;
  }
}

}  // namespace convoy::rule184
