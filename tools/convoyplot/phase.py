"""convoy-plot phase: the (alpha, beta) phase diagram of an open-road campaign, of `convoy-flow phase --json`."""

import math
import os
import sys

import numpy as np
from matplotlib import patheffects
from matplotlib.collections import PatchCollection
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from . import common
from .common import UserError
from .diagram import MARKERS, draw_points

OUTLIER_SIGMAS = 3  # a point further than this many error bars from the exact current is outlined red
OUTLIER_COLOUR = "red"
MAX_WARNINGS = 5  # of convoy-flow's, repeated on stderr
# The boundaries drawn white with a black edge stay visible on every colour of the map.
BOUNDARY_STYLE = dict(color="white", linewidth=1.6, zorder=4,
                      path_effects=[patheffects.withStroke(linewidth=3.2, foreground="black")])
# The names of the phases, with a white halo that keeps them legible over the squares.
REGION_STYLE = dict(fontsize=10, fontweight="bold", zorder=5,
                    path_effects=[patheffects.withStroke(linewidth=3, foreground="white")])


def exact_current(alpha, beta, p):
    """The stationary current of the parallel-update TASEP with hop probability p (rule 184: p = 1;
    NaSch with vmax 1: p = 1 - p_brake), entry rate alpha and exit rate beta (Evans, Rajewsky & Speer
    1999; de Gier & Nienhuis 1999). With a_c = 1 - sqrt(1 - p): low density (alpha < beta, alpha < a_c)
    J = alpha (p - alpha) / (p - alpha^2); high density the same of beta; maximal current
    (alpha, beta >= a_c) J = a_c / 2, which the other two reach at a_c. Numbers or numpy arrays."""
    critical = 1 - math.sqrt(1 - p)
    rate = np.minimum(np.asarray(alpha, dtype=float), np.asarray(beta, dtype=float))  # on alpha = beta both agree
    with np.errstate(divide="ignore", invalid="ignore"):  # 0/0 at rate = p = 1, where the maximal current holds
        bounded = rate * (p - rate) / (p - rate * rate)
    current = np.where(rate < critical, bounded, critical / 2)
    return float(current) if current.ndim == 0 else current


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "phase", help="(alpha, beta) phase diagram of an open-road campaign, and current against beta",
        description="Plots the measured current of open-road runs on the (alpha, beta) plane, with the "
                    "exact phase boundaries where known (rule 184, NaSch with vmax 1), and the current "
                    "against beta, one series per alpha, beside the exact current. The runs come from "
                    "`convoy-flow phase --json DIR...` (run here for the DIRs given) or from --json.")
    parser.add_argument("directories", nargs="*", metavar="DIR",
                        help="run directories or campaign roots (via convoy-flow phase)")
    parser.add_argument("--json", metavar="FILE.json", help="output of `convoy-flow phase --json`, instead of DIRs")
    parser.add_argument("--burn-in", type=common.positive_int, metavar="STEPS",
                        help="passed to convoy-flow phase for the DIRs")
    parser.add_argument("--flow-tool", metavar="PATH", help="the convoy-flow executable")
    common.add_common_options(parser, "phase.png")
    parser.set_defaults(run=run, draw=draw)


def run(args):
    common.save_figure(draw(args), args.output, args.dpi)


