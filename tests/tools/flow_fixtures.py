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
  flow_fixtures.py nasch-snapshot OUT ROAD VMAX [--kind K] [--step N] [--cars N] [--p-brake P]
                   [--planes B] [--drop-plane b] [--velocity-at CELL:V] [--encoding TEXT] [--no-planes-attribute]
      a NaSch snapshot (nasch-bitplanes-v1): ROAD is a comma-separated list of cell values, -1 an empty
      cell and v >= 0 a car of velocity v, "VALUE*COUNT" repeating a value; B planes (default
      bit_width(VMAX)) /velocity/bit_b in /road's layout; the damage options write planes that disagree
      with the road (--velocity-at sets a velocity whatever the cell holds, also past the last cell)
  flow_fixtures.py nasch-jams SNAPSHOT
      an independent count of a NaSch snapshot's jams from its planes (stopped: velocity 0), as for jams
  flow_fixtures.py timeseries OUT MODEL CELLS CARS ROWS FLOW NOISE [--config YAML] [--every N] [--seed S]
      a hand-made timeseries.h5: ROWS rows of flow FLOW plus Gaussian noise of standard deviation NOISE
      (0: constant), mean_velocity = flow x cells / cars, step = (row + 1) x every
"""
import json
import sys

import h5py
import numpy as np


def write_identity(f, kind, cells, cars, model="rule184", config="# written by tests/tools/flow_fixtures.py\n"):
    f.attrs["kind"] = kind
    f.attrs["convoy_version"] = "0.1.0"
    f.attrs["config"] = config
    f.attrs["cells"] = np.uint64(cells)
    f.attrs["cars"] = np.uint64(cars)
    f.attrs["model"] = model


# ---- docs/model.md: the digest of a state file (an oracle of its own, written from the docs) ----

MASK = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15
DIGEST_KEY = 0xD16E57C04E0AD184
PLANE_CODE_OFFSET = 1 << 57


def mix(x):
    x &= MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def word_code(index, word):
    return mix(mix((DIGEST_KEY + (index + 1) * GAMMA) & MASK) ^ int(word))


def state_digest(cells, road_words, planes_words=()):
    total = sum(word_code(w, word) for w, word in enumerate(road_words))
    for b, words in enumerate(planes_words):
        total += sum(word_code((b + 1) * PLANE_CODE_OFFSET + w, word) for w, word in enumerate(words))
    return mix((total & MASK) ^ mix(cells))


def pack(bits):
    """Cell i -> bit (i mod 64) of little-endian uint64 word i / 64 (docs/output.md)."""
    words = (len(bits) + 63) // 64
    padded = np.zeros(words * 64, dtype=np.uint8)
    padded[:len(bits)] = bits
    return np.frombuffer(np.packbits(padded, bitorder="little").tobytes(), dtype="<u8")


def unpack(words, cells):
    return np.unpackbits(np.asarray(words, dtype="<u8").view(np.uint8), bitorder="little")[:cells]


def nasch_config(vmax, p_brake):
    return ("# written by tests/tools/flow_fixtures.py\nroad:\n  cells: 0\nmodel:\n  type: nasch\n"
            f"  vmax: {vmax}\n  p_brake: {p_brake}\n")


def snapshot(args):
    out, road = args[0], args[1]
    options = dict(zip(args[2::2], args[3::2]))
    bits = np.array([c == "1" for c in road], dtype=np.uint8)
    cells = len(bits)
    packed = pack(bits)
    with h5py.File(out, "w") as f:
        cars = int(options.get("--cars", int(bits.sum())))
        write_identity(f, options.get("--kind", "snapshot"), cells, cars)
        f.attrs["step"] = np.uint64(int(options.get("--step", 0)))
        f.attrs["digest"] = np.uint64(state_digest(len(bits), pack(bits)))
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
        road = unpack(f["road"][:], cells).astype(bool)
    cars = np.nonzero(road)[0]
    stopped = road[(cars + 1) % cells]  # the cell ahead holds a car
    lengths = run_lengths(stopped)
    print("cars", len(cars), "stopped", int(stopped.sum()), "jams", sum(lengths.values()))
    for length in sorted(lengths):
        print(length, lengths[length])


def parse_road(text):
    cells = []
    for item in text.split(","):
        value, _, count = item.partition("*")
        cells.extend([int(value)] * (int(count) if count else 1))
    return np.array(cells, dtype=np.int64)


def nasch_snapshot(args):
    out, road, vmax = args[0], parse_road(args[1]), int(args[2])
    flags = {"--no-planes-attribute"}
    options, drops, velocities, rest = {}, [], [], list(args[3:])
    while rest:
        key = rest.pop(0)
        if key in flags:
            options[key] = True
        elif key == "--drop-plane":
            drops.append(int(rest.pop(0)))
        elif key == "--velocity-at":
            cell, value = rest.pop(0).split(":")
            velocities.append((int(cell), int(value)))
        else:
            options[key] = rest.pop(0)
    cells = len(road)
    occupied = road >= 0
    planes = int(options.get("--planes", max(1, vmax.bit_length())))
    velocity = np.where(occupied, road, 0)
    words = (cells + 63) // 64
    plane_bits = [np.zeros(words * 64, dtype=np.uint8) for _ in range(planes)]
    for b in range(planes):
        plane_bits[b][:cells] = (velocity >> b) & 1
    for cell, value in velocities:
        for b in range(planes):
            plane_bits[b][cell] = (value >> b) & 1
    with h5py.File(out, "w") as f:
        cars = int(options.get("--cars", int(occupied.sum())))
        write_identity(f, options.get("--kind", "snapshot"), cells, cars, "nasch",
                       nasch_config(vmax, options.get("--p-brake", "0.25")))
        f.attrs["step"] = np.uint64(int(options.get("--step", 0)))
        written = [pack(plane_bits[b]) for b in range(planes) if b not in drops]
        f.attrs["digest"] = np.uint64(state_digest(cells, pack(occupied.astype(np.uint8)), written))
        f.attrs["encoding"] = options.get("--encoding", "nasch-bitplanes-v1: written by flow_fixtures.py")
        if "--no-planes-attribute" not in options:
            f.attrs["velocity_planes"] = np.uint64(planes)
        f.create_dataset("road", data=pack(occupied.astype(np.uint8)), dtype="<u8")
        for b in range(planes):
            if b not in drops:
                f.create_dataset(f"velocity/bit_{b}", data=pack(plane_bits[b]), dtype="<u8")


def run_lengths(stopped):
    """Jam lengths of cars in road order around the ring with their stopped flags."""
    lengths = {}
    if len(stopped) and stopped.all():
        lengths[len(stopped)] = 1
    elif len(stopped):
        # Walk the cars in road order starting just after a moving car, so no jam is cut in two.
        start = int(np.nonzero(~stopped)[0][0]) + 1
        run = 0
        for k in range(len(stopped)):
            if stopped[(start + k) % len(stopped)]:
                run += 1
            elif run:
                lengths[run] = lengths.get(run, 0) + 1
                run = 0
        if run:
            lengths[run] = lengths.get(run, 0) + 1
    return lengths


def nasch_jams(args):
    with h5py.File(args[0], "r") as f:
        cells = int(f.attrs["cells"])
        road = unpack(f["road"][:], cells).astype(bool)
        velocity = np.zeros(cells, dtype=np.int64)
        for b in range(int(f.attrs["velocity_planes"])):
            velocity += unpack(f[f"velocity/bit_{b}"][:], cells).astype(np.int64) << b
    cars = np.nonzero(road)[0]
    stopped = velocity[cars] == 0
    lengths = run_lengths(stopped)
    print("cars", len(cars), "stopped", int(stopped.sum()), "jams", sum(lengths.values()))
    for length in sorted(lengths):
        print(length, lengths[length])


def timeseries(args):
    out, model, cells, cars, rows = args[0], args[1], int(args[2]), int(args[3]), int(args[4])
    flow_value, noise = float(args[5]), float(args[6])
    options = dict(zip(args[7::2], args[8::2]))
    every = int(options.get("--every", 1))
    rng = np.random.default_rng(int(options.get("--seed", 1)))
    flow = flow_value + (rng.normal(0.0, noise, rows) if noise > 0 else np.zeros(rows))
    flow += np.linspace(0.0, float(options.get("--ramp", 0.0)), rows)  # a drift that never settles
    with h5py.File(out, "w") as f:
        write_identity(f, "timeseries", cells, cars, model,
                       options.get("--config", "# written by tests/tools/flow_fixtures.py\n"))
        f.attrs["timeseries_every"] = np.uint64(every)
        f["step"] = (np.arange(rows, dtype=np.int64) + 1) * every
        f["flow"] = flow
        f["mean_velocity"] = flow * cells / cars
        f["distance"] = np.rint(flow * cells).astype(np.uint64)
        f["detectors/position"] = np.zeros(0, dtype=np.int64)
        f.create_dataset("detectors/count", shape=(rows, 0), dtype=np.int64)


def transient(args):
    with h5py.File(args[0], "r") as f:
        flow = f["flow"][:]
    differing = np.nonzero(np.abs(flow - float(args[1])) > 1e-12)[0]
    print(int(differing[-1]) + 1 if len(differing) else 0)


if __name__ == "__main__":
    commands = {"snapshot": snapshot, "start-road": start_road, "no-kind": no_kind, "set-attribute": set_attribute,
                "flatten": flatten, "jams": jams, "transient": transient,
                "nasch-snapshot": nasch_snapshot, "nasch-jams": nasch_jams, "timeseries": timeseries}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])
