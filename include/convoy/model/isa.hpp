// The instruction sets the kernels of both models are written for. `Best` picks, at run time, the
// widest one this CPU has (or the one named by the environment variable CONVOY_KERNEL: scalar, avx2,
// avx512); the others let tests and benchmarks run each variant directly, whatever the build's -march.
#pragma once

#include <string_view>

// Defined where the vector variants are compiled (x86-64, GCC or Clang): the one place that decides.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CONVOY_X86_VARIANTS 1
#endif

namespace convoy {

enum class Isa { Best, Scalar, Avx2, Avx512 };

bool available(Isa isa);
Isa resolve(Isa isa);  // Best -> the variant it stands for; others unchanged
std::string_view nameOf(Isa isa);

}  // namespace convoy
