// One rank's part of the road, whatever the model: the cells it owns, the state of its cars, and how
// it advances. RoadSegment runs rule 184, NaschSegment the Nagel-Schreckenberg model; the run loop and
// the outputs see only this interface.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "convoy/config/config.hpp"
#include "convoy/core/decomposition.hpp"
#include "convoy/model/rule184.hpp"
#include "convoy/parallel/comm.hpp"

namespace convoy {

// A detector as one rank sees it: its place in the config's list of detectors, and (rule 184) its
// cell as an offset into the rank's range.
struct LocalDetector {
  std::uint64_t offset = 0;
  std::size_t index = 0;
};

// How rule 184's road advances (NaSch ignores these: its halo depth follows from vmax): halos `haloWords` x 64 cells
// deep (so up to that many steps per halo exchange, as a car moves at most one cell per step), never deeper than the
// fewest cells a rank owns, and tiles of `tileWords` words advanced all those steps while they sit in cache.
struct RoadOptions {
  std::uint64_t haloWords = 4;
  std::uint64_t tileWords = 1024;
  rule184::Isa isa = rule184::Isa::Best;  // the kernel variant (tests run each)
};

class Road {
 public:
  virtual ~Road() = default;

  virtual CellRange range() const = 0;
  // Occupancy: cell i of the range is bit i mod 64 of word i / 64 (the layout of /road).
  virtual std::span<const std::uint64_t> words() const = 0;
  virtual std::span<std::uint64_t> words() = 0;
  // The velocity bit-planes (NaSch; rule 184 has none): plane b holds bit b of each car's velocity,
  // in the layout of words().
  virtual unsigned velocityPlanes() const { return 0; }
  virtual std::span<const std::uint64_t> velocityPlane(unsigned plane) const;
  virtual std::span<std::uint64_t> velocityPlane(unsigned plane);

  // The most steps one advance() may take (the same on every rank).
  virtual std::uint64_t stepsPerExchange() const = 0;
  // Advances the steps firstStep .. firstStep + steps - 1 (1 <= steps <= stepsPerExchange()) with one
  // halo exchange. Sets distances[j] to the cells travelled in step j (0-based) by the cars that began
  // it on this rank, and adds to arrivals[j * detectors.size() + k] the cars that passed the point of
  // detectors[k] in step j (from the cell before it to it or beyond).
  virtual void advance(std::uint64_t firstStep, std::uint64_t steps, std::span<const LocalDetector> detectors,
                       std::span<std::uint64_t> distances, std::span<std::uint64_t> arrivals) = 0;
  // The detectors, of the global list `cells`, whose counts this rank contributes to.
  virtual std::vector<LocalDetector> localDetectors(std::span<const std::uint64_t> cells) const = 0;
  // Halo exchanges so far (each is one message to either neighbour and one from either).
  virtual std::uint64_t exchanges() const = 0;

  virtual std::uint64_t localCars() const = 0;
  // Collective: the whole road's car count and digest (docs/model.md).
  virtual std::uint64_t globalCars() const = 0;
  virtual std::uint64_t globalDigest() const = 0;
};

// The road of `config.model` for this rank, empty (no cars).
std::unique_ptr<Road> makeRoad(const Comm& comm, const Decomposition& decomposition, const Config& config,
                               RoadOptions options = {});

}  // namespace convoy
