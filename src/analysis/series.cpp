// Reading a series in pieces, and the small streaming helpers every statistic shares.
#include "convoy/analysis/series.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>

#include "internal.hpp"

namespace convoy::analysis {

void VectorSeries::read(std::uint64_t first, std::span<double> out) const {
  if (first > values_.size() || out.size() > values_.size() - first) {
    throw std::out_of_range("VectorSeries::read: rows " + std::to_string(first) + " + " + std::to_string(out.size()) +
                            " lie outside a series of " + std::to_string(values_.size()) + " rows");
  }
  const auto begin = values_.begin() + static_cast<std::ptrdiff_t>(first);
  std::copy(begin, begin + static_cast<std::ptrdiff_t>(out.size()), out.begin());
}

namespace detail {

std::uint64_t rowsFrom(const SeriesSource& series, std::uint64_t firstRow) {
  const std::uint64_t size = series.size();
  if (firstRow > 0 && firstRow >= size) {
    throw std::invalid_argument("first row " + std::to_string(firstRow) + " lies past the end of the series (" +
                                std::to_string(size) + " rows)");
  }
  const std::uint64_t rows = size - firstRow;
  if (rows < kMinimumRows) {
    throw std::invalid_argument("the series has " + std::to_string(rows) + " rows from row " +
                                std::to_string(firstRow) + " on (of " + std::to_string(size) +
                                "); the statistics need at least " + std::to_string(kMinimumRows));
  }
  return rows;
}

namespace {

double pieceMean(std::span<const double> piece) {
  double sum = 0.0;
  for (const double value : piece) sum += value;
  return sum / static_cast<double>(piece.size());
}

// A NaN would silently turn every result into NaN; say where it came from instead.
void requireFinite(std::span<const double> piece, std::uint64_t firstRow) {
  const auto bad = std::find_if(piece.begin(), piece.end(), [](double value) { return !std::isfinite(value); });
  if (bad != piece.end()) {
    throw std::invalid_argument("row " + std::to_string(firstRow + static_cast<std::uint64_t>(bad - piece.begin())) +
                                " of the series is not a finite number");
  }
}

}  // namespace

double streamShifted(const SeriesSource& series, std::uint64_t firstRow, const PieceConsumer& consume) {
  const std::uint64_t size = series.size();
  std::vector<double> buffer(std::min(kPieceValues, size - firstRow));
  double shift = 0.0;
  for (std::uint64_t row = firstRow; row < size;) {
    const std::span<double> piece(buffer.data(), std::min<std::uint64_t>(buffer.size(), size - row));
    series.read(row, piece);
    requireFinite(piece, row);
    if (row == firstRow) shift = pieceMean(piece);
    for (double& value : piece) value -= shift;
    consume(piece);
    row += piece.size();
  }
  return shift;
}

BlockMeans::BlockMeans(std::uint64_t blockRows, std::uint64_t expectedValues) : blockRows_(blockRows) {
  means_.reserve(expectedValues / blockRows);
}

void BlockMeans::add(std::span<const double> values) {
  const double rowsPerBlock = static_cast<double>(blockRows_);
  for (const double value : values) {
    partialSum_ += value;
    if (++filled_ == blockRows_) {
      means_.push_back(partialSum_ / rowsPerBlock);
      partialSum_ = 0.0;
      filled_ = 0;
    }
  }
}

}  // namespace detail
}  // namespace convoy::analysis
