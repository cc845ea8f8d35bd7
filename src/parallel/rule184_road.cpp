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
    : Road(comm, decomposition, options.openEnds),
      options_(options),
      haloCells_(rule184HaloCells(options.haloWords, decomposition.fewestCells())),
      current_(packed::wordsFor(range_.cells()), 0),
      next_(current_.size(), 0) {
  sizeHaloMessages(packed::wordsFor(haloCells_));
}

void Rule184Road::advance(std::uint64_t firstStep, std::uint64_t steps, std::span<const LocalDetector> detectors,
                          std::span<std::uint64_t> distances, std::span<std::uint64_t> arrivals) {
  assert(steps <= stepsPerExchange() && distances.size() >= steps && arrivals.size() >= steps * detectors.size());
  beginEndEvents(steps);
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
  if (open()) closeEnds();
  rule184::advancePacked(plan, current_, next_, fromLeft_, fromRight_, distances, arrivals, rule184::Tiles::Boundary);
  if (open()) actAtEnds(firstStep, detectors, distances, arrivals);
  current_.swap(next_);
}

// Nothing comes from before cell 0, and the cells after the last stand full (a car there never moves
// on within the one step an open road takes per exchange), so the last car stays unless it leaves.
void Rule184Road::closeEnds() {
  if (ownsFirstCell()) std::fill(fromLeft_.begin(), fromLeft_.end(), 0);
  if (ownsLastCell()) std::fill(fromRight_.begin(), fromRight_.end(), ~std::uint64_t{0});
}

// The one step just made (open roads take one per exchange): the car in the last cell leaves (one
// cell travelled, out of the road), a car enters cell 0 (it passes a detector there).
void Rule184Road::actAtEnds(std::uint64_t step, std::span<const LocalDetector> detectors,
                            std::span<std::uint64_t> distances, std::span<std::uint64_t> arrivals) {
  const std::uint64_t last = range_.cells() - 1;
  const EndEvents events = endEvents(step, 0, !packed::cell(current_, 0), packed::cell(current_, last));
  if (events.leaves) {
    packed::setCell(next_, last, false);
    distances[0] += 1;
  }
  if (events.enters) {
    packed::setCell(next_, 0, true);
    for (std::size_t k = 0; k < detectors.size(); ++k) arrivals[k] += detectors[k].cell == 0 ? 1 : 0;
  }
}

std::uint64_t Rule184Road::step() {
  std::array<std::uint64_t, 1> moves{};
  advance(1, 1, {}, moves, {});
  return moves[0];
}

}  // namespace convoy
