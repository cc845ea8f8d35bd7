#include "convoy/io/series_reader.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>

#include "convoy/config/config.hpp"
#include "convoy/core/counted.hpp"
#include "convoy/core/error.hpp"
#include "convoy/h5/attribute.hpp"
#include "convoy/h5/dataset.hpp"
#include "convoy/io/format.hpp"

namespace convoy::io {
namespace {

constexpr std::uint64_t kRowsPerPiece = std::uint64_t{1} << 16;

h5::ReadFile openConvoySeries(const std::string& path, const char* kind) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw InputError(path + ": a directory; give a file in it (" + path + "/" + format::kTimeseriesFile + ", ...)");
  }
  if (!std::filesystem::exists(path, error)) throw InputError(path + ": no such file");
  if (!h5::isHdf5File(path)) throw InputError(path + ": not an HDF5 file");
  h5::ReadFile file = h5::openForReading(path);
  if (!h5::hasAttribute(file, format::kKindAttribute)) {
    throw InputError(path + ": an HDF5 file, but not one convoy wrote (it has no 'kind' attribute)");
  }
  const std::string found = h5::readAttribute<std::string>(file, format::kKindAttribute);
  if (found != kind) {
    throw InputError(path + ": a convoy " + found + " file, but this needs " +
                     (kind == std::string(format::kTimeseries) ? "a time series (a run directory or its timeseries.h5)"
                                                               : "a space-time window (spacetime.h5)"));
  }
  return file;
}

// The rows every column must hold, and a check that each does: `rows` exactly once the file is
// closed, at least `rows` while it is being written.
void requireRows(const h5::ReadFile& file, const h5::Dataset& column, const std::string& name, std::uint64_t rows,
                 std::size_t dimensions, std::uint64_t columns) {
  const std::vector<std::uint64_t> shape = h5::extent(column);
  const std::string at = file.file.path + ": damaged: /" + name;
  if (shape.size() != dimensions || (dimensions == 2 && shape[1] != columns)) {
    throw InputError(at + " has the shape of no convoy series");
  }
  if (shape[0] < rows || (!file.beingWritten && shape[0] != rows)) {
    throw InputError(at + " has " + counted(shape[0], "row") + " but /step has " + std::to_string(rows));
  }
}

// The first row of a piece whose values are impossible, described, or "".
std::string badValue(double value, double most, const char* column, std::uint64_t row) {
  if (std::isfinite(value) && value >= 0 && value <= most) return "";
  return "row " + std::to_string(row) + " of /" + column + " holds " + std::to_string(value) +
         (std::isfinite(value) ? ", outside 0 .. " + std::to_string(most) : "");
}

}  // namespace

TimeseriesInfo readTimeseries(const std::string& path) {
  TimeseriesInfo info;
  info.file = openConvoySeries(path, format::kTimeseries);
  const h5::ReadFile& file = info.file;
  try {
    info.model = h5::readAttribute<std::string>(file, format::kModelAttribute);
    info.cells = h5::readAttribute<std::uint64_t>(file, format::kCellsAttribute);
    info.cars = h5::readAttribute<std::uint64_t>(file, format::kCarsAttribute);
    info.every = h5::readAttribute<std::uint64_t>(file, format::kTimeseriesEveryAttribute);
    if (info.cells == 0 || info.cars > info.cells) {
      throw InputError(path + ": damaged: " + std::to_string(info.cars) + " cars on " + std::to_string(info.cells) +
                       " cells");
    }
    if (info.every == 0 || info.every > format::kMostCells) {
      throw InputError(path + ": damaged: timeseries_every = " + std::to_string(info.every) + " (1 to 2^62)");
    }
    // No car is faster than vmax: 1 for rule 184, at most 255 for NaSch.
    info.vmax = info.model == modelName(ModelType::Rule184) ? 1 : 255;
    info.detectorPositions = h5::readWhole<std::int64_t>(h5::openDataset(file, format::kDetectorPositionDataset, path),
                                                         format::kMostDetectors, "/detectors/position");
    const std::uint64_t d = info.detectorPositions.size();
    const h5::Dataset steps = h5::openDataset(file, format::kStepDataset, path);
    const h5::Dataset distances = h5::openDataset(file, format::kDistanceDataset, path);
    const h5::Dataset flows = h5::openDataset(file, format::kFlowDataset, path);
    const h5::Dataset velocities = h5::openDataset(file, format::kMeanVelocityDataset, path);
    const h5::Dataset counts = h5::openDataset(file, format::kDetectorCountDataset, path);
    const std::vector<std::uint64_t> stepShape = h5::extent(steps);
    if (stepShape.size() != 1) throw InputError(path + ": damaged: /step is not one-dimensional");
    info.rows = stepShape[0];
    requireRows(file, distances, format::kDistanceDataset, info.rows, 1, 0);
    requireRows(file, flows, format::kFlowDataset, info.rows, 1, 0);
    requireRows(file, velocities, format::kMeanVelocityDataset, info.rows, 1, 0);
    requireRows(file, counts, format::kDetectorCountDataset, info.rows, 2, d);
    std::vector<std::int64_t> stepValues, countValues;
    std::vector<double> flowValues, velocityValues;
    double flowSum = 0;
    const double mostFlow = static_cast<double>(info.vmax);
    for (std::uint64_t first = 0; first < info.rows; first += kRowsPerPiece) {
      const std::uint64_t n = std::min(kRowsPerPiece, info.rows - first);
      stepValues.resize(n), flowValues.resize(n), velocityValues.resize(n), countValues.resize(n * d);
      h5::readSlab<std::int64_t>(steps, {first, n}, stepValues);
      h5::readSlab<double>(flows, {first, n}, flowValues);
      h5::readSlab<double>(velocities, {first, n}, velocityValues);
      const std::array<std::uint64_t, 2> start{first, 0}, count{n, d};
      h5::readBlock<std::int64_t>(counts, start, count, countValues);
      for (std::uint64_t r = 0; r < n; ++r) {
        const std::uint64_t row = first + r;
        const std::int64_t wanted = static_cast<std::int64_t>((row + 1) * info.every);
        if (stepValues[r] != wanted) {
          throw InputError(path + ": damaged: row " + std::to_string(row) + " of /step holds " +
                           std::to_string(stepValues[r]) + ", expected " + std::to_string(wanted) +
                           " (rows are steps E, 2E, 3E, ... with E = timeseries_every)");
        }
        std::string bad = badValue(flowValues[r], mostFlow, format::kFlowDataset, row);
        if (bad.empty()) bad = badValue(velocityValues[r], mostFlow, format::kMeanVelocityDataset, row);
        for (std::uint64_t k = 0; k < d && bad.empty(); ++k) {
          bad = badValue(static_cast<double>(countValues[r * d + k]), static_cast<double>(info.every),
                         format::kDetectorCountDataset, row);
        }
        if (!bad.empty()) throw InputError(path + ": damaged: " + bad);
        flowSum += flowValues[r];
      }
    }
    if (info.rows > 0) {
      info.lastStep = static_cast<std::int64_t>(info.rows * info.every);
      info.meanFlow = flowSum / static_cast<double>(info.rows);
    }
  } catch (const h5::Error& failure) {
    throw InputError(path + ": " + failure.what());
  }
  return info;
}

