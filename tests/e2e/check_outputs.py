#!/usr/bin/python3
"""Independent checks of convoy's HDF5 output with h5py and numpy (run by hdf5_output_test).

The oracle is written from the documents alone, sharing no code with convoy: the road is decoded as
docs/output.md describes (cell i = bit i % 64 of uint64 word i // 64), the initial road and
the digest are recomputed from docs/model.md (SplitMix64 counter-based generator, Zobrist digest),
and rule 184 is stepped with numpy over the whole ring.

Sub-commands (each exits 0 when every check passes, 1 with one line per failed check otherwise):
  runs        the outputs of runs of one config at several rank counts: each right, all identical
  continue    run B started from run A's snapshot at step S continues A exactly
  make-road   write a plain uint8 0/1 road (what another program would write)
  started     the run started from such a road holds that road stepped by numpy
  make-bad    write the damaged and foreign files the bad-input cases use
  tamper      copy a snapshot with one word of /road (or the cars attribute) altered
"""

import argparse
import math
import pathlib
import shutil
import sys

import h5py
import numpy as np
import yaml

MASK = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15
INITIAL_ROAD_STREAM = 0x1A17000000000001
DIGEST_KEY = 0xD16E57C04E0AD184

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return bool(condition)


# ---- docs/model.md: counter-based randomness, initial road, digest ----

def mix_int(x):
    x &= MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def mix_array(x):
    # numpy uint64 arithmetic wraps modulo 2^64, as the documented rule does.
    x = x.astype(np.uint64)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def bits(key, indices):
    with np.errstate(over="ignore"):
        return mix_array(np.uint64(key) + (indices.astype(np.uint64) + np.uint64(1)) * np.uint64(GAMMA))


def initial_road(cells, density, seed):
    key = mix_int(mix_int(seed ^ INITIAL_ROAD_STREAM) + 0 * GAMMA)
    threshold = 0 if density <= 0 else (1 << 53 if density >= 1 else math.ceil(math.ldexp(density, 53)))
    values = bits(key, np.arange(cells, dtype=np.uint64)) >> np.uint64(11)
    return (values < np.uint64(threshold)).astype(np.uint8)