def draw(args):
    if bool(args.directories) == bool(args.json):
        raise UserError("phase", "give run directories or --json FILE.json" if not args.json
                        else "give run directories or --json FILE.json, not both")
    if args.directories:
        for directory in args.directories:
            if not os.path.isdir(directory):
                raise UserError(directory, "no such directory" if not os.path.exists(directory)
                                else "not a directory (expected a run directory or a campaign root)")
        extra = ["--burn-in", str(args.burn_in)] if args.burn_in else []
        subject = args.directories[0] if len(args.directories) == 1 else f"{len(args.directories)} directories"
        tool = common.find_flow_tool(args.flow_tool, "--json FILE.json")
        data = common.run_flow_tool(tool, "phase", [*extra, *args.directories], subject)
    else:
        if args.burn_in:
            raise UserError("--burn-in", "is passed to convoy-flow for DIRs; not with --json")
        subject = args.json
        data = common.load_json(args.json, "phase")

    rows = read_rows(data, subject)
    p, critical = exact_parameters(data, subject)
    report_warnings(data.get("warnings") or [], subject)
    if p is not None:
        check_exact_currents(rows, p, subject)

    figure = common.new_figure(14, 6, args.dpi)
    plane_axes = figure.add_subplot(1, 2, 1)
    current_axes = figure.add_subplot(1, 2, 2)
    draw_plane(figure, plane_axes, rows, critical)
    draw_currents(current_axes, rows, p, critical)

    model = data.get("model") or "?"
    if model == "nasch":
        model = common.nasch_description(data.get("vmax"), data.get("p_brake"), data.get("p_slow"))
    cells = sorted(set(rows["cells"]))
    runs = f"{len(rows['alpha'])} runs" + (f" of {cells[0]} cells" if len(cells) == 1 else
                                           f" of {cells[0]} to {cells[-1]} cells" if cells else "")
    exact = (f"the parallel TASEP with hop probability p = {p:g}, a_c = 1 − √(1 − p) = {critical:.4g}"
             if p is not None else "no exact solution known")
    title = args.title or f"open-road phase diagram: {model}; {exact}\n{runs}"
    unsettled = [d for d, s in zip(rows["directory"], rows["settled"]) if not s]
    if unsettled:
        print(f"convoy-plot: warning: {len(unsettled)} run(s) have not settled (convoy-flow), drawn hatched "
              f"and as hollow markers: {', '.join(unsettled)}", file=sys.stderr)
        if not args.title:
            title += f"; hatched, hollow: {len(unsettled)} run(s) not settled"
    figure.suptitle(title)
    return figure


def read_rows(data, subject):
    """The rows of the JSON as numpy arrays (null -> NaN), checked."""
    rows = common.require(data, "rows", subject)
    if not isinstance(rows, list):
        raise UserError(subject, '"rows" is not a list')
    if not rows:
        raise UserError(subject, "has no rows (no runs)")
    try:
        table = {
            "alpha": np.array([float(r["alpha"]) for r in rows]),
            "beta": np.array([float(r["beta"]) for r in rows]),
            "current": np.array([float(r["current"]) for r in rows]),
            "current_error": np.array([common.number(r.get("current_error")) for r in rows]),
            "exact_current": np.array([common.number(r.get("exact_current")) for r in rows]),
            "deviation_sigmas": np.array([common.number(r.get("deviation_sigmas")) for r in rows]),
            "settled": np.array([r.get("settled") is not False for r in rows]),
            "directory": [str(r.get("directory", "?")) for r in rows],
            "cells": [int(r["cells"]) for r in rows if r.get("cells") is not None],
        }
    except KeyError as error:
        raise UserError(subject, f"a row has no {error}")
    except (TypeError, ValueError, AttributeError) as error:
        raise UserError(subject, f"a row holds something other than a number: {error}")
    for name in ("alpha", "beta"):
        bad = ~((table[name] >= 0) & (table[name] <= 1))
        if bad.any():
            index = int(np.argmax(bad))
            raise UserError(subject, f"row {index + 1} ({table['directory'][index]}) has {name} "
                            f"{table[name][index]:g}, not a probability in 0 .. 1")
    if not np.isfinite(table["current"]).all():
        index = int(np.argmax(~np.isfinite(table["current"])))
        raise UserError(subject, f"row {index + 1} ({table['directory'][index]}) has no finite current")
    # Where the exact current is known, a null deviation means one off by infinitely many error bars
    # (error 0): convoy-flow's table says "inf".
    table["outlier"] = (np.abs(table["deviation_sigmas"]) > OUTLIER_SIGMAS) | (
        np.isfinite(table["exact_current"]) & np.isnan(table["deviation_sigmas"]))
    return table


def report_warnings(warnings, subject):
    """convoy-flow's warnings (of runs that have not settled, mostly; it gives one per run and quantity):
    the first few on stderr, and how many more."""
    for warning in warnings[:MAX_WARNINGS]:
        print(f"convoy-plot: warning: {subject}: convoy-flow: {warning}", file=sys.stderr)
    if len(warnings) > MAX_WARNINGS:
        print(f"convoy-plot: warning: {subject}: and {len(warnings) - MAX_WARNINGS} more warnings of convoy-flow "
              f'(the JSON\'s "warnings", or convoy-flow phase on stderr)', file=sys.stderr)


