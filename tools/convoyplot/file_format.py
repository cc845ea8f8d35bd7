"""The facts of convoy's file formats (kinds, dataset and attribute names), read from the one header
that states them for the writers and the C++ readers, include/convoy/io/format.hpp, so that the
figures and the files cannot disagree. The header is found beside the package where it is installed
(share/convoy/python/convoyplot/format.hpp), else in the source tree."""

import os
import re

_HERE = os.path.dirname(os.path.realpath(__file__))
_CANDIDATES = [os.path.join(_HERE, "format.hpp"),
               os.path.join(_HERE, os.pardir, os.pardir, "include", "convoy", "io", "format.hpp")]
# inline constexpr const char* kName = "text" "more text";
_TEXT = re.compile(r'inline\s+constexpr\s+const\s+char\s*\*\s*(k\w+)\s*=\s*((?:"[^"]*"\s*)+);')
_PIECE = re.compile(r'"([^"]*)"')


def _read_facts():
    for path in _CANDIDATES:
        if os.path.exists(path):
            with open(path, encoding="utf-8") as stream:
                text = stream.read()
            facts = {name: "".join(_PIECE.findall(value)) for name, value in _TEXT.findall(text)}
            if not facts:
                raise RuntimeError(f"{path}: no file-format facts found in it")
            return facts
    raise RuntimeError("convoy's file-format header is missing; looked for " + ", ".join(_CANDIDATES))


_FACTS = _read_facts()


def name(key):
    """The text of format.hpp's constant `key` (e.g. "kOccupancyDataset" -> "occupancy")."""
    try:
        return _FACTS[key]
    except KeyError:
        raise RuntimeError(f"format.hpp has no {key}") from None


# What the figures read.
TIMESERIES = name("kTimeseries")
SPACETIME = name("kSpacetime")
SNAPSHOT = name("kSnapshot")
KIND = name("kKindAttribute")
CELLS = name("kCellsAttribute")
CARS = name("kCarsAttribute")
MODEL = name("kModelAttribute")
STEP = name("kStepDataset")
FLOW = name("kFlowDataset")
MEAN_VELOCITY = name("kMeanVelocityDataset")
TIMESERIES_EVERY = name("kTimeseriesEveryAttribute")
OCCUPANCY = name("kOccupancyDataset")
WINDOW_START = name("kWindowStartAttribute")
TIMESERIES_FILE = name("kTimeseriesFile")
SPACETIME_FILE = name("kSpacetimeFile")
