#include "convoy/run/initial_state.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "convoy/core/counted.hpp"
#include "convoy/core/decomposition.hpp"
#include "convoy/core/error.hpp"
#include "convoy/core/packed_road.hpp"
#include "convoy/io/format.hpp"
#include "convoy/io/road_file.hpp"
#include "convoy/io/state_file.hpp"
#include "convoy/model/initial_road.hpp"

namespace convoy {
namespace {

// What reading, writing and the kernels take besides the road (I/O pieces of 32 MiB, halos, tiles).
constexpr std::uint64_t kFixedBytes = std::uint64_t{256} << 20;

// A field of /proc/meminfo in bytes (0 if it cannot be read).
std::uint64_t memInfo(const std::string& field) {
  std::ifstream file("/proc/meminfo");
  std::string name;
  std::uint64_t kilobytes = 0;
  std::string unit;
  while (file >> name >> kilobytes >> unit) {
    if (name == field + ":") return kilobytes * 1024;
  }
  return 0;
}

std::string gib(double bytes) {
  const double gibibytes = bytes / double(std::uint64_t{1} << 30);
  return gibibytes >= 1024 ? fmt::format("{:.3g} TiB", gibibytes / 1024) : fmt::format("{:.3g} GiB", gibibytes);
}

}  // namespace

std::uint64_t roadBytesPerRank(const Config& config, int ranks) {
  const Decomposition decomposition(config.road.cells, ranks);
  const std::uint64_t words = packed::wordsFor(decomposition.range(0).cells());  // rank 0 owns the most
  const std::uint64_t layers =
      1 + (config.model.type == ModelType::Nasch ? io::format::planesFor(config.model.vmax) : 0);
  return 2 * layers * words * sizeof(std::uint64_t) + kFixedBytes;
}

void requireMemoryForRoad(const Comm& comm, const Config& config, int plannedRanks) {
  const int ranks = plannedRanks > 0 ? plannedRanks : comm.size();
  const std::uint64_t need = roadBytesPerRank(config, ranks);
  const long cores = std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN));
  const std::uint64_t perRank = plannedRanks > 0
                                    ? memInfo("MemTotal") / static_cast<std::uint64_t>(cores)
                                    : memInfo("MemAvailable") / static_cast<std::uint64_t>(comm.ranksOnThisNode());
  if (perRank == 0 || need <= perRank) return;
  const double total = static_cast<double>(need - kFixedBytes) * ranks;
  const auto enough =
      static_cast<long long>(std::ceil(total / static_cast<double>(perRank - std::min(perRank, kFixedBytes / 2))));
  throw InputError(fmt::format(
      "road.cells = {}: the road needs {} of memory per rank on {} (two copies of its bits{}), but there "
      "is {} for each rank here ({}); run on at least {} of this size, or a shorter road",
      config.road.cells, gib(static_cast<double>(need)), counted(static_cast<std::uint64_t>(ranks), "rank"),
      config.model.type == ModelType::Nasch ? " and of its velocity planes" : "", gib(static_cast<double>(perRank)),
      plannedRanks > 0 ? "this machine's memory per core" : "the memory available on this node, shared by its ranks",
      counted(static_cast<std::uint64_t>(std::max<long long>(enough, ranks + 1)), "rank")));
}

std::unique_ptr<Road> emptyRoad(const Comm& comm, const Config& config, RoadOptions options) {
  return makeRoad(comm, Decomposition(config.road.cells, comm.size()), config, options);
}

void fillInitialRoad(const Comm& comm, const Config& config, Road& road) {
  if (!config.init.from.empty()) {
    io::loadRoadFile(comm, {config.init.from, config.init.dataset}, road, static_cast<unsigned>(config.model.vmax));
    return;
  }
  const std::uint64_t cars = preparedCars(config.road.cells, config.init.density);
  switch (config.init.layout) {
    case InitialLayout::Random:
      fillRandomRoad(road.words(), road.range(), config.init.density, config.init.seed);
      break;
    case InitialLayout::Uniform:
      fillUniformRoad(road.words(), road.range(), config.road.cells, cars);
      break;
    case InitialLayout::Jam:
      fillJamRoad(road.words(), road.range(), cars);
      break;
  }
  const std::vector<std::span<std::uint64_t>> layers = io::layersOf(road);  // occupancy, then the planes
  const std::span<const std::span<std::uint64_t>> planes = std::span(layers).subspan(1);
  const auto vmax = static_cast<unsigned>(config.model.vmax);
  switch (config.init.velocity) {
    case InitialVelocity::Zero:
      fillVelocities(road.words(), planes, 0);
      break;
    case InitialVelocity::Vmax:
      fillVelocities(road.words(), planes, vmax);
      break;
    case InitialVelocity::Random:
      fillRandomVelocities(road.words(), road.range(), planes, vmax, config.init.seed);
      break;
  }
}

std::unique_ptr<Road> initialRoad(const Comm& comm, const Config& config, RoadOptions options) {
  std::unique_ptr<Road> road = emptyRoad(comm, config, options);
  fillInitialRoad(comm, config, *road);
  return road;
}

}  // namespace convoy
