// Reading the series files (timeseries.h5, spacetime.h5) as a user's tool does, checked before
// anything is computed from them: every column holds the rows /step has (all alike once the file is
// closed; while a run writes it, or after its writer was killed, the other columns may hold the rows
// of one flush more), /step is E, 2E, 3E, ... (the space-time window: start, start + every, ...),
// and every value is possible (finite, not negative, no faster than vmax, at most one car per step
// past a detector). One process, no MPI.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "convoy/h5/file.hpp"

namespace convoy::io {

struct TimeseriesInfo {
  h5::ReadFile file;
  std::string model;
  std::uint64_t cells = 0;
  std::uint64_t cars = 0;
  std::uint64_t vmax = 1;   // the fastest a car may be: 1 for rule 184, 255 for NaSch
  std::uint64_t every = 1;  // steps per row
  std::uint64_t rows = 0;   // complete rows
  std::int64_t lastStep = 0;
  std::vector<std::int64_t> detectorPositions;
  double meanFlow = 0.0;  // over all rows (0 without rows)
};

// Opens and checks a timeseries.h5 (reading every row once, in pieces). InputError naming the file
// and what is wrong: not a convoy time series, a column that does not hold the rows of /step, steps
// out of order, an impossible value (the first such row is named).
TimeseriesInfo readTimeseries(const std::string& path);

struct SpacetimeInfo {
  h5::ReadFile file;
  std::uint64_t start = 0, width = 0, every = 0;
  std::uint64_t rows = 0;
  std::int64_t firstStep = -1, lastStep = -1;
};

// The same for spacetime.h5: steps increasing by `every`, occupancy only 0 or 1.
SpacetimeInfo readSpacetime(const std::string& path);

}  // namespace convoy::io
