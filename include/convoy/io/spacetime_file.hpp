// spacetime.h5: a window of the road recorded every few steps (docs/output.md), written by rank 0
// alone from the rows the ranks gather to it, in SWMR mode like timeseries.h5 (/occupancy flushed
// before /step, so the first len(/step) rows are complete).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "convoy/config/config.hpp"
#include "convoy/core/checksum.hpp"
#include "convoy/h5/file.hpp"
#include "convoy/io/checkpoint.hpp"
#include "convoy/io/run_identity.hpp"
#include "convoy/io/timeseries.hpp"

namespace convoy::io {

using SpacetimeWindow = Config::Output::Spacetime;

class SpacetimeFile {
 public:
  // A new file (replacing an earlier one) with empty tables.
  static SpacetimeFile create(const std::string& path, const RunIdentity& identity, const SpacetimeWindow& window);
  // The file of earlier segments, cut back to its first `verified.rows` rows.
  static SpacetimeFile continueAt(const std::string& path, const SpacetimeWindow& window, const VerifiedRows& verified,
                                  std::int64_t lastStep);

  // Appends rows: steps[r] and width occupancy bytes per row (1 car, 0 empty).
  void append(std::span<const std::int64_t> steps, std::span<const std::uint8_t> occupancy);
  void flush(h5::Durability durability = h5::Durability::PageCache);
  void close();
  std::uint64_t rows() const { return rows_; }
  SeriesMark mark() const { return {rows_, checksum_.value()}; }
  // The step of the last row (-1 when there is none).
  std::int64_t lastStep() const { return lastStep_; }
  const std::string& path() const { return file_.path; }

 private:
  SpacetimeFile(h5::OpenFile file, std::uint64_t width, const VerifiedRows& verified, std::int64_t lastStep);

  h5::OpenFile file_;
  h5::Dataset steps_, occupancy_;
  std::uint64_t width_;
  std::uint64_t rows_;
  Checksum checksum_;
  std::int64_t lastStep_;
};

// Whether a spacetime.h5 is of `window` on a road of `cells` ("" if it is, else why not). Rank 0.
std::string spacetimeMismatch(const std::string& path, std::uint64_t cells, const SpacetimeWindow& window);

// Rank 0: checks the first rows of spacetime.h5 against `marks`, as checkTimeseriesPrefixes does;
// `lastSteps` receives the step of each verified prefix's last row (-1 for none).
PrefixCheck checkSpacetimePrefixes(const std::string& path, const SpacetimeWindow& window,
                                   std::span<const SeriesMark> marks, std::vector<std::int64_t>& lastSteps);

// Moves `path` aside to the first free name path.unusable, path.unusable.1, ... and returns it.
std::string moveAside(const std::string& path);

}  // namespace convoy::io
