// One rank's part of a Nagel-Schreckenberg road: occupancy and velocity bit-planes, the halos
// exchanged with the ring neighbours (every step, or D words deep every k steps: halo_plan.hpp and
// docs/model.md "NaSch halos"), and the step (src/model/nasch.cpp).
//
// The exchange overlaps the first step after it (stepOverlapped: the edges are stepped again once the
// halos are in). With deep halos (roads of any length, and a whole ring on one rank, whose extensions
// are its own far ends) one exchange serves k steps (51 for vmax 5), and the steps after the first are
// swept tile by tile in cache (nasch_sweep.hpp).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "convoy/config/config.hpp"
#include "convoy/core/decomposition.hpp"
#include "convoy/model/nasch.hpp"
#include "convoy/model/nasch_sweep.hpp"
#include "convoy/parallel/comm.hpp"
#include "convoy/parallel/halo_plan.hpp"
#include "convoy/parallel/road.hpp"

namespace convoy {

class NaschRoad final : public Road {
 public:
  // Throws InputError when some rank that owns cells owns fewer than vmax (its neighbours' halos
  // would have to come from further away): the message says how many ranks would do.
  // `sweepTileWords`: the tiles of the deep-halo sweep (nasch_sweep.hpp).
  NaschRoad(const Comm& comm, const Decomposition& decomposition, const Config& config,
            std::uint64_t sweepTileWords = nasch::kSweepTileWords);

  std::span<const std::uint64_t> words() const override { return current_.occupancy; }
  std::span<std::uint64_t> words() override { return current_.occupancy; }
  unsigned velocityPlanes() const override { return planes_; }
  std::span<const std::uint64_t> velocityPlane(unsigned plane) const override;
  std::span<std::uint64_t> velocityPlane(unsigned plane) override;

  // k: 1, or more with deep halos (the same on every rank: it depends on the decomposition only).
  std::uint64_t stepsPerExchange() const override { return plan_.stepsPerExchange; }
  // D: the words of each deep halo (0: one exchange of H words per step).
  std::uint64_t deepHaloWords() const { return plan_.deepWords; }
  void advance(std::uint64_t firstStep, std::uint64_t steps, std::span<const LocalDetector> detectors,
               std::span<std::uint64_t> distances, std::span<std::uint64_t> arrivals) override;

 private:
  // A car that passed a detector lands on one of the vmax cells from the detector's on.
  std::uint64_t landingCells() const override { return model_.vmax; }
  // Step `step`, the j-th of an advance.
  std::uint64_t step(std::uint64_t step, std::uint64_t j);
  // An open road's entry and exit after a step; returns the cells travelled by a car leaving.
  std::uint64_t actAtEnds(std::uint64_t step, std::uint64_t j);
  // The halos beside the own segment once an exchange has arrived.
  struct ReceivedHalos {
    nasch::ConstLayers left;
    nasch::ConstLayers right;
  };
  // One step of the own segment into next_ while `pending` brings its halos (`received()` gives
  // them, after the wait); its distance. Overlapped when `overlap` (else: wait, then step).
  template <typename Received>
  std::uint64_t stepOverlapped(std::uint64_t step, PendingExchange& pending, const Received& received, bool overlap);
  // An exchange every step (open roads, short segments) is overlapped only on segments this long:
  // re-stepping the edges costs more than the wait on shorter ones (measured: docs/PERFORMANCE.md).
  static constexpr std::uint64_t kOverlapEveryStepWords = 1024;
  std::uint64_t restepEdge(std::uint64_t step, nasch::Edge edge, nasch::ConstLayers halo);
  // `steps` (<= k) steps after one exchange of D words with each neighbour.
  void advanceDeep(std::uint64_t firstStep, std::uint64_t steps, std::span<const LocalDetector> detectors,
                   std::span<std::uint64_t> distances, std::span<std::uint64_t> arrivals);
  // Cars now in this rank's cells (in `state`, a segment's worth, words [firstWord, endWord) of it)
  // that passed the point of `detectorCell` in the step just made.
  std::uint64_t passed(std::uint64_t detectorCell, nasch::ConstLayers state, std::uint64_t firstWord,
                       std::uint64_t endWord) const;
  // The halos of the deep-halo sweep (nasch_sweep.hpp), from the extensions.
  class ExtensionEdges;

  nasch::Model model_;
  unsigned planes_;
  nasch::Placement placement_;
  bool wholeRing_;  // one rank owns every cell: no exchange, the kernel's ring step
  NaschHaloPlan plan_;
  nasch::State current_;
  nasch::State next_;
  std::uint64_t sweepTileWords_;  // words per tile of the sweep
  // Deep halos: the D words before and after this rank's (a neighbour's edge words, stepped here as
  // pieces of their own), and the H-word halos cut from them and from this rank's edges each step.
  nasch::Placement leftPlacement_, rightPlacement_;
  nasch::State left_, right_, nextLeft_, nextRight_;
  nasch::State ownLeftHalo_, ownRightHalo_, leftInnerHalo_, rightInnerHalo_, emptyHalo_;
  nasch::State wallHalo_;  // open roads: the right halo of the last cell, a standing car
  // The exchange overlaps a step (see stepOverlapped): an edge piece's words, the H words beside it
  // inside the segment, and its next state with the true halo and with the stand-in.
  struct EdgePiece {
    EdgePiece() = default;
    EdgePiece(std::uint64_t pieceWords, std::uint64_t haloWords, unsigned planes)
        : words(pieceWords),
          old(pieceWords, planes),
          beside(haloWords, planes),
          exact(pieceWords, planes),
          standIn(pieceWords, planes) {}
    std::uint64_t words = 0;
    nasch::State old, beside, exact, standIn;
  };
  bool overlapFirstStep_ = false;  // the step after a deep-halo exchange: whenever the pieces fit
  bool overlapEveryStep_ = false;  // one exchange per step: on segments of kOverlapEveryStepWords or more
  EdgePiece firstEdge_, lastEdge_;
};

}  // namespace convoy
