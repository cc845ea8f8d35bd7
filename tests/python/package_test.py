"""Tests of the convoy Python package (tools/python) against files written by the real convoy.

Run with the python of the venv that install_package.py made:
  V/bin/python package_test.py --convoy build/convoy --flow build/convoy-flow --mpiexec mpiexec \
      [--mpiexec-flags=--oversubscribe] [--numproc-flag -n] --docs docs/python.md --work DIR [unittest args]

The oracles never reuse the package's decoding: convoy's own log and `convoy inspect` (digests, cars),
h5dump's text of the datasets, and the rule-184 and deterministic Nagel-Schreckenberg dynamics
simulated here from a road written with write_road (tests/python/simulation.py).
"""

import argparse
import contextlib
import io
import json
import os
import shlex
import shutil
import subprocess
import sys
import unittest

import numpy as np

import convoy
import simulation

TOOLS = {}  # convoy, flow, mpiexec, mpiexec_flags, numproc_flag: from the command line
WORK = None
DOCS = None  # docs/python.md, whose examples are run

RING = 1000  # not a multiple of 64: the last word is partial
STEPS = 200
RULE184 = f"""road: {{cells: {RING}}}
model: {{type: rule184}}
init: {{density: 0.4, seed: 11}}
run: {{steps: {STEPS}}}
output: {{timeseries_every: 10, detectors: [0, 500, 999], snapshot_every: 50,
         spacetime: {{start: 960, width: 100, every: 5}}}}
checkpoint: {{every_steps: 100, keep: 5}}
"""
NASCH = f"""road: {{cells: {RING}}}
model: {{type: nasch, vmax: 5, p_brake: 0.25}}
init: {{density: 0.2, seed: 12}}
run: {{steps: {STEPS}}}
output: {{timeseries_every: 1, snapshot_every: 100}}
"""


# ---------------------------------------------------------------- running convoy and its tools

def write_config(name, text):
    path = os.path.join(WORK, f"{name}.yaml")
    with open(path, "w", encoding="utf-8") as stream:
        stream.write(text)
    return path


