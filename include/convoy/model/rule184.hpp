// The rule-184 kernels: pure functions over plain arrays, no MPI, no I/O.
//
// A car moves one cell forward (towards higher index) if the cell ahead was empty at the start of
// the step; all cars move at once. new[i] = (old[i-1] & !old[i]) | (old[i] & old[i+1]).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "convoy/model/isa.hpp"

namespace convoy::rule184 {

// The kernel variants (convoy/model/isa.hpp): scalar, AVX2, AVX-512, chosen at run time.
using convoy::available;
using convoy::Isa;
using convoy::nameOf;
using convoy::resolve;

// One step of a segment of `cells` cells packed in `old` (padding zero) whose outside neighbours are
// `leftHalo` (the cell before the first) and `rightHalo` (the cell after the last). Writes the new
// segment into `next` (padding zero) and returns the number of cars that moved.
// `old` and `next` hold packed::wordsFor(cells) words each and must not overlap.
std::uint64_t stepPacked(std::span<const std::uint64_t> old, std::span<std::uint64_t> next, std::uint64_t cells,
                         bool leftHalo, bool rightHalo, Isa isa = Isa::Best);

// Several steps at once with temporal (cache) blocking: the segment is cut into tiles of `tileWords`
// words, and each tile, with `haloCells` cells of overlap on either side, is advanced all `steps` steps
// in a small buffer that stays in cache, before the next tile is read. Exact as long as
// steps <= haloCells: information travels one cell per step.
struct Advance {
  std::uint64_t cells = 0;      // of the segment
  std::uint64_t haloCells = 0;  // cells of halo on each side, >= steps and >= 1
  std::uint64_t steps = 0;
  std::uint64_t tileWords = 1024;
  // Cells (offsets into the segment) at which to count, per step, the car that moves into the cell.
  std::span<const std::uint64_t> probes;
  Isa isa = Isa::Best;
};

// Which tiles a call advances: those that read only the segment's own words (`Interior`, which can
// run while the halos are still in flight), the others (`Boundary`), or all.
enum class Tiles { All, Interior, Boundary };

// Advances `old` (packed::wordsFor(cells) words, padding zero) `steps` steps into `next` (same size,
// no overlap; padding zero). `leftHalo` holds the haloCells cells before the segment (bit 0 of word
// 0 is the cell haloCells before the first), `rightHalo` the haloCells cells after it (bit 0 is the
// cell just after the last); both are read only by boundary tiles. Adds the cars of the segment that
// moved in step j (0-based) to moves[j] (steps entries) and, for each probe p, 1 to
// arrivals[j * probes.size() + p] if a car moved into that cell in step j. Each tile writes its own
// words of `next`, so an Interior and a Boundary call together write all of it.
void advancePacked(const Advance& advance, std::span<const std::uint64_t> old, std::span<std::uint64_t> next,
                   std::span<const std::uint64_t> leftHalo, std::span<const std::uint64_t> rightHalo,
                   std::span<std::uint64_t> moves, std::span<std::uint64_t> arrivals, Tiles tiles = Tiles::All);

namespace detail {
// The word kernel of one variant: for i in [0, words), out[i] = rule 184 of in[i-1], in[i], in[i+1]
// (in[-1] and in[words] must be readable); returns the cars of in[0..words) that moved.
std::uint64_t stepWords(const std::uint64_t* in, std::uint64_t* out, std::uint64_t words, Isa isa);
}  // namespace detail

}  // namespace convoy::rule184
