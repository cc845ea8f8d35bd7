#include "timeseries_source.hpp"

#include <algorithm>

#include "convoy/error.hpp"
#include "convoy/h5/attribute.hpp"
#include "convoy/h5/dataset.hpp"
#include "h5_reading.hpp"

namespace convoy::flow {
namespace {

std::uint64_t rowsOf(const ConvoyFile& file, const std::string& name, std::size_t dimensions) {
  const h5::Dataset dataset = h5::openDataset(file.get(), name, file.path());
  const std::vector<std::uint64_t> shape = h5::extent(dataset);
  if (shape.size() != dimensions) {
    throw InputError(file.path() + ": /" + name + " has " + std::to_string(shape.size()) + " dimension(s), not " +
                     std::to_string(dimensions) + " as in a convoy time series");
  }
  return shape[0];
}

}  // namespace

Timeseries openTimeseries(const std::string& path) {
  Timeseries timeseries{openConvoyFile(path, {"timeseries"},
                                       "this command needs a time series (a run directory or its timeseries.h5)"),
                        1, 0, 0, {}};
  const ConvoyFile& file = timeseries.file;
  try {
    timeseries.every = h5::readUnsignedAttribute(file.get(), "timeseries_every");
    if (timeseries.every == 0) throw InputError(path + ": damaged: timeseries_every is 0");
    std::uint64_t rows = rowsOf(file, "step", 1);
    rows = std::min(rows, rowsOf(file, "flow", 1));
    rows = std::min(rows, rowsOf(file, "mean_velocity", 1));
    if (h5::hasDataset(file.get(), "detectors/position")) {
      const h5::Dataset positions = h5::openDataset(file.get(), "detectors/position", path);
      const std::vector<std::uint64_t> shape = h5::extent(positions);
      // One entry per detector of the config: small, read whole.
      timeseries.detectorPositions.resize(shape.empty() ? 0 : shape[0]);
      if (!timeseries.detectorPositions.empty()) {
        h5::check(H5Dread(positions.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                          timeseries.detectorPositions.data()),
                  "read /detectors/position of " + path);
        rows = std::min(rows, rowsOf(file, "detectors/count", 2));
      }
    }
    timeseries.rows = rows;
    if (rows > 0) {
      const h5::Dataset steps = h5::openDataset(file.get(), "step", path);
      std::int64_t last = 0;
      readRows(steps, rows - 1, std::span<std::int64_t>(&last, 1), "/step of " + path);
      timeseries.lastStep = last;
    }
  } catch (const h5::Error& failure) {
    throw InputError(path + ": " + failure.what());
  }
  return timeseries;
}

ColumnSeries::ColumnSeries(const Timeseries& timeseries, const std::string& name)
    : dataset_(h5::openDataset(timeseries.file.get(), name, timeseries.file.path())),
      rows_(timeseries.rows),
      what_("/" + name + " of " + timeseries.file.path()) {}

void ColumnSeries::read(std::uint64_t first, std::span<double> out) const { readRows(dataset_, first, out, what_); }

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

