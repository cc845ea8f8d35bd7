#include "convoy/model/nasch_sweep.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdlib>
#include <string>
#include <utility>

#include "convoy/core/error.hpp"

namespace convoy::nasch {

std::uint64_t sweepTileWords() {
  const char* value = std::getenv("CONVOY_NASCH_TILE_WORDS");
  if (value == nullptr) return kSweepTileWords;
  const std::string text(value);
  const bool digits = !text.empty() && text.size() <= 18 && text.find_first_not_of("0123456789") == std::string::npos;
  const std::uint64_t words = digits ? std::stoull(text) : 0;
  if (words < 2 * kSweepSkew || words % kSweepSkew != 0) {
    throw InputError("CONVOY_NASCH_TILE_WORDS = '" + text + "': the words per tile of the NaSch sweep must be a " +
                     "multiple of " + std::to_string(kSweepSkew) + " of at least " + std::to_string(2 * kSweepSkew) +
                     " (unset it for the default, " + std::to_string(kSweepTileWords) + ")");
  }
  return words;
}

void sweepSegment(const Model& model, std::uint64_t firstStep, std::uint64_t steps, const Placement& segment,
                  State& current, State& spare, SweepEdges& edges, std::span<std::uint64_t> distances,
                  std::uint64_t tileWords, Isa isa) {
  assert(tileWords >= 2 * kSweepSkew && tileWords % kSweepSkew == 0 && distances.size() >= steps);
  assert(haloWords(model.vmax) <= kSweepSkew);
  std::fill(distances.begin(), distances.begin() + static_cast<std::ptrdiff_t>(steps), 0);
  const std::uint64_t words = segment.words;
  if (words == 0) return;
  const State none(haloWords(model.vmax), velocityPlanes(model.vmax));  // the middle tiles read no halo
  // One tile unless there are two whole ones; the last takes the rest, so every tile has W words or more.
  const std::uint64_t tiles = words >= 2 * tileWords ? words / tileWords : 1;
  // Steps per pass: the tiles lean back at most half a tile, so each keeps W / 2 words or more.
  const std::uint64_t perPass = tiles == 1 ? steps : tileWords / (2 * kSweepSkew) + 1;
  const std::array<State*, 2> buffers{&current, &spare};  // the state before step j: buffers[j % 2]
  for (std::uint64_t j0 = 0; j0 < steps; j0 += perPass) {
    const std::uint64_t passSteps = std::min(perPass, steps - j0);
    const auto edgeOf = [&](std::uint64_t tile, std::uint64_t t) {
      return tile == 0 ? 0 : tile == tiles ? words : tile * tileWords - t * kSweepSkew;
    };
    for (std::uint64_t tile = 0; tile < tiles; ++tile) {
      for (std::uint64_t t = 0; t < passSteps; ++t) {
        const std::uint64_t j = j0 + t;
        const State& before = *buffers[j % 2];
        State& after = *buffers[(j + 1) % 2];
        const ConstLayers left = tile == 0 ? edges.left(j, before.view()) : none.view();
        const ConstLayers right = tile + 1 == tiles ? edges.right(j, before.view()) : none.view();
        const std::uint64_t first = edgeOf(tile, t);
        const std::uint64_t end = edgeOf(tile + 1, t);
        distances[j] +=
            stepSegmentWords(model, firstStep + j, segment, before.view(), left, right, after.view(), first, end, isa);
        edges.stepped(j, std::as_const(after).view(), first, end);
      }
    }
  }
  if (steps % 2 == 1) std::swap(current, spare);
}

}  // namespace convoy::nasch
