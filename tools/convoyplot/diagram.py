"""convoy-plot diagram: the fundamental diagram (flow against density) of `convoy-flow diagram --json`."""

import os
import re
import sys

import numpy as np

from . import common
from .common import UserError

# The exact curves convoy-flow names in "exact_curve", as flow(density) for density in [0, 1].
EXACT_CURVES = {
    # curve: (flow(density), its legend label, the legend label of velocity = flow / density)
    "min(density, 1 - density)": (lambda d: np.minimum(d, 1 - d), "exact: J = min(ρ, 1 − ρ)",
                                  "exact: v = min(1, (1 − ρ) / ρ)"),
}
MARKERS = "osD^v<>ph*"


def nasch_curve(curve):
    """The Nagel-Schreckenberg curves convoy-flow names with their parameters filled in, or None."""
    deterministic = re.fullmatch(r"min\(vmax d, 1 - d\), vmax = (\d+)", curve)
    if deterministic:
        vmax = int(deterministic.group(1))
        return (lambda d: np.minimum(vmax * d, 1 - d), f"exact: J = min({vmax}ρ, 1 − ρ)",
                f"exact: v = min({vmax}, (1 − ρ) / ρ)")
    single_speed = re.fullmatch(r"\(1 - sqrt\(1 - 4 q d \(1 - d\)\)\) / 2, q = ([0-9.eE+-]+)", curve)
    if single_speed:
        q = float(single_speed.group(1))
        return (lambda d: (1 - np.sqrt(1 - 4 * q * d * (1 - d))) / 2, f"exact (vmax 1): J = (1 − √(1 − 4·{q:g}ρ(1 − ρ)))/2",
                "exact (vmax 1): v = J / ρ")
    return None


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "diagram", help="fundamental diagram: flow against density, one series per JSON file",
        description="Plots flow against density with error bars. The runs come from "
                    "`convoy-flow diagram --json DIR...` (run here for the DIRs given) and from "
                    "--json files (one series each). The exact curve is drawn when known.")
    parser.add_argument("directories", nargs="*", metavar="DIR",
                        help="run directories (one series, via convoy-flow diagram)")
    parser.add_argument("--json", action="append", default=[], metavar="FILE.json",
                        help="output of `convoy-flow diagram --json`; repeat for more series")
    parser.add_argument("--label", action="append", default=[], metavar="TEXT",
                        help="legend label of a series, in order (DIRs first, then each --json); "
                             "default: the model")
    parser.add_argument("--with-velocity", action="store_true",
                        help="add a second panel: mean velocity against density")
    parser.add_argument("--burn-in", type=common.positive_int, metavar="STEPS",
                        help="passed to convoy-flow diagram for the DIRs")
    parser.add_argument("--flow-tool", metavar="PATH", help="the convoy-flow executable")
    common.add_common_options(parser, "diagram.png")
    parser.set_defaults(run=run, draw=draw)


def run(args):
    common.save_figure(draw(args), args.output, args.dpi)


