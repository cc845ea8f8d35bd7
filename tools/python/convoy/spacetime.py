"""read_spacetime: the space-time window of spacetime.h5, rows read on demand."""

from dataclasses import dataclass

import numpy as np

from . import file_format
from .errors import ConvoyError
from .hdf5_file import attribute, dataset, open_file


@dataclass
class Spacetime:
    """Column k of a row is cell (start + k) mod cells; row r was taken after step `step[r]`."""
    path: str
    model: str
    cells: int
    cars: int
    start: int
    width: int
    every: int
    config_text: str           # the resolved config of the run (YAML), root attribute `config`
    step: np.ndarray  # int64 [rows]

    def __len__(self):
        return len(self.step)

    def read_rows(self, rows):
        """The rows at the increasing indices `rows` as uint8 [len(rows), width]."""
        with open_file(self.path, (file_format.SPACETIME,)) as handle:
            block = dataset(handle, file_format.OCCUPANCY)[np.asarray(rows, dtype=np.int64), :]
        if np.any(block > 1):
            raise ConvoyError(self.path, f"/{file_format.OCCUPANCY} holds values other than 0 and 1")
        return block

    @property
    def occupancy(self):
        """Every row, uint8 [rows, width] (one byte per cell and row: mind the size)."""
        return self.read_rows(np.arange(len(self.step)))


def read_spacetime(path):
    """The window's description and steps; the rows that /step and /occupancy both hold (a running
    convoy extends /occupancy first)."""
    with open_file(path, (file_format.SPACETIME,)) as handle:
        occupancy = dataset(handle, file_format.OCCUPANCY)
        if occupancy.ndim != 2:
            raise ConvoyError(path, f"/{file_format.OCCUPANCY} has {occupancy.ndim} dimensions, "
                              "expected 2 (rows, width)")
        step = dataset(handle, file_format.STEP)
        rows, width = min(occupancy.shape[0], step.shape[0]), occupancy.shape[1]
        start = int(attribute(handle, file_format.WINDOW_START, 0))
        return Spacetime(path=str(path), model=attribute(handle, file_format.MODEL, "?"),
                         cells=int(attribute(handle, file_format.CELLS, 0)) or start + width,
                         cars=int(attribute(handle, file_format.CARS, 0)), start=start, width=width,
                         every=int(attribute(handle, file_format.WINDOW_EVERY, 1)),
                         config_text=attribute(handle, file_format.CONFIG, ""), step=step[:rows])
