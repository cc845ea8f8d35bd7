"""convoy-plot flow: a time series of timeseries.h5 with its burn-in, running mean and mean +- error
(and, for an open road with an exact solution, its exact current)."""

import math
import os
import sys

import numpy as np

import convoy
from convoy import file_format, flow_tool

from . import common
from .common import UserError

BURN_IN_LABEL = "burn-in-label"  # the gid of the label, for the tests
MAX_POINTS = 4000  # longer series are shown as block means: more points than pixels only hide the line

QUANTITIES = {
    # name: (label, unit label, physical label)
    file_format.FLOW: ("flow", "cars per step", "vehicles/h"),
    file_format.MEAN_VELOCITY: ("mean velocity", "cells per step", "km/h"),
}


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "flow", help="a time series with burn-in, running mean and mean ± standard error",
        description="Plots /flow (or /mean_velocity) of timeseries.h5 against the step, with the "
                    "burn-in shaded, the running mean after the burn-in, and the mean ± standard "
                    "error. Burn-in and mean come from `convoy-flow stats --json` or from --stats.")
    parser.add_argument("input", metavar="RUN_DIR|timeseries.h5")
    parser.add_argument("--stats", metavar="FILE.json",
                        help="output of `convoy-flow stats --json` (default: run convoy-flow)")
    parser.add_argument("--quantity", choices=sorted(QUANTITIES), default="flow",
                        help="which series to plot (default: flow)")
    parser.add_argument("--cell-length", type=common.positive_float, metavar="M",
                        help="metres per cell: plot in physical units (default 7.5 with --step-seconds)")
    parser.add_argument("--step-seconds", type=common.positive_float, metavar="S",
                        help="seconds per step: plot in physical units (default 1 if --cell-length is given)")
    parser.add_argument("--burn-in", type=common.positive_int, metavar="STEPS",
                        help="steps to discard from the start, passed to convoy-flow stats "
                             "(default: found by MSER)")
    parser.add_argument("--flow-tool", metavar="PATH", help="the convoy-flow executable")
    common.add_common_options(parser, "flow.png")
    parser.set_defaults(run=run, draw=draw)


def run(args):
    common.save_figure(draw(args), args.output, args.dpi)


