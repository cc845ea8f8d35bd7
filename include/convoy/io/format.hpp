// The facts of convoy's file formats in one place (docs/output.md describes them for users): the
// kinds of file, the names of their datasets and attributes, the encodings of the road, and the
// limits a reader checks a file against. Every writer and every reader uses these names: src/io,
// tools/flow, and the Python package convoy (tools/python; convoy-plot reads through it), whose
// convoy/file_format.py reads the texts from this file (so keep each on the pattern
// `inline constexpr const char* kName = "text";`).
#pragma once

#include <cstdint>
#include <string>

namespace convoy::io::format {

// The `kind` attribute of every convoy file.
inline constexpr const char* kTimeseries = "timeseries";
inline constexpr const char* kSpacetime = "spacetime";
inline constexpr const char* kSnapshot = "snapshot";
inline constexpr const char* kCheckpoint = "checkpoint";

// Attributes every convoy file carries.
inline constexpr const char* kVersionAttribute = "convoy_version";
inline constexpr const char* kKindAttribute = "kind";
inline constexpr const char* kConfigAttribute = "config";
inline constexpr const char* kCellsAttribute = "cells";
inline constexpr const char* kCarsAttribute = "cars";
inline constexpr const char* kModelAttribute = "model";

// State files (snapshots and checkpoints).
inline constexpr const char* kRoadDataset = "road";
inline constexpr const char* kStepAttribute = "step";
inline constexpr const char* kDigestAttribute = "digest";
inline constexpr const char* kEncodingAttribute = "encoding";
inline constexpr const char* kPlanesAttribute = "velocity_planes";
inline constexpr const char* kVelocityGroup = "velocity";
inline constexpr const char* kDensityProfileDataset = "density_profile";
// /velocity/bit_<b>
std::string planeDataset(std::uint64_t plane);

// The road's encodings; the attribute holds one of these texts, whose first word names it.
inline constexpr const char* kBitsEncodingName = "bits-v1";
inline constexpr const char* kPlanesEncodingName = "nasch-bitplanes-v1";
inline constexpr const char* kBitsEncoding =
    "bits-v1: cell i is bit (i mod 64) of 64-bit word (i / 64) of /road; bits past the last cell are 0";
inline constexpr const char* kPlanesEncoding =
    "nasch-bitplanes-v1: /road as bits-v1 (cell i is bit (i mod 64) of 64-bit word (i / 64)); /velocity/bit_<b> "
    "in the same layout holds bit b of the velocity of the car in each cell (0 where no car); velocity = sum_b "
    "2^b bit_b; attribute velocity_planes = number of planes";
// The name of an encoding text ("bits-v1", "nasch-bitplanes-v1", or the text itself if neither).
std::string encodingName(const std::string& encoding);
// The velocity planes of a road of `vmax` (enough bits for 0 .. vmax).
unsigned planesFor(std::uint64_t vmax);
inline constexpr std::uint64_t kMostPlanes = 8;  // vmax <= 255
inline constexpr std::uint64_t kMostCells = std::uint64_t{1} << 62;

// Checkpoints (format 2: the time series lives in timeseries.h5 only; the checkpoint records how
// many rows of it, and of spacetime.h5, belong to it, and their checksums).
inline constexpr std::uint64_t kCheckpointFormat = 2;
inline constexpr const char* kCheckpointFormatAttribute = "checkpoint_format";
inline constexpr const char* kPhysicsHashAttribute = "physics_hash";
inline constexpr const char* kTimeseriesEveryAttribute = "timeseries_every";
inline constexpr const char* kTimeseriesRowsAttribute = "timeseries_rows";
inline constexpr const char* kTimeseriesChecksumAttribute = "timeseries_checksum";
inline constexpr const char* kSpacetimeRowsAttribute = "spacetime_rows";
inline constexpr const char* kSpacetimeChecksumAttribute = "spacetime_checksum";
inline constexpr const char* kDetectorsAttribute = "detectors";
inline constexpr const char* kOpenRowStepsAttribute = "open_row_steps";
inline constexpr const char* kOpenRowDistanceAttribute = "open_row_distance";
inline constexpr const char* kOpenRowCountsDataset = "open_row_detector_counts";
// Open roads only: the open row's car-steps and the cars that entered and left in it.
inline constexpr const char* kOpenRowCarStepsAttribute = "open_row_car_steps";
inline constexpr const char* kOpenRowEnteredAttribute = "open_row_entered";
inline constexpr const char* kOpenRowLeftAttribute = "open_row_left";
inline constexpr const char* kStateChecksumAttribute = "state_checksum";
// What a checkpoint of format 1 (convoy 0.1) has and format 2 has not.
inline constexpr const char* kFormat1TimeseriesGroup = "timeseries";

// timeseries.h5
inline constexpr const char* kStepDataset = "step";
inline constexpr const char* kDistanceDataset = "distance";
inline constexpr const char* kFlowDataset = "flow";
inline constexpr const char* kMeanVelocityDataset = "mean_velocity";
// Open roads only: the cars on the road after each row, and those that entered and left in it.
inline constexpr const char* kCarsDataset = "cars";
inline constexpr const char* kEnteredDataset = "entered";
inline constexpr const char* kLeftDataset = "left";
inline constexpr const char* kDetectorPositionDataset = "detectors/position";
inline constexpr const char* kDetectorCountDataset = "detectors/count";
inline constexpr std::uint64_t kMostDetectors = 4096;

// spacetime.h5
inline constexpr const char* kOccupancyDataset = "occupancy";
inline constexpr const char* kWindowStartAttribute = "start";
inline constexpr const char* kWindowWidthAttribute = "width";
inline constexpr const char* kWindowEveryAttribute = "every";

// File names in the output directory.
inline constexpr const char* kTimeseriesFile = "timeseries.h5";
inline constexpr const char* kSpacetimeFile = "spacetime.h5";
inline constexpr const char* kSnapshotsFolder = "snapshots";
inline constexpr const char* kCheckpointsFolder = "checkpoints";
// A file being written is first written under this suffix and renamed when complete.
inline constexpr const char* kTemporarySuffix = ".tmp";

}  // namespace convoy::io::format
