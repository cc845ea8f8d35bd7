#include "convoy/io/timeseries.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <numeric>

#include "convoy/core/counted.hpp"
#include "convoy/h5/attribute.hpp"
#include "convoy/h5/dataset.hpp"
#include "convoy/io/format.hpp"

namespace convoy::io {
namespace {

// The columns in the order they are flushed: /step last, so that len(/step) rows are complete. An
// open road's series has /cars, /entered and /left before /step.
std::vector<std::string> columnNames(bool openRoad) {
  std::vector<std::string> names{format::kDistanceDataset, format::kFlowDataset, format::kMeanVelocityDataset,
                                 format::kDetectorCountDataset};
  if (openRoad) names.insert(names.end(), {format::kCarsDataset, format::kEnteredDataset, format::kLeftDataset});
  names.emplace_back(format::kStepDataset);
  return names;
}
enum Column : std::size_t { kDistance = 0, kFlow, kMeanVelocity, kCounts, kCars, kEntered, kLeft };
std::size_t stepColumn(bool openRoad) { return openRoad ? kLeft + 1 : kCounts + 1; }

// An open road's counts of a row: cars after it, cars that entered and left in it.
struct CarCounts {
  std::int64_t cars = 0;
  std::int64_t entered = 0;
  std::int64_t left = 0;
};

// Rows read back at a time.
constexpr std::uint64_t kRowsPerPiece = std::uint64_t{1} << 16;

// The checksum of a row: every value stored for it, in the order of the columns of docs/output.md.
// (A ring road's rows have no car counts, and their checksums stay as they were before open roads.)
void addRow(Checksum& sum, std::int64_t step, std::int64_t distance, double flow, double velocity,
            std::span<const std::int64_t> counts, const CarCounts* cars) {
  sum.add(step);
  sum.add(distance);
  sum.add(flow);
  sum.add(velocity);
  for (const std::int64_t count : counts) sum.add(count);
  if (cars != nullptr) {
    sum.add(cars->cars);
    sum.add(cars->entered);
    sum.add(cars->left);
  }
}

std::vector<h5::Dataset> openColumns(const h5::OpenFile& file, bool openRoad) {
  std::vector<h5::Dataset> columns;
  for (const std::string& name : columnNames(openRoad)) columns.push_back(h5::openDataset(file, name, file.path));
  return columns;
}

std::vector<std::int64_t> signedPositions(std::span<const std::uint64_t> detectors) {
  return {detectors.begin(), detectors.end()};
}

// Why the file at `path` is not the time series of a run with these settings, or "".
std::string foreignTo(const h5::ReadFile& file, std::uint64_t rowEvery, std::span<const std::uint64_t> detectors) {
  if (!h5::hasAttribute(file, format::kKindAttribute) ||
      h5::readAttribute<std::string>(file, format::kKindAttribute) != format::kTimeseries) {
    return "it is not a convoy time series";
  }
  if (h5::readAttribute<std::uint64_t>(file, format::kTimeseriesEveryAttribute) != rowEvery) {
    return "its timeseries_every differs from the run's";
  }
  const std::vector<std::int64_t> positions =
      h5::readWhole<std::int64_t>(h5::openDataset(file, format::kDetectorPositionDataset, file.file.path),
                                  format::kMostDetectors, "/detectors/position");
  if (positions != signedPositions(detectors)) return "its detectors differ from the run's";
  return "";
}

}  // namespace

TimeseriesWriter::TimeseriesWriter(h5::OpenFile file, const RunIdentity& identity, std::size_t detectors,
                                   VerifiedRows verified, bool openRoad)
    : file_(std::move(file)),
      identity_(identity),
      detectors_(detectors),
      openRoad_(openRoad),
      columns_(openColumns(file_, openRoad)),
      rows_(verified.rows),
      checksum_(verified.checksum) {}

TimeseriesWriter TimeseriesWriter::create(const std::string& path, const RunIdentity& identity, std::uint64_t rowEvery,
                                          std::span<const std::uint64_t> detectors, bool openRoad) {
  h5::OpenFile file = h5::createSeries(path);
  writeIdentity(file, format::kTimeseries, identity);
  h5::writeAttribute(file, format::kTimeseriesEveryAttribute, rowEvery);
  h5::createColumn<std::int64_t>(file, format::kStepDataset);
  h5::createColumn<std::int64_t>(file, format::kDistanceDataset);
  h5::createColumn<double>(file, format::kFlowDataset);
  h5::createColumn<double>(file, format::kMeanVelocityDataset);
  if (openRoad) {
    for (const char* name : {format::kCarsDataset, format::kEnteredDataset, format::kLeftDataset}) {
      h5::createColumn<std::int64_t>(file, name);
    }
  }
  const h5::Group group = h5::createGroup(file, "detectors");
  const std::vector<std::int64_t> positions = signedPositions(detectors);
  h5::writeWhole<std::int64_t>(file, format::kDetectorPositionDataset, positions);
  h5::createMatrix<std::int64_t>(file, format::kDetectorCountDataset, detectors.size());
  h5::startSeriesWriting(file);
  TimeseriesWriter writer(std::move(file), identity, detectors.size(), {}, openRoad);
  writer.flush();
  return writer;
}

TimeseriesWriter TimeseriesWriter::continueAt(const std::string& path, const RunIdentity& identity,
                                              std::uint64_t /*rowEvery*/, std::span<const std::uint64_t> detectors,
                                              const VerifiedRows& verified, bool openRoad) {
  h5::OpenFile file = h5::reopenSeries(path);
  for (const h5::Dataset& column : openColumns(file, openRoad)) h5::resizeRows(column, verified.rows);
  h5::flush(file);
  return TimeseriesWriter(std::move(file), identity, detectors.size(), verified, openRoad);
}

void TimeseriesWriter::append(std::span<const FlowRow> rows) {
  pending_.insert(pending_.end(), rows.begin(), rows.end());
}

void TimeseriesWriter::flush(h5::Durability durability) {
  const std::uint64_t rows = pending_.size();
  std::vector<std::int64_t> steps, distances, counts, cars, entered, left;
  std::vector<double> flows, velocities;
  const double cells = static_cast<double>(identity_.cells);
  Checksum checksum = checksum_;
  for (const FlowRow& row : pending_) {
    steps.push_back(static_cast<std::int64_t>(row.step));
    distances.push_back(row.distance);
    flows.push_back(static_cast<double>(row.distance) / (cells * static_cast<double>(row.steps)));
    velocities.push_back(meanVelocity(row));
    counts.insert(counts.end(), row.detectorCounts.begin(), row.detectorCounts.end());
    const CarCounts carCounts{static_cast<std::int64_t>(row.cars), row.entered, row.left};
    cars.push_back(carCounts.cars);
    entered.push_back(carCounts.entered);
    left.push_back(carCounts.left);
    addRow(checksum, steps.back(), distances.back(), flows.back(), velocities.back(), row.detectorCounts,
           openRoad_ ? &carCounts : nullptr);
  }
  h5::appendRows<std::int64_t>(columns_[kDistance], rows, distances);
  h5::appendRows<double>(columns_[kFlow], rows, flows);
  h5::appendRows<double>(columns_[kMeanVelocity], rows, velocities);
  h5::appendRows<std::int64_t>(columns_[kCounts], rows, counts);
  if (openRoad_) {
    h5::appendRows<std::int64_t>(columns_[kCars], rows, cars);
    h5::appendRows<std::int64_t>(columns_[kEntered], rows, entered);
    h5::appendRows<std::int64_t>(columns_[kLeft], rows, left);
  }
  h5::appendRows<std::int64_t>(columns_[stepColumn(openRoad_)], rows, steps);
  const std::vector<std::string> names = columnNames(openRoad_);
  for (std::size_t c = 0; c < columns_.size(); ++c) h5::flush(columns_[c], "/" + names[c] + " of " + file_.path);
  h5::flush(file_, durability);
  rows_ += rows;
  checksum_ = checksum;
  pending_.clear();
}

void TimeseriesWriter::close() {
  flush();
  columns_.clear();
  file_.close();
}

PrefixChecker::PrefixChecker(std::string path, std::span<const SeriesMark> marks)
    : path_(std::move(path)), marks_(marks), order_(marks.size()), lastSteps_(marks.size(), -1) {
  check_.verified.assign(marks.size(), std::nullopt);
  std::iota(order_.begin(), order_.end(), 0);
  std::sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) { return marks[a].rows < marks[b].rows; });
  wanted_ = marks.empty() ? 0 : marks[order_.back()].rows;
  rowDone(0);
}

