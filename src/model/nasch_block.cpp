// The bit-sliced NaSch block kernels in three instruction-set variants: one body
// (nasch_block_kernels.inc) compiled three times, for the build's -march (scalar), for AVX2 (ARCHER2's
// EPYC 7742) and for AVX-512 (with DQ's 64-bit vector multiply, which the random words need). The
// variants give the same bits; nasch_test runs each against the reference kernel.
#include "nasch_block.hpp"

#include <array>
#include <bit>
#include <cassert>
#include <cstdint>
#include <utility>

#include "convoy/core/random.hpp"
#include "convoy/model/braking.hpp"
#include "convoy/model/nasch.hpp"

namespace convoy::nasch::block {
namespace {

namespace scalar {
#include "nasch_block_kernels.inc"
}  // namespace scalar

#ifdef CONVOY_X86_VARIANTS
#pragma GCC push_options
#pragma GCC target("avx2,bmi,bmi2,popcnt")
namespace avx2 {
#include "nasch_block_kernels.inc"
}  // namespace avx2
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,avx512vpopcntdq,bmi,bmi2,popcnt")
namespace avx512 {
#include "nasch_block_kernels.inc"
}  // namespace avx512
#pragma GCC pop_options
#endif

}  // namespace

std::span<const Kernel, kFastVmax> fastKernels(Isa isa) {
  switch (resolve(isa)) {
#ifdef CONVOY_X86_VARIANTS
    case Isa::Avx2:
      return avx2::kKernels;
    case Isa::Avx512:
      return avx512::kKernels;
#endif
    default:
      return scalar::kKernels;
  }
}

}  // namespace convoy::nasch::block
