// One rank's part of the road, whatever the model: the cells it owns, the state of its cars, how it
// advances, and what every model shares - the communicator, the cell range, the halo messages and
// their one exchange protocol, and the car and digest reductions. Rule184Road runs rule 184,
// NaschRoad the Nagel-Schreckenberg model; the run loop and the outputs see only this class.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "convoy/config/config.hpp"
#include "convoy/core/decomposition.hpp"
#include "convoy/model/road_ends.hpp"
#include "convoy/model/rule184.hpp"
#include "convoy/parallel/comm.hpp"

namespace convoy {

// A detector this rank contributes counts to: its cell on the road (global) and its place in the
// config's list of detectors.
struct LocalDetector {
  std::uint64_t cell = 0;
  std::size_t index = 0;
};

// How rule 184's road advances (NaSch ignores these: its halo depth follows from vmax): halos
// `haloWords` x 64 cells deep (so up to that many steps per halo exchange, as a car moves at most one
// cell per step), never deeper than the fewest cells a rank owns, and tiles of `tileWords` words
// advanced all those steps while they sit in cache. NaSch's tiles: `naschTileWords` (nasch_sweep.hpp;
// a multiple of kSweepSkew, small in tests to have many tiles; 0: nasch::sweepTileWords()).
struct RoadOptions {
  std::uint64_t haloWords = 4;
  std::uint64_t tileWords = 1024;
  std::uint64_t naschTileWords = 0;
  rule184::Isa isa = rule184::Isa::Best;  // the kernel variant (tests run each)
  // An open road's ends (docs/model.md "Open roads"); none: a ring. One step per exchange then, as
  // the ends act after every step.
  std::optional<road_ends::Ends> openEnds;
};

// The ends of `config`'s road if it is open.
std::optional<road_ends::Ends> openEndsOf(const Config& config);

class Road {
 public:
  virtual ~Road() = default;
  Road(const Road&) = delete;
  Road& operator=(const Road&) = delete;

  CellRange range() const { return range_; }
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
  // detectors[k] in step j (from the cell before it to it or beyond). Ranks that own nothing return
  // at once, with zero distances.
  virtual void advance(std::uint64_t firstStep, std::uint64_t steps, std::span<const LocalDetector> detectors,
                       std::span<std::uint64_t> distances, std::span<std::uint64_t> arrivals) = 0;
  // The detectors, of the global list `cells`, whose counts this rank contributes to: those whose
  // cell a car passing it can land on in this rank's cells (rule 184: the detector's cell itself).
  virtual std::vector<LocalDetector> localDetectors(std::span<const std::uint64_t> cells) const;
  // Halo exchanges so far (each is one message to either neighbour and one from either).
  std::uint64_t exchanges() const { return exchanges_; }

  // An open road: cars enter at cell 0 and leave from the last cell (a ring otherwise).
  bool open() const { return ends_.has_value(); }
  // The cars that entered the road and that left it in each step of the last advance() on this rank
  // (only the ranks that own cell 0, or the last cell, count any).
  std::span<const std::uint64_t> entriesOfLastAdvance() const { return entries_; }
  std::span<const std::uint64_t> exitsOfLastAdvance() const { return exits_; }

  std::uint64_t localCars() const;
  // Collective: the whole road's car count and digest (docs/model.md).
  std::uint64_t globalCars() const;
  std::uint64_t globalDigest() const;

 protected:
  Road(const Comm& comm, const Decomposition& decomposition, std::optional<road_ends::Ends> ends = {});

  // What the ends of an open road do in step `step`, the j-th (0-based) of an advance of `steps`:
  // beginEndEvents(steps) starts the advance's record (on open roads); endEvents decides, from
  // whether this rank's first cell was empty and its last cell held a car at the start of the step,
  // and records it. Only the rank owning cell 0 lets a car enter, only the one owning the road's
  // last cell lets one leave; both false on rings.
  struct EndEvents {
    bool enters = false;
    bool leaves = false;
  };
  void beginEndEvents(std::uint64_t steps);
  EndEvents endEvents(std::uint64_t step, std::uint64_t j, bool firstCellEmpty, bool lastCellHoldsCar);
  bool ownsFirstCell() const { return !range_.empty() && range_.begin == 0; }
  bool ownsLastCell() const { return !range_.empty() && range_.end == decomposition_.cells(); }

  // The cells after a detector's on which a car that passed it may stand (rule 184: 1, NaSch: vmax).
  virtual std::uint64_t landingCells() const { return 1; }
  // Sizes the four halo messages (to and from either neighbour) to `words` words each.
  void sizeHaloMessages(std::uint64_t words);
  // The one halo protocol: sends toLeft_ and toRight_ to the neighbours and receives fromLeft_ and
  // fromRight_, without blocking; the caller computes what needs no halo, then waits. An open road
  // has no neighbour before cell 0 nor after its last cell: those halos are the caller's to fill.
  [[nodiscard]] PendingExchange startHaloExchange();
  int leftNeighbour() const;   // Comm::kNoNeighbour at the start of an open road
  int rightNeighbour() const;  // Comm::kNoNeighbour at the end of an open road

  Comm comm_;  // a copy: it only wraps the MPI handle, which the caller keeps alive
  Decomposition decomposition_;
  CellRange range_;
  std::vector<std::uint64_t> toLeft_, toRight_, fromLeft_, fromRight_;
  std::optional<road_ends::Ends> ends_;

 private:
  std::uint64_t exchanges_ = 0;
  std::vector<std::uint64_t> entries_, exits_;
};

// The road of `config.model` for this rank, empty (no cars).
std::unique_ptr<Road> makeRoad(const Comm& comm, const Decomposition& decomposition, const Config& config,
                               RoadOptions options = {});

}  // namespace convoy
