"""read_series: timeseries.h5 (the flow time series and the detector counts), also while convoy writes it."""

from dataclasses import dataclass
from typing import Optional

import numpy as np

from . import file_format
from .hdf5_file import attribute, dataset, open_file


@dataclass
class Series:
    """The complete rows of timeseries.h5: row j covers the steps ((j-1)E, jE], E = `every`."""
    path: str
    model: str
    cells: int
    cars: int
    every: int
    config_text: str           # the resolved config of the run (YAML), root attribute `config`
    step: np.ndarray           # int64 [rows]: last step of each row
    distance: np.ndarray       # int64 [rows]: cells travelled by all cars in the row
    flow: np.ndarray           # float64 [rows]
    mean_velocity: np.ndarray  # float64 [rows]
    # Open roads only (None on a ring): the cars on the road after each row, and the cars that
    # entered the road at cell 0 and left it from the last cell in each row.
    cars_per_row: Optional[np.ndarray] = None  # int64 [rows]
    entered: Optional[np.ndarray] = None       # int64 [rows]
    left: Optional[np.ndarray] = None          # int64 [rows]

    @property
    def open_road(self):
        return self.cars_per_row is not None

    def __len__(self):
        return len(self.step)


@dataclass
class Detectors:
    positions: np.ndarray  # int64 [d]: the detector cells, in the config's order
    counts: np.ndarray     # int64 [rows, d]: cars that passed each detector in each row


def read_series(path):
    """The rows of timeseries.h5 that every column holds: convoy flushes /step last, so the first
    len(/step) rows are complete, also in a file that a running convoy is writing."""
    with open_file(path, (file_format.TIMESERIES,)) as handle:
        rows = dataset(handle, file_format.STEP).shape[0]
        open_road = file_format.CARS_PER_ROW in handle
        names = (file_format.STEP, file_format.DISTANCE, file_format.FLOW, file_format.MEAN_VELOCITY)
        if open_road:
            names += (file_format.CARS_PER_ROW, file_format.ENTERED, file_format.LEFT)
        columns = {name: dataset(handle, name)[:rows] for name in names}
        return Series(path=str(path), model=attribute(handle, file_format.MODEL, "?"),
                      cells=int(attribute(handle, file_format.CELLS, 0)),
                      cars=int(attribute(handle, file_format.CARS, 0)),
                      every=int(attribute(handle, file_format.TIMESERIES_EVERY, 1)),
                      config_text=attribute(handle, file_format.CONFIG, ""),
                      step=columns[file_format.STEP], distance=columns[file_format.DISTANCE],
                      flow=columns[file_format.FLOW], mean_velocity=columns[file_format.MEAN_VELOCITY],
                      cars_per_row=columns.get(file_format.CARS_PER_ROW), entered=columns.get(file_format.ENTERED),
                      left=columns.get(file_format.LEFT))


def read_detectors(path):
    """The detectors' positions and their counts in the complete rows of timeseries.h5."""
    with open_file(path, (file_format.TIMESERIES,)) as handle:
        rows = dataset(handle, file_format.STEP).shape[0]
        positions = dataset(handle, file_format.DETECTOR_POSITION)[:] \
            if file_format.DETECTOR_POSITION in handle else np.zeros(0, dtype=np.int64)
        if file_format.DETECTOR_COUNT in handle and len(positions):
            counts = handle[file_format.DETECTOR_COUNT][:rows]
        else:
            counts = np.zeros((rows, len(positions)), dtype=np.int64)
        return Detectors(positions=positions, counts=counts)
