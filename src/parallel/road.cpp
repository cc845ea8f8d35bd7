#include "convoy/parallel/road.hpp"

#include "convoy/core/error.hpp"
#include "convoy/parallel/nasch_segment.hpp"
#include "convoy/parallel/road_segment.hpp"

namespace convoy {

std::span<const std::uint64_t> Road::velocityPlane(unsigned) const {
  throw RuntimeError("this road has no velocity planes (rule 184)");
}

std::span<std::uint64_t> Road::velocityPlane(unsigned) {
  throw RuntimeError("this road has no velocity planes (rule 184)");
}

std::unique_ptr<Road> makeRoad(const Comm& comm, const Decomposition& decomposition, const Config& config,
                               RoadOptions options) {
  if (config.model.type == ModelType::Nasch) return std::make_unique<NaschSegment>(comm, decomposition, config);
  return std::make_unique<RoadSegment>(comm, decomposition, options);
}

}  // namespace convoy
