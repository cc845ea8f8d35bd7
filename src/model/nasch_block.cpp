// The bit-sliced NaSch block kernels in three instruction-set variants: one body
// (nasch_block_kernels.inc) compiled three times, for the build's -march (scalar), for AVX2 (ARCHER2's
// EPYC 7742) and for AVX-512 (with DQ's 64-bit vector multiply, which the random words need). The two
// vector variants also compile the one-pass kernels (nasch_vector_kernels.inc) on their own vector
// type, from the few helpers below that GCC's vector extensions do not give; their table
// (kVectorKernels) is what those variants run, falling back to the four-pass kernels block by block
// (whose own table, kKernels, only the scalar variant uses). The variants give the same bits;
// nasch_test runs each against the reference kernel.
#include "nasch_block.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cstdint>
#include <utility>

#ifdef CONVOY_X86_VARIANTS
#include <immintrin.h>
#endif

#include "convoy/core/random.hpp"
#include "convoy/model/braking.hpp"
#include "convoy/model/nasch.hpp"

namespace convoy::nasch::block {
namespace {

namespace scalar {
#include "nasch_block_kernels.inc"
}  // namespace scalar

#ifdef CONVOY_X86_VARIANTS
#ifdef __clang__  // Clang has no GCC target pragma: the same target for every function of the namespace
#pragma clang attribute push(__attribute__((target("avx2,bmi,bmi2,popcnt"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,bmi,bmi2,popcnt")
#endif
namespace avx2 {
#include "nasch_block_kernels.inc"

using Lanes = std::uint64_t __attribute__((vector_size(32)));
inline constexpr unsigned kLanes = 4;
inline Lanes loadLanes(const std::uint64_t* p) {
  return reinterpret_cast<Lanes>(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}
inline void storeLanes(std::uint64_t* p, Lanes x) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), reinterpret_cast<__m256i>(x));
}
template <unsigned D>
inline Lanes shiftDownFrom(Lanes x, Lanes above) {
  return (x >> D) | (above << (64 - D));
}
template <unsigned D>
inline Lanes shiftUpFrom(Lanes x, Lanes below) {
  return (x << D) | (below >> (64 - D));
}
inline Lanes wordsBefore(Lanes previous, Lanes current) {
  const __m256i c = reinterpret_cast<__m256i>(current);
  const __m256i middle = _mm256_permute2x128_si256(reinterpret_cast<__m256i>(previous), c, 0x21);  // p2 p3 c0 c1
  return reinterpret_cast<Lanes>(_mm256_alignr_epi8(c, middle, 8));                                // p3 c0 c1 c2
}
// No vector popcount in AVX2: the nibble table (vpshufb), then the bytes of each lane summed (vpsadbw).
inline Lanes popcountLanes(Lanes x) {
  const __m256i v = reinterpret_cast<__m256i>(x);
  const __m256i nibble = _mm256_set1_epi8(0x0f);
  const __m256i table =
      _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low = _mm256_shuffle_epi8(table, _mm256_and_si256(v, nibble));
  const __m256i high = _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble));
  return reinterpret_cast<Lanes>(_mm256_sad_epu8(_mm256_add_epi8(low, high), _mm256_setzero_si256()));
}
inline bool anyLanes(Lanes x) {
  return _mm256_testz_si256(reinterpret_cast<__m256i>(x), reinterpret_cast<__m256i>(x)) == 0;
}
// The lanes of `indices` where x is not 0, packed at out (a whole vector stored); how many. vpermd
// with a table of the 16 lane masks' permutations, as AVX2 has no compress.
inline constexpr auto kCompressPermutations = [] {
  std::array<std::array<std::int32_t, 8>, 16> table{};
  for (unsigned mask = 0; mask < 16; ++mask) {
    unsigned to = 0;
    for (unsigned lane = 0; lane < 4; ++lane) {
      if ((mask >> lane) & 1U) {
        table[mask][2 * to] = static_cast<std::int32_t>(2 * lane);
        table[mask][2 * to + 1] = static_cast<std::int32_t>(2 * lane + 1);
        ++to;
      }
    }
  }
  return table;
}();
inline unsigned compressNonZero(Lanes x, Lanes indices, std::uint64_t* out) {
  const __m256i zero = _mm256_cmpeq_epi64(reinterpret_cast<__m256i>(x), _mm256_setzero_si256());
  const unsigned mask = ~static_cast<unsigned>(_mm256_movemask_pd(_mm256_castsi256_pd(zero))) & 0xFU;
  const __m256i permutation = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kCompressPermutations[mask].data()));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out),
                      _mm256_permutevar8x32_epi32(reinterpret_cast<__m256i>(indices), permutation));
  return static_cast<unsigned>(std::popcount(mask));
}
inline Lanes gatherLanes(const std::uint64_t* base, Lanes indices) {
  return reinterpret_cast<Lanes>(
      _mm256_i64gather_epi64(reinterpret_cast<const long long*>(base), reinterpret_cast<__m256i>(indices), 8));
}
inline void scatterLanes(std::uint64_t* base, Lanes indices, Lanes x) {  // no scatter in AVX2
  for (unsigned k = 0; k < kLanes; ++k) base[indices[k]] = x[k];
}

