// Serial reads of parts of datasets, converted to what the statistics and the jam counters use (a
// series larger than memory is read in pieces, from one process, without MPI).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "convoy/h5/handle.hpp"

namespace convoy::flow {

// Rows first .. first + out.size() - 1 of a one-dimensional dataset, converted to double.
void readRows(const h5::Dataset& dataset, std::uint64_t first, std::span<double> out, const std::string& what);
// The same for unsigned 64-bit words (the packed road) and signed integers (steps).
void readRows(const h5::Dataset& dataset, std::uint64_t first, std::span<std::uint64_t> out, const std::string& what);
void readRows(const h5::Dataset& dataset, std::uint64_t first, std::span<std::int64_t> out, const std::string& what);
// Rows first .. first + out.size() - 1 of column `column` of a two-dimensional dataset, as double.
void readColumnRows(const h5::Dataset& dataset, std::uint64_t column, std::uint64_t first, std::span<double> out,
                    const std::string& what);

}  // namespace convoy::flow
