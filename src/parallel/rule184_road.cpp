#include "convoy/parallel/rule184_road.hpp"

#include <algorithm>
#include <array>
#include <cassert>

#include "convoy/core/packed_road.hpp"
#include "convoy/model/rule184.hpp"
#include "convoy/parallel/halo_plan.hpp"

namespace convoy {

namespace {

// Cells [first, first + count) of a packed segment, packed from bit 0 of `out` (zeroed first).
void copyCells(std::span<const std::uint64_t> words, std::uint64_t first, std::uint64_t count,
               std::span<std::uint64_t> out) {
  std::fill(out.begin(), out.end(), 0);
  for (std::uint64_t c = 0; c < count; ++c) {
    if (packed::cell(words, first + c)) packed::setCell(out, c, true);
  }
}

}  // namespace

Rule184Road::Rule184Road(const Comm& comm, const Decomposition& decomposition, RoadOptions options)
    : Road(comm, decomposition),
      options_(options),
      haloCells_(rule184HaloCells(options.haloWords, decomposition.fewestCells())),
      current_(packed::wordsFor(range_.cells()), 0),
      next_(current_.size(), 0) {
  sizeHaloMessages(packed::wordsFor(haloCells_));
}

void Rule184Road::advance(std::uint64_t /*firstStep*/, std::uint64_t steps, std::span<const LocalDetector> detectors,
                          std::span<std::uint64_t> distances, std::span<std::uint64_t> arrivals) {
  assert(steps <= haloCells_ && distances.size() >= steps && arrivals.size() >= steps * detectors.size());
  std::fill(distances.begin(), distances.begin() + static_cast<std::ptrdiff_t>(steps), 0);
  if (range_.empty() || steps == 0) return;
  const std::uint64_t cells = range_.cells();
  copyCells(current_, 0, haloCells_, toLeft_);
  copyCells(current_, cells - haloCells_, haloCells_, toRight_);
  PendingExchange pending = startHaloExchange();
  probes_.clear();
  for (const LocalDetector& detector : detectors) probes_.push_back(detector.cell - range_.begin);
  rule184::Advance plan;
  plan.cells = cells;
  plan.haloCells = haloCells_;
  plan.steps = steps;
  plan.tileWords = options_.tileWords;
  plan.probes = probes_;
  plan.isa = options_.isa;
  rule184::advancePacked(plan, current_, next_, {}, {}, distances, arrivals, rule184::Tiles::Interior);
  pending.wait();
  rule184::advancePacked(plan, current_, next_, fromLeft_, fromRight_, distances, arrivals, rule184::Tiles::Boundary);
  current_.swap(next_);
}

std::uint64_t Rule184Road::step() {
  std::array<std::uint64_t, 1> moves{};
  advance(1, 1, {}, moves, {});
  return moves[0];
}

}  // namespace convoy
