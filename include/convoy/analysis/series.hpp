// A time series read in pieces: the statistics stream through series too large for memory.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace convoy::analysis {

// A read-only series of doubles, read in consecutive pieces (an HDF5 dataset, a vector, ...).
class SeriesSource {
 public:
  virtual ~SeriesSource() = default;
  virtual std::uint64_t size() const = 0;
  // Copies values first .. first + out.size() - 1 into `out` (the range lies inside the series).
  // The statistics never ask for more than kPieceValues values at once.
  virtual void read(std::uint64_t first, std::span<double> out) const = 0;
};

// A series held in memory (tests, small files).
class VectorSeries final : public SeriesSource {
 public:
  explicit VectorSeries(std::vector<double> values) : values_(std::move(values)) {}
  std::uint64_t size() const override { return values_.size(); }
  void read(std::uint64_t first, std::span<double> out) const override;

 private:
  std::vector<double> values_;
};

// The statistics read the series in pieces of at most this many values (8 MiB of doubles).
inline constexpr std::uint64_t kPieceValues = std::uint64_t{1} << 20;

}  // namespace convoy::analysis