def draw(args):
    path = common.resolve_input(args.input, file_format.TIMESERIES_FILE)
    physical = args.cell_length is not None or args.step_seconds is not None
    cell_length = args.cell_length if args.cell_length is not None else 7.5
    step_seconds = args.step_seconds if args.step_seconds is not None else 1.0

    series = convoy.read_series(path)  # the complete rows, also of a file being written
    steps = series.step.astype(np.float64)
    values = getattr(series, args.quantity).astype(np.float64)
    every, cells, cars = series.every, series.cells, series.cars
    model = common.model_description(series.model, series.config_text)
    if len(steps) == 0:
        raise UserError(path, f"/{args.quantity} has no rows yet")

    if args.stats and args.burn_in:
        raise UserError("--burn-in", "is passed to convoy-flow; with --stats the burn-in is the JSON's")
    if args.stats:
        stats_source = args.stats
        stats = common.load_json(args.stats, "stats")
    else:
        stats_source = "convoy-flow stats"
        options = dict(cell_length=cell_length, step_seconds=step_seconds) if physical else {}
        tool = common.find_flow_tool(args.flow_tool, "--stats FILE.json")
        arguments = flow_tool.flags(dict(burn_in=args.burn_in, **options))
        stats = common.run_flow_tool(tool, "stats", [path, *arguments], path)
    quantity = find_quantity(stats, args.quantity, stats_source)
    burn_in = common.require(stats, "burn_in", stats_source)
    burn_rows = int(common.require(burn_in, "rows", stats_source))
    if stats.get("rows") is not None and int(stats["rows"]) != len(values):
        print(f"convoy-plot: warning: {stats_source} describes {stats['rows']} rows, "
              f"{path} has {len(values)}", file=sys.stderr)

    # One factor converts both the series and the statistics, so they always agree.
    label, unit, physical_unit = QUANTITIES[args.quantity]
    if physical:
        factor = 3600.0 / step_seconds if args.quantity == "flow" else cell_length / step_seconds * 3.6
        unit = physical_unit
    else:
        factor = 1.0
    values = values * factor
    mean = scaled(quantity.get("mean"), factor)
    error = scaled(quantity.get("standard_error"), factor)

    figure = common.new_figure(10, 5.5, args.dpi)
    axes = figure.add_subplot()

    shown_steps, shown_values, block = block_means(steps, values, MAX_POINTS)
    series_label = f"{label}, each row ({every} step{'s' if every != 1 else ''})" if block == 1 else \
        f"{label}, means of blocks of {block} rows ({len(values)} rows in all)"
    axes.plot(shown_steps, shown_values, linewidth=0.6, color="tab:blue", alpha=0.8, label=series_label)

    first_step = steps[0] - every  # row j covers ((j-1)E, jE]
    end_of_burn_in = steps[min(burn_rows, len(steps)) - 1] if burn_rows > 0 else first_step
    if burn_rows > 0:
        method = burn_in.get("method", "?")
        note = method.upper() if method == "mser" else method
        if burn_in.get("settled") is False:
            note += ", not settled"
        axes.axvspan(first_step, end_of_burn_in, color="0.6", alpha=0.3, linewidth=0,
                     label=f"burn-in: {int(burn_in.get('steps') or burn_rows * every)} steps ({note})")
        # Above the axes, where it can hide no data: a mark at the end of the burn-in.
        axes.annotate("end of burn-in", xy=(end_of_burn_in, 1), xycoords=("data", "axes fraction"),
                      xytext=(0, 3), textcoords="offset points", ha="center", va="bottom", fontsize=9,
                      color="0.25", annotation_clip=False, gid=BURN_IN_LABEL,
                      arrowprops=dict(arrowstyle="-", color="0.4", shrinkA=0, shrinkB=0))

    after = values[burn_rows:]
    if len(after) > 0:
        running = np.cumsum(after) / np.arange(1, len(after) + 1)
        stride = max(1, math.ceil(len(after) / MAX_POINTS))
        running_steps = np.append(steps[burn_rows:][::stride], steps[-1])
        running = np.append(running[::stride], running[-1])
        axes.plot(running_steps, running, color="tab:orange", linewidth=1.5, zorder=3,
                  label="running mean from the end of the burn-in")
    if math.isfinite(mean):
        span = [end_of_burn_in, steps[-1]]
        if math.isfinite(error) and error > 0:
            axes.fill_between(span, mean - error, mean + error, color="tab:red", alpha=0.3, linewidth=0,
                              zorder=4)
        axes.plot(span, [mean, mean], color="tab:red", linewidth=1.2, linestyle="--", zorder=5,
                  label=f"mean after burn-in: {common.format_value_error(mean, error)} "
                        f"(band: ± standard error)")

    # An open road whose exact current convoy-flow names: the flow estimates it in the steady state.
    open_road = stats.get("open_road") or {}
    exact = open_road.get("exact_current")
    if args.quantity == file_format.FLOW and exact is not None:
        axes.axhline(float(exact) * factor, color="black", linewidth=1.2, linestyle=":", zorder=6,
                     label=f"exact current ({open_road.get('phase', '?')}): {float(exact) * factor:.6g}, "
                           f"{open_road.get('exact_current_formula', '')}")

    axes.set_xlabel("step")
    axes.set_ylabel(f"{label} ({unit})")
    axes.set_xlim(first_step, steps[-1])
    axes.grid(True, alpha=0.3)
    # Below the plot, so that it never hides the series.
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=9, frameon=False)
    density = cars / cells if cells else math.nan
    road = f"open road, alpha {open_road['alpha']:g}, beta {open_road['beta']:g}" if "alpha" in open_road else \
        f"density {density:.3f}"
    axes.set_title(args.title or f"{run_name(path)}: {label} ({model}, {cells} cells, {road})",
                   pad=16)  # room for the burn-in mark
    return figure


def find_quantity(stats, name, source):
    for quantity in common.require(stats, "quantities", source):
        if quantity.get("name") == name:
            return quantity
    raise UserError(source, f'has no quantity "{name}"')


def scaled(value, factor):
    return math.nan if value is None else float(value) * factor


def block_means(steps, values, max_points):
    """Means of consecutive blocks of rows so that at most max_points remain (the last block may be short)."""
    block = max(1, math.ceil(len(values) / max_points))
    if block == 1:
        return steps, values, 1
    starts = np.arange(0, len(values), block)
    sizes = np.diff(np.append(starts, len(values)))
    return (np.add.reduceat(steps, starts) / sizes, np.add.reduceat(values, starts) / sizes, block)


def run_name(path):
    """runs/x/timeseries.h5 -> runs/x: the run directory names the run better than the file."""
    if os.path.basename(path) == file_format.TIMESERIES_FILE:
        return os.path.dirname(path) or "."
    return path
