#include "convoy/parallel/halo_plan.hpp"

#include <algorithm>

#include "convoy/core/packed_road.hpp"
#include "convoy/model/nasch.hpp"

namespace convoy {

std::uint64_t rule184HaloCells(std::uint64_t haloWords, std::uint64_t fewestCells) {
  return std::max<std::uint64_t>(1,
                                 std::min(std::max<std::uint64_t>(haloWords, 1) * packed::kCellsPerWord, fewestCells));
}

NaschHaloPlan planNaschHalos(unsigned vmax, std::uint64_t roadCells, std::uint64_t fewestCells, bool oneOwner) {
  if (oneOwner || roadCells % packed::kCellsPerWord != 0) return {};
  const std::uint64_t wanted = std::min<std::uint64_t>(std::max(kNaschDeepWords, 2 * nasch::haloWords(vmax)), vmax);
  const std::uint64_t depth = std::min(wanted, fewestCells / packed::kCellsPerWord);
  const std::uint64_t steps = std::min(kNaschMostStepsPerExchange, packed::kCellsPerWord * depth / vmax);
  if (steps < 2) return {};
  return {depth, steps};
}

}  // namespace convoy
