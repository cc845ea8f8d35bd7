// convoy-bench-issue: how many AVX-512 instructions of each kind the core issues per cycle, the
// figures behind the NaSch kernel's bound in docs/PERFORMANCE.md. The clock first (a chain of
// dependent 64-bit multiplies, 3 cycles each on every Intel core since the P6 and every AMD Zen; not
// adds, which Intel's Golden Cove and later cores run several a cycle), then, for each instruction the
// vector kernel's loop uses, 12 independent chains of it (so that latency does not count), and pairs
// of two kinds 1:1 on each chain: a pair that runs at 2 a cycle goes to two ports, one at 1 a cycle
// shares a port (which tells which instructions compete). Prints zmm instructions per cycle at the
// measured clock.
//   convoy-bench-issue            (about 5 s; says so and exits 0 on a CPU without AVX-512)
#include <chrono>
#include <cstdio>

namespace {

using Clock = std::chrono::steady_clock;
constexpr long kRounds = 100'000'000;

double secondsOf(void (*loop)()) {
  const auto start = Clock::now();
  loop();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

constexpr double kMultiplyLatency = 3.0;  // cycles of a 64-bit imul

void multiplyChain() {  // 10 dependent multiplies a round
  long x = 3;
  for (long n = 0; n < kRounds; ++n) {
    asm volatile(
        "imul %0, %0\n\timul %0, %0\n\timul %0, %0\n\timul %0, %0\n\timul %0, %0\n\t"
        "imul %0, %0\n\timul %0, %0\n\timul %0, %0\n\timul %0, %0\n\timul %0, %0"
        : "+r"(x));
  }
}

// One instruction on zmm0 .. zmm11 (each its own chain), with zmm12 as the other operand.
#define CONVOY_ON_12(OP) \
  OP("0")                \
  OP("1") OP("2") OP("3") OP("4") OP("5") OP("6") OP("7") OP("8") OP("9") OP("10") OP("11")
#define CONVOY_PROBE(NAME, OP)                                                                                    \
  __attribute__((target("avx512f,avx512dq,avx512vbmi2,avx512vpopcntdq"))) void NAME() {                           \
    for (long n = 0; n < kRounds; ++n) {                                                                          \
      asm volatile(CONVOY_ON_12(OP)::                                                                             \
                       : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", \
                         "xmm11");                                                                                \
    }                                                                                                             \
  }
#define TERNLOG(R) "vpternlogq $0x96, %%zmm12, %%zmm12, %%zmm" R "\n\t"
#define SHIFT(R) "vpsrlq $3, %%zmm" R ", %%zmm" R "\n\t"
#define FUNNEL(R) "vpshrdq $3, %%zmm12, %%zmm" R ", %%zmm" R "\n\t"
#define ALIGN(R) "valignq $7, %%zmm12, %%zmm" R ", %%zmm" R "\n\t"
#define MULTIPLY(R) "vpmullq %%zmm12, %%zmm" R ", %%zmm" R "\n\t"
#define POPCOUNT(R) "vpopcntq %%zmm" R ", %%zmm" R "\n\t"
// Two kinds 1:1 on each chain: 2 a cycle if they go to different ports, 1 if they share one.
#define AND_SHIFT(R) "vpandq %%zmm12, %%zmm" R ", %%zmm" R "\n\t" SHIFT(R)
#define SHIFT_FUNNEL(R) SHIFT(R) FUNNEL(R)
#define SHIFT_ALIGN(R) SHIFT(R) ALIGN(R)
#define SHIFT_POPCOUNT(R) SHIFT(R) POPCOUNT(R)
#define ALIGN_POPCOUNT(R) ALIGN(R) POPCOUNT(R)
#define MULTIPLY_ALIGN(R) MULTIPLY(R) ALIGN(R)
CONVOY_PROBE(ternlog, TERNLOG)
CONVOY_PROBE(shift, SHIFT)
CONVOY_PROBE(funnel, FUNNEL)
CONVOY_PROBE(align, ALIGN)
CONVOY_PROBE(multiply, MULTIPLY)
CONVOY_PROBE(popcount, POPCOUNT)
CONVOY_PROBE(andShift, AND_SHIFT)
CONVOY_PROBE(shiftFunnel, SHIFT_FUNNEL)
CONVOY_PROBE(shiftAlign, SHIFT_ALIGN)
CONVOY_PROBE(shiftPopcount, SHIFT_POPCOUNT)
CONVOY_PROBE(alignPopcount, ALIGN_POPCOUNT)
CONVOY_PROBE(multiplyAlign, MULTIPLY_ALIGN)

}  // namespace

int main() {
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512dq") ||
      !__builtin_cpu_supports("avx512vbmi2") || !__builtin_cpu_supports("avx512vpopcntdq")) {
    std::printf("this CPU lacks AVX-512 (F, DQ, VBMI2, VPOPCNTDQ): nothing to probe\n");
    return 0;
  }
  const double hertz = kMultiplyLatency * 10.0 * kRounds / secondsOf(multiplyChain);
  std::printf("clock (dependent scalar multiplies, 3 cycles each): %.2f GHz\n", hertz / 1e9);
  struct Probe {
    const char* what;
    void (*loop)();
    int perChain;
  };
  const Probe probes[] = {{"vpternlogq (any logic op)", ternlog, 1},     {"vpsrlq (shift)", shift, 1},
                          {"vpshrdq (funnel shift)", funnel, 1},         {"valignq (lane shuffle)", align, 1},
                          {"vpmullq (64-bit multiply)", multiply, 1},    {"vpopcntq", popcount, 1},
                          {"vpandq + vpsrlq, 1:1", andShift, 2},         {"vpsrlq + vpshrdq, 1:1", shiftFunnel, 2},
                          {"vpsrlq + valignq, 1:1", shiftAlign, 2},      {"vpsrlq + vpopcntq, 1:1", shiftPopcount, 2},
                          {"valignq + vpopcntq, 1:1", alignPopcount, 2}, {"vpmullq + valignq, 1:1", multiplyAlign, 2}};
  for (const Probe& p : probes) {
    const double perCycle = 12.0 * p.perChain * kRounds / secondsOf(p.loop) / hertz;
    std::printf("  %-28s %5.2f zmm instructions per cycle\n", p.what, perCycle);
  }
  return 0;
}
