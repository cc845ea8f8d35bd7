#!/usr/bin/python3
"""Checks spacetime.h5 of convoy runs from outside, with h5py and numpy and the documents alone
(docs/output.md): run by spacetime_test with the Python of the tests.

  check_spacetime.py check RUN_DIR STEPS
      RUN_DIR/spacetime.h5 of a run of STEPS steps from step 0: the attributes, /step = 0, E, 2E, ...
      up to STEPS, each row equal to the window cut out of every snapshot of the same step
      (RUN_DIR/snapshots, /road decoded bit by bit), and, when E = 1, each row following from the one
      before by rule 184 in every column whose neighbours are in the window (and adjacent cells).
  check_spacetime.py same RUN_DIR_A RUN_DIR_B
      The two files hold the same rows (runs on different rank counts).
Exit 0 and one line "ok: ..." when all holds; exit 1 and every problem otherwise.
"""
import os
import sys

import h5py
import numpy as np


def decode_road(path):
    with h5py.File(path, "r") as f:
        cells = int(f.attrs["cells"])
        words = f["road"][:].astype(np.uint64)
        step = int(f.attrs["step"])
    bits = np.unpackbits(words.view(np.uint8), bitorder="little")  # little-endian words: bit i of word w
    return step, bits[:cells]


def rule184(row):
    """One rule-184 step of the cells of `row`; the first and last entries have no neighbours here."""
    left, right = row[:-2], row[2:]
    middle = row[1:-1]
    return (left & (1 - middle)) | (middle & right)


def check(run_dir, steps):
    problems = []
    with h5py.File(os.path.join(run_dir, "spacetime.h5"), "r") as f:
        if f.attrs["kind"] != "spacetime":
            problems.append(f"kind is {f.attrs['kind']!r}")
        start, width, every = (int(f.attrs[name]) for name in ("start", "width", "every"))
        cells = int(f.attrs["cells"])
        step = f["step"][:]
        occupancy = f["occupancy"][:]
    if occupancy.dtype != np.uint8 or occupancy.shape != (len(step), width):
        problems.append(f"/occupancy is {occupancy.dtype} {occupancy.shape}, expected uint8 ({len(step)}, {width})")
    expected_steps = np.arange(0, steps + 1, every)
    if not np.array_equal(step, expected_steps):
        problems.append(f"/step is {step[:5]}...{step[-3:]} ({len(step)} rows), expected 0, {every}, ... {steps}")
    if not set(np.unique(occupancy)) <= {0, 1}:
        problems.append("/occupancy holds values other than 0 and 1")
    row_of_step = {int(s): r for r, s in enumerate(step)}

    columns = (start + np.arange(width)) % cells
    snapshots = 0
    folder = os.path.join(run_dir, "snapshots")
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        if not name.endswith(".h5"):
            continue
        snapshot_step, road = decode_road(os.path.join(folder, name))
        if snapshot_step not in row_of_step:
            continue
        snapshots += 1
        window = road[columns]
        row = occupancy[row_of_step[snapshot_step]]
        if not np.array_equal(window, row):
            bad = np.flatnonzero(window != row)
            problems.append(f"row of step {snapshot_step} differs from {name} in {len(bad)} columns, first {bad[0]}")

    transitions = 0
    if every == 1:
        # Columns k-1, k, k+1 are adjacent cells unless the window is the whole ring's seam: it never is
        # here, because the window is at most the road's length and wraps modulo it.
        for r in range(1, len(step)):
            predicted = rule184(occupancy[r - 1].astype(np.int64))
            if not np.array_equal(predicted, occupancy[r, 1:-1]):
                bad = np.flatnonzero(predicted != occupancy[r, 1:-1])
                problems.append(f"row of step {step[r]} does not follow from the row before by rule 184 at "
                                f"{len(bad)} columns, first {bad[0] + 1}")
                break
            transitions += 1
    return problems, f"{len(step)} rows of {width} cells, {snapshots} matched snapshots, {transitions} rule-184 rows"


def same(a, b):
    problems = []
    with h5py.File(os.path.join(a, "spacetime.h5"), "r") as fa, h5py.File(os.path.join(b, "spacetime.h5"), "r") as fb:
        for name in ("step", "occupancy"):
            if not np.array_equal(fa[name][:], fb[name][:]):
                problems.append(f"/{name} differs between {a} and {b}")
        for name in ("start", "width", "every", "cells", "cars"):
            if fa.attrs[name] != fb.attrs[name]:
                problems.append(f"attribute {name} differs between {a} and {b}")
        summary = f"{fa['step'].shape[0]} rows identical"
    return problems, summary


def main(argv):
    if len(argv) == 4 and argv[1] == "check":
        problems, summary = check(argv[2], int(argv[3]))
    elif len(argv) == 4 and argv[1] == "same":
        problems, summary = same(argv[2], argv[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    if problems:
        print("\n".join(problems))
        return 1
    print("ok: " + summary)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
