#include "convoy/io/timeseries.hpp"

#include "convoy/h5/attribute.hpp"
#include "convoy/h5/dataset.hpp"
#include "convoy/simulation.hpp"

namespace convoy::io {

TimeseriesWriter::TimeseriesWriter(const std::string& path, const RunIdentity& identity, std::uint64_t rowEvery,
                                   std::span<const std::uint64_t> detectors)
    : file_(h5::createSerial(path)), identity_(identity), detectors_(detectors.size()) {
  writeIdentity(file_.get(), "timeseries", identity);
  h5::writeAttribute(file_.get(), "timeseries_every", rowEvery);
  h5::createColumn(file_.get(), "step", H5T_STD_I64LE);
  h5::createColumn(file_.get(), "distance", H5T_STD_I64LE);
  h5::createColumn(file_.get(), "flow", H5T_IEEE_F64LE);
  h5::createColumn(file_.get(), "mean_velocity", H5T_IEEE_F64LE);
  const h5::Group group = h5::createGroup(file_.get(), "detectors");
  h5::writeSmall(group.get(), "position", H5T_STD_I64LE, H5T_NATIVE_UINT64, detectors.size(), detectors.data());
  h5::createMatrix(group.get(), "count", H5T_STD_I64LE, detectors.size());
  flush();
}

void TimeseriesWriter::append(std::span<const FlowRow> rows) { pending_.insert(pending_.end(), rows.begin(), rows.end()); }

void TimeseriesWriter::flush() {
  const std::uint64_t rows = pending_.size();
  if (rows > 0) {
    std::vector<std::int64_t> steps, distances, counts;
    std::vector<double> flows, velocities;
    const double cells = static_cast<double>(identity_.cells);
    for (const FlowRow& row : pending_) {
      steps.push_back(static_cast<std::int64_t>(row.step));
      distances.push_back(row.distance);
      flows.push_back(static_cast<double>(row.distance) / (cells * static_cast<double>(row.steps)));
      velocities.push_back(meanVelocity(row.distance, identity_.cars, row.steps));
      counts.insert(counts.end(), row.detectorCounts.begin(), row.detectorCounts.end());
    }
    h5::appendRows(file_.get(), "step", H5T_NATIVE_INT64, rows, steps.data());
    h5::appendRows(file_.get(), "distance", H5T_NATIVE_INT64, rows, distances.data());
    h5::appendRows(file_.get(), "flow", H5T_NATIVE_DOUBLE, rows, flows.data());
    h5::appendRows(file_.get(), "mean_velocity", H5T_NATIVE_DOUBLE, rows, velocities.data());
    h5::appendRows(file_.get(), "detectors/count", H5T_NATIVE_INT64, rows, counts.data());
    rowsWritten_ += rows;
    pending_.clear();
  }
  h5::check(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), "flush " + file_.path);
}

void TimeseriesWriter::close() {
  flush();
  file_.handle.closeOrThrow("close " + file_.path);
}

}  // namespace convoy::io
