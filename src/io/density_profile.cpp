#include "convoy/io/density_profile.hpp"

#include <algorithm>

#include "convoy/core/packed_road.hpp"

namespace convoy::io {
namespace {

__extension__ typedef unsigned __int128 Wide;  // k * N overflows 64 bits for long roads

// The bin that holds global cell `cell`: the largest k with binBegin(k) <= cell.
std::uint64_t binOf(std::uint64_t cell, std::uint64_t bins, std::uint64_t cells) {
  return static_cast<std::uint64_t>((Wide{cell + 1} * bins + cells - 1) / cells) - 1;
}

}  // namespace

std::uint64_t binBegin(std::uint64_t bin, std::uint64_t bins, std::uint64_t cells) {
  return static_cast<std::uint64_t>(Wide{bin} * cells / bins);
}

std::vector<std::int64_t> localBinCars(std::span<const std::uint64_t> words, CellRange range, std::uint64_t bins,
                                       std::uint64_t cells) {
  std::vector<std::int64_t> cars(bins, 0);
  if (range.empty()) return cars;
  for (std::uint64_t bin = binOf(range.begin, bins, cells); bin < bins; ++bin) {
    const std::uint64_t first = std::max(binBegin(bin, bins, cells), range.begin);
    const std::uint64_t last = std::min(binBegin(bin + 1, bins, cells), range.end);
    if (first >= range.end) break;
    cars[bin] = static_cast<std::int64_t>(packed::countCarsInRange(words, first - range.begin, last - range.begin));
  }
  return cars;
}

std::vector<float> densityProfile(const Comm& comm, std::span<const std::uint64_t> words, CellRange range,
                                  std::uint64_t bins, std::uint64_t cells) {
  std::vector<std::int64_t> cars = localBinCars(words, range, bins, cells);
  comm.sumInPlace(cars);
  std::vector<float> profile(bins);
  for (std::uint64_t bin = 0; bin < bins; ++bin) {
    const std::uint64_t binCells = binBegin(bin + 1, bins, cells) - binBegin(bin, bins, cells);
    profile[bin] = static_cast<float>(static_cast<double>(cars[bin]) / static_cast<double>(binCells));
  }
  return profile;
}

}  // namespace convoy::io