def digest(road):
    padded = np.zeros((len(road) + 63) // 64 * 64, dtype=np.uint8)
    padded[: len(road)] = road
    words = np.packbits(padded, bitorder="little").view("<u8").astype(np.uint64)
    with np.errstate(over="ignore"):
        codes = mix_array(bits(DIGEST_KEY, np.arange(words.size, dtype=np.uint64)) ^ words)
        total = int(np.sum(codes, dtype=np.uint64))
    return mix_int(total ^ mix_int(len(road)))


# ---- rule 184 on a ring, whole road at once ----

def step184(road):
    """Returns the next road, the cars that moved, and per cell whether a car entered it."""
    ahead = np.roll(road, -1)
    behind = np.roll(road, 1)
    moves = int(np.count_nonzero(road & (1 - ahead)))
    entered = behind & (1 - road)  # a car moves from x - 1 into x
    following = (road & ahead) | entered
    return following.astype(np.uint8), moves, entered


# ---- decoding convoy files ----

def decode_road(snapshot):
    """The road of a snapshot as 0/1 per cell, checking the encoding (padding bits must be 0)."""
    cells = int(snapshot.attrs["cells"])
    words = snapshot["road"]
    check(words.dtype == np.dtype("<u8"), f"{snapshot.filename}: /road is {words.dtype}, not little-endian uint64")
    check(words.shape == ((cells + 63) // 64,), f"{snapshot.filename}: /road has shape {words.shape} for {cells} cells")
    unpacked = np.unpackbits(words[:].astype("<u8").view(np.uint8), bitorder="little")
    check(not unpacked[cells:].any(), f"{snapshot.filename}: bits past the last cell are set")
    return unpacked[:cells].astype(np.uint8)


def profile_of(road, bins):
    cells = len(road)
    profile = np.empty(bins, dtype=np.float64)
    for k in range(bins):
        begin, end = k * cells // bins, (k + 1) * cells // bins
        profile[k] = np.count_nonzero(road[begin:end]) / (end - begin)
    return profile


def text(value):
    return value.decode() if isinstance(value, bytes) else value


def snapshot_name(step):
    return f"snapshot_{step:012d}.h5"


def check_snapshot(path, road, step, cars, bins):
    """A snapshot holds `road` at `step`, with its attributes and density profile."""
    with h5py.File(path, "r") as f:
        where = str(path)
        cells = len(road)
        check(text(f.attrs.get("kind")) == "snapshot", f"{where}: kind is {f.attrs.get('kind')!r}")
        check(text(f.attrs.get("model")) == "rule184", f"{where}: model is {f.attrs.get('model')!r}")
        check(isinstance(text(f.attrs.get("convoy_version")), str) and text(f.attrs.get("convoy_version")),
              f"{where}: no convoy_version")
        check(text(f.attrs.get("encoding", "")).startswith("bits-v1"), f"{where}: encoding {f.attrs.get('encoding')!r}")
        for name, wanted in (("cells", cells), ("cars", cars), ("step", step), ("digest", digest(road))):
            value = f.attrs.get(name)
            check(value is not None and np.asarray(value).dtype == np.dtype("<u8"),
                  f"{where}: attribute {name} is not uint64")
            check(value is not None and int(value) == wanted, f"{where}: attribute {name} is {value}, expected {wanted}")
        config = yaml.safe_load(text(f.attrs.get("config", "")))
        check(isinstance(config, dict) and config.get("road", {}).get("cells") == cells,
              f"{where}: the config attribute does not hold road.cells {cells}")
        decoded = decode_road(f)
        if check(decoded.shape == road.shape, f"{where}: decoded {decoded.shape} cells"):
            differing = np.flatnonzero(decoded != road)
            check(differing.size == 0, f"{where}: {differing.size} cells differ from the oracle, first {differing[:5]}")
        check(int(np.count_nonzero(decoded)) == int(f.attrs.get("cars", -1)), f"{where}: popcount differs from cars")
        profile = f["density_profile"]
        check(profile.dtype == np.dtype("<f4"), f"{where}: /density_profile is {profile.dtype}")
        if check(profile.shape == (bins,), f"{where}: /density_profile has shape {profile.shape}, expected ({bins},)"):
            wanted = profile_of(decoded, bins)
            bad = np.flatnonzero(~np.isclose(profile[:].astype(np.float64), wanted, rtol=1e-6, atol=0))
            check(bad.size == 0, f"{where}: density profile bins {bad[:5]} differ: {profile[:][bad[:5]]} vs {wanted[bad[:5]]}")


def read_timeseries(path):
    with h5py.File(path, "r") as f:
        return {name: f[name][:] for name in ("step", "distance", "flow", "mean_velocity", "detectors/position",
                                               "detectors/count")}, dict(f.attrs)


def check_timeseries(path, cells, cars, every, detectors, distances, counts):
    """timeseries.h5 holds the rows of the oracle's per-step moves and detector entries."""
    where = str(path)
    with h5py.File(path, "r") as f:
        types = {"step": "<i8", "distance": "<i8", "flow": "<f8", "mean_velocity": "<f8", "detectors/position": "<i8",
                 "detectors/count": "<i8"}
        for name, dtype in types.items():
            if not check(name in f, f"{where}: no /{name}"):
                return
            check(f[name].dtype == np.dtype(dtype), f"{where}: /{name} is {f[name].dtype}, expected {dtype}")
        check(text(f.attrs.get("kind")) == "timeseries", f"{where}: kind is {f.attrs.get('kind')!r}")
        check(int(f.attrs.get("cells", -1)) == cells, f"{where}: cells attribute {f.attrs.get('cells')}")
        check(int(f.attrs.get("cars", -1)) == cars, f"{where}: cars attribute {f.attrs.get('cars')}")
        check(int(f.attrs.get("timeseries_every", -1)) == every, f"{where}: timeseries_every {f.attrs.get('timeseries_every')}")
        rows = len(distances) // every
        step, distance = f["step"][:], f["distance"][:]
        flow, velocity = f["flow"][:], f["mean_velocity"][:]
        position, count = f["detectors/position"][:], f["detectors/count"][:]
    check(np.array_equal(step, every * np.arange(1, rows + 1)), f"{where}: /step is {step[:5]}..., expected {every}, {2 * every}, ...")
    wanted_distance = np.asarray(distances[: rows * every]).reshape(rows, every).sum(axis=1)
    if check(distance.shape == (rows,), f"{where}: {distance.shape} rows, expected {rows}"):
        check(np.array_equal(distance, wanted_distance), f"{where}: /distance differs from the oracle")
        check(np.allclose(flow, distance / (cells * every), rtol=1e-14, atol=0), f"{where}: /flow != distance / (cells x E)")
        check(np.allclose(velocity, distance / (cars * every), rtol=1e-14, atol=0),
              f"{where}: /mean_velocity != distance / (cars x E)")
    check(np.array_equal(position, detectors), f"{where}: /detectors/position is {position}, expected {detectors}")
    wanted_count = np.asarray(counts[: rows * every]).reshape(rows, every, len(detectors)).sum(axis=1)
    if check(count.shape == (rows, len(detectors)), f"{where}: /detectors/count has shape {count.shape}"):
        check(np.array_equal(count, wanted_count), f"{where}: /detectors/count differs from the oracle")


def simulate(road, steps, detectors):
    """The roads after each step, the moves of each step and the detector entries of each step."""
    roads, moves, counts = [road], [], []
    for _ in range(steps):
        road, moved, entered = step184(road)
        roads.append(road)
        moves.append(moved)
        counts.append(entered[detectors] if len(detectors) else np.zeros(0, dtype=np.int64))
    return roads, moves, counts


def compare_files(a, b):
    """Two files hold identical datasets and attributes (the config up to output.directory)."""
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        names_a, names_b = [], []
        fa.visit(names_a.append)
        fb.visit(names_b.append)
        check(sorted(names_a) == sorted(names_b), f"{a} and {b} hold different objects: {names_a} vs {names_b}")
        for name in names_a:
            if isinstance(fa[name], h5py.Dataset) and name in fb:
                same = fa[name].dtype == fb[name].dtype and np.array_equal(fa[name][()], fb[name][()])
                check(same, f"{a} and {b} differ in /{name}")
        check(sorted(fa.attrs) == sorted(fb.attrs), f"{a} and {b} have different attributes")
        for name in fa.attrs:
            if name == "config":
                config_a, config_b = (yaml.safe_load(text(f.attrs[name])) for f in (fa, fb))
                for config in (config_a, config_b):
                    config.get("output", {}).pop("directory", None)
                check(config_a == config_b, f"{a} and {b} hold different configs")
            elif name in fb.attrs:
                check(np.array_equal(fa.attrs[name], fb.attrs[name]), f"{a} and {b} differ in attribute {name}")


# ---- sub-commands ----

def command_runs(args):
    detectors = np.array([int(d) for d in args.detectors.split(",") if d], dtype=np.int64)
    road = initial_road(args.cells, args.density, args.seed)
    cars = int(np.count_nonzero(road))
    roads, moves, counts = simulate(road, args.steps, detectors)
    # The oracle has teeth: the road moves, though not every car in every step.
    check(0 < moves[0] < cars, "the oracle's first step moves no car or every car")
    snapshot_steps = range(args.snapshot_every, args.steps + 1, args.snapshot_every)
    directories = [pathlib.Path(d) for d in args.directories]
    for directory in directories:
        found = sorted(p.name for p in (directory / "snapshots").iterdir())
        check(found == [snapshot_name(s) for s in snapshot_steps], f"{directory}/snapshots holds {found}")
        for step in snapshot_steps:
            check_snapshot(directory / "snapshots" / snapshot_name(step), roads[step], step, cars, args.bins)
        check_timeseries(directory / "timeseries.h5", args.cells, cars, args.every, detectors, moves, counts)
    # Bit-for-bit the same files on any rank count.
    for directory in directories[1:]:
        compare_files(directories[0] / "timeseries.h5", directory / "timeseries.h5")
        for step in snapshot_steps:
            compare_files(directories[0] / "snapshots" / snapshot_name(step), directory / "snapshots" / snapshot_name(step))


def command_continue(args):
    original, continued = pathlib.Path(args.original), pathlib.Path(args.continued)
    (rows_a, attrs_a), (rows_b, attrs_b) = read_timeseries(original / "timeseries.h5"), read_timeseries(continued / "timeseries.h5")
    every = int(attrs_a["timeseries_every"])
    check(int(attrs_b["timeseries_every"]) == every, "the runs have different timeseries_every")
    skipped = args.from_step // every
    check(len(rows_b["distance"]) == len(rows_a["distance"]) - skipped,
          f"the continued run has {len(rows_b['distance'])} rows, expected {len(rows_a['distance']) - skipped}")
    for name in ("distance", "flow", "mean_velocity", "detectors/count"):
        check(np.array_equal(rows_b[name], rows_a[name][skipped:]), f"/{name} of the continued run differs from the original's")
    check(np.array_equal(rows_b["step"], rows_a["step"][:len(rows_b["step"])]), "the continued run's /step does not count from 0")
    check(int(attrs_a["cars"]) == int(attrs_b["cars"]) and int(attrs_a["cells"]) == int(attrs_b["cells"]),
          "cells or cars differ")
    for path in sorted((continued / "snapshots").iterdir()):
        step = int(path.stem.split("_")[1])
        twin = original / "snapshots" / snapshot_name(step + args.from_step)
        with h5py.File(path, "r") as fb, h5py.File(twin, "r") as fa:
            check(int(fb.attrs["step"]) == step, f"{path}: step attribute {fb.attrs['step']}")
            for name in ("road", "density_profile"):
                check(np.array_equal(fa[name][:], fb[name][:]), f"{path} and {twin} differ in /{name}")
            for name in ("digest", "cars", "cells"):
                check(int(fa.attrs[name]) == int(fb.attrs[name]), f"{path} and {twin} differ in attribute {name}")


def command_make_road(args):
    road = (np.random.default_rng(args.seed).random(args.cells) < args.density).astype(np.uint8)
    with h5py.File(args.file, "w") as f:
        f.create_dataset(args.dataset, data=road)


def command_started(args):
    with h5py.File(args.file, "r") as f:
        road = f[args.dataset][:].astype(np.uint8)
    directory = pathlib.Path(args.directory)
    cars = int(np.count_nonzero(road))
    check(0 < cars < len(road), "the start road is empty or full")
    roads, moves, counts = simulate(road, args.steps, np.zeros(0, dtype=np.int64))
    check(0 < moves[0] < cars, "the oracle's first step moves no car or every car")
    for step in range(1, args.steps + 1):
        check_snapshot(directory / "snapshots" / snapshot_name(step), roads[step], step, cars, args.bins)
    check_timeseries(directory / "timeseries.h5", len(road), cars, 1, np.zeros(0, dtype=np.int64), moves, counts)


def command_make_bad(args):
    out = pathlib.Path(args.directory)
    snapshot = pathlib.Path(args.snapshot)
    road = (np.random.default_rng(5).random(1000) < 0.5).astype(np.uint8)
    (out / "not_hdf5.h5").write_text("road:\n  cells: 1000\n")
    data = snapshot.read_bytes()
    (out / "truncated.h5").write_bytes(data[: len(data) // 2])
    with h5py.File(out / "no_road.h5", "w") as f:
        f["cells"] = road
    with h5py.File(out / "float64.h5", "w") as f:
        f["road"] = road.astype(np.float64)
    with h5py.File(out / "two_d.h5", "w") as f:
        f["road"] = road.reshape(10, 100)
    with h5py.File(out / "values.h5", "w") as f:
        bad = road.copy()
        bad[-1] = 2  # in the last rank's part
        f["road"] = bad
    with h5py.File(out / "negative.h5", "w") as f:
        bad = road.astype(np.int8)
        bad[-1] = -1
        f["road"] = bad
    with h5py.File(out / "empty.h5", "w") as f:
        f["road"] = np.zeros(0, dtype=np.uint8)
    with h5py.File(out / "plain.h5", "w") as f:
        f["road"] = road
        f["elsewhere/cells"] = road
    # The same road as numpy bools: h5py stores them as an enumeration FALSE = 0, TRUE = 1.
    with h5py.File(out / "bool.h5", "w") as f:
        f["road"] = road.astype(bool)
    # Enumerations that are not bool, though their values are 0 and 1.
    with h5py.File(out / "off_on.h5", "w") as f:
        f.create_dataset("road", data=road.astype(np.int8), dtype=h5py.enum_dtype({"OFF": 0, "ON": 1}, basetype="i1"))
    with h5py.File(out / "colours.h5", "w") as f:
        f.create_dataset("road", data=road.astype(np.int8),
                         dtype=h5py.enum_dtype({"RED": 0, "GREEN": 1, "BLUE": 2}, basetype="i1"))
    # A convoy snapshot whose /road has one word too few.
    shutil.copy(snapshot, out / "short_road.h5")
    with h5py.File(out / "short_road.h5", "a") as f:
        words = f["road"][:-1]
        del f["road"]
        f["road"] = words
    # A convoy snapshot with a bit set past the last cell.
    shutil.copy(snapshot, out / "padding.h5")
    with h5py.File(out / "padding.h5", "a") as f:
        cells = int(f.attrs["cells"])
        check(cells % 64 != 0, "the snapshot's road ends on a whole word: no padding to damage")
        words = f["road"][:]
        words[-1] |= np.uint64(1) << np.uint64(63)
        f["road"][:] = words


def command_tamper(args):
    shutil.copy(args.snapshot, args.output)
    with h5py.File(args.output, "a") as f:
        if args.what == "road":
            words = f["road"][:]
            # Flip the last cell: its word is owned by the last rank that owns cells.
            cells = int(f.attrs["cells"])
            words[(cells - 1) // 64] ^= np.uint64(1) << np.uint64((cells - 1) % 64)
            f["road"][:] = words
        else:
            f.attrs.modify("cars", np.uint64(int(f.attrs["cars"]) + 1))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    runs = commands.add_parser("runs")
    for name, kind in (("--cells", int), ("--density", float), ("--seed", int), ("--steps", int), ("--every", int),
                       ("--snapshot-every", int), ("--bins", int), ("--detectors", str)):
        runs.add_argument(name, type=kind, required=True)
    runs.add_argument("directories", nargs="+")
    follow = commands.add_parser("continue")
    follow.add_argument("--from-step", type=int, required=True)
    follow.add_argument("original")
    follow.add_argument("continued")
    make_road = commands.add_parser("make-road")
    make_road.add_argument("file")
    make_road.add_argument("--dataset", required=True)
    make_road.add_argument("--cells", type=int, required=True)
    make_road.add_argument("--density", type=float, required=True)
    make_road.add_argument("--seed", type=int, required=True)
    started = commands.add_parser("started")
    started.add_argument("file")
    started.add_argument("--dataset", required=True)
    started.add_argument("--steps", type=int, required=True)
    started.add_argument("--bins", type=int, required=True)
    started.add_argument("directory")
    make_bad = commands.add_parser("make-bad")
    make_bad.add_argument("directory")
    make_bad.add_argument("--snapshot", required=True)
    tamper = commands.add_parser("tamper")
    tamper.add_argument("snapshot")
    tamper.add_argument("output")
    tamper.add_argument("--what", choices=("road", "cars"), required=True)
    args = parser.parse_args()
    {"runs": command_runs, "continue": command_continue, "make-road": command_make_road, "started": command_started,
     "make-bad": command_make_bad, "tamper": command_tamper}[args.command](args)
    for failure in failures:
        print("FAILED:", failure)
    if not failures:
        print(f"check_outputs.py {args.command}: all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