SpacetimeInfo readSpacetime(const std::string& path) {
  SpacetimeInfo info;
  info.file = openConvoySeries(path, format::kSpacetime);
  const h5::ReadFile& file = info.file;
  try {
    info.start = h5::readAttribute<std::uint64_t>(file, format::kWindowStartAttribute);
    info.width = h5::readAttribute<std::uint64_t>(file, format::kWindowWidthAttribute);
    info.every = h5::readAttribute<std::uint64_t>(file, format::kWindowEveryAttribute);
    if (info.every == 0 || info.width == 0 || info.width > kMaxSpacetimeWidth) {
      throw InputError(path + ": damaged: the window has width " + std::to_string(info.width) + " and every " +
                       std::to_string(info.every));
    }
    const h5::Dataset steps = h5::openDataset(file, format::kStepDataset, path);
    const h5::Dataset occupancy = h5::openDataset(file, format::kOccupancyDataset, path);
    info.rows = h5::extent(steps).at(0);
    requireRows(file, occupancy, format::kOccupancyDataset, info.rows, 2, info.width);
    const std::uint64_t rowsPerPiece = std::max<std::uint64_t>(1, (std::uint64_t{1} << 24) / info.width);
    std::vector<std::int64_t> stepValues;
    std::vector<std::uint8_t> cells;
    for (std::uint64_t first = 0; first < info.rows; first += rowsPerPiece) {
      const std::uint64_t n = std::min(rowsPerPiece, info.rows - first);
      stepValues.resize(n);
      cells.resize(n * info.width);
      h5::readSlab<std::int64_t>(steps, {first, n}, stepValues);
      const std::array<std::uint64_t, 2> start{first, 0}, count{n, info.width};
      h5::readBlock<std::uint8_t>(occupancy, start, count, cells);
      for (std::uint64_t r = 0; r < n; ++r) {
        const std::int64_t step = stepValues[r];
        const std::int64_t expected = info.lastStep + static_cast<std::int64_t>(info.every);
        if (step < 0 || step % static_cast<std::int64_t>(info.every) != 0 || (info.lastStep >= 0 && step != expected)) {
          throw InputError(path + ": damaged: row " + std::to_string(first + r) + " of /step holds " +
                           std::to_string(step) + (info.lastStep >= 0 ? ", expected " + std::to_string(expected) : ""));
        }
        if (info.firstStep < 0) info.firstStep = step;
        info.lastStep = step;
      }
      if (std::any_of(cells.begin(), cells.end(), [](std::uint8_t c) { return c > 1; })) {
        throw InputError(path + ": damaged: /occupancy holds values other than 0 and 1");
      }
    }
  } catch (const h5::Error& failure) {
    throw InputError(path + ": " + failure.what());
  }
  return info;
}

}  // namespace convoy::io
