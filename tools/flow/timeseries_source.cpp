#include "timeseries_source.hpp"

#include <algorithm>

#include "convoy/core/error.hpp"
#include "convoy/h5/dataset.hpp"
#include "convoy/io/format.hpp"
#include "convoy/io/series_reader.hpp"
#include "h5_reading.hpp"

namespace convoy::flow {

Timeseries openTimeseries(const std::string& path) {
  // Every row is checked before anything is computed from it (io/series_reader).
  io::TimeseriesInfo info = io::readTimeseries(path);
  Timeseries timeseries{ConvoyFile{std::move(info.file), io::format::kTimeseries, info.model, info.cells, info.cars},
                        info.every, info.rows, info.lastStep, std::move(info.detectorPositions)};
  return timeseries;
}

ColumnSeries::ColumnSeries(const Timeseries& timeseries, const std::string& name, double scale)
    : dataset_(h5::openDataset(timeseries.file.get(), name, timeseries.file.path())),
      rows_(timeseries.rows),
      scale_(scale),
      what_("/" + name + " of " + timeseries.file.path()) {}

void ColumnSeries::read(std::uint64_t first, std::span<double> out) const {
  readRows(dataset_, first, out, what_);
  if (scale_ != 1.0) {
    for (double& value : out) value *= scale_;
  }
}

DetectorSeries::DetectorSeries(const Timeseries& timeseries, std::uint64_t index)
    : dataset_(h5::openDataset(timeseries.file.get(), "detectors/count", timeseries.file.path())),
      index_(index),
      rows_(timeseries.rows),
      every_(static_cast<double>(timeseries.every)),
      what_("/detectors/count of " + timeseries.file.path()) {}

void DetectorSeries::read(std::uint64_t first, std::span<double> out) const {
  readColumnRows(dataset_, index_, first, out, what_);
  for (double& value : out) value /= every_;
}

}  // namespace convoy::flow
