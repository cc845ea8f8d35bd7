#include "convoy/parallel/halo_plan.hpp"

#include <algorithm>
#include <limits>

#include "convoy/core/packed_road.hpp"
#include "convoy/model/nasch.hpp"

namespace convoy {

std::uint64_t rule184HaloCells(std::uint64_t haloWords, std::uint64_t fewestCells) {
  return std::max<std::uint64_t>(1,
                                 std::min(std::max<std::uint64_t>(haloWords, 1) * packed::kCellsPerWord, fewestCells));
}

NaschHaloPlan planNaschHalos(unsigned vmax, std::uint64_t roadCells, std::uint64_t fewestCells) {
  // The cells the ring's partial last word lacks (0 on a road of whole words): the extension that
  // holds that word is short by as many, so such a road takes one word more.
  const std::uint64_t missing = (packed::kCellsPerWord - roadCells % packed::kCellsPerWord) % packed::kCellsPerWord;
  const std::uint64_t wanted =
      std::min<std::uint64_t>(std::max(kNaschDeepWords, 2 * nasch::haloWords(vmax)), vmax) + (missing > 0 ? 1 : 0);
  const std::uint64_t depth = std::min(wanted, fewestCells / packed::kCellsPerWord);
  if (depth == 0) return {};
  const std::uint64_t shortestExtension = packed::kCellsPerWord * depth - missing;
  const std::uint64_t steps = std::min(kNaschMostStepsPerExchange, shortestExtension / vmax);
  if (steps < 2) return {};
  return {depth, steps};
}

bool naschRanksFit(const Decomposition& decomposition, unsigned vmax) {
  return decomposition.activeRanks() <= 1 || decomposition.fewestCells() >= vmax;
}

int mostNaschRanks(std::uint64_t cells, unsigned vmax) {
  // More ranks never give the last owning rank more cells, so the ranks that fit are 1 to some most;
  // past one rank per word the decomposition no longer changes.
  const auto fits = [&](std::uint64_t ranks) {
    return naschRanksFit(Decomposition(cells, static_cast<int>(ranks)), vmax);
  };
  const std::uint64_t mostOwners = std::min<std::uint64_t>(packed::wordsFor(cells), std::numeric_limits<int>::max());
  if (fits(mostOwners)) return 0;
  std::uint64_t good = 1;          // fits
  std::uint64_t bad = mostOwners;  // does not
  while (bad - good > 1) {
    const std::uint64_t middle = good + (bad - good) / 2;
    (fits(middle) ? good : bad) = middle;
  }
  return static_cast<int>(good);
}

}  // namespace convoy
