#include "convoy/parallel/road_segment.hpp"

#include <algorithm>
#include <array>
#include <cassert>

#include "convoy/core/digest.hpp"
#include "convoy/core/packed_road.hpp"
#include "convoy/model/rule184.hpp"

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

RoadSegment::RoadSegment(const Comm& comm, const Decomposition& decomposition, RoadOptions options)
    : comm_(comm),
      decomposition_(decomposition),
      range_(decomposition.range(comm.rank())),
      options_(options),
      // A neighbour must own every cell of the halo it sends: a rank's halo comes from one rank only.
      haloCells_(
          std::max<std::uint64_t>(1, std::min(std::max<std::uint64_t>(options.haloWords, 1) * packed::kCellsPerWord,
                                              decomposition.fewestCells()))),
      current_(packed::wordsFor(range_.cells()), 0),
      next_(current_.size(), 0),
      toLeft_(packed::wordsFor(haloCells_)),
      toRight_(toLeft_.size()),
      fromLeft_(toLeft_.size()),
      fromRight_(toLeft_.size()) {}

void RoadSegment::advance(std::uint64_t steps, std::span<const LocalDetector> detectors, std::span<std::uint64_t> moves,
                          std::span<std::uint64_t> arrivals) {
  assert(steps <= haloCells_ && moves.size() >= steps && arrivals.size() >= steps * detectors.size());
  std::fill(moves.begin(), moves.begin() + static_cast<std::ptrdiff_t>(steps), 0);
  if (range_.empty() || steps == 0) return;
  const std::uint64_t cells = range_.cells();
  copyCells(current_, 0, haloCells_, toLeft_);
  copyCells(current_, cells - haloCells_, haloCells_, toRight_);
  const int rank = comm_.rank();
  PendingExchange pending = comm_.startExchange(decomposition_.leftNeighbour(rank), decomposition_.rightNeighbour(rank),
                                                toLeft_, toRight_, fromLeft_, fromRight_);
  probes_.clear();
  for (const LocalDetector& detector : detectors) probes_.push_back(detector.offset);
  rule184::Advance plan;
  plan.cells = cells;
  plan.haloCells = haloCells_;
  plan.steps = steps;
  plan.tileWords = options_.tileWords;
  plan.probes = probes_;
  plan.isa = options_.isa;
  rule184::advancePacked(plan, current_, next_, {}, {}, moves, arrivals, rule184::Tiles::Interior);
  pending.wait();
  rule184::advancePacked(plan, current_, next_, fromLeft_, fromRight_, moves, arrivals, rule184::Tiles::Boundary);
  current_.swap(next_);
  ++exchanges_;
}

std::uint64_t RoadSegment::step() {
  std::array<std::uint64_t, 1> moves{};
  advance(1, {}, moves, {});
  return moves[0];
}

std::vector<LocalDetector> RoadSegment::localDetectors(std::span<const std::uint64_t> cells) const {
  std::vector<LocalDetector> local;
  for (std::size_t index = 0; index < cells.size(); ++index) {
    if (range_.contains(cells[index])) local.push_back({cells[index] - range_.begin, index});
  }
  return local;
}

std::uint64_t RoadSegment::localCars() const { return packed::countCars(current_); }

std::uint64_t RoadSegment::globalCars() const {
  return static_cast<std::uint64_t>(comm_.sum(static_cast<std::int64_t>(localCars())));
}

std::uint64_t RoadSegment::globalDigest() const {
  std::array<std::uint64_t, 1> sum{digest::partialSum(current_, range_)};
  comm_.sumInPlace(sum);
  return digest::finish(sum[0], decomposition_.cells());
}

}  // namespace convoy
