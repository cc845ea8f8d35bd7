// convoy-bench-cores: can this machine run two processes at twice the rate of one? Three plain loops,
// each first in one process, then in two processes at once (fork, one per core, pinned), with the
// ratio of the two processes' sum to one alone:
//   * scalar: one chain of dependent 64-bit adds (the core's clock; no vector units);
//   * avx2: 12 independent chains of 256-bit and, add and xor (the vector units' throughput, as the
//     AVX2 kernels use them: if two vCPUs were one physical core's two hardware threads, this would
//     not scale);
//   * memory: a sum over 512 MiB per process (memory bandwidth, shared by the cores).
// docs/PERFORMANCE.md ("Scaling from 1 to 2 ranks") has the figures.
//   convoy-bench-cores [SECONDS]     (default 2 s per loop and process count)
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace {

using Clock = std::chrono::steady_clock;

// Operations done by one round of each loop.
double scalarRound() {
  std::uint64_t x = 1;
  for (std::uint64_t i = 0; i < 50'000'000; ++i) {
    x += i;
    __asm__ volatile("" : "+r"(x));  // keeps the chain dependent and in the loop
  }
  return 5e7;
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) double avx2Round() {
  constexpr int kChains = 12;
  constexpr std::uint64_t kIterations = 5'000'000;
  __m256i chain[kChains];
  for (int i = 0; i < kChains; ++i) chain[i] = _mm256_set1_epi64x(i + 1);
  const __m256i key = _mm256_set1_epi64x(static_cast<long long>(0x9e3779b97f4a7c15ULL));
  for (std::uint64_t n = 0; n < kIterations; ++n) {
#pragma GCC unroll 12
    for (int i = 0; i < kChains; ++i) {
      chain[i] = _mm256_xor_si256(_mm256_and_si256(chain[i], key), _mm256_add_epi64(chain[i], key));
      __asm__ volatile("" : "+x"(chain[i]));
    }
  }
  return static_cast<double>(kIterations) * kChains * 3 * 4;  // 3 operations on 4 lanes
}
#endif

double memoryRound(const std::vector<std::uint64_t>& data) {
  std::uint64_t sum = 0;
  for (const std::uint64_t v : data) sum += v;
  __asm__ volatile("" : "+r"(sum));
  return static_cast<double>(data.size() * sizeof(std::uint64_t));
}

// Operations per second of `loop` run for `seconds`.
double rateOf(const std::string& loop, double seconds) {
  std::vector<std::uint64_t> data;
  if (loop == "memory") data.assign((std::size_t{512} << 20) / sizeof(std::uint64_t), 1);
  const auto start = Clock::now();
  double operations = 0;
  double elapsed = 0;
  while (elapsed < seconds) {
    if (loop == "scalar") operations += scalarRound();
#if defined(__x86_64__)
    if (loop == "avx2") operations += avx2Round();
#endif
    if (loop == "memory") operations += memoryRound(data);
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  return operations / elapsed;
}

void pinTo(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  sched_setaffinity(0, sizeof(set), &set);  // best effort: the ratio still means something unpinned
}

// The rates of `processes` processes running `loop` at once, one per core.
std::vector<double> ratesTogether(const std::string& loop, double seconds, int processes) {
  std::vector<int> pipes(static_cast<std::size_t>(processes));
  std::vector<pid_t> children;
  for (int p = 0; p < processes; ++p) {
    int ends[2];
    if (pipe(ends) != 0) std::exit(1);
    const pid_t child = fork();
    if (child == 0) {
      pinTo(p);
      const double rate = rateOf(loop, seconds);
      if (write(ends[1], &rate, sizeof rate) != static_cast<ssize_t>(sizeof rate)) _exit(1);
      _exit(0);
    }
    close(ends[1]);
    pipes[static_cast<std::size_t>(p)] = ends[0];
    children.push_back(child);
  }
  std::vector<double> rates;
  for (int p = 0; p < processes; ++p) {
    double rate = 0;
    if (read(pipes[static_cast<std::size_t>(p)], &rate, sizeof rate) != static_cast<ssize_t>(sizeof rate)) rate = 0;
    close(pipes[static_cast<std::size_t>(p)]);
    rates.push_back(rate);
  }
  for (const pid_t child : children) waitpid(child, nullptr, 0);
  return rates;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  if (seconds <= 0) {
    std::fprintf(stderr, "usage: %s [SECONDS > 0]\n", argv[0]);
    return 2;
  }
  std::printf("%-8s %16s %16s %16s %8s\n", "loop", "1 process", "2 processes: 1st", "2nd", "ratio");
  std::vector<std::string> loops{"scalar", "memory"};
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx2")) loops.insert(loops.begin() + 1, "avx2");
#endif
  for (const std::string& loop : loops) {
    const double alone = ratesTogether(loop, seconds, 1)[0];
    const std::vector<double> pair = ratesTogether(loop, seconds, 2);
    std::printf("%-8s %16.3e %16.3e %16.3e %7.2fx\n", loop.c_str(), alone, pair[0], pair[1],
                (pair[0] + pair[1]) / alone);
  }
  std::printf("(scalar: adds/s; avx2: 64-bit lane operations/s; memory: bytes/s)\n");
  return 0;
}
