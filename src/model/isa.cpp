#include "convoy/model/isa.hpp"

#include <cstdlib>
#include <string>

namespace convoy {
namespace {

Isa fromEnvironment() {
  const char* value = std::getenv("CONVOY_KERNEL");
  if (value == nullptr) return Isa::Best;
  const std::string name(value);
  for (const Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512}) {
    if (name == nameOf(isa) && available(isa)) return isa;
  }
  return Isa::Best;
}

Isa widestAvailable() {
  const Isa chosen = fromEnvironment();
  if (chosen != Isa::Best) return chosen;
  if (available(Isa::Avx512)) return Isa::Avx512;
  if (available(Isa::Avx2)) return Isa::Avx2;
  return Isa::Scalar;
}

}  // namespace

bool available(Isa isa) {
  switch (isa) {
    case Isa::Best:
    case Isa::Scalar:
      return true;
#ifdef CONVOY_X86_VARIANTS
    case Isa::Avx2:
      return __builtin_cpu_supports("avx2");
    case Isa::Avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
             __builtin_cpu_supports("avx512vpopcntdq") && __builtin_cpu_supports("avx512vbmi2");
#else
    case Isa::Avx2:
    case Isa::Avx512:
      return false;
#endif
  }
  return false;
}

Isa resolve(Isa isa) {
  if (isa != Isa::Best) return isa;
  static const Isa best = widestAvailable();
  return best;
}

std::string_view nameOf(Isa isa) {
  switch (isa) {
    case Isa::Best:
      return "best";
    case Isa::Scalar:
      return "scalar";
    case Isa::Avx2:
      return "avx2";
    case Isa::Avx512:
      return "avx512";
  }
  return "?";
}

}  // namespace convoy
