// The Nagel-Schreckenberg kernel on a bit-sliced road: pure functions over plain arrays, no MPI, no I/O.
//
// State (docs/model.md, "NaSch state"): occupancy words exactly like rule 184's packed road (cell i is
// bit i mod 64 of word i / 64, padding zero) plus B = bit_width(vmax) velocity planes, each packed the
// same way: plane b holds bit b of each car's velocity, 0 where there is no car.
//
// A step of every car, all at once: v = min(v + 1, vmax); v = min(v, gap) (gap = empty cells up to the
// next car); with the braking rule of braking.hpp, v = max(v - 1, 0) (a car that stood still at the
// start of the step brakes with p_slow, the others with p_brake); move v cells forward on the ring.
#pragma once

#include <bit>
#include <cstdint>
#include <span>
#include <vector>

#include "convoy/model/isa.hpp"

namespace convoy::nasch {

inline constexpr unsigned kMaxVmax = 255;

struct Model {
  unsigned vmax = 5;                 // 1 .. 255
  std::uint64_t brakeThreshold = 0;  // P of braking.hpp: braking::threshold(p_brake)
  std::uint64_t seed = 0;
  // P_slow, for the cars standing still at the start of the step (slow-to-start): the same U < P test
  // of braking.hpp on the same random numbers, against braking::threshold(p_slow). Plain NaSch: P.
  std::uint64_t slowThreshold = brakeThreshold;
};

// B: velocity planes for speeds 0 .. vmax.
constexpr unsigned velocityPlanes(unsigned vmax) { return static_cast<unsigned>(std::bit_width(vmax)); }
// H: halo words on each side of a segment, ceil(vmax / 64), enough for a car to see (and come from)
// vmax cells away.
constexpr std::uint64_t haloWords(unsigned vmax) { return (vmax + 63) / 64; }

// Views of a bit-sliced road piece of `words` words: `occupancy` has `words` words, `velocity` has
// planes x words, plane b of word i at velocity[b * words + i].
struct ConstLayers {
  std::span<const std::uint64_t> occupancy;
  std::span<const std::uint64_t> velocity;
  std::uint64_t words() const { return occupancy.size(); }
};
struct Layers {
  std::span<std::uint64_t> occupancy;
  std::span<std::uint64_t> velocity;
  std::uint64_t words() const { return occupancy.size(); }
  operator ConstLayers() const { return {occupancy, velocity}; }  // NOLINT: a view converts like a span
};

// The state of a bit-sliced road piece (a segment, a halo or a whole ring), owning its words.
struct State {
  State() = default;
  State(std::uint64_t words, unsigned planes) : occupancy(words, 0), velocity(words * planes, 0) {}
  std::vector<std::uint64_t> occupancy;
  std::vector<std::uint64_t> velocity;
  ConstLayers view() const { return {occupancy, velocity}; }
  Layers view() { return {occupancy, velocity}; }
};

// Where a piece of road lies on the ring: global words [firstWord, firstWord + words) of a ring of
// `roadCells` cells.
// Its cells are [64 firstWord, min(64 (firstWord + words), roadCells)).
struct Placement {
  std::uint64_t roadCells = 0;
  std::uint64_t firstWord = 0;
  std::uint64_t words = 0;
  std::uint64_t firstCell() const { return firstWord * 64; }
  std::uint64_t endCell() const;  // one past the last cell
};

// The halos of a segment, H words each (haloWords(vmax)), in ring order of cells:
//   left  bit j of word k = cell (firstCell - 64 H + 64 k + j) mod roadCells, the 64 H cells before
//         the segment's first cell;
//   right bit j of word k = cell (endCell + 64 k + j) mod roadCells, the 64 H cells after its last
//         cell (after cell N-1 comes cell 0; the right halo is NOT aligned to global words when the
//         segment ends in the ring's partial last word).
// Only the vmax cells of each halo nearest the segment affect the result; the rest must be a valid
// state (planes <= vmax and zero where no car) but may be anything.
struct Halos {
  State left;
  State right;
};

// One step (step >= 1, the step being computed) of a segment. `old` and `next` hold segment.words
// words (padding zero) and must not overlap. Returns the distance: the sum, over the cars that start
// the step in the segment, of the cells they move (so the segments' distances add up to the ring's).
// `isa` picks the variant of the bit-sliced kernel (vmax <= 16; convoy/model/isa.hpp): each gives the
// same result.
std::uint64_t stepSegment(const Model& model, std::uint64_t step, const Placement& segment, ConstLayers old,
                          ConstLayers leftHalo, ConstLayers rightHalo, Layers next, Isa isa = Isa::Best);

// The halos of `segment` cut from a whole ring held in this process (`ring`: all wordsFor(roadCells)
// words). Works for any ring, even one shorter than a halo (cells repeat modulo roadCells).
Halos ringHalos(ConstLayers ring, const Placement& segment, unsigned vmax);

// What a segment sends its neighbours as their halos (the MPI case): the 64 H cells at one edge of a
// segment of `cells` cells. Edge::First (its first cells) is its left neighbour's right halo,
// Edge::Last (its last cells, whatever their alignment) its right neighbour's left halo. Cells the
// segment does not have are left empty, which is enough when it has at least vmax cells (only the
// vmax halo cells nearest a segment matter); a shorter segment's neighbours need cells from further on.
enum class Edge { First, Last };
State edgeCells(ConstLayers segment, std::uint64_t cells, unsigned vmax, Edge edge);
// The same into `halo` (H words and its planes' H words each), as the step loop does: no allocation.
void edgeCellsInto(ConstLayers segment, std::uint64_t cells, unsigned vmax, Edge edge, Layers halo);

// stepSegment for the output words [first, end) of the segment alone (first <= end <= segment.words):
// reads `old` from word first - H to word end + H (the halos where those lie outside the segment; a
// word past that may be read but does not count), writes words [first, end) of `next`, and returns the
// distance of the cars that start the step in them. Ranges that cut the segment into pieces give
// stepSegment's state and distance, whatever the rest of `next` holds (the temporal blocking of
// nasch_sweep.hpp steps the pieces of one step at different times).
std::uint64_t stepSegmentWords(const Model& model, std::uint64_t step, const Placement& segment, ConstLayers old,
                               ConstLayers leftHalo, ConstLayers rightHalo, Layers next, std::uint64_t first,
                               std::uint64_t end, Isa isa = Isa::Best);

// One step of a whole ring held in one process (one segment; the single-rank case).
std::uint64_t stepRing(const Model& model, std::uint64_t step, std::uint64_t roadCells, ConstLayers old, Layers next,
                       Isa isa = Isa::Best);

// Byte-per-cell form for tests, snapshots and init: kEmpty or the car's velocity. Two bytes, since
// velocities go up to 255.
using Cell = std::int16_t;
inline constexpr Cell kEmpty = -1;

// Packs cells into a bit-sliced road of wordsFor(cells.size()) words and velocityPlanes(vmax) planes.
State fromCells(std::span<const Cell> cells, unsigned vmax);
// Cells [firstCell, firstCell + count) of a bit-sliced piece (cell indices relative to the piece).
std::vector<Cell> toCells(ConstLayers road, std::uint64_t firstCell, std::uint64_t count);

// Sum of the velocities of the cars in a piece (the distance they are about to move, if unhindered).
std::uint64_t velocitySum(ConstLayers road);

}  // namespace convoy::nasch

namespace convoy::nasch::detail {
// stepSegment through the path that vmax > 16 takes (a loop over cars found by bit scans), for any
// vmax: the tests check the bit-sliced code specialised for vmax <= 16 against it.
std::uint64_t stepSegmentGeneric(const Model& model, std::uint64_t step, const Placement& segment, ConstLayers old,
                                 ConstLayers leftHalo, ConstLayers rightHalo, Layers next);
}  // namespace convoy::nasch::detail