void PrefixChecker::rowDone(std::uint64_t rows, std::int64_t lastStep) {
  for (; next_ < order_.size() && marks_[order_[next_]].rows == rows; ++next_) {
    const std::size_t mark = order_[next_];
    if (checksum_.value() == marks_[mark].checksum) {
      check_.verified[mark] = VerifiedRows{rows, checksum_};
      lastSteps_[mark] = lastStep;
    } else if (check_.problem.empty()) {
      check_.problem = path_ + " does not hold the rows the checkpoint records: its first " + std::to_string(rows) +
                       " rows have another checksum (damaged or edited)";
    }
  }
}

PrefixCheck PrefixChecker::finish(std::uint64_t rowsInFile) {
  if (next_ < order_.size() && check_.problem.empty()) {
    check_.problem = path_ + " holds " + std::to_string(rowsInFile) + " complete rows, fewer than the " +
                     std::to_string(marks_[order_[next_]].rows) + " the checkpoint records (truncated?)";
  }
  return check_;
}

PrefixCheck checkTimeseriesPrefixes(const std::string& path, std::uint64_t rowEvery,
                                    std::span<const std::uint64_t> detectors, std::span<const SeriesMark> marks,
                                    bool openRoad) {
  PrefixCheck failed;
  failed.verified.assign(marks.size(), std::nullopt);
  std::error_code exists;
  if (!std::filesystem::exists(path, exists)) {
    failed.problem = path + " is missing";
    return failed;
  }
  try {
    const h5::ReadFile file = h5::openForReading(path);
    if (const std::string foreign = foreignTo(file, rowEvery, detectors); !foreign.empty()) {
      failed.problem = path + ": " + foreign;
      return failed;
    }
    if (openRoad != h5::hasDataset(file.file, format::kCarsDataset)) {
      failed.problem = path + ": " +
                       (openRoad ? "it lacks /cars, which the series of an open road has"
                                 : "it has /cars: it is the series of an open road");
      return failed;
    }
    const std::vector<std::string> names = columnNames(openRoad);
    std::vector<h5::Dataset> columns = openColumns(file.file, openRoad);
    const std::uint64_t rows = h5::extent(columns[stepColumn(openRoad)])[0];
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const std::vector<std::uint64_t> shape = h5::extent(columns[c]);
      const bool matrix = c == kCounts;
      if (shape.size() != (matrix ? 2u : 1u) || (matrix && shape[1] != detectors.size()) || shape[0] < rows) {
        failed.problem = path + ": damaged: /" + names[c] + " does not hold the " + counted(rows, "row") + " of /step";
        return failed;
      }
    }
    PrefixChecker checker(path, marks);
    const std::uint64_t d = detectors.size();
    std::vector<std::int64_t> steps, distances, counts, cars, entered, left;
    std::vector<double> flows, velocities;
    const std::uint64_t readable = std::min(checker.wanted(), rows);
    for (std::uint64_t first = 0; first < readable; first += kRowsPerPiece) {
      const std::uint64_t n = std::min(kRowsPerPiece, readable - first);
      steps.resize(n), distances.resize(n), flows.resize(n), velocities.resize(n), counts.resize(n * d);
      h5::readSlab<std::int64_t>(columns[stepColumn(openRoad)], {first, n}, steps);
      h5::readSlab<std::int64_t>(columns[kDistance], {first, n}, distances);
      h5::readSlab<double>(columns[kFlow], {first, n}, flows);
      h5::readSlab<double>(columns[kMeanVelocity], {first, n}, velocities);
      const std::array<std::uint64_t, 2> start{first, 0}, count{n, d};
      h5::readBlock<std::int64_t>(columns[kCounts], start, count, counts);
      if (openRoad) {
        cars.resize(n), entered.resize(n), left.resize(n);
        h5::readSlab<std::int64_t>(columns[kCars], {first, n}, cars);
        h5::readSlab<std::int64_t>(columns[kEntered], {first, n}, entered);
        h5::readSlab<std::int64_t>(columns[kLeft], {first, n}, left);
      }
      for (std::uint64_t r = 0; r < n; ++r) {
        const CarCounts carCounts = openRoad ? CarCounts{cars[r], entered[r], left[r]} : CarCounts{};
        addRow(checker.checksum(), steps[r], distances[r], flows[r], velocities[r],
               std::span<const std::int64_t>(counts).subspan(r * d, d), openRoad ? &carCounts : nullptr);
        checker.rowDone(first + r + 1, steps[r]);
      }
    }
    return checker.finish(rows);
  } catch (const std::exception& error) {
    failed.problem = path + " cannot be read: " + error.what();
    return failed;
  }
}

}  // namespace convoy::io