def draw(args):
    if not args.directories and not args.json:
        raise UserError("diagram", "give run directories or --json FILE.json")
    series = []  # (data, subject)
    if args.directories:
        for directory in args.directories:
            if not os.path.isdir(directory):
                raise UserError(directory, "no such directory" if not os.path.exists(directory)
                                else "not a directory (expected a run directory)")
        extra = ["--burn-in", str(args.burn_in)] if args.burn_in else []
        subject = args.directories[0] if len(args.directories) == 1 else f"{len(args.directories)} runs"
        tool = common.find_flow_tool(args.flow_tool, "--json FILE.json")
        data = common.run_flow_tool(tool, "diagram", [*extra, *args.directories], subject)
        series.append((data, subject))
    for path in args.json:
        series.append((common.load_json(path, "diagram"), path))
    if len(args.label) > len(series):
        raise UserError("--label", f"{len(args.label)} labels given for {len(series)} series")

    panels = 2 if args.with_velocity else 1
    figure = common.new_figure(7 * panels if panels == 2 else 8, 5.5, args.dpi)
    flow_axes = figure.add_subplot(1, panels, 1)
    velocity_axes = figure.add_subplot(1, panels, 2) if args.with_velocity else None

    exact_drawn = set()
    models = []
    unsettled = []
    for index, (data, subject) in enumerate(series):
        runs = common.require(data, "runs", subject)
        if not runs:
            raise UserError(subject, "has no runs")
        try:
            density = np.array([float(r["density"]) for r in runs])
            flow = np.array([common.number(r["flow"]) for r in runs])
            flow_error = np.array([common.number(r.get("flow_error")) for r in runs])
            velocity = np.array([common.number(r.get("velocity")) for r in runs])
            velocity_error = np.array([common.number(r.get("velocity_error")) for r in runs])
        except KeyError as error:
            raise UserError(subject, f"a run has no {error}")
        except (TypeError, ValueError) as error:
            raise UserError(subject, f"a run holds something other than a number: {error}")
        model = data.get("model") or "?"
        if model == "nasch":
            model = common.nasch_description(data.get("vmax"), data.get("p_brake"), data.get("p_slow"))
        models.append(model)
        settled = np.array([r.get("settled") is not False for r in runs])
        unsettled += [str(r.get("directory", "?")) for r in runs if r.get("settled") is False]
        label = args.label[index] if index < len(args.label) else model
        if index >= len(args.label) and len(series) > 1:
            label = f"{model} ({os.path.basename(subject)})"  # tell apart series of one model
        style = dict(marker=MARKERS[index % len(MARKERS)], linestyle="none", markersize=6, capsize=3,
                     color=f"C{index}", label=f"{label} ({len(runs)} runs)")
        for axes, values, errors in ((flow_axes, flow, flow_error), (velocity_axes, velocity, velocity_error)):
            if axes is not None:
                draw_points(axes, density, values, errors, settled, style, label)

        curve = data.get("exact_curve")
        if curve and curve not in exact_drawn:
            exact_drawn.add(curve)
            draw_exact(flow_axes, velocity_axes, curve, runs, subject)

    flow_axes.set_xlabel("density (cars per cell)")
    flow_axes.set_ylabel("flow (cars per step)")
    flow_axes.set_xlim(0, 1)
    flow_axes.set_ylim(bottom=0)
    flow_axes.grid(True, alpha=0.3)
    flow_axes.legend(loc="upper right", fontsize=9)
    if velocity_axes is not None:
        velocity_axes.set_xlabel("density (cars per cell)")
        velocity_axes.set_ylabel("mean velocity (cells per step)")
        velocity_axes.set_xlim(0, 1)
        velocity_axes.set_ylim(bottom=0)
        velocity_axes.grid(True, alpha=0.3)
        velocity_axes.legend(loc="upper right", fontsize=9)
    distinct = sorted(set(models))
    title = args.title or f"fundamental diagram ({'; '.join(distinct)})"
    if unsettled:
        print(f"convoy-plot: warning: {len(unsettled)} run(s) have not settled (convoy-flow), drawn as "
              f"hollow markers: {', '.join(unsettled)}", file=sys.stderr)
        if not args.title:
            title += f"\nhollow: {len(unsettled)} run(s) not settled"
    if panels == 2:
        figure.suptitle(title)
    else:
        flow_axes.set_title(title)
    return figure


def draw_points(axes, density, values, errors, settled, style, series_label):
    """Settled runs filled; the others hollow, with a legend entry of their own."""
    if settled.any():
        axes.errorbar(density[settled], values[settled], yerr=errors[settled], **style)
    hollow = ~settled
    if hollow.any():
        label = f"{series_label}: {int(hollow.sum())} of {len(settled)} runs not settled"
        axes.errorbar(density[hollow], values[hollow], yerr=errors[hollow],
                      **dict(style, markerfacecolor="none", label=label))


def draw_exact(flow_axes, velocity_axes, curve, runs, subject):
    known = EXACT_CURVES.get(curve) or nasch_curve(curve)
    if known:
        formula, label, velocity_label = known
        density = np.linspace(0, 1, 1001)
        flow = formula(density)
        flow_axes.plot(density, flow, color="black", linewidth=1, label=label, zorder=1)
        if velocity_axes is not None:
            # v = J / ρ, and its limit at ρ -> 0 is the free speed J'(0).
            with np.errstate(divide="ignore", invalid="ignore"):
                velocity = np.where(density > 0, flow / density, formula(1e-9) / 1e-9)
            velocity_axes.plot(density, velocity, color="black", linewidth=1,
                               label=velocity_label, zorder=1)
        return
    # A curve this script cannot evaluate: join the exact values convoy-flow gives at the runs.
    points = [(r["density"], r["exact_flow"]) for r in runs if r.get("exact_flow") is not None]
    if points:
        density, flow = zip(*sorted(points))
        flow_axes.plot(density, flow, color="black", linewidth=1, linestyle=":",
                       label=f"exact: {curve}", zorder=1)
