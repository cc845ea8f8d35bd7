// Temporal blocking of the NaSch step: several steps of a segment taken tile by tile, each tile
// stepped through all of them while it is in cache, instead of every step sweeping the whole road
// through memory (docs/PERFORMANCE.md, "NaSch in cache"). Pure functions over the kernel of
// nasch.hpp: no MPI, no I/O; the caller supplies the segment's halos step by step (SweepEdges).
//
// The tiles lean back: at the sweep's step j, tile i holds output words [i W - j S, (i+1) W - j S)
// (the first tile starts at word 0 and the last ends at the segment's end throughout), S = kSweepSkew
// words. Step j of a tile reads the state before it from H words before its words to H words past
// them (nasch.hpp); the words behind it were stepped by the tile before, which is done, and the S >= H
// words past its end are its own of step j - 1. The two buffers alternate, and no tile overwrites the
// state before step j while another still needs it: the tile before last wrote this buffer at step
// j + 1 S words further back, which leaves the H words a tile reads behind it. So each tile stays in
// cache for all the steps and the road goes through memory once per sweep, not once per step; the
// state and every step's distance are exactly those of stepSegment step by step.
#pragma once

#include <cstdint>
#include <span>

#include "convoy/model/isa.hpp"
#include "convoy/model/nasch.hpp"

namespace convoy::nasch {

// Words per tile: its two buffers (occupancy and 3 planes at vmax 5) take 256 KB, half of the smallest
// L2 convoy meets (ARCHER2's Zen 2: 512 KB a core). 1,024 to 16,384 words ran alike on a 2 MB L2
// (docs/PERFORMANCE.md).
inline constexpr std::uint64_t kSweepTileWords = 4096;
// How far a tile's edges lean back each step: a whole vector of the widest kernel (8 words), so that
// the tiles' pieces stay whole vectors, and at least H = 4 words (vmax 255).
inline constexpr std::uint64_t kSweepSkew = 8;

// kSweepTileWords, or the environment's CONVOY_NASCH_TILE_WORDS when set (for benchmarks: a tile as
// long as the road steps it whole every step, the baseline of the sweep). Throws InputError, naming
// the variable, unless that is a whole number of at least 2 kSweepSkew and a multiple of kSweepSkew.
std::uint64_t sweepTileWords();

// The segment's halos during a sweep, one step at a time (a deep halo stepped beside the segment, or
// the ring's own far end). Each is called once per step j = 0, 1, ... in order, before the step's
// first (or last) words are stepped: it returns the left (right) halo of the state before step j,
// which stays valid until the next call. `before` is the segment's buffer of that state, whose first
// (last) 64 (S + H) cells are current at that moment (the rest may already be later or earlier).
class SweepEdges {
 public:
  virtual ~SweepEdges() = default;
  virtual ConstLayers left(std::uint64_t j, ConstLayers before) = 0;
  virtual ConstLayers right(std::uint64_t j, ConstLayers before) = 0;
  // After words [first, end) of the segment took step j, their new state in `after` (detectors
  // count what passed them there). Nothing by default.
  virtual void stepped(std::uint64_t /*j*/, ConstLayers /*after*/, std::uint64_t /*first*/, std::uint64_t /*end*/) {}
};

// Steps firstStep .. firstStep + steps - 1 of `segment`, whose state is in `current` and ends there
// (`spare`: a state of the same size, overwritten). distances[j]: the distance of step firstStep + j.
// `tileWords`: a multiple of kSweepSkew; tests use small tiles to have many of them.
void sweepSegment(const Model& model, std::uint64_t firstStep, std::uint64_t steps, const Placement& segment,
                  State& current, State& spare, SweepEdges& edges, std::span<std::uint64_t> distances,
                  std::uint64_t tileWords = kSweepTileWords, Isa isa = Isa::Best);

}  // namespace convoy::nasch
