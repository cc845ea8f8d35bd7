#!/usr/bin/python3
"""The hostile-file corpus: damaged and foreign files made from real convoy output, each with the
outcome convoy must give (docs/output.md "What convoy checks before it uses a file").

  make_corpus.py SOURCES OUT

SOURCES holds what corpus_test.py ran with convoy first: rule184/ and nasch/ run directories (with
snapshots, checkpoints, timeseries.h5 and spacetime.h5). OUT receives the corpus files and
manifest.json, a list of cases:

  {"name": ..., "use": "init.from" | "restart" | "inspect" | "flow-stats" | "flow-jams",
   "file": path, "model": "rule184" | "nasch", "expect": "refused" | "accepted" | "fallback",
   "says": text the message must hold (besides the file's name), "dataset": init.dataset (optional)}

refused: exit status 2 and a message naming the file; accepted: the command succeeds; fallback: a
restart skips the damaged newest checkpoint, names it, and finishes identical to a straight run.
The corpus grows with every file kind: add a maker below and its case.
"""
import json
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

cases = []


def case(name, use, path, model, expect, says="", dataset=None):
    entry = {"name": name, "use": use, "file": path, "model": model, "expect": expect, "says": says}
    if dataset:
        entry["dataset"] = dataset
    cases.append(entry)


def copy(source, out, name):
    path = os.path.join(out, name)
    shutil.copyfile(source, path)
    return path


def edit_attribute(path, name, value):
    with h5py.File(path, "r+") as f:
        if value is None:
            del f.attrs[name]
        else:
            f.attrs[name] = value


