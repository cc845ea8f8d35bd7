// The coarse density profile of snapshots: bin k of B covers the global cells
// [floor(k N / B), floor((k+1) N / B)), and holds cars / cells of that bin.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "convoy/core/decomposition.hpp"
#include "convoy/parallel/comm.hpp"

namespace convoy::io {

std::uint64_t binBegin(std::uint64_t bin, std::uint64_t bins, std::uint64_t cells);

// This rank's cars in every bin (zero for bins it does not touch).
std::vector<std::int64_t> localBinCars(std::span<const std::uint64_t> words, CellRange range, std::uint64_t bins,
                                       std::uint64_t cells);

// Collective: the profile of the whole road, on every rank.
std::vector<float> densityProfile(const Comm& comm, std::span<const std::uint64_t> words, CellRange range,
                                  std::uint64_t bins, std::uint64_t cells);

}  // namespace convoy::io
