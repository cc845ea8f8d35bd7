"""write_road: a road (and NaSch velocities) in a file that convoy's `init.from` accepts."""

import os

import h5py
import numpy as np

from . import file_format, packed
from .digest import state_digest

WRITER_VERSION = "convoy-python"  # the convoy_version attribute of files written here


def write_road(path, occupancy, velocity=None, vmax=None):
    """Writes `occupancy` (0/1 per cell: bool, int or uint8) to `path` for `init.from`.

    Without velocities: a dataset /road of uint8, which any model starts from (NaSch cars at velocity
    0). With `velocity` (per cell, 0 where empty, at most `vmax`, which is then required): a NaSch
    snapshot in convoy's own encoding, with its digest, so that the cars keep their velocities."""
    cells = _cells(occupancy)
    if velocity is None:
        if vmax is not None:
            raise ValueError("vmax is only used with velocity")
        with h5py.File(os.fspath(path), "w") as handle:
            handle.create_dataset(file_format.ROAD, data=cells)
        return
    speeds = _velocity(velocity, cells, vmax)
    _write_nasch_state(os.fspath(path), cells, speeds, file_format.planes_for(vmax))


def _cells(occupancy):
    values = np.asarray(occupancy)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"occupancy must be a non-empty one-dimensional array, got shape {values.shape}")
    if values.dtype != np.bool_ and not np.issubdtype(values.dtype, np.integer):
        raise ValueError(f"occupancy must be bool or integers 0/1, got dtype {values.dtype}")
    bad = np.flatnonzero((values != 0) & (values != 1))
    if bad.size:
        raise ValueError(f"occupancy must hold 0 or 1 per cell; cell {bad[0]} holds {values[bad[0]]} "
                         f"({bad.size} cells hold other values)")
    return values.astype(np.uint8)


def _velocity(velocity, cells, vmax):
    if vmax is None:
        raise ValueError("velocity needs vmax (the NaSch run's model.vmax)")
    if not 1 <= int(vmax) <= (1 << file_format.MOST_PLANES) - 1:
        raise ValueError(f"vmax must be 1 to {(1 << file_format.MOST_PLANES) - 1}, got {vmax}")
    speeds = np.asarray(velocity)
    if speeds.shape != cells.shape:
        raise ValueError(f"velocity has shape {speeds.shape}, occupancy {cells.shape}")
    if not np.issubdtype(speeds.dtype, np.integer):
        raise ValueError(f"velocity must be integers, got dtype {speeds.dtype}")
    for problem, where in (("is negative", speeds < 0), (f"exceeds vmax {vmax}", speeds > vmax),
                           ("sits on an empty cell", (speeds != 0) & (cells == 0))):
        bad = np.flatnonzero(where)
        if bad.size:
            raise ValueError(f"velocity {problem} at cell {bad[0]} ({speeds[bad[0]]}; {bad.size} cells)")
    return speeds.astype(np.uint8)


def _write_nasch_state(path, cells, speeds, planes):
    road_words = packed.pack(cells)
    plane_words = packed.planes_from_velocity(speeds, planes)
    with h5py.File(path, "w") as handle:
        attributes = {
            file_format.KIND: file_format.SNAPSHOT, file_format.VERSION: WRITER_VERSION,
            file_format.CONFIG: "", file_format.MODEL: "nasch",
            file_format.CELLS: np.uint64(len(cells)), file_format.CARS: np.uint64(int(cells.sum())),
            file_format.STATE_STEP: np.uint64(0),
            file_format.DIGEST: np.uint64(state_digest(len(cells), road_words, plane_words)),
            file_format.ENCODING: file_format.PLANES_ENCODING, file_format.PLANES: np.uint64(planes)}
        for name, value in attributes.items():
            handle.attrs[name] = value
        handle.create_dataset(file_format.ROAD, data=road_words)
        for b, words in enumerate(plane_words):
            handle.create_dataset(file_format.plane_dataset(b), data=words)
