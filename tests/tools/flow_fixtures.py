#!/usr/bin/python3
"""Fixtures and oracles for the convoy-flow tests (run with Debian's /usr/bin/python3: h5py, numpy).

  flow_fixtures.py snapshot OUT ROAD [--kind snapshot|checkpoint] [--step N] [--cars N]
      a convoy snapshot of ROAD ("0110..." one character per cell), /road packed as docs/output.md
      says, with the root attributes of every convoy file; --cars overrides the stored car count
  flow_fixtures.py start-road OUT CELLS CARS SEED
      a uint8 0/1 road with exactly CARS cars at random cells (for init.from)
  flow_fixtures.py no-kind OUT          an HDF5 file that is not convoy output
  flow_fixtures.py set-attribute FILE NAME TEXT     replaces a text attribute of the root group
  flow_fixtures.py flatten JSON_FILE    one line "path<TAB>json-value" per leaf (path parts joined by /)
  flow_fixtures.py jams SNAPSHOT
      an independent count of a snapshot's jams, car by car: "cars C stopped S jams J" and one line
      "LENGTH COUNT" per jam length
  flow_fixtures.py transient TIMESERIES VALUE
      the number of leading rows up to and including the last row whose flow differs from VALUE
"""
import json
import sys

import h5py
import numpy as np


def write_identity(f, kind, cells, cars):
    f.attrs["kind"] = kind
    f.attrs["convoy_version"] = "0.1.0"
    f.attrs["config"] = "# written by tests/tools/flow_fixtures.py\n"
    f.attrs["cells"] = np.uint64(cells)
    f.attrs["cars"] = np.uint64(cars)
    f.attrs["model"] = "rule184"


def snapshot(args):
    out, road = args[0], args[1]
    options = dict(zip(args[2::2], args[3::2]))
    bits = np.array([c == "1" for c in road], dtype=np.uint8)
    cells = len(bits)
    words = (cells + 63) // 64
    padded = np.zeros(words * 64, dtype=np.uint8)
    padded[:cells] = bits
    packed = np.frombuffer(np.packbits(padded, bitorder="little").tobytes(), dtype="<u8")
    with h5py.File(out, "w") as f:
        cars = int(options.get("--cars", int(bits.sum())))
        write_identity(f, options.get("--kind", "snapshot"), cells, cars)
        f.attrs["step"] = np.uint64(int(options.get("--step", 0)))
        f.attrs["digest"] = np.uint64(0)
        f.attrs["encoding"] = "bits-v1: cell i is bit (i mod 64) of uint64 word i / 64, little-endian"
        f.create_dataset("road", data=packed, dtype="<u8")


def start_road(args):
    out, cells, cars, seed = args[0], int(args[1]), int(args[2]), int(args[3])
    road = np.zeros(cells, dtype=np.uint8)
    road[np.random.default_rng(seed).choice(cells, size=cars, replace=False)] = 1
    with h5py.File(out, "w") as f:
        f["road"] = road


def no_kind(args):
    with h5py.File(args[0], "w") as f:
        f["values"] = np.arange(10, dtype=np.float64)
        f.attrs["cells"] = np.uint64(10)


def set_attribute(args):
    with h5py.File(args[0], "r+") as f:
        f.attrs[args[1]] = args[2]


def flatten(args):
    with open(args[0], encoding="utf-8") as stream:
        document = json.load(stream)  # strict: a NaN or a trailing comma fails here

    def walk(path, value):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(path + [key], item)
        elif isinstance(value, list):
            print("/".join(path + ["#"]) + "\t" + str(len(value)))
            for index, item in enumerate(value):
                walk(path + [str(index)], item)
        else:
            print("/".join(path) + "\t" + json.dumps(value))

    walk([], document)


def jams(args):
    with h5py.File(args[0], "r") as f:
        cells = int(f.attrs["cells"])
        road = np.unpackbits(f["road"][:].view(np.uint8), bitorder="little")[:cells].astype(bool)
    cars = np.nonzero(road)[0]
    stopped = road[(cars + 1) % cells]  # the cell ahead holds a car
    lengths = {}
    if len(cars) and stopped.all():
        lengths[len(cars)] = 1
    elif len(cars):
        # Walk the cars in road order starting just after a moving car, so no jam is cut in two.
        start = int(np.nonzero(~stopped)[0][0]) + 1
        run = 0
        for k in range(len(cars)):
            if stopped[(start + k) % len(cars)]:
                run += 1
            elif run:
                lengths[run] = lengths.get(run, 0) + 1
                run = 0
        if run:
            lengths[run] = lengths.get(run, 0) + 1
    print("cars", len(cars), "stopped", int(stopped.sum()), "jams", sum(lengths.values()))
    for length in sorted(lengths):
        print(length, lengths[length])


def transient(args):
    with h5py.File(args[0], "r") as f:
        flow = f["flow"][:]
    differing = np.nonzero(np.abs(flow - float(args[1])) > 1e-12)[0]
    print(int(differing[-1]) + 1 if len(differing) else 0)


if __name__ == "__main__":
    commands = {"snapshot": snapshot, "start-road": start_road, "no-kind": no_kind, "set-attribute": set_attribute,
                "flatten": flatten, "jams": jams, "transient": transient}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])
