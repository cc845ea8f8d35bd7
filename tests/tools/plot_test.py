#!/usr/bin/python3
"""Tests of tools/convoy-plot: every figure from synthetic convoy files and convoy-flow JSON.

Usage: python3 tests/tools/plot_test.py --plot tools/convoy-plot [--keep DIR] [unittest args]
--keep DIR copies every figure into DIR to look at. The test that runs the real convoy-flow is
skipped unless the environment variable CONVOY_FLOW names its executable.
"""

import argparse
import contextlib
import importlib
import io
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np
from matplotlib import image as mpimg
from matplotlib.backends.backend_agg import FigureCanvasAgg

PLOT = None  # path of convoy-plot, from --plot
KEEP = None  # directory to copy the figures into, from --keep
PYTHON = sys.executable
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MODELS = {"rule184": "model:\n  type: rule184\n",
          "nasch": "model:\n  type: nasch\n  vmax: 5\n  p_brake: 0.25\n"}
CONFIG = "road:\n  cells: {cells}\n  boundary: periodic\n{model}"


# ---------------------------------------------------------------- synthetic convoy files

def root_attributes(handle, kind, cells, cars, model="rule184"):
    handle.attrs["kind"] = kind
    handle.attrs["convoy_version"] = "0.1.0"
    handle.attrs["config"] = CONFIG.format(cells=cells, model=MODELS[model])
    handle.attrs["cells"] = np.uint64(cells)
    handle.attrs["cars"] = np.uint64(cars)
    handle.attrs["model"] = model


def rule184_step(road):
    """One step of rule 184 on a ring: a car moves when the cell ahead is empty."""
    ahead, behind = np.roll(road, -1), np.roll(road, 1)
    return (road & ahead) | (behind & (1 - road))


def random_road(cells, cars, seed):
    road = np.zeros(cells, dtype=np.uint8)
    road[np.random.default_rng(seed).choice(cells, cars, replace=False)] = 1
    return road


