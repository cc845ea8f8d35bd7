// timeseries.h5: the flow-rate time series, the one record of it (checkpoints record only how many
// of its rows belong to them, and their checksum). Written by rank 0 alone, in HDF5's SWMR mode:
// readers may open it while the run writes it, and a kill at any instant leaves it readable. The
// columns are flushed in a fixed order, /step last, so that at every instant every column holds at
// least len(/step) rows: the first len(/step) rows are complete.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "convoy/core/checksum.hpp"
#include "convoy/h5/file.hpp"
#include "convoy/io/checkpoint.hpp"
#include "convoy/io/run_identity.hpp"
#include "convoy/model/flow_ledger.hpp"

namespace convoy::io {

// The first rows of a series file that were read back and found to match what a checkpoint
// recorded, with the checksum state to go on from.
struct VerifiedRows {
  std::uint64_t rows = 0;
  Checksum checksum;
};

class TimeseriesWriter {
 public:
  // A new file (replacing an earlier one) with empty tables and the detector positions; an open
  // road's (`openRoad`) also has the columns /cars, /entered and /left.
  static TimeseriesWriter create(const std::string& path, const RunIdentity& identity, std::uint64_t rowEvery,
                                 std::span<const std::uint64_t> detectors, bool openRoad = false);
  // The file of earlier segments, cut back to its first `verified.rows` rows.
  static TimeseriesWriter continueAt(const std::string& path, const RunIdentity& identity, std::uint64_t rowEvery,
                                     std::span<const std::uint64_t> detectors, const VerifiedRows& verified,
                                     bool openRoad = false);

  // Keeps rows in memory until the next flush.
  void append(std::span<const FlowRow> rows);
  // Whether so many rows wait that they should be written now (a bounded buffer).
  bool full() const { return pending_.size() >= kMostPendingRows; }
  // Writes the kept rows, every column flushed to disk, /step last.
  void flush(h5::Durability durability = h5::Durability::PageCache);
  void close();
  // The rows on disk and their checksum (what a checkpoint records).
  SeriesMark mark() const { return {rows_, checksum_.value()}; }
  const std::string& path() const { return file_.path; }

 private:
  static constexpr std::size_t kMostPendingRows = std::size_t{1} << 16;
  TimeseriesWriter(h5::OpenFile file, const RunIdentity& identity, std::size_t detectors, VerifiedRows verified,
                   bool openRoad);

  h5::OpenFile file_;
  RunIdentity identity_;
  std::size_t detectors_;
  bool openRoad_;
  // distance, flow, mean_velocity, detectors/count, (open roads: cars, entered, left,) step
  std::vector<h5::Dataset> columns_;
  std::vector<FlowRow> pending_;
  std::uint64_t rows_ = 0;
  Checksum checksum_;
};

// What reading a series file back against the rows checkpoints record found: for each mark in
// turn, whether the file's first mark.rows rows have that checksum (and the checksum state there),
// and why the first that did not, did not.
struct PrefixCheck {
  std::vector<std::optional<VerifiedRows>> verified;  // one per mark, in the order given
  std::string problem;
};

// Follows a series file as it is read back, row by row, against the marks of checkpoints.
class PrefixChecker {
 public:
  PrefixChecker(std::string path, std::span<const SeriesMark> marks);
  // The rows to read: those of the largest mark.
  std::uint64_t wanted() const { return wanted_; }
  Checksum& checksum() { return checksum_; }
  // After each row read (`rows` so far; `lastStep` the row's step, kept for each verified mark).
  void rowDone(std::uint64_t rows, std::int64_t lastStep = -1);
  // After the last row the file has (`rowsInFile` complete rows): the outcome for every mark.
  PrefixCheck finish(std::uint64_t rowsInFile);
  const std::vector<std::int64_t>& lastSteps() const { return lastSteps_; }

 private:
  std::string path_;
  std::span<const SeriesMark> marks_;
  std::vector<std::size_t> order_;  // marks by rows
  std::size_t next_ = 0;
  std::uint64_t wanted_ = 0;
  Checksum checksum_;
  PrefixCheck check_;
  std::vector<std::int64_t> lastSteps_;
};

// Rank 0: reads the first rows of timeseries.h5 at `path` (at most the largest mark's rows, in
// pieces) and checks them against `marks`. A file that is missing, not a time series of this run
// (`detectors` positions, `rowEvery`), or unreadable gives every mark nullopt and says why.
PrefixCheck checkTimeseriesPrefixes(const std::string& path, std::uint64_t rowEvery,
                                    std::span<const std::uint64_t> detectors, std::span<const SeriesMark> marks,
                                    bool openRoad = false);

}  // namespace convoy::io
