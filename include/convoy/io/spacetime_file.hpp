// spacetime.h5: a window of the road recorded every few steps (docs/output.md), written by rank 0
// alone from the rows the ranks gather to it. Extendible datasets, like timeseries.h5.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "convoy/config.hpp"
#include "convoy/h5/file.hpp"
#include "convoy/io/run_identity.hpp"

namespace convoy::io {

using SpacetimeWindow = Config::Output::Spacetime;

class SpacetimeFile {
 public:
  // A new file (replacing an earlier one) with empty tables.
  static SpacetimeFile create(const std::string& path, const RunIdentity& identity, const SpacetimeWindow& window);
  // The file of earlier segments of the run, cut back to the rows of steps <= `step` (a restart from
  // a checkpoint of that step). A file that is missing, damaged or of another window is moved aside
  // (never deleted; a warning names where) and a new one is begun.
  static SpacetimeFile continueAt(const std::string& path, const RunIdentity& identity, const SpacetimeWindow& window,
                                  std::uint64_t step);

  // Appends rows: steps[r] and width occupancy bytes per row (1 car, 0 empty).
  void append(std::span<const std::int64_t> steps, std::span<const std::uint8_t> occupancy);
  void flush();
  void close();
  std::uint64_t rows() const { return rows_; }
  // The step of the last row (-1 when there is none).
  std::int64_t lastStep() const { return lastStep_; }
  const std::string& path() const { return file_.path; }

 private:
  SpacetimeFile(h5::OpenFile file, std::uint64_t width, std::uint64_t rows, std::int64_t lastStep);

  h5::OpenFile file_;
  std::uint64_t width_;
  std::uint64_t rows_;
  std::int64_t lastStep_;
};

}  // namespace convoy::io
