#include "convoy/parallel/road.hpp"

#include <algorithm>
#include <array>

#include "convoy/core/digest.hpp"
#include "convoy/core/error.hpp"
#include "convoy/core/packed_road.hpp"
#include "convoy/model/nasch_sweep.hpp"
#include "convoy/parallel/nasch_road.hpp"
#include "convoy/parallel/rule184_road.hpp"

namespace convoy {

std::optional<road_ends::Ends> openEndsOf(const Config& config) {
  if (config.road.boundary != Boundary::Open) return std::nullopt;
  return road_ends::fromProbabilities(config.init.seed, config.road.alpha, config.road.beta);
}

Road::Road(const Comm& comm, const Decomposition& decomposition, std::optional<road_ends::Ends> ends)
    : comm_(comm), decomposition_(decomposition), range_(decomposition.range(comm.rank())), ends_(ends) {}

void Road::beginEndEvents(std::uint64_t steps) {
  if (!ends_) return;
  entries_.assign(steps, 0);
  exits_.assign(steps, 0);
}

Road::EndEvents Road::endEvents(std::uint64_t step, std::uint64_t j, bool firstCellEmpty, bool lastCellHoldsCar) {
  EndEvents events;
  if (!ends_) return events;
  events.enters = ownsFirstCell() && firstCellEmpty && road_ends::entryOpens(*ends_, step);
  events.leaves = ownsLastCell() && lastCellHoldsCar && road_ends::exitOpens(*ends_, step);
  entries_[j] = events.enters ? 1 : 0;
  exits_[j] = events.leaves ? 1 : 0;
  return events;
}

std::span<const std::uint64_t> Road::velocityPlane(unsigned) const {
  throw RuntimeError("this road has no velocity planes (rule 184)");
}

std::span<std::uint64_t> Road::velocityPlane(unsigned) {
  throw RuntimeError("this road has no velocity planes (rule 184)");
}

std::vector<LocalDetector> Road::localDetectors(std::span<const std::uint64_t> cells) const {
  std::vector<LocalDetector> local;
  const std::uint64_t roadCells = decomposition_.cells();
  const std::uint64_t landing = std::min(landingCells(), roadCells);
  for (std::size_t index = 0; index < cells.size(); ++index) {
    for (std::uint64_t d = 0; d < landing; ++d) {
      if (open() && cells[index] + d >= roadCells) break;  // no cell after the last on an open road
      if (range_.contains((cells[index] + d) % roadCells)) {
        local.push_back({cells[index], index});
        break;
      }
    }
  }
  return local;
}

void Road::sizeHaloMessages(std::uint64_t words) {
  for (auto* message : {&toLeft_, &toRight_, &fromLeft_, &fromRight_}) message->assign(words, 0);
}

int Road::leftNeighbour() const {
  return open() && ownsFirstCell() ? Comm::kNoNeighbour : decomposition_.leftNeighbour(comm_.rank());
}

int Road::rightNeighbour() const {
  return open() && ownsLastCell() ? Comm::kNoNeighbour : decomposition_.rightNeighbour(comm_.rank());
}

PendingExchange Road::startHaloExchange() {
  const int left = leftNeighbour();
  const int right = rightNeighbour();
  if (left == Comm::kNoNeighbour && right == Comm::kNoNeighbour) return {};  // an open road on one rank
  ++exchanges_;
  return comm_.startExchange(left, right, toLeft_, toRight_, fromLeft_, fromRight_);
}

std::uint64_t Road::localCars() const { return packed::countCars(words()); }

std::uint64_t Road::globalCars() const {
  return static_cast<std::uint64_t>(comm_.sum(static_cast<std::int64_t>(localCars())));
}

std::uint64_t Road::globalDigest() const {
  std::uint64_t sum = digest::partialSum(words(), range_);
  for (unsigned b = 0; b < velocityPlanes(); ++b) sum += digest::planePartialSum(velocityPlane(b), b, range_);
  std::array<std::uint64_t, 1> total{sum};
  comm_.sumInPlace(total);
  return digest::finish(total[0], decomposition_.cells());
}

std::unique_ptr<Road> makeRoad(const Comm& comm, const Decomposition& decomposition, const Config& config,
                               RoadOptions options) {
  if (config.model.type == ModelType::Nasch) {
    const std::uint64_t tileWords = options.naschTileWords != 0 ? options.naschTileWords : nasch::sweepTileWords();
    return std::make_unique<NaschRoad>(comm, decomposition, config, tileWords);
  }
  options.openEnds = openEndsOf(config);
  return std::make_unique<Rule184Road>(comm, decomposition, options);
}

}  // namespace convoy
