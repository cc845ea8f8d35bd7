#include "plain_nasch.hpp"

#include <algorithm>
#include <cstddef>

namespace convoy::bench {

namespace {

std::uint64_t xorshift(std::uint64_t& state) {  // xorshift64* (Vigna)
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 2685821657736338717ULL;
}

}  // namespace

std::uint64_t plainNaschStep(const std::vector<std::int8_t>& old, std::vector<std::int8_t>& next, int vmax,
                             std::uint64_t threshold, std::uint64_t& state) {
  const std::size_t cells = old.size();
  next.assign(cells, -1);
  std::uint64_t moved = 0;
  for (std::size_t i = 0; i < cells; ++i) {
    if (old[i] < 0) continue;
    int v = std::min(old[i] + 1, vmax);
    for (int d = 1; d <= v; ++d) {
      std::size_t ahead = i + static_cast<std::size_t>(d);
      if (ahead >= cells) ahead -= cells;
      if (old[ahead] >= 0) {
        v = d - 1;
        break;
      }
    }
    if (v > 0 && (xorshift(state) >> 32) < threshold) --v;
    std::size_t to = i + static_cast<std::size_t>(v);
    if (to >= cells) to -= cells;
    next[to] = static_cast<std::int8_t>(v);
    moved += static_cast<std::uint64_t>(v);
  }
  return moved;
}

}  // namespace convoy::bench