def run_convoy(name, config_text, ranks=1):
    """Runs `convoy run` (under mpiexec for ranks > 1) into WORK/name; returns (directory, log)."""
    directory = os.path.join(WORK, name)
    shutil.rmtree(directory, ignore_errors=True)
    command = [TOOLS["convoy"], "run", write_config(name, config_text), "--output", directory]
    if ranks > 1:
        command = [TOOLS["mpiexec"], TOOLS["numproc_flag"], str(ranks), *shlex.split(TOOLS["mpiexec_flags"]),
                   *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return directory, done.stdout + done.stderr


def logged_digest(log):
    """The 16 hex digits of convoy's 'state digest ...' line."""
    return log.split("state digest ")[-1].split()[0]


def inspect(path):
    """convoy inspect's 'key: value' lines as a dict (it checks the file, as convoy does)."""
    done = subprocess.run([TOOLS["convoy"], "inspect", path], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise AssertionError(f"convoy inspect {path}: {done.stderr}")
    return {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in done.stdout.splitlines()
            if ":" in line and not line.startswith(" ")}


def h5dump_values(path, dataset):
    """The numbers of a dataset as h5dump prints them (flattened; floats to full precision)."""
    done = subprocess.run(["h5dump", "-d", dataset, "-y", "-w", "0", "-m", "%.17g", path], capture_output=True,
                          text=True, check=True, timeout=60)
    data = done.stdout.split("DATA {", 1)[1].split("}", 1)[0]
    return np.array([float(value) for value in data.replace(",", " ").split()])


# ---------------------------------------------------------------- fixtures: the runs, made once

RUNS = {}


def runs():
    if not RUNS:
        RUNS["rule184"] = run_convoy("rule184", RULE184)
        RUNS["rule184_2"] = run_convoy("rule184_2ranks", RULE184, ranks=2)
        RUNS["nasch"] = run_convoy("nasch", NASCH)
        RUNS["nasch_2"] = run_convoy("nasch_2ranks", NASCH, ranks=2)
    return RUNS


class OpenRun(unittest.TestCase):
    def test_config(self):
        run = convoy.open_run(runs()["rule184"][0])
        self.assertEqual(run.config["road"]["cells"], RING)
        self.assertEqual(run.config["model"]["type"], "rule184")
        self.assertEqual(run.config["output"]["detectors"], [0, 500, 999])
        self.assertIn("boundary", run.config["road"])  # resolved: defaults filled in
        nasch = convoy.open_run(runs()["nasch"][0])
        self.assertEqual((nasch.config["model"]["vmax"], nasch.config["model"]["p_brake"]), (5, 0.25))

    def test_series_against_h5dump(self):
        directory = runs()["rule184"][0]
        series = convoy.open_run(directory).series
        path = os.path.join(directory, "timeseries.h5")
        self.assertEqual(len(series), STEPS // 10)
        np.testing.assert_array_equal(series.step, np.arange(1, STEPS // 10 + 1) * 10)
        for name in ("step", "distance", "flow", "mean_velocity"):
            np.testing.assert_array_equal(getattr(series, name), h5dump_values(path, f"/{name}"), name)
        cars = int(inspect(path)["cars"])
        np.testing.assert_allclose(series.flow, series.distance / (RING * 10), rtol=1e-15)
        np.testing.assert_allclose(series.mean_velocity, series.distance / (cars * 10), rtol=1e-15)
        self.assertEqual(series.step.dtype, np.int64)

    def test_detectors_against_h5dump(self):
        directory = runs()["rule184"][0]
        detectors = convoy.open_run(directory).detectors
        np.testing.assert_array_equal(detectors.positions, [0, 500, 999])
        self.assertEqual(detectors.counts.shape, (STEPS // 10, 3))
        path = os.path.join(directory, "timeseries.h5")
        np.testing.assert_array_equal(detectors.counts.ravel(), h5dump_values(path, "/detectors/count"))

    def test_snapshots_and_checkpoints_sorted_by_step(self):
        run = convoy.open_run(runs()["rule184"][0])
        self.assertEqual([s.step for s in run.snapshots], [50, 100, 150, 200])
        self.assertEqual([c.step for c in run.checkpoints], [100, 200])
        for state in run.snapshots + run.checkpoints:
            self.assertTrue(os.path.isfile(state.path))
            self.assertEqual(convoy.read_state(state.path).step, state.step)
        self.assertEqual(convoy.open_run(runs()["nasch"][0]).checkpoints[-1].step, STEPS)

    def test_spacetime(self):
        run = convoy.open_run(runs()["rule184"][0])
        window = run.spacetime
        self.assertEqual((window.start, window.width, window.every, window.cells), (960, 100, 5, RING))
        np.testing.assert_array_equal(window.step, np.arange(0, STEPS + 1, 5))
        occupancy = window.occupancy
        self.assertEqual(occupancy.shape, (STEPS // 5 + 1, 100))
        path = os.path.join(run.path, "spacetime.h5")
        np.testing.assert_array_equal(occupancy.ravel(), h5dump_values(path, "/occupancy"))
        # The window wraps around the ring: columns 40.. are cells 0..; they match the final snapshot.
        final = convoy.read_state(run.snapshots[-1].path).occupancy
        np.testing.assert_array_equal(occupancy[-1], final[(960 + np.arange(100)) % RING])
        self.assertIsNone(convoy.open_run(runs()["nasch"][0]).spacetime)

    def test_not_a_run(self):
        with self.assertRaises(convoy.ConvoyError):
            convoy.open_run(os.path.join(WORK, "nowhere"))
        with self.assertRaises(convoy.ConvoyError):
            convoy.open_run(os.path.dirname(os.path.abspath(__file__)))


class OpenRoadSeries(unittest.TestCase):
    """An open rule-184 road with alpha = beta = 1, empty at the start, is deterministic: a car enters
    in every odd step (cell 0 is empty at the start of steps 1, 3, 5, ...), takes N - 1 steps to reach
    the last cell and leaves in the step after. So by step s, ceil(s / 2) cars entered and
    ceil((s - N) / 2) left (s >= N), counted here, not by convoy."""
    CELLS = 130

    def test_cars_entered_and_left(self):
        config = ("road:\n  cells: 130\n  boundary: open\n  alpha: 1\n  beta: 1\nmodel:\n  type: rule184\n"
                  "init:\n  density: 0\nrun:\n  steps: 400\noutput:\n  timeseries_every: 10\n")
        directory, _ = run_convoy("open_rule184", config, ranks=2)
        series = convoy.read_series(os.path.join(directory, "timeseries.h5"))
        self.assertTrue(series.open_road)
        steps = series.step
        entered_by = (steps + 1) // 2
        left_by = np.maximum(0, (steps - self.CELLS + 1) // 2)
        np.testing.assert_array_equal(np.cumsum(series.entered), entered_by)
        np.testing.assert_array_equal(np.cumsum(series.left), left_by)
        np.testing.assert_array_equal(series.cars_per_row, entered_by - left_by)
        self.assertFalse(convoy.read_series(os.path.join(runs()["rule184"][0], "timeseries.h5")).open_road)


class ReadState(unittest.TestCase):
    def check_against_convoy(self, name):
        directory, log = runs()[name]
        run = convoy.open_run(directory)
        for snapshot in run.snapshots:
            state = convoy.read_state(snapshot.path)
            inspected = inspect(snapshot.path)
            self.assertEqual(state.digest_hex, inspected["digest"].split()[0])
            self.assertEqual(len(state.digest_hex), 16)
            self.assertEqual(state.digest, int(state.digest_hex, 16))
            self.assertEqual(state.cars, int(inspected["cars"]))
            self.assertEqual(int(state.occupancy.sum()), state.cars)
            self.assertEqual((state.cells, state.model, state.step), (RING, inspected["model"], snapshot.step))
            self.assertEqual(state.occupancy.dtype, np.uint8)
            self.assertEqual(len(state.occupancy), RING)
        final = convoy.read_state(run.checkpoints[-1].path)
        self.assertEqual(final.digest_hex, logged_digest(log))
        return run, final

    def test_rule184(self):
        run, final = self.check_against_convoy("rule184")
        self.assertIsNone(final.velocity)
        self.assertEqual(set(np.unique(final.occupancy)), {0, 1})

    def test_nasch_velocities(self):
        run, final = self.check_against_convoy("nasch")
        self.assertEqual(final.velocity.dtype, np.uint8)
        self.assertLessEqual(int(final.velocity.max()), 5)
        self.assertTrue(np.all(final.velocity[final.occupancy == 0] == 0))
        # With timeseries_every 1 the last row's distance is the sum of the velocities the cars moved
        # with in the last step, which are the velocities stored.
        path = os.path.join(run.path, "timeseries.h5")
        self.assertEqual(int(final.velocity.sum()), int(h5dump_values(path, "/distance")[-1]))
        for snapshot in run.snapshots:
            state = convoy.read_state(snapshot.path)
            self.assertEqual(int(state.velocity.sum()), int(h5dump_values(path, "/distance")[snapshot.step - 1]))

    def test_two_ranks_write_the_same_state(self):
        for name in ("rule184", "nasch"):
            one = convoy.read_state(convoy.open_run(runs()[name][0]).checkpoints[-1].path)
            two = convoy.read_state(convoy.open_run(runs()[f"{name}_2"][0]).checkpoints[-1].path)
            self.assertEqual(two.digest_hex, logged_digest(runs()[f"{name}_2"][1]))
            self.assertEqual(one.digest, two.digest)
            np.testing.assert_array_equal(one.occupancy, two.occupancy)

    def test_windows(self):
        for name in ("rule184", "nasch"):
            path = convoy.open_run(runs()[name][0]).snapshots[-1].path
            whole = convoy.read_state(path)
            for start, stop in ((0, 0), (0, 1), (63, 65), (64, 128), (100, 900), (999, 1000), (960, 1000), (0, RING)):
                window = convoy.read_state(path, start, stop)
                self.assertEqual((window.start, window.stop), (start, stop))
                np.testing.assert_array_equal(window.occupancy, whole.occupancy[start:stop])
                if whole.velocity is not None:
                    np.testing.assert_array_equal(window.velocity, whole.velocity[start:stop])
                self.assertEqual((window.digest, window.cars), (whole.digest, whole.cars))
            for start, stop in ((-1, 5), (5, 4), (0, RING + 1)):
                with self.assertRaises(convoy.ConvoyError):
                    convoy.read_state(path, start, stop)

    def test_wrong_files(self):
        with self.assertRaises(convoy.ConvoyError) as caught:
            convoy.read_state(os.path.join(runs()["rule184"][0], "timeseries.h5"))
        self.assertIn("timeseries", str(caught.exception))
        with self.assertRaises(convoy.ConvoyError):
            convoy.read_state(os.path.join(WORK, "missing.h5"))


class WriteRoad(unittest.TestCase):
    """Roads written here, run by convoy, read back: against the dynamics simulated in this test."""

    def test_rule184_from_bool_road(self):
        rng = np.random.default_rng(5)
        road = rng.random(777) < 0.45
        path = os.path.join(WORK, "road184.h5")
        convoy.write_road(path, road)
        np.testing.assert_array_equal(h5dump_values(path, "/road"), road.astype(float))
        steps = 120
        directory, log = run_convoy("from_road184", f"""model: {{type: rule184}}
init: {{from: {path}}}
run: {{steps: {steps}}}
output: {{timeseries_every: 1, detectors: [0, 300], snapshot_every: 60,
         spacetime: {{start: 700, width: 150, every: 3}}}}
""")
        history = simulation.rule184(road.astype(np.uint8), steps)
        run = convoy.open_run(directory)
        for snapshot in run.snapshots:
            state = convoy.read_state(snapshot.path)
            np.testing.assert_array_equal(state.occupancy, history.roads[snapshot.step])
            self.assertEqual(state.cars, int(road.sum()))  # a ring conserves cars
        np.testing.assert_array_equal(run.series.distance, history.moved)
        np.testing.assert_array_equal(run.detectors.counts, history.passed([0, 300]))
        window = run.spacetime
        columns = (700 + np.arange(150)) % 777
        np.testing.assert_array_equal(window.occupancy, history.roads[window.step][:, columns])

    def test_nasch_with_velocities(self):
        """Deterministic NaSch (p_brake 0): the velocities written are the ones convoy starts from."""
        rng = np.random.default_rng(6)
        cells, vmax, steps = 500, 4, 50
        road = (rng.random(cells) < 0.25).astype(np.int64)
        velocity = np.where(road == 1, rng.integers(0, vmax + 1, cells), 0)
        path = os.path.join(WORK, "road_nasch.h5")
        convoy.write_road(path, road, velocity, vmax=vmax)
        self.assertIn("matches", subprocess.run([TOOLS["convoy"], "inspect", path], capture_output=True,
                                                 text=True).stdout)
        directory, log = run_convoy("from_road_nasch", f"""model: {{type: nasch, vmax: {vmax}, p_brake: 0}}
init: {{from: {path}}}
run: {{steps: {steps}}}
output: {{timeseries_every: 1, snapshot_every: 25}}
""")
        history = simulation.nasch(road.astype(np.uint8), velocity.astype(np.uint8), vmax, steps)
        for snapshot in convoy.open_run(directory).snapshots:
            state = convoy.read_state(snapshot.path)
            np.testing.assert_array_equal(state.occupancy, history.roads[snapshot.step])
            np.testing.assert_array_equal(state.velocity, history.velocities[snapshot.step])
        np.testing.assert_array_equal(convoy.open_run(directory).series.distance, history.moved)

    def test_uint8_road_for_a_nasch_run(self):
        road = np.zeros(300, dtype=np.uint8)
        road[::3] = 1
        path = os.path.join(WORK, "road_uint8.h5")
        convoy.write_road(path, road)
        directory, log = run_convoy("from_uint8", f"""model: {{type: nasch, vmax: 5, p_brake: 0}}
init: {{from: {path}}}
run: {{steps: 10}}
output: {{timeseries_every: 1, snapshot_every: 10}}
""")
        history = simulation.nasch(road, np.zeros_like(road), 5, 10)  # cars start at velocity 0
        state = convoy.read_state(convoy.open_run(directory).snapshots[-1].path)
        np.testing.assert_array_equal(state.velocity, history.velocities[10])
        self.assertEqual(state.digest_hex, logged_digest(log))

    def test_refused(self):
        path = os.path.join(WORK, "refused.h5")
        cases = [(dict(occupancy=[0, 1, 2]), "0 or 1"), (dict(occupancy=[0.0, 1.0]), "dtype"),
                 (dict(occupancy=[[0, 1]]), "one-dimensional"), (dict(occupancy=[]), "non-empty"),
                 (dict(occupancy=[1, 0], velocity=[1, 0]), "vmax"),
                 (dict(occupancy=[1, 0], velocity=[6, 0], vmax=5), "exceeds vmax"),
                 (dict(occupancy=[1, 0], velocity=[1, 1], vmax=5), "empty cell"),
                 (dict(occupancy=[1, 0], velocity=[-1, 0], vmax=5), "negative"),
                 (dict(occupancy=[1, 0], vmax=5), "only used with velocity")]
        for arguments, message in cases:
            with self.assertRaises(ValueError, msg=str(arguments)) as caught:
                convoy.write_road(path, **arguments)
            self.assertIn(message, str(caught.exception))


class Stats(unittest.TestCase):
    def flow_json(self, *arguments):
        done = subprocess.run([TOOLS["flow"], "stats", *arguments, "--json"], capture_output=True, text=True,
                              check=True)
        return json.loads(done.stdout)

    def test_same_as_convoy_flow(self):
        directory = runs()["nasch"][0]
        run = convoy.open_run(directory)
        self.assertEqual(convoy.stats(run, flow_tool=TOOLS["flow"]), self.flow_json(directory))
        self.assertEqual(convoy.stats(os.path.join(directory, "timeseries.h5"), flow_tool=TOOLS["flow"],
                                      burn_in=50, cell_length=5.0),
                         self.flow_json(os.path.join(directory, "timeseries.h5"), "--burn-in", "50",
                                        "--cell-length", "5.0"))

    def test_tool_from_environment_and_path(self):
        directory = runs()["nasch"][0]
        expected = self.flow_json(directory, "--burn-in", "20")
        saved = dict(os.environ)
        try:
            os.environ["CONVOY_FLOW"] = TOOLS["flow"]
            self.assertEqual(convoy.stats(directory, burn_in=20), expected)
            del os.environ["CONVOY_FLOW"]
            os.environ["PATH"] = os.path.dirname(os.path.abspath(TOOLS["flow"])) + os.pathsep + saved["PATH"]
            self.assertEqual(convoy.stats(directory, burn_in=20), expected)
            os.environ["PATH"] = "/nonexistent"
            with self.assertRaises(convoy.ConvoyError):
                convoy.stats(directory)
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def test_failure_carries_convoy_flows_message(self):
        directory = runs()["rule184"][0]  # 20 rows: too few for the statistics
        with self.assertRaises(convoy.ConvoyError) as caught:
            convoy.stats(directory, flow_tool=TOOLS["flow"])
        self.assertIn("exit status 2", str(caught.exception))


class Documentation(unittest.TestCase):
    """The examples of docs/python.md, run in order in one namespace, beside a small runs/nasch."""

    def test_examples_run(self):
        directory = os.path.join(WORK, "docs")
        shutil.rmtree(directory, ignore_errors=True)  # a fresh run each time
        os.makedirs(directory)
        example = os.path.join(os.path.dirname(DOCS), os.pardir, "input", "nasch.yaml")
        done = subprocess.run([TOOLS["convoy"], "run", example, "--output", os.path.join(directory, "runs", "nasch"),
                               "--set", "road.cells=20000", "--set", "run.steps=600",
                               "--set", "output.snapshot_every=300",
                               "--set", "output.detectors=[0, 10000]"], capture_output=True, text=True, timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        with open(DOCS, encoding="utf-8") as stream:
            blocks = stream.read().split("```python\n")[1:]
        self.assertGreaterEqual(len(blocks), 4)
        saved_directory, saved_environment = os.getcwd(), dict(os.environ)
        namespace = {}
        try:
            os.chdir(directory)
            os.environ["CONVOY_FLOW"] = TOOLS["flow"]
            for block in blocks:
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(block.split("```", 1)[0], DOCS, "exec"), namespace)
        finally:
            os.chdir(saved_directory)
            os.environ.clear()
            os.environ.update(saved_environment)
        self.assertEqual(namespace["state"].model, "nasch")


class Installed(unittest.TestCase):
    def test_imported_from_the_venv(self):
        self.assertTrue(convoy.__file__.startswith(sys.prefix), convoy.__file__)
        header = os.path.join(os.path.dirname(convoy.__file__), "format.hpp")
        self.assertFalse(os.path.islink(header))
        self.assertEqual(convoy.file_format.TIMESERIES_FILE, "timeseries.h5")


def main():
    global WORK, DOCS
    parser = argparse.ArgumentParser(add_help=False)
    for name in ("convoy", "flow", "mpiexec", "work", "docs"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--mpiexec-flags", default="")
    parser.add_argument("--numproc-flag", default="-n")
    known, rest = parser.parse_known_args()
    TOOLS.update(convoy=os.path.abspath(known.convoy), flow=os.path.abspath(known.flow), mpiexec=known.mpiexec,
                 mpiexec_flags=known.mpiexec_flags, numproc_flag=known.numproc_flag)
    WORK, DOCS = os.path.abspath(known.work), os.path.abspath(known.docs)
    os.makedirs(WORK, exist_ok=True)
    os.environ.pop("CONVOY_FLOW", None)  # the tests choose how convoy-flow is found
    unittest.main(argv=[sys.argv[0], *rest])


if __name__ == "__main__":
    main()
