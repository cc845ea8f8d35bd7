"""The facts of convoy's file formats (kinds, dataset and attribute names), read from the one header
that states them for the writers and the C++ readers, include/convoy/io/format.hpp, so that this
package and the files cannot disagree. The header lies beside this module: a symlink in the source
tree, a copy where the package is installed (pip, or cmake --install under share/convoy/python)."""

import os
import re

HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "format.hpp")
# inline constexpr const char* kName = "text" "more text";
_TEXT = re.compile(r'inline\s+constexpr\s+const\s+char\s*\*\s*(k\w+)\s*=\s*((?:"[^"]*"\s*)+);')
# inline constexpr std::uint64_t kName = 8;  (or a shift: std::uint64_t{1} << 62)
_NUMBER = re.compile(r'inline\s+constexpr\s+std::uint64_t\s+(k\w+)\s*=\s*([^;]+);')
_SHIFT = re.compile(r'std::uint64_t\{(\d+)\}\s*<<\s*(\d+)')
_PIECE = re.compile(r'"([^"]*)"')


def _number(expression):
    shift = _SHIFT.fullmatch(expression.strip())
    if shift:
        return int(shift.group(1)) << int(shift.group(2))
    return int(expression.strip(), 0)


def _read_facts():
    try:
        with open(HEADER, encoding="utf-8") as stream:
            text = stream.read()
    except OSError as error:
        raise RuntimeError(f"convoy's file-format header is missing ({HEADER}: {error.strerror})") from None
    facts = {name: "".join(_PIECE.findall(value)) for name, value in _TEXT.findall(text)}
    facts.update({name: _number(value) for name, value in _NUMBER.findall(text)})
    if not facts:
        raise RuntimeError(f"{HEADER}: no file-format facts found in it")
    return facts


_FACTS = _read_facts()


def name(key):
    """The value of format.hpp's constant `key` (e.g. "kOccupancyDataset" -> "occupancy")."""
    try:
        return _FACTS[key]
    except KeyError:
        raise RuntimeError(f"format.hpp has no {key}") from None


# Kinds of file (the root attribute `kind`).
TIMESERIES = name("kTimeseries")
SPACETIME = name("kSpacetime")
SNAPSHOT = name("kSnapshot")
CHECKPOINT = name("kCheckpoint")
# Root attributes of every file.
KIND = name("kKindAttribute")
CONFIG = name("kConfigAttribute")
VERSION = name("kVersionAttribute")
CELLS = name("kCellsAttribute")
CARS = name("kCarsAttribute")
MODEL = name("kModelAttribute")
# State files.
ROAD = name("kRoadDataset")
STATE_STEP = name("kStepAttribute")
DIGEST = name("kDigestAttribute")
ENCODING = name("kEncodingAttribute")
PLANES = name("kPlanesAttribute")
VELOCITY_GROUP = name("kVelocityGroup")
DENSITY_PROFILE = name("kDensityProfileDataset")
BITS_ENCODING_NAME = name("kBitsEncodingName")
PLANES_ENCODING_NAME = name("kPlanesEncodingName")
BITS_ENCODING = name("kBitsEncoding")
PLANES_ENCODING = name("kPlanesEncoding")
MOST_PLANES = name("kMostPlanes")
MOST_CELLS = name("kMostCells")
# timeseries.h5
STEP = name("kStepDataset")
DISTANCE = name("kDistanceDataset")
FLOW = name("kFlowDataset")
MEAN_VELOCITY = name("kMeanVelocityDataset")
CARS_PER_ROW = name("kCarsDataset")  # open roads only, as ENTERED and LEFT
ENTERED = name("kEnteredDataset")
LEFT = name("kLeftDataset")
DETECTOR_POSITION = name("kDetectorPositionDataset")
DETECTOR_COUNT = name("kDetectorCountDataset")
TIMESERIES_EVERY = name("kTimeseriesEveryAttribute")
# spacetime.h5
OCCUPANCY = name("kOccupancyDataset")
WINDOW_START = name("kWindowStartAttribute")
WINDOW_WIDTH = name("kWindowWidthAttribute")
WINDOW_EVERY = name("kWindowEveryAttribute")
# The output directory.
TIMESERIES_FILE = name("kTimeseriesFile")
SPACETIME_FILE = name("kSpacetimeFile")
SNAPSHOTS_FOLDER = name("kSnapshotsFolder")
CHECKPOINTS_FOLDER = name("kCheckpointsFolder")
TEMPORARY_SUFFIX = name("kTemporarySuffix")


def plane_dataset(plane):
    """/velocity/bit_<b> (format.hpp's planeDataset, whose text is in format.cpp)."""
    return f"{VELOCITY_GROUP}/bit_{plane}"


def planes_for(vmax):
    """The velocity planes a road of vmax needs: bit_width(vmax) (format.hpp's planesFor)."""
    return int(vmax).bit_length()