def flip_bit(path, dataset, word, bit):
    with h5py.File(path, "r") as f:
        offset = f[dataset].id.get_offset()
    with open(path, "r+b") as file:
        file.seek(offset + 8 * word + bit // 8)
        byte = file.read(1)[0]
        file.seek(offset + 8 * word + bit // 8)
        file.write(bytes([byte ^ (1 << (bit % 8))]))


def replace_dataset(path, name, data, **options):
    with h5py.File(path, "r+") as f:
        del f[name]
        f.create_dataset(name, data=data, **options)


def newest(directory, folder, prefix):
    names = sorted(n for n in os.listdir(os.path.join(directory, folder)) if n.startswith(prefix) and n.endswith(".h5"))
    return os.path.join(directory, folder, names[-1])


def snapshot_cases(sources, out):
    for model in ("rule184", "nasch"):
        snap = newest(os.path.join(sources, model), "snapshots", "snapshot_")
        with h5py.File(snap, "r") as f:
            words = f["road"].shape[0]
            cells = int(f.attrs["cells"])
        case(f"{model}-snapshot-intact", "init.from", copy(snap, out, f"{model}-intact.h5"), model, "accepted")
        path = copy(snap, out, f"{model}-road-bit.h5")
        flip_bit(path, "road", words // 2, 9)
        case(f"{model}-snapshot-road-bit", "init.from", path, model, "refused", "damaged")
        case(f"{model}-inspect-road-bit", "inspect", path, model, "refused", "DOES NOT MATCH")
        for label, value, says in (("digest-wrong", np.uint64(12345), "digest"),
                                   ("digest-missing", None, "digest"),
                                   ("digest-text", "0x1234", "digest"),
                                   ("cells-plus-one", np.uint64(cells + 1), "cells"),
                                   ("cells-minus-one", np.uint64(cells - 1), "cells"),
                                   ("cars-wrong", np.uint64(7), "cars"),
                                   ("encoding-edited", "bits-v9: who knows", "encoding"),
                                   ("encoding-missing", None, "encoding"),
                                   ("kind-timeseries", "timeseries", "timeseries")):
            path = copy(snap, out, f"{model}-{label}.h5")
            attribute = label.split("-")[0]
            edit_attribute(path, attribute, value)
            case(f"{model}-snapshot-{label}", "init.from", path, model, "refused", says)
            case(f"{model}-inspect-{label}", "inspect", path, model, "refused", "")
        path = copy(snap, out, f"{model}-padding.h5")
        if cells % 64:
            flip_bit(path, "road", words - 1, 63)
            case(f"{model}-snapshot-padding", "init.from", path, model, "refused", "past the road's last cell")
        path = copy(snap, out, f"{model}-road-uint8.h5")
        with h5py.File(snap, "r") as f:
            road = f["road"][()]
        replace_dataset(path, "road", road.view(np.uint8))
        case(f"{model}-snapshot-road-uint8", "init.from", path, model, "refused", "64-bit words")
        path = copy(snap, out, f"{model}-truncated.h5")
        with h5py.File(snap, "r") as f:  # into the road's own bytes
            cut = f["road"].id.get_offset() + 8 * (words // 2)
        os.truncate(path, cut)
        case(f"{model}-snapshot-truncated", "init.from", path, model, "refused", "")
        case(f"{model}-inspect-truncated", "inspect", path, model, "refused", "")
        case(f"{model}-jams-truncated", "flow-jams", path, model, "refused", "")
        path = copy(snap, out, f"{model}-cells-huge.h5")
        edit_attribute(path, "cells", np.uint64(2**62))
        case(f"{model}-inspect-cells-huge", "inspect", path, model, "refused", "")
        case(f"{model}-snapshot-cells-huge", "init.from", path, model, "refused", "cells")
        path = copy(snap, out, f"{model}-held-open.h5")
        entry = {"name": f"{model}-snapshot-held-open-by-a-writer", "use": "init.from", "file": path, "model": model,
                 "expect": "refused", "says": "open for writing", "hold_open": True}
        cases.append(entry)
        path = copy(snap, out, f"{model}-jams-cells.h5")
        edit_attribute(path, "cells", np.uint64(cells + 20))
        case(f"{model}-jams-cells-plus-twenty", "flow-jams", path, model, "refused", "cells")
    snap = newest(os.path.join(sources, "nasch"), "snapshots", "snapshot_")
    for label, edit, says in (("planes-zero", lambda f: f.attrs.__setitem__("velocity_planes", np.uint64(0)), "velocity_planes"),
                              ("planes-six", lambda f: f.attrs.__setitem__("velocity_planes", np.uint64(6)), "velocity_planes"),
                              ("plane-missing", lambda f: f.__delitem__("velocity/bit_2"), "bit_2"),
                              ("plane-uint8", lambda f: (f.__setitem__("velocity/tmp", f["velocity/bit_1"][()].view(np.uint8)),
                                                         f.__delitem__("velocity/bit_1"),
                                                         f.move("velocity/tmp", "velocity/bit_1")), "bit_1")):
        path = copy(snap, out, f"nasch-{label}.h5")
        with h5py.File(path, "r+") as f:
            edit(f)
        case(f"nasch-snapshot-{label}", "init.from", path, "nasch", "refused", says)
        case(f"nasch-inspect-{label}", "inspect", path, "nasch", "refused", "")
    path = copy(snap, out, "nasch-velocity-bit.h5")
    with h5py.File(snap, "r") as f:
        road = f["road"][()]
    empty = int(np.flatnonzero(road != np.uint64(0xFFFFFFFFFFFFFFFF))[0])
    free_bit = int(np.flatnonzero([(int(road[empty]) >> b) & 1 == 0 for b in range(64)])[0])
    flip_bit(path, "velocity/bit_0", empty, free_bit)
    case("nasch-snapshot-velocity-on-empty-cell", "init.from", path, "nasch", "refused", "")


def foreign_cases(out):
    cells = 4096
    rng = np.random.default_rng(5)
    good = (rng.random(cells) < 0.4).astype(np.uint8)

    def write(name, **datasets):
        path = os.path.join(out, name)
        with h5py.File(path, "w") as f:
            for key, (data, options) in datasets.items():
                f.create_dataset(key, data=data, **options)
        return path

    case("foreign-uint8", "init.from", write("foreign-uint8.h5", cells=(good, {})), "rule184", "accepted",
         dataset="cells")
    case("foreign-bool", "init.from", write("foreign-bool.h5", cells=(good.astype(bool), {})), "rule184", "accepted",
         dataset="cells")
    case("foreign-int8-minus-one", "init.from", write("foreign-int8.h5", cells=(np.where(good, 1, -1).astype(np.int8), {})),
         "rule184", "refused", "other than 0 and 1", dataset="cells")
    bad = good.copy()
    bad[100] = 2
    case("foreign-uint8-two", "init.from", write("foreign-two.h5", cells=(bad, {})), "rule184", "refused",
         "other than 0 and 1", dataset="cells")
    case("foreign-float", "init.from", write("foreign-float.h5", cells=(good.astype(float), {})), "rule184", "refused",
         "float64", dataset="cells")
    case("foreign-2d", "init.from", write("foreign-2d.h5", cells=(good.reshape(64, 64), {})), "rule184", "refused",
         "dimensions", dataset="cells")
    case("foreign-empty", "init.from", write("foreign-empty.h5", cells=(np.zeros(0, np.uint8), {})), "rule184",
         "refused", "empty", dataset="cells")
    case("foreign-lzf", "init.from", write("foreign-lzf.h5", cells=(good, {"compression": "lzf", "chunks": (512,)})),
         "rule184", "refused", "without compression", dataset="cells")
    case("foreign-gzip", "init.from", write("foreign-gzip.h5", cells=(good, {"compression": "gzip", "chunks": (512,)})),
         "rule184", "refused", "without compression", dataset="cells")
    case("foreign-strings", "init.from", write("foreign-strings.h5", cells=(np.array([b"1", b"0"] * 8), {})),
         "rule184", "refused", "strings", dataset="cells")
    case("foreign-missing-dataset", "init.from", write("foreign-other.h5", other=(good, {})), "rule184", "refused",
         "no dataset", dataset="cells")
    # A virtual dataset over another file, and a dataset kept in an external raw file that is gone.
    source = write("foreign-vsource.h5", cells=(good, {}))
    path = os.path.join(out, "foreign-virtual.h5")
    layout = h5py.VirtualLayout(shape=(cells,), dtype=np.uint8)
    layout[:] = h5py.VirtualSource(source, "cells", shape=(cells,))
    with h5py.File(path, "w") as f:
        f.create_virtual_dataset("cells", layout)
    case("foreign-virtual", "init.from", path, "rule184", "refused", "virtual", dataset="cells")
    path = os.path.join(out, "foreign-external.h5")
    with h5py.File(path, "w") as f:
        f.create_dataset("cells", shape=(cells,), dtype=np.uint8, external=[(os.path.join(out, "gone.raw"), 0, cells)])
    case("foreign-external", "init.from", path, "rule184", "refused", "external", dataset="cells")
    notes = os.path.join(out, "not-hdf5.h5")
    with open(notes, "w") as f:
        f.write("not HDF5\n")
    case("foreign-text", "init.from", notes, "rule184", "refused", "not an HDF5 file")
    case("foreign-text-inspect", "inspect", notes, "rule184", "refused", "not an HDF5 file")
    empty = os.path.join(out, "zero-bytes.h5")
    open(empty, "w").close()
    case("foreign-zero-bytes", "init.from", empty, "rule184", "refused", "not an HDF5 file")


def checkpoint_cases(sources, out):
    """Damaged newest checkpoints: a restart must fall back to the older one (and finish as a
    straight run does); --restart naming the file must refuse it."""
    for model in ("rule184", "nasch"):
        run = os.path.join(sources, model)
        newest_checkpoint = newest(run, "checkpoints", "checkpoint_")
        with h5py.File(newest_checkpoint, "r") as f:
            step = int(f.attrs["step"])
            every = int(f.attrs["timeseries_every"])
            words = f["road"].shape[0]
        edits = [("config-unparseable", "config", "road: [unclosed"),
                 ("config-other-physics", "config", None),
                 ("encoding-edited", "encoding", "bits-v1: edited"),
                 ("step-minus-one", "step", np.uint64(step - 1)),
                 ("step-huge", "step", np.uint64(4503599627384496)),
                 ("timeseries-every-zero", "timeseries_every", np.uint64(0)),
                 ("open-row-distance", "open_row_distance", np.int64(-5)),
                 ("digest-edited", "digest", np.uint64(99)),
                 ("checksum-edited", "state_checksum", np.uint64(1)),
                 ("rows-missing", "timeseries_rows", None)]
        if model == "nasch":
            edits.append(("planes-six", "velocity_planes", np.uint64(6)))
        for label, name, value in edits:
            damaged = os.path.join(out, f"{model}-checkpoint-{label}")
            shutil.copytree(run, damaged)
            path = newest(damaged, "checkpoints", "checkpoint_")
            if label == "config-other-physics":
                with h5py.File(path, "r+") as f:
                    f.attrs["config"] = f.attrs["config"].replace("seed:", "seed: 1 #")
            else:
                edit_attribute(path, name, value)
            case(f"{model}-checkpoint-{label}", "restart", damaged, model, "fallback", os.path.basename(path))
            case(f"{model}-checkpoint-{label}-named", "restart-file", path, model, "refused", "not a valid checkpoint")
        for label in ("road-bit", "truncated"):
            damaged = os.path.join(out, f"{model}-checkpoint-{label}")
            shutil.copytree(run, damaged)
            path = newest(damaged, "checkpoints", "checkpoint_")
            if label == "road-bit":
                flip_bit(path, "road", words // 3, 5)
            else:
                with h5py.File(path, "r") as f:  # into the road's own bytes
                    cut = f["road"].id.get_offset() + 8 * (words // 2)
                os.truncate(path, cut)
            case(f"{model}-checkpoint-{label}", "restart", damaged, model, "fallback", os.path.basename(path))
        # A checkpoint of convoy 0.1 (format 1: the time series inside it), as that version wrote them.
        damaged = os.path.join(out, f"{model}-checkpoint-format-1")
        shutil.copytree(run, damaged)
        path = newest(damaged, "checkpoints", "checkpoint_")
        with h5py.File(path, "r+") as f:
            del f.attrs["checkpoint_format"]
            f.attrs["convoy_version"] = "0.1.0"
            f.create_dataset("timeseries/step", data=np.arange(1, step // every + 1, dtype=np.int64) * every)
        case(f"{model}-checkpoint-format-1", "restart", damaged, model, "fallback", os.path.basename(path))
        case(f"{model}-checkpoint-format-1-named", "restart-file", path, model, "refused", "format 1")
        # The series files damaged: restart refuses (exit 2, nothing touched) or falls back.
        for label in ("timeseries-bit", "timeseries-short", "spacetime-short", "timeseries-missing"):
            damaged = os.path.join(out, f"{model}-series-{label}")
            shutil.copytree(run, damaged)
            timeseries = os.path.join(damaged, "timeseries.h5")
            if label == "timeseries-bit":
                with h5py.File(timeseries, "r+") as f:
                    f["distance"][3] = f["distance"][3] + 1
            elif label == "timeseries-short":
                with h5py.File(timeseries, "r+") as f:
                    for name in ("step", "distance", "flow", "mean_velocity", "detectors/count"):
                        f[name].resize(f[name].shape[0] // 2, axis=0)
            elif label == "spacetime-short":
                with h5py.File(os.path.join(damaged, "spacetime.h5"), "r+") as f:
                    for name in ("step", "occupancy"):
                        f[name].resize(f[name].shape[0] // 2, axis=0)
            else:
                os.remove(timeseries)
            case(f"{model}-series-{label}", "restart", damaged, model, "refused",
                 "spacetime.h5" if label.startswith("spacetime") else "timeseries.h5")


def series_cases(sources, out):
    timeseries = os.path.join(sources, "rule184", "timeseries.h5")
    with h5py.File(timeseries, "r") as f:
        rows = f["step"].shape[0]

    def damaged(label, edit):
        path = copy(timeseries, out, f"series-{label}.h5")
        with h5py.File(path, "r+") as f:
            edit(f)
        for use in ("flow-stats", "inspect"):
            case(f"series-{label}-{use}", use, path, "rule184", "refused", "damaged")

    damaged("flow-short", lambda f: f["flow"].resize(rows // 4, axis=0))
    damaged("steps-reversed", lambda f: f["step"].__setitem__(slice(None), f["step"][()][::-1]))
    damaged("step-duplicate", lambda f: f["step"].__setitem__(5, f["step"][4]))
    damaged("flow-negative", lambda f: f["flow"].__setitem__(7, -0.25))
    damaged("flow-nan", lambda f: f["flow"].__setitem__(9, np.nan))
    damaged("every-huge", lambda f: f.attrs.__setitem__("timeseries_every", np.uint64(2**64 - 1)))


def main(argv):
    sources, out = argv[0], argv[1]
    os.makedirs(out, exist_ok=True)
    snapshot_cases(sources, out)
    foreign_cases(out)
    checkpoint_cases(sources, out)
    series_cases(sources, out)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(cases, f, indent=1)
    print(f"{len(cases)} cases in {out}/manifest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
