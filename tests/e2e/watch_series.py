#!/usr/bin/python3
"""A running job can be watched (docs/output.md "Reading a run while it goes on").

  watch_series.py CONVOY CONVOY_FLOW WORK_DIR [mpiexec ARGS...]

Starts an endless convoy run (it ends only when told to), and while it runs reads timeseries.h5 and
spacetime.h5 again and again as a user would, with h5py in SWMR mode, and runs `convoy-flow stats`
and `convoy inspect` on the growing run. Then it stops the run with a STOP file and checks that
every read was a consistent prefix of the final files: the first len(/step) rows of every column,
equal element for element. Fails if the series never grew while it watched (nothing was tested).
"""
import json
import os
import shutil
import subprocess
import sys
import time

import h5py
import numpy as np

CONFIG = """road:
  cells: 1000017
init:
  density: 0.45
  seed: 77
run:
  steps: 1000000000000
output:
  directory: out
  timeseries_every: 7
  detectors: [0, 500000]
  spacetime: {start: 999900, width: 200, every: 5}
logging:
  progress_seconds: 0.5
"""

TIMESERIES = ["step", "distance", "flow", "mean_velocity", "detectors/count"]
SPACETIME = ["step", "occupancy"]


def read_prefix(path, columns):
    """What a careful reader sees: len(/step) first, then that many rows of every column."""
    with h5py.File(path, "r", swmr=True) as f:
        rows = f["step"].shape[0]
        return {name: f[name][:rows] for name in columns}


def fail(message):
    print("FAILED: " + message)
    sys.exit(1)


def main(argv):
    convoy, flow, work = argv[0], argv[1], argv[2]
    launcher = argv[3:]
    shutil.rmtree(work, ignore_errors=True)  # a fresh run, not the continuation of an earlier one
    os.makedirs(work)
    with open(os.path.join(work, "watch.yaml"), "w") as f:
        f.write(CONFIG)
    output = os.path.join(work, "out")
    log = open(os.path.join(work, "convoy.log"), "w")
    run = subprocess.Popen(launcher + [convoy, "run", "watch.yaml", "--output", output], cwd=work, stdout=log,
                           stderr=subprocess.STDOUT)
    timeseries = os.path.join(output, "timeseries.h5")
    spacetime = os.path.join(output, "spacetime.h5")
    reads, cells, sizes, stats_done, inspect_done = [], [], set(), False, False
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and (len(sizes) < 3 or not stats_done or not inspect_done):
            if run.poll() is not None:
                fail(f"convoy ended by itself (exit status {run.returncode}): see {work}/convoy.log")
            time.sleep(0.4)
            if not os.path.exists(timeseries) or not os.path.exists(spacetime):
                continue
            read = read_prefix(timeseries, TIMESERIES)
            reads.append(read)
            cells.append(read_prefix(spacetime, SPACETIME))
            rows = len(read["step"])
            sizes.add(rows)
            if rows >= 500 and not stats_done:
                result = subprocess.run([flow, "stats", output, "--json"], capture_output=True, text=True)
                if result.returncode != 0:
                    fail(f"convoy-flow stats of the running job failed: {result.stderr}")
                report = json.loads(result.stdout)
                if report.get("rows", 0) < rows:
                    fail(f"convoy-flow stats saw {report.get('rows')} rows, fewer than the {rows} read before")
                stats_done = True
            if rows > 0 and not inspect_done:
                result = subprocess.run([convoy, "inspect", timeseries], capture_output=True, text=True)
                if result.returncode != 0 or "being written" not in result.stdout:
                    fail(f"convoy inspect of the running job's time series: {result.stdout} {result.stderr}")
                inspect_done = True
    finally:
        with open(os.path.join(output, "STOP"), "w"):
            pass
        try:
            status = run.wait(timeout=120)
        except subprocess.TimeoutExpired:
            run.kill()
            fail("convoy did not stop on its STOP file")
    if status != 75:
        fail(f"convoy did not stop cleanly (exit status {status}): see {work}/convoy.log")
    if len(sizes) < 3:
        fail(f"the series did not grow while watched (row counts seen: {sorted(sizes)})")
    final = read_prefix(timeseries, TIMESERIES)
    final_cells = read_prefix(spacetime, SPACETIME)
    for what, seen, last in (("timeseries.h5", reads, final), ("spacetime.h5", cells, final_cells)):
        for k, read in enumerate(seen):
            rows = len(read["step"])
            for name, values in read.items():
                if not np.array_equal(values, last[name][:rows]):
                    fail(f"read {k} of {what} (/{name}, {rows} rows) is not a prefix of the final file")
    print(f"watched {len(reads)} reads of a growing series ({len(sizes)} sizes, up to {max(sizes)} rows); "
          f"every one a prefix of the final {len(final['step'])} rows; convoy-flow stats and inspect ran on it")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
