"""read_state: the road (and NaSch velocities) of a snapshot or checkpoint, whole or a window."""

from dataclasses import dataclass
from typing import Optional

import numpy as np

from . import file_format, packed
from .digest import digest_hex
from .errors import ConvoyError
from .hdf5_file import attribute, dataset, open_file, required_attribute


@dataclass
class State:
    """A road read from a state file: cells [start, stop) of it (the whole road by default)."""
    path: str
    kind: str                  # snapshot or checkpoint
    model: str                 # rule184 or nasch
    step: int
    cells: int                 # length of the whole road
    cars: int                  # cars on the whole road (the file's attribute)
    digest: int                # the state digest of the whole road (the file's attribute)
    start: int
    stop: int
    config_text: str           # the resolved config of the run (YAML), root attribute `config`
    occupancy: np.ndarray      # uint8 0/1 per cell of [start, stop)
    velocity: Optional[np.ndarray]  # uint8 per cell of [start, stop) (0 where empty); None for rule 184

    @property
    def digest_hex(self):
        """The digest as convoy's log and `convoy inspect` print it: 16 hex digits."""
        return digest_hex(self.digest)


def read_state(path, start=None, stop=None):
    """Reads cells [start, stop) of a snapshot's or checkpoint's road (default: all of it), reading
    only the 64-cell words that hold them, so that a window of a huge road needs little memory."""
    with open_file(path, (file_format.SNAPSHOT, file_format.CHECKPOINT)) as handle:
        cells = int(required_attribute(handle, file_format.CELLS))
        start, stop = _window(path, cells, start, stop)
        first, last = packed.word_range(start, stop)
        road = dataset(handle, file_format.ROAD)
        if road.shape != (packed.words_for(cells),):
            raise ConvoyError(path, f"/{file_format.ROAD} has shape {road.shape}, expected "
                              f"({packed.words_for(cells)},) for {cells} cells")
        occupancy = packed.unpack(road[first:last], start, stop, first)
        planes = int(handle.attrs.get(file_format.PLANES, 0))
        velocity = None
        if planes > 0:
            bits = [packed.unpack(dataset(handle, file_format.plane_dataset(b))[first:last], start, stop, first)
                    for b in range(planes)]
            velocity = packed.velocity_from_planes(bits)
        return State(path=str(path), kind=required_attribute(handle, file_format.KIND),
                     model=required_attribute(handle, file_format.MODEL),
                     step=int(required_attribute(handle, file_format.STATE_STEP)), cells=cells,
                     cars=int(required_attribute(handle, file_format.CARS)),
                     digest=int(required_attribute(handle, file_format.DIGEST)),
                     start=start, stop=stop, config_text=attribute(handle, file_format.CONFIG, ""),
                     occupancy=occupancy, velocity=velocity)


def _window(path, cells, start, stop):
    start = 0 if start is None else int(start)
    stop = cells if stop is None else int(stop)
    if not 0 <= start <= stop <= cells:
        raise ConvoyError(path, f"window [{start}, {stop}) is not within the road's {cells} cells")
    return start, stop
