#include "convoy/nasch_segment.hpp"

#include <algorithm>
#include <array>

#include "convoy/braking.hpp"
#include "convoy/digest.hpp"
#include "convoy/error.hpp"
#include "convoy/packed_road.hpp"

namespace convoy {
namespace {

// The halo message layout: H occupancy words, then the planes' H words each.
nasch::ConstLayers haloView(std::span<const std::uint64_t> message, std::uint64_t haloWords) {
  return {message.first(haloWords), message.subspan(haloWords)};
}

void packEdge(const nasch::Road& edge, std::vector<std::uint64_t>& message) {
  std::copy(edge.occupancy.begin(), edge.occupancy.end(), message.begin());
  std::copy(edge.velocity.begin(), edge.velocity.end(), message.begin() + static_cast<std::ptrdiff_t>(edge.occupancy.size()));
}

}  // namespace

NaschSegment::NaschSegment(const Comm& comm, const Decomposition& decomposition, const Config& config)
    : comm_(comm),
      decomposition_(decomposition),
      range_(decomposition.range(comm.rank())),
      model_{static_cast<unsigned>(config.model.vmax), braking::threshold(config.model.pBrake), config.init.seed},
      planes_(nasch::velocityPlanes(model_.vmax)),
      segment_{decomposition.cells(), range_.begin / packed::kCellsPerWord, packed::wordsFor(range_.cells())},
      wholeRing_(!range_.empty() && decomposition.leftNeighbour(comm.rank()) == comm.rank()),
      current_(segment_.words, planes_),
      next_(segment_.words, planes_) {
  // Every rank decides alike: halos are needed only when more than one rank owns cells (rank 0 always
  // owns some, so it is its own neighbour exactly when it owns them all).
  const bool oneOwner = decomposition.leftNeighbour(0) == 0;
  if (!oneOwner && decomposition.fewestCells() < model_.vmax) {
    throw InputError("model.vmax = " + std::to_string(model_.vmax) + " needs every rank to own at least " +
                     std::to_string(model_.vmax) + " cells, but the road of " + std::to_string(decomposition.cells()) +
                     " cells on " + std::to_string(comm.size()) + " ranks leaves a rank only " +
                     std::to_string(decomposition.fewestCells()) + "; use fewer ranks or a longer road");
  }
  const std::uint64_t messageWords = nasch::haloWords(model_.vmax) * (1 + planes_);
  for (auto* message : {&toLeft_, &toRight_, &fromLeft_, &fromRight_}) message->assign(messageWords, 0);
}

std::span<const std::uint64_t> NaschSegment::velocityPlane(unsigned plane) const {
  return std::span<const std::uint64_t>(current_.velocity).subspan(plane * segment_.words, segment_.words);
}

std::span<std::uint64_t> NaschSegment::velocityPlane(unsigned plane) {
  return std::span<std::uint64_t>(current_.velocity).subspan(plane * segment_.words, segment_.words);
}

std::uint64_t NaschSegment::step(std::uint64_t step) {
  if (wholeRing_) return nasch::stepRing(model_, step, segment_.roadCells, current_.view(), next_.view());
  const std::uint64_t cells = range_.cells();
  packEdge(nasch::edgeCells(current_.view(), cells, model_.vmax, nasch::Edge::First), toLeft_);
  packEdge(nasch::edgeCells(current_.view(), cells, model_.vmax, nasch::Edge::Last), toRight_);
  const int rank = comm_.rank();
  comm_.exchangeWithNeighbours(decomposition_.leftNeighbour(rank), decomposition_.rightNeighbour(rank), toLeft_,
                               toRight_, fromLeft_, fromRight_);
  ++exchanges_;
  const std::uint64_t haloWords = nasch::haloWords(model_.vmax);
  return nasch::stepSegment(model_, step, segment_, current_.view(), haloView(fromLeft_, haloWords),
                            haloView(fromRight_, haloWords), next_.view());
}

void NaschSegment::advance(std::uint64_t firstStep, std::uint64_t steps, std::span<const LocalDetector> detectors,
                           std::span<std::uint64_t> distances, std::span<std::uint64_t> arrivals) {
  std::fill(distances.begin(), distances.begin() + static_cast<std::ptrdiff_t>(steps), 0);
  if (range_.empty()) return;
  for (std::uint64_t j = 0; j < steps; ++j) {
    distances[j] = step(firstStep + j);
    std::swap(current_, next_);
    for (std::size_t k = 0; k < detectors.size(); ++k) arrivals[j * detectors.size() + k] += passed(detectors[k].offset);
  }
}

unsigned NaschSegment::velocityAt(std::uint64_t offset) const {
  unsigned velocity = 0;
  for (unsigned b = 0; b < planes_; ++b) velocity |= (packed::cell(velocityPlane(b), offset) ? 1U : 0U) << b;
  return velocity;
}

// A car now in cell y = x + d (d < vmax, modulo the road) passed x iff it came from before x: its
// velocity, the distance it just moved, exceeds d. Velocities are below the road's length, so no car
// passes a point twice in one step.
std::uint64_t NaschSegment::passed(std::uint64_t detectorCell) const {
  const std::uint64_t cells = decomposition_.cells();
  std::uint64_t count = 0;
  for (std::uint64_t d = 0; d < std::min<std::uint64_t>(model_.vmax, cells); ++d) {
    const std::uint64_t y = (detectorCell + d) % cells;
    if (!range_.contains(y)) continue;
    const std::uint64_t offset = y - range_.begin;
    if (packed::cell(current_.occupancy, offset) && velocityAt(offset) > d) ++count;
  }
  return count;
}

std::vector<LocalDetector> NaschSegment::localDetectors(std::span<const std::uint64_t> cells) const {
  std::vector<LocalDetector> local;
  const std::uint64_t roadCells = decomposition_.cells();
  for (std::size_t index = 0; index < cells.size(); ++index) {
    for (std::uint64_t d = 0; d < std::min<std::uint64_t>(model_.vmax, roadCells); ++d) {
      if (range_.contains((cells[index] + d) % roadCells)) {
        local.push_back({cells[index], index});  // NaSch: offset holds the detector's global cell
        break;
      }
    }
  }
  return local;
}

std::uint64_t NaschSegment::localCars() const { return packed::countCars(current_.occupancy); }

std::uint64_t NaschSegment::globalCars() const {
  return static_cast<std::uint64_t>(comm_.sum(static_cast<std::int64_t>(localCars())));
}

std::uint64_t NaschSegment::globalDigest() const {
  std::uint64_t sum = digest::partialSum(current_.occupancy, range_);
  for (unsigned b = 0; b < planes_; ++b) sum += digest::planePartialSum(velocityPlane(b), b, range_);
  std::array<std::uint64_t, 1> total{sum};
  comm_.sumInPlace(total);
  return digest::finish(total[0], decomposition_.cells());
}

}  // namespace convoy