def exact_parameters(data, subject):
    """(p, a_c) of the JSON, or (None, None) where no exact solution is known."""
    p, critical = data.get("hop_probability"), data.get("critical_rate")
    if p is None and critical is None:
        return None, None
    try:
        p = float(p)
    except (TypeError, ValueError):
        raise UserError(subject, f'"hop_probability" is {p!r}, expected a number with "critical_rate" {critical!r}')
    if not 0 < p <= 1:
        raise UserError(subject, f'"hop_probability" is {p:g}, not a probability in (0, 1]')
    expected = 1 - math.sqrt(1 - p)
    if critical is None:
        return p, expected
    try:
        critical = float(critical)
    except (TypeError, ValueError):
        raise UserError(subject, f'"critical_rate" is {critical!r}, not a number')
    if abs(critical - expected) > 1e-9:
        raise UserError(subject, f'"critical_rate" {critical:g} is not 1 - sqrt(1 - hop_probability) = '
                        f"{expected:.12g}")
    return p, critical


def check_exact_currents(rows, p, subject):
    """Warns where convoy-flow's exact current differs from the one computed here."""
    here = exact_current(rows["alpha"], rows["beta"], p)
    given = rows["exact_current"]
    differ = np.isfinite(given) & ~np.isclose(given, here, rtol=1e-9, atol=1e-12)
    for index in np.flatnonzero(differ):
        print(f"convoy-plot: warning: {subject}: {rows['directory'][index]}: convoy-flow's exact current "
              f"{given[index]:.10g} differs from the one computed here, {here[index]:.10g}", file=sys.stderr)


def square_sides(values):
    """The side of each value's square along one axis: most of the gap to its nearest distinct neighbour
    (so that squares never overlap, and a coarse part of an irregular grid gets larger ones)."""
    rounded = np.round(values, 9)
    distinct = np.unique(rounded)
    if len(distinct) == 1:
        return np.full(len(values), np.nan)  # no gap along this axis: the caller chooses
    gaps = np.diff(distinct)
    nearest = np.minimum(np.append(gaps, np.inf), np.insert(gaps, 0, np.inf))
    side = dict(zip(distinct, np.clip(0.8 * nearest, 0.015, 0.12)))
    return np.array([side[value] for value in rounded])


def draw_plane(figure, axes, rows, critical):
    """Panel 1: the measured current of each run as a coloured square on the (alpha, beta) plane."""
    alpha, beta, current = rows["alpha"], rows["beta"], rows["current"]
    width, height = square_sides(alpha), square_sides(beta)
    if np.isnan(width).all():  # one alpha: a column as wide as its highest square
        width = np.full(len(alpha), np.nanmax(height) if not np.isnan(height).all() else 0.08)
    if np.isnan(height).all():  # one beta (or a single run)
        height = np.full(len(beta), np.nanmax(width))
    corners = np.column_stack([alpha - width / 2, beta - height / 2])
    squares = [Rectangle(corner, w, h) for corner, w, h in zip(corners, width, height)]
    top = max(float(current.max()), critical / 2 if critical is not None else 0.0)
    colours = PatchCollection(squares, cmap="viridis", norm=Normalize(0, top if top > 0 else 1),
                              edgecolor="white", linewidth=0.5, zorder=2)
    colours.set_array(current)
    axes.add_collection(colours)
    # The colour bar beside the axes themselves (which the equal aspect makes narrower than their cell).
    figure.colorbar(colours, cax=axes.inset_axes([1.03, 0, 0.04, 1]), label="current J (cars per step)")

    legend = []
    unsettled = np.flatnonzero(~rows["settled"])
    for index in unsettled:
        axes.add_patch(Rectangle(corners[index], width[index], height[index], facecolor="none",
                                 edgecolor="black", linewidth=0, hatch="///", zorder=3))
    if len(unsettled):
        legend.append(Patch(facecolor="white", edgecolor="black", hatch="///",
                            label=f"not settled ({len(unsettled)})"))
    outliers = np.flatnonzero(rows["outlier"])
    for index in outliers:
        axes.add_patch(Rectangle(corners[index], width[index], height[index], facecolor="none",
                                 edgecolor=OUTLIER_COLOUR, linewidth=2.2, zorder=6))
    if len(outliers):
        legend.append(Patch(facecolor="white", edgecolor=OUTLIER_COLOUR, linewidth=2,
                            label=f"> {OUTLIER_SIGMAS}σ from the exact current ({len(outliers)})"))

    if critical is not None:
        draw_boundaries(axes, critical)
        legend.insert(0, Line2D([], [], label=f"exact phase boundaries (a_c = {critical:.4g})", **BOUNDARY_STYLE))
    # 0 .. 1, widened just enough to show whole squares at alpha or beta 0 or 1.
    low = max(0.0, float(np.max(np.concatenate([width / 2 - alpha, height / 2 - beta]))))
    high = max(0.0, float(np.max(np.concatenate([alpha + width / 2, beta + height / 2]))) - 1)
    axes.set_xlim(-low, 1 + high)
    axes.set_ylim(-low, 1 + high)
    axes.set_aspect("equal")
    axes.set_xlabel("entry rate α")
    axes.set_ylabel("exit rate β")
    axes.set_title("measured current", fontsize=10)
    if legend:
        axes.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=len(legend),
                    fontsize=8, frameon=False)


