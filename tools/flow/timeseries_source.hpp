// timeseries.h5 as series for the statistics: a column (/flow, /mean_velocity) or a detector's flow
// rate (/detectors/count [rows, d], column k, divided by timeseries_every), read in pieces on demand,
// so a series larger than memory is never held whole.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "convoy/analysis/series.hpp"
#include "convoy/h5/handle.hpp"
#include "convoy_file.hpp"

namespace convoy::flow {

// An opened timeseries.h5 and what describes it.
struct Timeseries {
  ConvoyFile file;
  std::uint64_t every = 1;  // steps per row (attribute timeseries_every)
  // Complete rows: those of /step (a file being written may hold more in its other columns).
  std::uint64_t rows = 0;
  std::int64_t lastStep = 0;  // /step of the last row (0 without rows)
  std::vector<std::int64_t> detectorPositions;
};

// Throws InputError naming the file when it is not a convoy time series or lacks a dataset.
Timeseries openTimeseries(const std::string& path);

// Rows 0 .. rows-1 of a one-dimensional column.
class ColumnSeries final : public analysis::SeriesSource {
 public:
  // Each value times `scale` (the exit rate: /left / timeseries_every).
  ColumnSeries(const Timeseries& timeseries, const std::string& name, double scale = 1.0);
  std::uint64_t size() const override { return rows_; }
  void read(std::uint64_t first, std::span<double> out) const override;

 private:
  h5::Dataset dataset_;
  std::uint64_t rows_;
  double scale_;
  std::string what_;
};

// Detector `index`'s flow rate per row: count / timeseries_every (cars per step).
class DetectorSeries final : public analysis::SeriesSource {
 public:
  DetectorSeries(const Timeseries& timeseries, std::uint64_t index);
  std::uint64_t size() const override { return rows_; }
  void read(std::uint64_t first, std::span<double> out) const override;

 private:
  h5::Dataset dataset_;
  std::uint64_t index_;
  std::uint64_t rows_;
  double every_;
  std::string what_;
};

}  // namespace convoy::flow
