// One rank's part of a Nagel-Schreckenberg road: occupancy and velocity bit-planes, the halos
// exchanged with the ring neighbours (every step, or D words deep every k steps: see the constructor
// in src/nasch_segment.cpp and docs/model.md "NaSch halos"), and the step (src/nasch.cpp).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "convoy/config/config.hpp"
#include "convoy/core/decomposition.hpp"
#include "convoy/model/nasch.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/parallel/road.hpp"

namespace convoy {

class NaschSegment final : public Road {
 public:
  // Throws InputError when some rank that owns cells owns fewer than vmax (its neighbours' halos
  // would have to come from further away): the message says how many ranks would do.
  NaschSegment(const Comm& comm, const Decomposition& decomposition, const Config& config);

  CellRange range() const override { return range_; }
  std::span<const std::uint64_t> words() const override { return current_.occupancy; }
  std::span<std::uint64_t> words() override { return current_.occupancy; }
  unsigned velocityPlanes() const override { return planes_; }
  std::span<const std::uint64_t> velocityPlane(unsigned plane) const override;
  std::span<std::uint64_t> velocityPlane(unsigned plane) override;

  // k: 1, or more with deep halos (the same on every rank: it depends on the decomposition only).
  std::uint64_t stepsPerExchange() const override { return stepsPerExchange_; }
  // D: the words of each deep halo (0: one exchange of H words per step).
  std::uint64_t deepHaloWords() const { return deepWords_; }
  void advance(std::uint64_t firstStep, std::uint64_t steps, std::span<const LocalDetector> detectors,
               std::span<std::uint64_t> distances, std::span<std::uint64_t> arrivals) override;
  // Every detector whose point a car could pass into this rank's cells: the vmax cells from the
  // detector's on (a car that passes it lands on one of them).
  std::vector<LocalDetector> localDetectors(std::span<const std::uint64_t> cells) const override;
  std::uint64_t exchanges() const override { return exchanges_; }

  std::uint64_t localCars() const override;
  std::uint64_t globalCars() const override;
  std::uint64_t globalDigest() const override;

 private:
  std::uint64_t step(std::uint64_t step);
  // `steps` (<= k) steps after one exchange of D words with each neighbour.
  void advanceDeep(std::uint64_t firstStep, std::uint64_t steps, std::span<const LocalDetector> detectors,
                   std::span<std::uint64_t> distances, std::span<std::uint64_t> arrivals);
  // Cars now in this rank's cells that passed the point of `detector` in the step just made.
  std::uint64_t passed(std::uint64_t detectorCell) const;
  unsigned velocityAt(std::uint64_t offset) const;

  Comm comm_;  // a copy: it only wraps the MPI handle, which the caller keeps alive
  Decomposition decomposition_;
  CellRange range_;
  nasch::Model model_;
  unsigned planes_;
  nasch::Segment segment_;
  bool wholeRing_;  // one rank owns every cell: no exchange, the kernel's ring step
  nasch::Road current_;
  nasch::Road next_;
  std::vector<std::uint64_t> toLeft_, toRight_, fromLeft_, fromRight_;  // halos: occupancy, then planes
  // Deep halos: the D words before and after this rank's (a neighbour's edge words, stepped here as
  // segments of their own), and the H-word halos cut from them and from this rank's edges each step.
  std::uint64_t deepWords_ = 0;
  std::uint64_t stepsPerExchange_ = 1;
  nasch::Segment leftSegment_, rightSegment_;
  nasch::Road left_, right_, nextLeft_, nextRight_;
  nasch::Road ownLeftHalo_, ownRightHalo_, leftInnerHalo_, rightInnerHalo_, emptyHalo_;
  std::uint64_t exchanges_ = 0;
};

}  // namespace convoy
