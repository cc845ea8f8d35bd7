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
  // The first car at or after range.begin is car k = ceil(begin M / N), in cell floor(k N / M); from
  // one car to the next the cell grows by N / M, carried as a quotient and a remainder modulo M.
  std::uint64_t k = static_cast<std::uint64_t>((Wide{range.begin} * cars + roadCells - 1) / roadCells);
  if (k >= cars) return;
  std::uint64_t cell = static_cast<std::uint64_t>(Wide{k} * roadCells / cars);
  std::uint64_t remainder = static_cast<std::uint64_t>(Wide{k} * roadCells % cars);
  const std::uint64_t step = roadCells / cars;
  const std::uint64_t extra = roadCells % cars;
  for (; k < cars && cell < range.end; ++k) {
    packed::setCell(words, cell - range.begin, true);
    cell += step;
    remainder += extra;  // < 2 M: no overflow for M < 2^63
    if (remainder >= cars) {
      remainder -= cars;
      ++cell;
    }
  }
}

void fillJamRoad(std::span<std::uint64_t> words, CellRange range, std::uint64_t cars) {
  std::ranges::fill(words, 0);
  if (cars <= range.begin) return;
  const std::uint64_t count = std::min(range.end, cars) - range.begin;  // the jam's cells in this range
  std::fill(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(count / packed::kCellsPerWord),
            ~std::uint64_t{0});
  if (count % packed::kCellsPerWord != 0) words[count / packed::kCellsPerWord] = packed::lastWordMask(count);
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
