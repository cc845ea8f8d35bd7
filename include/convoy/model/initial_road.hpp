// The initial road: cell i holds a car with probability `density`, decided by the counter-based
// generator keyed by (seed, InitialRoad stream, step 0, i). Each rank fills only its own cells, and
// the road is the same for any number of ranks.
#pragma once

#include <cstdint>
#include <span>

#include "convoy/core/decomposition.hpp"

namespace convoy {

// Fills `words` (packed::wordsFor(range.cells()) of them) with the cells of `range`.
void fillRandomRoad(std::span<std::uint64_t> words, CellRange range, double density, std::uint64_t seed);

// Whether the generator puts a car in global cell `cell` (for checks on a few cells of a huge road).
bool randomRoadCell(std::uint64_t cell, double density, std::uint64_t seed);

}  // namespace convoy