def write_timeseries(path, rows=1000, every=10, cells=1000, cars=300, seed=1, model="rule184"):
    """A flow that relaxes from 0.2 to 0.3 with correlated noise, as convoy writes it."""
    rng = np.random.default_rng(seed)
    noise = np.zeros(rows)
    for j in range(1, rows):
        noise[j] = 0.9 * noise[j - 1] + rng.normal(0, 0.004)
    flow = 0.3 - 0.1 * np.exp(-np.arange(rows) / 40.0) + noise
    # No car moves more than one cell per step (convoy-flow refuses a mean velocity above 1).
    distance = np.minimum(np.round(flow * cells * every), cars * every).astype(np.int64)
    with h5py.File(path, "w") as handle:
        root_attributes(handle, "timeseries", cells, cars, model)
        handle.attrs["timeseries_every"] = np.uint64(every)
        handle["step"] = np.arange(1, rows + 1, dtype=np.int64) * every
        handle["distance"] = distance
        handle["flow"] = distance / (cells * every)
        handle["mean_velocity"] = distance / (cars * every)
        handle["detectors/position"] = np.array([0, cells // 2], dtype=np.int64)
        handle["detectors/count"] = np.minimum(rng.poisson(3.0, size=(rows, 2)), every).astype(np.int64)
    return path


def stats_json(path, rows=1000, every=10, burn_rows=120, mean=0.3, error=0.0008):
    data = {
        "command": "stats", "file": "timeseries.h5", "model": "rule184", "cells": 1000, "cars": 300,
        "density": 0.3, "timeseries_every": every, "rows": rows, "last_step": rows * every,
        "burn_in": {"rows": burn_rows, "steps": burn_rows * every, "method": "mser", "settled": True},
        "units": {"cell_length_m": 7.5, "step_seconds": 1.0},
        "quantities": [quantity("flow", mean, error, "cars/step", "vehicles/h", 3600.0),
                       quantity("mean_velocity", mean / 0.3, error / 0.3, "cells/step", "km/h", 27.0),
                       dict(quantity("detector 500", mean, error * 3, "cars/step", "vehicles/h", 3600.0),
                            position=500)]}
    write_json(path, data)
    return path


def quantity(name, mean, error, unit, physical_unit, factor):
    return {"name": name, "unit": unit, "physical_unit": physical_unit, "mean": mean,
            "standard_error": error, "physical_mean": mean * factor,
            "physical_standard_error": error * factor, "naive_error": error / 5,
            "blocking_error": error, "blocking_converged": True, "tau_int": 12.5,
            "tau_int_error": 1.1, "window": 75, "window_converged": True,
            "effective_samples": 195.2, "samples": 880}


def diagram_json(path, model="rule184", exact=True, seed=2, offset=0.0):
    rng = np.random.default_rng(seed)
    runs = []
    for density in np.round(np.arange(0.05, 1.0, 0.05), 2):
        exact_flow = min(density, 1 - density)
        error = 0.002 + 0.01 * math.exp(-abs(density - 0.5) * 20)
        flow = max(0.0, exact_flow - offset * density * density + rng.normal(0, error / 2))
        runs.append({"directory": f"runs/d{density}", "density": float(density), "cells": 1000,
                     "cars": int(density * 1000), "flow": flow, "flow_error": error,
                     "velocity": flow / density, "velocity_error": error / density,
                     "steps_used": 4880, "burn_in_steps": 120,
                     "exact_flow": exact_flow if exact else None,
                     "deviation_sigmas": (flow - exact_flow) / error if exact else None})
    write_json(path, {"command": "diagram", "model": model,
                      "exact_curve": "min(density, 1 - density)" if exact else None, "runs": runs})
    return path


def tasep_current(alpha, beta, p):
    """The exact current of the parallel TASEP, written out again here (docs/model.md "Open roads")."""
    critical = 1 - math.sqrt(1 - p)
    if alpha >= critical and beta >= critical:
        return critical / 2, "maximal current"
    if alpha < beta:
        return alpha * (p - alpha) / (p - alpha * alpha), "low density"
    return beta * (p - beta) / (p - beta * beta), "high density"


def phase_json(path, model="nasch", p=0.75, exact=True, alphas=(0.1, 0.3, 0.5, 0.7, 0.9),
               betas=(0.1, 0.3, 0.5, 0.7, 0.9), outliers=(), unsettled=(), warnings=()):
    """`convoy-flow phase --json` of a campaign over alphas x betas: the exact current plus deterministic
    noise of at most half an error bar, 6 error bars more at the (alpha, beta) of `outliers`. Without
    `exact`, a NaSch road with vmax 5, where no exact solution is known (nulls)."""
    rows = []
    for alpha in alphas:
        for beta in betas:
            exact_current, phase = tasep_current(alpha, beta, p)
            error = 0.0008 + 0.002 * alpha * beta
            current = exact_current + 0.5 * error * math.sin(17 * alpha + 29 * beta)
            if (alpha, beta) in outliers:
                current += 6 * error
            density = 0.5 if phase == "maximal current" else (0.2 if phase == "low density" else 0.8)
            rows.append({"directory": f"runs/phase/road.alpha_{alpha}/road.beta_{beta}", "alpha": alpha,
                         "beta": beta, "cells": 1000, "density": density, "density_error": 0.003,
                         "current": current, "current_error": error, "steps_used": 98000,
                         "burn_in_steps": 2000, "exact_current": exact_current if exact else None,
                         "phase": phase if exact else None,
                         "deviation_sigmas": (current - exact_current) / error if exact else None,
                         "settled": (alpha, beta) not in unsettled})
    nasch = model == "nasch"
    vmax = (1 if exact else 5) if nasch else None
    critical = 1 - math.sqrt(1 - p)
    write_json(path, {"command": "phase", "model": model, "vmax": vmax,
                      "p_brake": round(1 - p, 12) if nasch else None, "p_slow": round(1 - p, 12) if nasch else None,
                      "hop_probability": p if exact else None, "critical_rate": critical if exact else None,
                      "rows": rows, "warnings": list(warnings)})
    return path


def jams_json(path):
    counts = {length: int(2000 * 0.55 ** length) for length in range(1, 15)}
    lengths = [{"length": k, "count": v} for k, v in counts.items() if v > 0]
    jams = sum(entry["count"] for entry in lengths)
    stopped = sum(entry["length"] * entry["count"] for entry in lengths)
    files = [{"file": f"runs/x/snapshots/snapshot_{step:012d}.h5", "step": step, "cells": 100000,
              "cars": 52000, "stopped_cars": stopped // 2, "stopped_fraction": stopped / 2 / 52000,
              "jams": jams // 2, "mean_jam_length": stopped / jams, "largest_jam": 14,
              "jam_lengths": lengths} for step in (1000, 2000)]
    write_json(path, {"command": "jams", "files": files,
                      "total": {"stopped_cars": stopped, "cars": 104000,
                                "stopped_fraction": stopped / 104000, "jams": jams,
                                "jam_lengths": lengths}})
    return path


def write_spacetime(path, cells=400, cars=220, start=300, width=200, every=1, rows=2500, seed=3,
                    model="rule184"):
    """A real rule-184 evolution; the window [300, 500) wraps around the ring of 400 cells."""
    road = random_road(cells, cars, seed)
    occupancy = np.empty((rows, width), dtype=np.uint8)
    columns = (start + np.arange(width)) % cells
    for row in range(rows):
        occupancy[row] = road[columns]
        for _ in range(every):
            road = rule184_step(road)
    with h5py.File(path, "w") as handle:
        root_attributes(handle, "spacetime", cells, cars, model)
        handle.attrs["start"] = np.uint64(start)
        handle.attrs["width"] = np.uint64(width)
        handle.attrs["every"] = np.uint64(every)
        handle["step"] = np.arange(rows, dtype=np.int64) * every
        handle["occupancy"] = occupancy
    return path


def write_snapshot(path, cells=4096, cars=2500, step=1000, seed=None):
    """A rule-184 road (a random one per step unless `seed` is given), with convoy's digest (from
    the convoy package, which convoy-plot reads through) so that the real convoy-flow accepts it."""
    road = random_road(cells, cars, step if seed is None else seed)
    for _ in range(200):
        road = rule184_step(road)
    padded = np.zeros(-(-cells // 64) * 64, dtype=np.uint8)
    padded[:cells] = road
    with h5py.File(path, "w") as handle:
        root_attributes(handle, "snapshot", cells, cars)
        handle.attrs["step"] = np.uint64(step)
        words = np.packbits(padded, bitorder="little").view("<u8")
        handle.attrs["digest"] = np.uint64(convoyplot_module("common").convoy.digest.state_digest(cells, words))
        handle.attrs["encoding"] = "bits-v1: cell i is bit (i mod 64) of 64-bit word (i / 64) of /road"
        handle["road"] = words
        handle["density_profile"] = road.reshape(64, -1).mean(axis=1).astype(np.float32)
    return path


def write_json(path, data):
    with open(path, "w", encoding="utf-8") as stream:
        json.dump(data, stream, indent=1)


def write_fake_flow_tool(path, output_json=None, fail_message=None, per_command=None):
    """A stand-in for convoy-flow: records its arguments (the last call's), then prints output_json
    (or per_command[its command]) or fails."""
    script = f"""#!{PYTHON}
import sys
with open({path + '.argv'!r}, "w") as stream:
    stream.write("\\n".join(sys.argv[1:]))
if {fail_message!r} is not None:
    print({fail_message!r}, file=sys.stderr)
    sys.exit(2)
sys.stdout.write(open(({per_command!r} or {{}}).get(sys.argv[1], {output_json!r})).read())
"""
    with open(path, "w") as stream:
        stream.write(script)
    os.chmod(path, 0o755)
    return path


# ---------------------------------------------------------------- checks

def convoyplot_module(name):
    """convoyplot.<name> of the convoy-plot under test, with the convoy package it reads through
    (tools/ and tools/python/ of the source tree, or share/convoy/python where installed)."""
    here = os.path.dirname(PLOT)
    for directory in (os.path.join(here, os.pardir, "share", "convoy", "python"), os.path.join(here, "python"), here):
        if directory not in sys.path:
            sys.path.insert(0, directory)
    sys.dont_write_bytecode = True
    return importlib.import_module(f"convoyplot.{name}")


def draw(*arguments):
    """The figure convoy-plot would save for these arguments, and what it printed on stderr."""
    cli, common = convoyplot_module("cli"), convoyplot_module("common")
    common.SCRIPT_DIR = os.path.dirname(PLOT)
    args = cli.make_parser().parse_args(list(arguments))
    warnings = io.StringIO()
    with contextlib.redirect_stderr(warnings):
        figure = args.draw(args)
    return figure, warnings.getvalue()


def file_head(path, size=64):
    with open(path, "rb") as stream:
        return stream.read(size)


def png_dimensions(path):
    with open(path, "rb") as stream:
        head = stream.read(24)
    if head[:8] != PNG_SIGNATURE or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


class PlotTestCase(unittest.TestCase):
    def setUp(self):
        self.temporary = tempfile.TemporaryDirectory(prefix="convoy-plot-test-")
        self.directory = self.temporary.name
        self.addCleanup(self.temporary.cleanup)

    def path(self, name):
        return os.path.join(self.directory, name)

    def plot(self, *arguments, cwd=None):
        return subprocess.run([PYTHON, PLOT, *arguments], capture_output=True, text=True,
                              cwd=cwd or self.directory, timeout=120)

    def assert_figure(self, arguments, output, width, height):
        """Runs convoy-plot and checks that it wrote a real, non-blank PNG of the given size."""
        done = self.plot(*arguments)
        self.assertEqual(done.returncode, 0, f"convoy-plot {' '.join(arguments)}:\n{done.stderr}")
        self.assertEqual(done.stderr, "", "no warnings expected")
        self.assertIn(f"wrote {output}", done.stdout)
        path = output if os.path.isabs(output) else self.path(output)
        self.assertTrue(os.path.isfile(path), f"{path} not written")
        with open(path, "rb") as stream:
            self.assertEqual(stream.read(8), PNG_SIGNATURE)
        size = os.path.getsize(path)
        self.assertGreater(size, 10_000, f"{path}: {size} bytes, suspiciously small")
        self.assertLess(size, 2_000_000, f"{path}: {size} bytes, too large")
        self.assertEqual(png_dimensions(path), (width, height))
        pixels = mpimg.imread(path)[:, :, :3]
        self.assertEqual(pixels.shape[:2], (height, width))
        # The plotting area (the middle of the image, away from labels and titles) holds dark ink.
        middle = pixels[height // 5: 4 * height // 5, width // 5: 4 * width // 5]
        luminance = middle @ np.array([0.299, 0.587, 0.114])
        self.assertGreater(np.count_nonzero(luminance < 0.6), 50, "plotting area is blank")
        colours = np.unique(pixels.reshape(-1, 3), axis=0)
        self.assertGreater(len(colours), 2, "the picture has at most two colours")
        if KEEP:
            shutil.copy(path, os.path.join(KEEP, f"{self.id().split('.')[-1]}-{os.path.basename(path)}"))
        return done

    def assert_user_error(self, arguments, *expected_in_message):
        done = self.plot(*arguments)
        self.assertEqual(done.returncode, 2, f"stdout: {done.stdout}\nstderr: {done.stderr}")
        self.assertNotIn("Traceback", done.stderr)
        lines = done.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, f"expected one line on stderr, got:\n{done.stderr}")
        self.assertTrue(lines[0].startswith("convoy-plot: "), lines[0])
        for text in expected_in_message:
            self.assertIn(text, lines[0])
        return lines[0]


# ---------------------------------------------------------------- figures

class FlowFigure(PlotTestCase):
    def test_flow_from_run_directory_with_stats_json(self):
        run = self.path("run")
        os.mkdir(run)
        write_timeseries(os.path.join(run, "timeseries.h5"))
        stats = stats_json(self.path("stats.json"))
        self.assert_figure(["flow", run, "--stats", stats, "--dpi", "100"], "flow.png", 1000, 550)

    def test_long_series_is_decimated(self):
        series = write_timeseries(self.path("timeseries.h5"), rows=50_000, every=1)
        stats = stats_json(self.path("stats.json"), rows=50_000, every=1, burn_rows=400)
        self.assert_figure(["flow", series, "--stats", stats, "--dpi", "100", "-o", "long.png",
                            "--title", "a long series"], "long.png", 1000, 550)

    def test_mean_velocity_in_physical_units(self):
        series = write_timeseries(self.path("timeseries.h5"))
        stats = stats_json(self.path("stats.json"))
        self.assert_figure(["flow", series, "--stats", stats, "--quantity", "mean_velocity",
                            "--cell-length", "7.5", "--step-seconds", "1", "--dpi", "80", "-o", "v.png"],
                           "v.png", 800, 440)

    def test_stats_from_convoy_flow_subprocess(self):
        series = write_timeseries(self.path("timeseries.h5"))
        tool = write_fake_flow_tool(self.path("convoy-flow"), output_json=stats_json(self.path("s.json")))
        self.assert_figure(["flow", series, "--flow-tool", tool, "--step-seconds", "0.5", "--dpi", "100"],
                           "flow.png", 1000, 550)
        with open(tool + ".argv") as stream:
            argv = stream.read().split("\n")
        self.assertEqual(argv[:2], ["stats", series])
        self.assertIn("--json", argv)
        self.assertEqual(argv[argv.index("--step-seconds") + 1], "0.5")

    def test_open_road_with_its_exact_current(self):
        """The exact current convoy-flow names for an open road is a line, in the units of the plot."""
        series = write_timeseries(self.path("timeseries.h5"))
        stats_path = stats_json(self.path("stats.json"))
        with open(stats_path) as stream:
            data = json.load(stream)
        data["open_road"] = {"alpha": 0.2, "beta": 0.9, "exact_current": 0.154929577,
                             "phase": "low density",
                             "exact_current_formula": "alpha (p - alpha) / (p - alpha^2), p = 0.75"}
        write_json(stats_path, data)
        figure, _ = draw("flow", series, "--stats", stats_path, "--step-seconds", "1")
        axes = figure.axes[0]
        legend = [text.get_text() for text in axes.get_legend().get_texts()]
        exact = [label for label in legend if label.startswith("exact current")]
        self.assertEqual(exact, ["exact current (low density): 557.746, alpha (p - alpha) / (p - alpha^2), p = 0.75"])
        line = [line for line in axes.get_lines() if line.get_label() == exact[0]][0]
        self.assertAlmostEqual(line.get_ydata()[0], 0.154929577 * 3600)  # vehicles/h at one step a second
        self.assertIn("open road, alpha 0.2, beta 0.9", axes.get_title())
        # A ring road's stats have no such line.
        figure, _ = draw("flow", series, "--stats", stats_json(self.path("ring.json")))
        self.assertFalse([text for text in figure.axes[0].get_legend().get_texts()
                          if text.get_text().startswith("exact current")])

    def test_output_overwritten(self):
        series = write_timeseries(self.path("timeseries.h5"))
        stats = stats_json(self.path("stats.json"))
        with open(self.path("flow.png"), "wb") as stream:
            stream.write(b"old")
        self.assert_figure(["flow", series, "--stats", stats, "--dpi", "100"], "flow.png", 1000, 550)


class DiagramFigure(PlotTestCase):
    def test_one_series_with_exact_curve(self):
        data = diagram_json(self.path("diagram.json"))
        self.assert_figure(["diagram", "--json", data, "--dpi", "100"], "diagram.png", 800, 550)

    def test_two_series_labels_and_velocity_panel(self):
        first = diagram_json(self.path("a.json"))
        second = diagram_json(self.path("b.json"), model="nasch", exact=False, seed=5, offset=0.3)
        self.assert_figure(["diagram", "--json", first, "--json", second, "--label", "rule 184",
                            "--label", "Nagel-Schreckenberg", "--with-velocity", "--dpi", "100",
                            "-o", "both.png"], "both.png", 1400, 550)

    def test_directories_via_convoy_flow_subprocess(self):
        runs = []
        for name in ("d0.2", "d0.6"):
            os.mkdir(self.path(name))
            runs.append(self.path(name))
        tool = write_fake_flow_tool(self.path("convoy-flow"), output_json=diagram_json(self.path("d.json")))
        self.assert_figure(["diagram", *runs, "--flow-tool", tool, "--dpi", "100"], "diagram.png", 800, 550)
        with open(tool + ".argv") as stream:
            self.assertEqual(stream.read().split("\n"), ["diagram", *runs, "--json"])


class NaschExactCurves(unittest.TestCase):
    """The NaSch curve texts of convoy-flow are turned into the right functions (the formulas are
    written out here again, from the issue and docs/analysis.md)."""

    def setUp(self):
        self.diagram = convoyplot_module("diagram")

    def test_deterministic_curve(self):
        flow, label, _ = self.diagram.nasch_curve("min(vmax d, 1 - d), vmax = 5")
        for d in (0.05, 1 / 6, 0.3, 0.9):
            self.assertAlmostEqual(float(flow(np.array(d))), min(5 * d, 1 - d), places=12)
        self.assertIn("5", label)

    def test_vmax_one_curve(self):
        flow, _, _ = self.diagram.nasch_curve("(1 - sqrt(1 - 4 q d (1 - d))) / 2, q = 0.75")
        for d in (0.1, 0.5, 0.8):
            self.assertAlmostEqual(float(flow(np.array(d))), (1 - math.sqrt(1 - 3 * d * (1 - d))) / 2, places=12)

    def test_unknown_curve(self):
        self.assertIsNone(self.diagram.nasch_curve("min(density, 1 - density)"))
        self.assertIsNone(self.diagram.nasch_curve("something else"))


class PhaseFigure(PlotTestCase):
    def test_from_json_with_exact_solution(self):
        data = phase_json(self.path("phase.json"))
        self.assert_figure(["phase", "--json", data, "--dpi", "100"], "phase.png", 1400, 600)

    def test_without_exact_solution(self):
        data = phase_json(self.path("phase.json"), exact=False)
        self.assert_figure(["phase", "--json", data, "--dpi", "100", "-o", "none.png"], "none.png", 1400, 600)
        figure, warnings = draw("phase", "--json", data)
        self.assertEqual(warnings, "")
        self.assertIn("no exact solution known", figure._suptitle.get_text())
        self.assertEqual([text.get_text() for text in figure.axes[0].texts], [])

    def test_rule184_with_one_alpha(self):
        data = phase_json(self.path("phase.json"), model="rule184", p=1.0, alphas=(0.3,),
                          betas=(0.1, 0.2, 0.4, 0.9))
        self.assert_figure(["phase", "--json", data, "--dpi", "80", "-o", "one.png"], "one.png", 1120, 480)

    def test_directories_via_convoy_flow_subprocess(self):
        runs = []
        for name in ("road.alpha_0.1", "road.alpha_0.3"):
            os.mkdir(self.path(name))
            runs.append(self.path(name))
        tool = write_fake_flow_tool(self.path("convoy-flow"), output_json=phase_json(self.path("p.json")))
        self.assert_figure(["phase", *runs, "--flow-tool", tool, "--dpi", "100"], "phase.png", 1400, 600)
        with open(tool + ".argv") as stream:
            self.assertEqual(stream.read().split("\n"), ["phase", *runs, "--json"])
        self.assert_figure(["phase", *runs, "--flow-tool", tool, "--burn-in", "500", "--dpi", "100"],
                           "phase.png", 1400, 600)
        with open(tool + ".argv") as stream:
            self.assertEqual(stream.read().split("\n"), ["phase", "--burn-in", "500", *runs, "--json"])

    def test_what_the_figure_says(self):
        """The boundaries meet at (a_c, a_c); the phases are named; the title names the model and p."""
        data = phase_json(self.path("phase.json"))
        figure, _ = draw("phase", "--json", data)
        plane = figure.axes[0]
        segments = sorted(tuple(map(tuple, np.round(line.get_xydata(), 9))) for line in plane.get_lines())
        self.assertEqual(segments, [((0, 0), (0.5, 0.5)), ((0.5, 0.5), (0.5, 1)), ((0.5, 0.5), (1, 0.5))])
        self.assertEqual(sorted(text.get_text() for text in plane.texts),
                         ["high density", "low density", "maximal current"])
        title = figure._suptitle.get_text()
        self.assertIn("nasch, vmax 1, p_brake 0.25", title)
        self.assertIn("p = 0.75", title)
        self.assertEqual(plane.get_xlabel(), "entry rate α")
        self.assertEqual(plane.get_ylabel(), "exit rate β")
        self.assertEqual(plane.get_xlim(), (0, 1))
        self.assertEqual([axes.get_ylabel() for axes in plane.child_axes], ["current J (cars per step)"])
        # The second panel: one series per alpha, and an exact line of each alpha over beta in [0, 1]
        # that holds a_c / 2 = 0.25 at alpha = 0.9 and large beta.
        current = figure.axes[1]
        legend = [text.get_text() for text in current.get_legend().get_texts()]
        self.assertEqual([label for label in legend if label.startswith("α")],
                         [f"α = {a} (5 runs)" for a in (0.1, 0.3, 0.5, 0.7, 0.9)])
        exact = [line for line in current.get_lines() if len(line.get_xdata()) > 100]
        self.assertEqual(len(exact), 5)
        self.assertEqual((exact[0].get_xdata()[0], exact[0].get_xdata()[-1]), (0, 1))
        self.assertAlmostEqual(exact[-1].get_ydata()[-1], 0.25, places=12)
        self.assertAlmostEqual(exact[0].get_ydata()[-1], 0.1 * 0.65 / 0.74, places=12)

    def test_outliers_outlined_red(self):
        data = phase_json(self.path("phase.json"), outliers={(0.3, 0.7), (0.9, 0.9)})
        figure, warnings = draw("phase", "--json", data)
        self.assertEqual(warnings, "")
        red = [patch for patch in figure.axes[0].patches if patch.get_edgecolor()[:3] == (1, 0, 0)]
        centres = sorted((round(p.get_x() + p.get_width() / 2, 9), round(p.get_y() + p.get_height() / 2, 9))
                         for p in red)
        self.assertEqual(centres, [(0.3, 0.7), (0.9, 0.9)])
        self.assertIn("> 3σ from the exact current (2)",
                      [text.get_text() for text in figure.axes[0].get_legend().get_texts()])

    def test_unsettled_and_convoy_flow_warnings(self):
        data = phase_json(self.path("phase.json"), unsettled={(0.5, 0.1)},
                          warnings=["runs/phase/road.alpha_0.5/road.beta_0.1: the series has not reached a "
                                    "steady state; run longer"])
        figure, warnings = draw("phase", "--json", data)
        self.assertIn("1 run(s) have not settled", warnings)
        self.assertIn("runs/phase/road.alpha_0.5/road.beta_0.1", warnings)
        self.assertIn("convoy-flow: runs/phase/road.alpha_0.5/road.beta_0.1: the series has not", warnings)
        hatched = [patch for patch in figure.axes[0].patches if patch.get_hatch()]
        self.assertEqual([(round(p.get_x() + p.get_width() / 2, 9), round(p.get_y() + p.get_height() / 2, 9))
                          for p in hatched], [(0.5, 0.1)])
        self.assertIn("not settled", figure._suptitle.get_text())
        many = phase_json(self.path("many.json"), warnings=[f"warning {i}" for i in range(8)])
        _, warnings = draw("phase", "--json", many)
        self.assertEqual(warnings.count("convoy-flow: warning"), 5)
        self.assertIn("and 3 more warnings of convoy-flow", warnings)

    def test_exact_current_of_convoy_flow_checked(self):
        data = phase_json(self.path("phase.json"))
        with open(data, encoding="utf-8") as stream:
            phase = json.load(stream)
        phase["rows"][3]["exact_current"] += 0.01
        write_json(data, phase)
        _, warnings = draw("phase", "--json", data)
        self.assertIn(phase["rows"][3]["directory"], warnings)
        self.assertIn("differs from the one computed here", warnings)

    def test_user_errors(self):
        wrong = diagram_json(self.path("diagram.json"))
        line = self.assert_user_error(["phase", "--json", wrong], wrong, "convoy-flow phase")
        self.assertIn("'diagram'", line)
        empty = phase_json(self.path("empty.json"), alphas=())
        self.assert_user_error(["phase", "--json", empty], empty, "no rows")
        outside = phase_json(self.path("outside.json"), alphas=(1.5,))
        self.assert_user_error(["phase", "--json", outside], outside, "alpha 1.5")
        self.assert_user_error(["phase"], "run directories or --json")
        self.assert_user_error(["phase", self.path("nowhere")], self.path("nowhere"), "no such directory")
        self.assert_user_error(["phase", "--json", wrong, "--burn-in", "10"], "--burn-in")
        done = self.plot("phase", "--help")
        self.assertEqual(done.returncode, 0)
        self.assertIn("--output", done.stdout)


class PhaseExactCurrent(unittest.TestCase):
    """exact_current of convoy-plot phase against values worked out by hand (p = 0.75: a_c = 1/2)."""

    def setUp(self):
        self.exact_current = convoyplot_module("phase").exact_current

    def test_the_three_phases(self):
        # Low density: 0.2 (0.75 - 0.2) / (0.75 - 0.04) = 0.11 / 0.71.
        self.assertAlmostEqual(self.exact_current(0.2, 0.9, 0.75), 0.11 / 0.71, places=14)
        self.assertAlmostEqual(self.exact_current(0.2, 0.9, 0.75), 0.154929577, places=9)
        # High density, the mirror image.
        self.assertAlmostEqual(self.exact_current(0.9, 0.2, 0.75), 0.11 / 0.71, places=14)
        self.assertAlmostEqual(self.exact_current(0.9, 0.3, 0.75), 0.3 * 0.45 / 0.66, places=14)
        # Maximal current: a_c / 2.
        self.assertEqual(self.exact_current(0.8, 0.9, 0.75), 0.25)
        self.assertEqual(self.exact_current(0.5, 0.5, 0.75), 0.25)
        # Rule 184 (p = 1, a_c = 1): J = alpha / (1 + alpha), and 1/2 at alpha = beta = 1.
        self.assertAlmostEqual(self.exact_current(0.3, 0.9, 1.0), 0.3 / 1.3, places=14)
        self.assertEqual(self.exact_current(1.0, 1.0, 1.0), 0.5)
        # p = 0.5: a_c = 1 - sqrt(1/2), the maximal current (1 - sqrt(1/2)) / 2 = 0.14645 (docs/model.md).
        self.assertAlmostEqual(self.exact_current(0.7, 0.5, 0.5), (1 - math.sqrt(0.5)) / 2, places=14)

    def test_continuous_across_the_boundaries(self):
        # The low-density current reaches a_c / 2 at a_c: with s = sqrt(1 - p), a_c = 1 - s and p = 1 - s^2,
        # a_c (p - a_c) / (p - a_c^2) = (1 - s) s (1 - s) / (2 s (1 - s)) = (1 - s) / 2. Numerically too:
        for p in (0.1, 0.5, 0.75, 0.9, 0.99):
            critical = 1 - math.sqrt(1 - p)
            self.assertAlmostEqual(critical * (p - critical) / (p - critical ** 2), critical / 2, places=14)
        epsilon = 1e-9
        for p in (0.1, 0.5, 0.75, 0.99):
            critical = 1 - math.sqrt(1 - p)
            for below, above in (((critical - epsilon, 0.95), (critical + epsilon, 0.95)),  # alpha = a_c
                                 ((0.95, critical - epsilon), (0.95, critical + epsilon)),  # beta = a_c
                                 ((0.3 * critical, 0.3 * critical - epsilon),               # alpha = beta
                                  (0.3 * critical, 0.3 * critical + epsilon))):
                self.assertAlmostEqual(self.exact_current(*below, p), self.exact_current(*above, p), delta=1e-6)
        # Along beta at alpha = 0.9 (p = 0.75) the values never jump.
        beta = np.linspace(0, 1, 100001)
        values = self.exact_current(0.9, beta, 0.75)
        self.assertEqual(values.shape, beta.shape)
        self.assertLess(np.abs(np.diff(values)).max(), 1e-4)
        self.assertEqual(values[-1], 0.25)


class InstalledLayout(unittest.TestCase):
    def test_installed_header_is_a_file(self):
        """Where convoy-plot is installed, the package's format header is a copy, not a symlink."""
        installed = os.path.join(os.path.dirname(PLOT), os.pardir, "share", "convoy", "python", "convoy")
        if not os.path.isdir(installed):
            self.skipTest("convoy-plot of the source tree")
        header = os.path.join(installed, "format.hpp")
        self.assertTrue(os.path.isfile(header) and not os.path.islink(header), header)


class SpacetimeFigure(PlotTestCase):
    def test_subsampled_wrapping_window(self):
        data = write_spacetime(self.path("spacetime.h5"))
        self.assert_figure(["spacetime", data, "--dpi", "100"], "spacetime.png", 800, 800)

    def test_run_directory_all_rows(self):
        os.mkdir(self.path("run"))
        write_spacetime(self.path("run/spacetime.h5"), rows=300, start=0, width=400)
        self.assert_figure(["spacetime", self.path("run"), "--max-rows", "500", "--dpi", "100",
                            "-o", "all.png"], "all.png", 800, 800)

    def test_wide_window_is_block_averaged(self):
        data = write_spacetime(self.path("spacetime.h5"), cells=9000, cars=4000, start=0, width=9000,
                               rows=200)
        self.assert_figure(["spacetime", data, "--dpi", "100"], "spacetime.png", 800, 800)


class JamsFigure(PlotTestCase):
    def test_counts_from_json(self):
        data = jams_json(self.path("jams.json"))
        self.assert_figure(["jams", "--json", data, "--dpi", "100"], "jams.png", 800, 550)

    def test_probability_via_convoy_flow_subprocess(self):
        snapshots = [write_snapshot(self.path(f"snapshot_{s:012d}.h5"), step=s) for s in (1000, 2000)]
        tool = write_fake_flow_tool(self.path("convoy-flow"), output_json=jams_json(self.path("j.json")))
        self.assert_figure(["jams", *snapshots, "--flow-tool", tool, "--probability", "--dpi", "100"],
                           "jams.png", 800, 550)
        with open(tool + ".argv") as stream:
            self.assertEqual(stream.read().split("\n"), ["jams", *snapshots, "--json"])


# ---------------------------------------------------------------- what the figures say

class OutputFormats(PlotTestCase):
    """-o's extension chooses the format."""

    MAGIC = {"png": PNG_SIGNATURE, "pdf": b"%PDF-"}

    def test_png_pdf_svg(self):
        data = jams_json(self.path("jams.json"))
        for extension in ("png", "pdf", "svg"):
            done = self.plot("jams", "--json", data, "-o", f"jams.{extension}")
            self.assertEqual(done.returncode, 0, done.stderr)
            head = file_head(self.path(f"jams.{extension}"), 400)
            if extension == "svg":
                self.assertTrue(head.startswith(b"<?xml") and b"<svg" in head, head[:80])
            else:
                self.assertTrue(head.startswith(self.MAGIC[extension]), head[:8])

    def test_unknown_extension(self):
        data = jams_json(self.path("jams.json"))
        self.assert_user_error(["jams", "--json", data, "-o", "jams.bmp"], "jams.bmp", ".png, .pdf or .svg")


def runs_with_settled(path, unsettled_densities):
    """A diagram JSON whose runs at the given densities have not settled."""
    diagram_json(path)
    with open(path, encoding="utf-8") as stream:
        data = json.load(stream)
    for run in data["runs"]:
        run["settled"] = run["density"] not in unsettled_densities
    write_json(path, data)
    return path


def hollow_points(figure):
    """(density, flow) of every hollow marker of the figure's first axes."""
    points = []
    for line in figure.axes[0].get_lines():
        if line.get_marker() not in (None, "None", "") and line.get_markerfacecolor() == "none":
            points += list(zip(line.get_xdata(), line.get_ydata()))
    return points


class UnsettledRuns(PlotTestCase):
    def test_hollow_markers_and_warning(self):
        data = runs_with_settled(self.path("d.json"), {0.5, 0.55})
        figure, warnings = draw("diagram", "--json", data)
        self.assertEqual(sorted(round(d, 2) for d, _ in hollow_points(figure)), [0.5, 0.55])
        self.assertIn("2 run(s) have not settled", warnings)
        self.assertIn("runs/d0.5,", warnings)
        self.assertIn("runs/d0.55", warnings)
        done = self.plot("diagram", "--json", data)
        self.assertEqual(done.returncode, 0)
        self.assertIn("hollow markers", done.stderr)

    def test_all_settled_no_warning(self):
        data = runs_with_settled(self.path("d.json"), set())
        figure, warnings = draw("diagram", "--json", data)
        self.assertEqual(hollow_points(figure), [])
        self.assertEqual(warnings, "")


class FlowBurnIn(PlotTestCase):
    def test_burn_in_passed_to_convoy_flow(self):
        series = write_timeseries(self.path("timeseries.h5"), rows=100, every=1)
        stats = stats_json(self.path("s.json"), rows=100, every=1, burn_rows=10)
        tool = write_fake_flow_tool(self.path("convoy-flow"), output_json=stats)
        self.assert_figure(["flow", series, "--flow-tool", tool, "--burn-in", "10", "--dpi", "100"],
                           "flow.png", 1000, 550)
        with open(tool + ".argv") as stream:
            argv = stream.read().split("\n")
        self.assertEqual(argv[argv.index("--burn-in") + 1], "10")

    def test_burn_in_with_stats_refused(self):
        series = write_timeseries(self.path("timeseries.h5"))
        self.assert_user_error(["flow", series, "--stats", stats_json(self.path("s.json")), "--burn-in", "10"],
                               "--burn-in")

    def test_label_outside_the_axes(self):
        """The burn-in's label sits above the plotting area, so it hides no data."""
        series = write_timeseries(self.path("timeseries.h5"))
        for burn_rows in (3, 120, 900):  # narrow, ordinary, most of the series
            stats = stats_json(self.path("s.json"), burn_rows=burn_rows)
            figure, _ = draw("flow", series, "--stats", stats)
            canvas = FigureCanvasAgg(figure)
            canvas.draw()  # lays the figure out as saving it would
            renderer = canvas.get_renderer()
            axes = figure.axes[0]
            labels = [text for text in axes.texts if text.get_gid() == "burn-in-label"]
            self.assertEqual(len(labels), 1)
            self.assertGreaterEqual(labels[0].get_window_extent(renderer).y0,
                                    axes.get_window_extent(renderer).y1 - 0.5)
            self.assertLess(labels[0].get_window_extent(renderer).y1,
                            axes.title.get_window_extent(renderer).y0 + 0.5, "label under the title")


class NaschParameters(PlotTestCase):
    """NaSch figures name vmax and p_brake."""

    def assert_named(self, text):
        self.assertIn("vmax 5", text)
        self.assertIn("p_brake 0.25", text)

    def test_flow(self):
        series = write_timeseries(self.path("timeseries.h5"), model="nasch")
        figure, _ = draw("flow", series, "--stats", stats_json(self.path("s.json")))
        self.assert_named(figure.axes[0].get_title())

    def test_spacetime(self):
        data = write_spacetime(self.path("spacetime.h5"), rows=50, model="nasch")
        figure, _ = draw("spacetime", data)
        self.assert_named(figure.axes[0].get_title())

    def test_diagram(self):
        data = diagram_json(self.path("d.json"), model="nasch", exact=False)
        with open(data, encoding="utf-8") as stream:
            diagram = json.load(stream)
        diagram.update(vmax=5, p_brake=0.25)
        write_json(data, diagram)
        figure, _ = draw("diagram", "--json", data)
        self.assert_named(figure.axes[0].get_title())


def is_round(ticks):
    """Whole numbers, evenly spaced by 1, 2 or 5 times a power of ten, each a multiple of it."""
    ticks = np.asarray(ticks, dtype=float)
    spacing = np.diff(ticks)
    if len(ticks) < 2 or not np.allclose(spacing, spacing[0]):
        return False
    power = 10 ** math.floor(math.log10(spacing[0]))
    return (np.allclose(ticks, np.round(ticks)) and round(spacing[0] / power, 9) in (1, 2, 5, 10)
            and np.allclose(ticks / spacing[0], np.round(ticks / spacing[0])))


class SpacetimeTicks(PlotTestCase):
    def test_round_ticks_in_cells_and_steps(self):
        cases = [dict(rows=2500), dict(rows=300, start=0, width=400), dict(rows=97, every=3, start=17, width=333)]
        for case in cases:
            data = write_spacetime(self.path("spacetime.h5"), **case)
            figure, _ = draw("spacetime", data)
            axes = figure.axes[0]
            for axis, (low, high) in ((axes.xaxis, sorted(axes.get_xlim())), (axes.yaxis, sorted(axes.get_ylim()))):
                visible = [t for t in axis.get_major_locator()() if low <= t <= high]
                self.assertGreaterEqual(len(visible), 3, f"{case}: {visible}")
                self.assertTrue(is_round(visible), f"{case}: {visible}")
            # The labels of the step axis are the ticks' steps (the cell axis' are taken modulo the ring).
            labels = axes.yaxis.get_major_formatter().format_ticks(visible)
            self.assertEqual([float(label.replace("−", "-")) for label in labels], visible)


class RepeatedSnapshots(PlotTestCase):
    def test_same_state_counted_twice(self):
        snapshots = [write_snapshot(self.path(f"snapshot_{s:012d}.h5"), step=s, seed=7) for s in (1000, 2000)]
        tool = write_fake_flow_tool(self.path("convoy-flow"), output_json=jams_json(self.path("j.json")))
        done = self.plot("jams", *snapshots, "--flow-tool", tool)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("warning", done.stderr)
        self.assertIn("the same state several times", done.stderr)
        with h5py.File(snapshots[0], "r") as handle:
            self.assertIn(f"{int(handle.attrs['digest']):016x}", done.stderr)
        figure, _ = draw("jams", *snapshots, "--flow-tool", tool)
        self.assertIn("same state counted several times", figure.axes[0].get_title())

    def test_different_states_no_warning(self):
        snapshots = [write_snapshot(self.path(f"snapshot_{s:012d}.h5"), step=s) for s in (1000, 2000)]
        tool = write_fake_flow_tool(self.path("convoy-flow"), output_json=jams_json(self.path("j.json")))
        figure, warnings = draw("jams", *snapshots, "--flow-tool", tool)
        self.assertEqual(warnings, "")
        self.assertNotIn("same state", figure.axes[0].get_title())


# ---------------------------------------------------------------- user errors

class UserErrors(PlotTestCase):
    def test_missing_file(self):
        missing = self.path("nowhere/timeseries.h5")
        self.assert_user_error(["flow", missing, "--stats", stats_json(self.path("s.json"))], missing)
        self.assertFalse(os.path.exists(self.path("flow.png")))

    def test_missing_stats_json(self):
        series = write_timeseries(self.path("timeseries.h5"))
        self.assert_user_error(["flow", series, "--stats", self.path("none.json")],
                               "none.json", "no such file")

    def test_not_hdf5(self):
        text = self.path("timeseries.h5")
        with open(text, "w") as stream:
            stream.write("step,flow\n1,0.3\n")
        self.assert_user_error(["flow", text, "--stats", stats_json(self.path("s.json"))],
                               text, "not an HDF5 file")

    def test_hdf5_not_from_convoy(self):
        other = self.path("other.h5")
        with h5py.File(other, "w") as handle:
            handle["occupancy"] = np.zeros((3, 3), dtype=np.uint8)
        self.assert_user_error(["spacetime", other], other, "not a convoy file")

    def test_wrong_kind(self):
        series = write_timeseries(self.path("timeseries.h5"))
        self.assert_user_error(["spacetime", series], series, "timeseries", "spacetime")
        snapshot = write_snapshot(self.path("snapshot.h5"))
        self.assert_user_error(["jams", snapshot, series], series, "timeseries", "snapshot")

    def test_json_of_another_command(self):
        series = write_timeseries(self.path("timeseries.h5"))
        wrong = diagram_json(self.path("diagram.json"))
        self.assert_user_error(["flow", series, "--stats", wrong], wrong, "convoy-flow stats")
        broken = self.path("broken.json")
        with open(broken, "w") as stream:
            stream.write("{\"command\": ")
        self.assert_user_error(["diagram", "--json", broken], broken, "not valid JSON")

    def test_failing_convoy_flow(self):
        series = write_timeseries(self.path("timeseries.h5"))
        tool = write_fake_flow_tool(self.path("convoy-flow"),
                                    fail_message="convoy-flow: too few rows after the burn-in")
        self.assert_user_error(["flow", series, "--flow-tool", tool], series,
                               "exit status 2", "too few rows after the burn-in")

    def test_flow_tool_not_executable(self):
        series = write_timeseries(self.path("timeseries.h5"))
        self.assert_user_error(["flow", series, "--flow-tool", self.path("no-tool")], "no-tool")

    def test_missing_run_directory(self):
        missing = self.path("runs/d0.3")
        self.assert_user_error(["diagram", missing], missing, "no such directory")

    def test_unwritable_output(self):
        data = jams_json(self.path("jams.json"))
        target = self.path("no/such/dir/jams.png")
        self.assert_user_error(["jams", "--json", data, "-o", target], target, "cannot write")

    def test_bad_usage_exits_2(self):
        done = self.plot("flow")
        self.assertEqual(done.returncode, 2)
        self.assertIn("usage", done.stderr)
        for figure in ("flow", "diagram", "spacetime", "jams", "phase"):
            done = self.plot(figure, "--help")
            self.assertEqual(done.returncode, 0)
            self.assertIn("--output", done.stdout)


# ---------------------------------------------------------------- the real convoy-flow

@unittest.skipUnless(os.environ.get("CONVOY_FLOW"), "set CONVOY_FLOW to the convoy-flow executable")
class WithRealConvoyFlow(PlotTestCase):
    def test_flow_jams_and_diagram(self):
        tool = os.environ["CONVOY_FLOW"]
        series = write_timeseries(self.path("timeseries.h5"), rows=3000)
        self.assert_figure(["flow", series, "--flow-tool", tool, "--dpi", "100"], "flow.png", 1000, 550)
        snapshots = [write_snapshot(self.path(f"snapshot_{s:012d}.h5"), step=s) for s in (1000, 2000)]
        self.assert_figure(["jams", *snapshots, "--flow-tool", tool, "--dpi", "100"], "jams.png", 800, 550)
        runs = []
        for cars in (200, 400, 600):
            runs.append(self.path(f"d{cars}"))
            os.mkdir(runs[-1])
            write_timeseries(os.path.join(runs[-1], "timeseries.h5"), rows=2000, cars=cars)
        self.assert_figure(["diagram", *runs, "--flow-tool", tool, "--with-velocity", "--dpi", "100"],
                           "diagram.png", 1400, 550)

    def test_short_series_with_burn_in(self):
        """100 rows, as the workshop's run writes: too short for MSER, plotted with --burn-in."""
        tool = os.environ["CONVOY_FLOW"]
        series = write_timeseries(self.path("timeseries.h5"), rows=100, every=1)
        self.assertNotEqual(self.plot("flow", series, "--flow-tool", tool).returncode, 0)
        done = self.plot("flow", series, "--flow-tool", tool, "--burn-in", "10", "-o", "short.png")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(file_head(self.path("short.png")).startswith(PNG_SIGNATURE))


def main():
    global PLOT, KEEP
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--plot", required=True, help="path of tools/convoy-plot")
    parser.add_argument("--keep", help="copy every figure into this directory")
    known, rest = parser.parse_known_args()
    PLOT = os.path.abspath(known.plot)
    if known.keep:
        KEEP = os.path.abspath(known.keep)
        os.makedirs(KEEP, exist_ok=True)
    unittest.main(argv=[sys.argv[0], *rest])


if __name__ == "__main__":
    main()
