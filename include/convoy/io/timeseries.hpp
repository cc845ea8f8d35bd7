// timeseries.h5 (SPEC.md): the flow-rate time series, written by rank 0 alone from the rows the
// ranks reduce. Extendible datasets, flushed regularly, so a reader can open the file while the run
// goes on or after it was killed.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "convoy/flow_ledger.hpp"
#include "convoy/h5/file.hpp"
#include "convoy/io/run_identity.hpp"

namespace convoy::io {

class TimeseriesWriter {
 public:
  // Creates the file (replacing an earlier one) with empty tables and the detector positions.
  TimeseriesWriter(const std::string& path, const RunIdentity& identity, std::uint64_t rowEvery,
                   std::span<const std::uint64_t> detectors);

  // Keeps rows in memory until the next flush.
  void append(std::span<const FlowRow> rows);
  // Writes the kept rows and flushes the file to disk.
  void flush();
  void close();
  std::uint64_t rowsWritten() const { return rowsWritten_; }

 private:
  h5::OpenFile file_;
  RunIdentity identity_;
  std::size_t detectors_;
  std::vector<FlowRow> pending_;
  std::uint64_t rowsWritten_ = 0;
};

}  // namespace convoy::io
