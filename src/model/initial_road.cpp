#include "convoy/model/initial_road.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "convoy/core/packed_road.hpp"
#include "convoy/core/random.hpp"

namespace convoy {
namespace {
__extension__ typedef unsigned __int128 Wide;  // k x N overflows 64 bits on long roads
}  // namespace

void fillRandomRoad(std::span<std::uint64_t> words, CellRange range, double density, std::uint64_t seed) {
  const std::uint64_t key = random::streamKey(seed, random::Stream::InitialRoad, 0);
  const std::uint64_t threshold = random::bernoulliThreshold(density);
  const std::uint64_t cells = range.cells();
  for (std::uint64_t w = 0; w < words.size(); ++w) {
    std::uint64_t word = 0;
    const std::uint64_t first = w * packed::kCellsPerWord;
    const std::uint64_t count = std::min(packed::kCellsPerWord, cells - first);
    for (std::uint64_t bit = 0; bit < count; ++bit) {
      const bool car = random::bernoulli(key, range.begin + first + bit, threshold);
      word |= static_cast<std::uint64_t>(car) << bit;
    }
    words[w] = word;
  }
}

bool randomRoadCell(std::uint64_t cell, double density, std::uint64_t seed) {
  return random::bernoulli(random::streamKey(seed, random::Stream::InitialRoad, 0), cell,
                           random::bernoulliThreshold(density));
}

std::uint64_t preparedCars(std::uint64_t roadCells, double density) {
  const long double cars = static_cast<long double>(density) * static_cast<long double>(roadCells);
  return std::min(roadCells, static_cast<std::uint64_t>(std::floor(cars + 0.5L)));
}

void fillUniformRoad(std::span<std::uint64_t> words, CellRange range, std::uint64_t roadCells, std::uint64_t cars) {
  std::ranges::fill(words, 0);
  if (cars == 0 || range.empty()) return;
  // The first car at or after cell c is car ceil(c cars / roadCells).
  const auto firstCarFrom = [&](std::uint64_t cell) {
    return static_cast<std::uint64_t>((Wide{cell} * cars + roadCells - 1) / roadCells);
  };
  for (std::uint64_t k = firstCarFrom(range.begin); k < cars; ++k) {
    const auto cell = static_cast<std::uint64_t>(Wide{k} * roadCells / cars);
    if (cell >= range.end) break;
    packed::setCell(words, cell - range.begin, true);
  }
}

void fillJamRoad(std::span<std::uint64_t> words, CellRange range, std::uint64_t cars) {
  std::ranges::fill(words, 0);
  for (std::uint64_t cell = range.begin; cell < std::min(range.end, cars); ++cell) {
    packed::setCell(words, cell - range.begin, true);
  }
}

void fillVelocities(std::span<const std::uint64_t> occupancy, std::span<const std::span<std::uint64_t>> planes,
                    unsigned velocity) {
  for (std::size_t b = 0; b < planes.size(); ++b) {
    const bool set = ((velocity >> b) & 1U) != 0;
    for (std::size_t w = 0; w < occupancy.size(); ++w) planes[b][w] = set ? occupancy[w] : 0;
  }
}

unsigned randomInitialVelocity(std::uint64_t cell, unsigned vmax, std::uint64_t seed) {
  const std::uint64_t key = random::streamKey(seed, random::Stream::InitialVelocity, 0);
  // The top 32 bits scaled to 0..vmax: uniform to within 2^-32 (vmax < 256).
  return static_cast<unsigned>(((random::bits(key, cell) >> 32) * (std::uint64_t{vmax} + 1)) >> 32);
}

void fillRandomVelocities(std::span<const std::uint64_t> occupancy, CellRange range,
                          std::span<const std::span<std::uint64_t>> planes, unsigned vmax, std::uint64_t seed) {
  fillVelocities(occupancy, planes, 0);
  for (std::size_t w = 0; w < occupancy.size(); ++w) {
    for (std::uint64_t cars = occupancy[w]; cars != 0; cars &= cars - 1) {
      const auto bit = static_cast<unsigned>(std::countr_zero(cars));
      const unsigned velocity = randomInitialVelocity(range.begin + w * packed::kCellsPerWord + bit, vmax, seed);
      for (std::size_t b = 0; b < planes.size(); ++b) {
        planes[b][w] |= static_cast<std::uint64_t>((velocity >> b) & 1U) << bit;
      }
    }
  }
}

}  // namespace convoy