def centroid(polygon):
    """The centre of mass of a simple polygon [(x, y), ...] (the shoelace formula)."""
    x, y = np.array(polygon, dtype=float).T
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    area = cross.sum() / 2
    return ((x + np.roll(x, -1)) * cross).sum() / (6 * area), ((y + np.roll(y, -1)) * cross).sum() / (6 * area)


def draw_boundaries(axes, critical):
    """The lines alpha = beta up to (a_c, a_c), then alpha = a_c and beta = a_c, and the three phases."""
    axes.plot([0, critical], [0, critical], **BOUNDARY_STYLE)
    axes.plot([critical, critical], [critical, 1], **BOUNDARY_STYLE)
    axes.plot([critical, 1], [critical, critical], **BOUNDARY_STYLE)
    low = centroid([(0, 0), (critical, critical), (critical, 1), (0, 1)])
    high = centroid([(0, 0), (1, 0), (1, critical), (critical, critical)])
    if critical >= 0.3:  # the names inside the low- and high-density regions
        axes.text(*low, "low density", ha="center", va="center", **REGION_STYLE)
        axes.text(*high, "high density", ha="center", va="center", **REGION_STYLE)
    else:  # narrow strips along the beta and alpha axes
        axes.text(0.01, low[1], "low density", ha="left", va="center", rotation=90, **REGION_STYLE)
        axes.text(high[0], 0.01, "high density", ha="center", va="bottom", **REGION_STYLE)
    if critical <= 0.85:
        axes.text((1 + critical) / 2, (1 + critical) / 2, "maximal current", ha="center", va="center",
                  **REGION_STYLE)
    else:  # rule 184 (a_c = 1): the phase is the corner alone
        axes.annotate("maximal current", xy=(critical, critical), xytext=(0.6, 0.93), ha="center",
                      va="center", arrowprops=dict(arrowstyle="->", color="black", shrinkB=4), **REGION_STYLE)


def draw_currents(axes, rows, p, critical):
    """Panel 2: the current against beta, one series per alpha, beside the exact current."""
    alpha, beta = rows["alpha"], rows["beta"]
    rounded = np.round(alpha, 9)
    grid = np.linspace(0, 1, 1001)
    for index, value in enumerate(np.unique(rounded)):
        chosen = rounded == value
        colour = f"C{index % 10}"
        label = f"α = {value:g}"
        style = dict(marker=MARKERS[index % len(MARKERS)], linestyle="none", markersize=6, capsize=3,
                     color=colour, label=f"{label} ({int(chosen.sum())} runs)", zorder=3)
        draw_points(axes, beta[chosen], rows["current"][chosen], rows["current_error"][chosen],
                    rows["settled"][chosen], style, label)
        if p is not None:
            axes.plot(grid, exact_current(alpha[chosen][0], grid, p), color=colour, linewidth=1, zorder=1)
    outlier = rows["outlier"]
    if outlier.any():
        axes.plot(beta[outlier], rows["current"][outlier], linestyle="none", marker="o", markersize=13,
                  markerfacecolor="none", markeredgecolor=OUTLIER_COLOUR, markeredgewidth=1.5, zorder=4,
                  label=f"> {OUTLIER_SIGMAS}σ from the exact current")
    if p is not None:
        axes.plot([], [], color="black", linewidth=1, label="exact J(α, β), in the colour of its α")
        axes.axvline(critical, color="grey", linestyle=":", linewidth=1, zorder=0,
                     label=f"β = a_c = {critical:.4g}")
    axes.set_title("current against β, one series per α", fontsize=10)
    axes.set_xlim(0, 1)
    axes.set_ylim(bottom=0)
    axes.set_xlabel("exit rate β")
    axes.set_ylabel("current J (cars per step)")
    axes.grid(True, alpha=0.3)
    # Under the axes, as the plane's (inside, a legend would hide points of some campaign or other): the
    # series first, then the exact lines and the marks.
    handles, labels = axes.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda i: not labels[i].startswith("α"))
    axes.legend([handles[i] for i in order], [labels[i] for i in order], loc="upper center",
                bbox_to_anchor=(0.5, -0.1), ncol=3, fontsize=8, frameon=False)
