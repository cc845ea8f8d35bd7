// The initial road (docs/model.md "Initial roads"): random (cell i holds a car with probability
// `density`, decided by the counter-based generator keyed by (seed, InitialRoad stream, step 0, i)),
// uniform or one jam, and NaSch's initial velocities. Each rank fills only its own cells, and the road
// is the same for any number of ranks.
#pragma once

#include <cstdint>
#include <span>

#include "convoy/core/decomposition.hpp"

namespace convoy {

// Fills `words` (packed::wordsFor(range.cells()) of them) with the cells of `range`.
void fillRandomRoad(std::span<std::uint64_t> words, CellRange range, double density, std::uint64_t seed);

// Whether the generator puts a car in global cell `cell` (for checks on a few cells of a huge road).
bool randomRoadCell(std::uint64_t cell, double density, std::uint64_t seed);

// The cars of a prepared road of `roadCells` cells: round(density x roadCells).
std::uint64_t preparedCars(std::uint64_t roadCells, double density);

// `cars` cars evenly spaced: car k (0 <= k < cars) in cell floor(k roadCells / cars), so that gaps
// differ by at most one cell and car 0 is in cell 0. Fills `words` with the cells of `range`.
void fillUniformRoad(std::span<std::uint64_t> words, CellRange range, std::uint64_t roadCells, std::uint64_t cars);

// One compact jam: cars in cells 0 to cars - 1. Fills `words` with the cells of `range`.
void fillJamRoad(std::span<std::uint64_t> words, CellRange range, std::uint64_t cars);

// The velocity planes (plane b: bit b of each car's velocity, `planes` of them, each as long as
// `occupancy`) of the cars in `occupancy` (the cells of `range`): every car at `velocity`.
void fillVelocities(std::span<const std::uint64_t> occupancy, std::span<const std::span<std::uint64_t>> planes,
                    unsigned velocity);

// The same with each car's velocity uniform on 0..vmax, drawn by the counter-based generator keyed by
// (seed, InitialVelocity stream, step 0, the car's global cell): the same on any number of ranks.
void fillRandomVelocities(std::span<const std::uint64_t> occupancy, CellRange range,
                          std::span<const std::span<std::uint64_t>> planes, unsigned vmax, std::uint64_t seed);

// The velocity fillRandomVelocities gives a car in global cell `cell` (for tests).
unsigned randomInitialVelocity(std::uint64_t cell, unsigned vmax, std::uint64_t seed);

}  // namespace convoy