#include "nasch_vector_kernels.inc"
}  // namespace avx2
#ifdef __clang__
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#ifdef __clang__
#pragma clang attribute push(                                                                                  \
    __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,avx512vpopcntdq,avx512vbmi2,bmi,bmi2,popcnt"))), \
    apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,avx512vpopcntdq,avx512vbmi2,bmi,bmi2,popcnt")
#endif
namespace avx512 {
#include "nasch_block_kernels.inc"

using Lanes = std::uint64_t __attribute__((vector_size(64)));
inline constexpr unsigned kLanes = 8;
inline Lanes loadLanes(const std::uint64_t* p) { return reinterpret_cast<Lanes>(_mm512_loadu_si512(p)); }
inline void storeLanes(std::uint64_t* p, Lanes x) { _mm512_storeu_si512(p, reinterpret_cast<__m512i>(x)); }
template <unsigned D>
inline Lanes shiftDownFrom(Lanes x, Lanes above) {  // VBMI2's funnel shift: one instruction
  return reinterpret_cast<Lanes>(_mm512_shrdi_epi64(reinterpret_cast<__m512i>(x), reinterpret_cast<__m512i>(above), D));
}
template <unsigned D>
inline Lanes shiftUpFrom(Lanes x, Lanes below) {
  return reinterpret_cast<Lanes>(_mm512_shldi_epi64(reinterpret_cast<__m512i>(x), reinterpret_cast<__m512i>(below), D));
}
inline Lanes wordsBefore(Lanes previous, Lanes current) {  // (the masked form: GCC 12 warns on the plain one)
  const __m512i c = reinterpret_cast<__m512i>(current);
  return reinterpret_cast<Lanes>(_mm512_mask_alignr_epi64(c, 0xff, c, reinterpret_cast<__m512i>(previous), 7));
}
inline Lanes popcountLanes(Lanes x) {
  return reinterpret_cast<Lanes>(_mm512_popcnt_epi64(reinterpret_cast<__m512i>(x)));
}
inline bool anyLanes(Lanes x) {
  return _mm512_test_epi64_mask(reinterpret_cast<__m512i>(x), reinterpret_cast<__m512i>(x)) != 0;
}
// The lanes of `indices` where x is not 0, packed at out (a whole vector stored); how many.
inline unsigned compressNonZero(Lanes x, Lanes indices, std::uint64_t* out) {
  const __mmask8 mask = _mm512_test_epi64_mask(reinterpret_cast<__m512i>(x), reinterpret_cast<__m512i>(x));
  _mm512_storeu_si512(out, _mm512_maskz_compress_epi64(mask, reinterpret_cast<__m512i>(indices)));
  return static_cast<unsigned>(std::popcount(static_cast<unsigned>(mask)));
}
inline Lanes gatherLanes(const std::uint64_t* base, Lanes indices) {  // (masked: GCC 12 warns on the plain one)
  return reinterpret_cast<Lanes>(
      _mm512_mask_i64gather_epi64(_mm512_setzero_si512(), 0xff, reinterpret_cast<__m512i>(indices), base, 8));
}
inline void scatterLanes(std::uint64_t* base, Lanes indices, Lanes x) {
  _mm512_i64scatter_epi64(base, reinterpret_cast<__m512i>(indices), reinterpret_cast<__m512i>(x), 8);
}

#include "nasch_vector_kernels.inc"
}  // namespace avx512
#ifdef __clang__
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif

}  // namespace

std::span<const Kernel, kFastVmax> fastKernels(Isa isa) {
  switch (resolve(isa)) {
#ifdef CONVOY_X86_VARIANTS
    case Isa::Avx2:
      return avx2::kVectorKernels;
    case Isa::Avx512:
      return avx512::kVectorKernels;
#endif
    default:
      return scalar::kKernels;
  }
}

}  // namespace convoy::nasch::block
