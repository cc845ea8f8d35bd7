// The road a run starts from, before its first step: the config's random road or init.from's, and
// the check, before any memory is taken, that the road fits in the memory of the ranks it runs on.
#pragma once

#include <memory>

#include "convoy/config/config.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/parallel/road.hpp"

namespace convoy {

// The bytes one rank needs for its part of the road (its two copies of the bits and the velocity
// planes) when the road is shared out over `ranks` ranks.
std::uint64_t roadBytesPerRank(const Config& config, int ranks);

// Collective. InputError, saying how much memory per rank the road needs and how many ranks would
// do, when it does not fit in what this node has for each of its ranks (the ranks of `comm`). With
// `plannedRanks` > 0 (convoy validate --ranks N), for that many ranks with this node's memory per core.
void requireMemoryForRoad(const Comm& comm, const Config& config, int plannedRanks = 0);

// Collective: an empty road of the config's model for this rank (halo depth and tiles from `options`).
std::unique_ptr<Road> emptyRoad(const Comm& comm, const Config& config, RoadOptions options = {});
// Collective: the config's initial road (init.from, checked; else the random road of init.density).
std::unique_ptr<Road> initialRoad(const Comm& comm, const Config& config, RoadOptions options = {});
void fillInitialRoad(const Comm& comm, const Config& config, Road& road);

}  // namespace convoy
