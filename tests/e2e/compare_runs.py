#!/usr/bin/python3
"""Helpers of the restart and fault-injection end-to-end tests (restart_support.cpp runs this with
the Python of the tests, which has h5py and numpy).

  compare_runs.py compare REFERENCE CANDIDATE [--upto STEP]
      Compares the output directory CANDIDATE (a run that was stopped, killed and restarted) with
      REFERENCE (the same config run straight): every dataset of timeseries.h5 and spacetime.h5,
      every snapshot, and the newest checkpoint, element for element. Also checks that CANDIDATE's time series has
      exactly one row per interval (/step is E, 2E, 3E, ...: no row lost or doubled).
      With --upto STEP, CANDIDATE stopped at STEP: its rows, snapshots and newest checkpoint must
      equal what REFERENCE has up to STEP.
      Exit 0 and one line "identical: ..." when they agree; exit 1 and every difference if not.

  compare_runs.py corrupt FILE MODE
      Damages a checkpoint the way a disk or a careless user might. MODE is one of
        truncate          keep the first half of the file
        flip-road         flip one bit of a word in the middle of /road, in the file's bytes
        flip-velocity     the same in /velocity/bit_0 (a NaSch file)
        padding-bit       set a bit past the last cell in the last word of /road
        delete-attr:NAME  delete the root attribute NAME (with h5py)
"""
import os
import sys

import h5py
import numpy as np

TIMESERIES_DATASETS = ["step", "distance", "flow", "mean_velocity", "detectors/position", "detectors/count"]
OPEN_ROAD_DATASETS = ["cars", "entered", "left"]  # an open road's series also has these
IDENTITY_ATTRIBUTES = ["kind", "cells", "cars", "model"]


class Differences:
    def __init__(self):
        self.items = []

    def add(self, text):
        self.items.append(text)

    def arrays(self, what, reference, candidate):
        reference = np.asarray(reference)
        candidate = np.asarray(candidate)
        if reference.dtype != candidate.dtype:
            self.add(f"{what}: type {candidate.dtype}, expected {reference.dtype}")
        if reference.shape != candidate.shape:
            self.add(f"{what}: shape {candidate.shape}, expected {reference.shape}")
            return
        # Bit for bit: floats compared as their bytes, so that even the last digit must agree.
        if reference.tobytes() != candidate.tobytes():
            unequal = np.argwhere(reference != candidate)
            if len(unequal) == 0:
                self.add(f"{what}: equal values but different bytes (signed zeros or NaNs)")
            else:
                first = tuple(unequal[0])
                self.add(f"{what}: {len(unequal)} elements differ; the first at {first}: {candidate[first]} "
                         f"instead of {reference[first]}")

    def attributes(self, what, reference, candidate, names):
        for name in names:
            if name not in reference.attrs:
                self.add(f"{what}: the reference lacks attribute {name}")
            elif name not in candidate.attrs:
                self.add(f"{what}: no attribute {name}")
            elif not np.array_equal(np.asarray(reference.attrs[name]), np.asarray(candidate.attrs[name])):
                self.add(f"{what}: attribute {name} = {candidate.attrs[name]!r}, expected {reference.attrs[name]!r}")


def state_files(directory, folder, prefix):
    """step -> path of the complete state files (temporaries left by a killed run are not ones)."""
    found = {}
    path = os.path.join(directory, folder)
    if os.path.isdir(path):
        for name in os.listdir(path):
            if name.startswith(prefix) and name.endswith(".h5") and len(name) == len(prefix) + 12 + 3:
                found[int(name[len(prefix):-3])] = os.path.join(path, name)
    return found


def compare_timeseries(differences, reference_dir, candidate_dir, upto):
    with h5py.File(os.path.join(reference_dir, "timeseries.h5"), "r") as reference, \
            h5py.File(os.path.join(candidate_dir, "timeseries.h5"), "r") as candidate:
        differences.attributes("timeseries.h5", reference, candidate, IDENTITY_ATTRIBUTES + ["timeseries_every"])
        every = int(reference.attrs["timeseries_every"])
        steps = reference["step"][:]
        rows = len(steps) if upto is None else int(np.searchsorted(steps, upto, side="right"))
        reference_end = int(steps[-1]) if len(steps) else 0
        if upto is not None and rows == len(steps) and reference_end + every <= upto:
            differences.add(f"the reference's rows end at step {reference_end}, before {upto}: it cannot judge "
                            "the candidate")
        for name in TIMESERIES_DATASETS + [name for name in OPEN_ROAD_DATASETS if name in reference]:
            if name not in candidate:
                differences.add(f"timeseries.h5: no dataset /{name}")
                continue
            data = reference[name][:]
            if name != "detectors/position":
                data = data[:rows]
            differences.arrays(f"timeseries.h5 /{name}", data, candidate[name][:])
        # Whatever the reference says: one row per interval, in order, none twice, none missing.
        candidate_steps = candidate["step"][:]
        expected = every * np.arange(1, len(candidate_steps) + 1, dtype=np.int64)
        if not np.array_equal(candidate_steps, expected):
            bad = int(np.argmax(candidate_steps != expected))
            differences.add(f"timeseries.h5 /step is not {every}, {2 * every}, ...: row {bad} holds step "
                            f"{candidate_steps[bad]} (rows lost or doubled)")
        return len(candidate_steps)


