#include "convoy/road_segment.hpp"

#include <array>

#include "convoy/digest.hpp"
#include "convoy/packed_road.hpp"
#include "convoy/rule184.hpp"

namespace convoy {

RoadSegment::RoadSegment(const Comm& comm, const Decomposition& decomposition)
    : comm_(comm),
      decomposition_(decomposition),
      range_(decomposition.range(comm.rank())),
      current_(packed::wordsFor(range_.cells()), 0),
      next_(current_.size(), 0) {}

std::uint64_t RoadSegment::step(std::span<const LocalDetector> detectors, std::span<std::int64_t> counts) {
  if (range_.empty()) return 0;
  const std::uint64_t cells = range_.cells();
  const std::array<std::uint64_t, 1> firstCell{packed::cell(current_, 0)};
  const std::array<std::uint64_t, 1> lastCell{packed::cell(current_, cells - 1)};
  std::array<std::uint64_t, 1> leftHalo{};
  std::array<std::uint64_t, 1> rightHalo{};
  const int rank = comm_.rank();
  comm_.exchangeWithNeighbours(decomposition_.leftNeighbour(rank), decomposition_.rightNeighbour(rank), firstCell,
                               lastCell, leftHalo, rightHalo);
  for (const LocalDetector& detector : detectors) {
    const bool behind = detector.offset == 0 ? leftHalo[0] != 0 : packed::cell(current_, detector.offset - 1);
    if (behind && !packed::cell(current_, detector.offset)) ++counts[detector.index];
  }
  const std::uint64_t moved = rule184::stepPacked(current_, next_, cells, leftHalo[0] != 0, rightHalo[0] != 0);
  current_.swap(next_);
  return moved;
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