def compare_spacetime(differences, reference_dir, candidate_dir, upto):
    """spacetime.h5, when the reference has one: the same rows up to `upto`, each step once."""
    reference_path = os.path.join(reference_dir, "spacetime.h5")
    if not os.path.exists(reference_path):
        return 0
    candidate_path = os.path.join(candidate_dir, "spacetime.h5")
    if not os.path.exists(candidate_path):
        differences.add("no spacetime.h5")
        return 0
    with h5py.File(reference_path, "r") as reference, h5py.File(candidate_path, "r") as candidate:
        differences.attributes("spacetime.h5", reference, candidate, IDENTITY_ATTRIBUTES + ["start", "width", "every"])
        steps = reference["step"][:]
        keep = len(steps) if upto is None else int(np.searchsorted(steps, upto, side="right"))
        for name in ["step", "occupancy"]:
            if name not in candidate:
                differences.add(f"spacetime.h5: no dataset /{name}")
                continue
            differences.arrays(f"spacetime.h5 /{name}", reference[name][:keep], candidate[name][:])
        return keep


def compare_state(differences, what, reference_path, candidate_path, datasets, attributes):
    with h5py.File(reference_path, "r") as reference, h5py.File(candidate_path, "r") as candidate:
        differences.attributes(what, reference, candidate, attributes)
        # NaSch state files also hold the velocity bit-planes.
        planes = [f"velocity/{name}" for name in reference["velocity"]] if "velocity" in reference else []
        for name in datasets + planes:
            if name not in candidate:
                differences.add(f"{what}: no dataset /{name}")
            else:
                differences.arrays(f"{what} /{name}", reference[name][:], candidate[name][:])


def compare(reference_dir, candidate_dir, upto):
    differences = Differences()
    rows = compare_timeseries(differences, reference_dir, candidate_dir, upto)
    spacetime_rows = compare_spacetime(differences, reference_dir, candidate_dir, upto)

    reference_snapshots = state_files(reference_dir, "snapshots", "snapshot_")
    candidate_snapshots = state_files(candidate_dir, "snapshots", "snapshot_")
    expected = {step for step in reference_snapshots if upto is None or step <= upto}
    if set(candidate_snapshots) != expected:
        differences.add(f"snapshots at steps {sorted(candidate_snapshots)}, expected {sorted(expected)}")
    for step in sorted(expected & set(candidate_snapshots)):
        compare_state(differences, f"snapshot of step {step}", reference_snapshots[step], candidate_snapshots[step],
                      ["road", "density_profile"], IDENTITY_ATTRIBUTES + ["step", "digest", "encoding"])

    candidate_checkpoints = state_files(candidate_dir, "checkpoints", "checkpoint_")
    reference_checkpoints = state_files(reference_dir, "checkpoints", "checkpoint_")
    if not candidate_checkpoints:
        differences.add("no checkpoint in the candidate")
    elif upto is not None:
        newest = max(candidate_checkpoints)
        if newest != upto:
            differences.add(f"the newest checkpoint is of step {newest}, expected {upto}")
    elif not reference_checkpoints:
        differences.add("no checkpoint in the reference")
    else:
        newest = max(candidate_checkpoints)
        if newest != max(reference_checkpoints):
            differences.add(f"the newest checkpoint is of step {newest}, expected {max(reference_checkpoints)}")
        else:
            compare_state(differences, f"checkpoint of step {newest}", reference_checkpoints[newest],
                          candidate_checkpoints[newest], ["road", "open_row_detector_counts"],
                          IDENTITY_ATTRIBUTES + ["step", "digest", "encoding", "physics_hash", "timeseries_every",
                                                 "timeseries_rows", "timeseries_checksum", "spacetime_rows",
                                                 "spacetime_checksum", "detectors", "open_row_steps",
                                                 "open_row_distance", "checkpoint_format"])

    if differences.items:
        print(f"{candidate_dir} differs from {reference_dir}:")
        for item in differences.items:
            print("  " + item)
        return 1
    print(f"identical: {rows} time-series rows, {spacetime_rows} space-time rows, {len(candidate_snapshots)} "
          f"snapshots, newest checkpoint of step {max(candidate_checkpoints)}")
    return 0


def corrupt(path, mode):
    if mode == "truncate":
        size = os.path.getsize(path)
        os.truncate(path, size // 2)
        print(f"truncated {path} from {size} to {size // 2} bytes")
        return 0
    if mode.startswith("delete-attr:"):
        name = mode.split(":", 1)[1]
        with h5py.File(path, "r+") as file:
            del file.attrs[name]
        print(f"deleted attribute {name} of {path}")
        return 0
    dataset = "velocity/bit_0" if mode == "flip-velocity" else "road"
    with h5py.File(path, "r") as file:
        road = file[dataset]
        offset = road.id.get_offset()
        words = road.shape[0]
        cells = int(file.attrs["cells"])
    if offset is None:
        print(f"{path}: /{dataset} is not stored contiguously; cannot find its bytes")
        return 1
    if mode in ("flip-road", "flip-velocity"):
        word, bit = words // 2, 13
    elif mode == "padding-bit":
        if cells % 64 == 0:
            print(f"{path}: {cells} cells fill the last word; it has no padding")
            return 1
        word, bit = words - 1, 63
    else:
        print(f"unknown mode {mode}")
        return 2
    with open(path, "r+b") as file:
        position = offset + 8 * word + bit // 8  # little-endian words: bit b is in byte b / 8
        file.seek(position)
        byte = file.read(1)[0]
        file.seek(position)
        file.write(bytes([byte ^ (1 << (bit % 8))]))
    print(f"flipped bit {bit} of word {word} of /{dataset} in {path} (file offset {position})")
    return 0


def main(argv):
    if len(argv) >= 3 and argv[0] == "compare":
        upto = None
        if len(argv) == 5 and argv[3] == "--upto":
            upto = int(argv[4])
        elif len(argv) != 3:
            print(__doc__)
            return 2
        return compare(argv[1], argv[2], upto)
    if len(argv) == 3 and argv[0] == "corrupt":
        return corrupt(argv[1], argv[2])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
