"""convoy-plot jams: the jam-length distribution of snapshots, from `convoy-flow jams --json`."""

import os
import sys

import numpy as np
from matplotlib.ticker import LogFormatter, ScalarFormatter

import convoy

from . import common
from .common import UserError


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "jams", help="jam-length distribution of snapshots (log-log)",
        description="Plots how many jams (runs of consecutive stopped cars) of each length the "
                    "snapshots hold, summed over the snapshots, on log-log axes. The data come "
                    "from `convoy-flow jams --json SNAPSHOT.h5...` or from --json.")
    parser.add_argument("snapshots", nargs="*", metavar="SNAPSHOT.h5")
    parser.add_argument("--json", metavar="FILE.json", help="output of `convoy-flow jams --json`")
    parser.add_argument("--probability", action="store_true",
                        help="plot the fraction of jams with each length instead of the count")
    parser.add_argument("--flow-tool", metavar="PATH", help="the convoy-flow executable")
    common.add_common_options(parser, "jams.png")
    parser.set_defaults(run=run, draw=draw)


def run(args):
    common.save_figure(draw(args), args.output, args.dpi)


def draw(args):
    if args.json and args.snapshots:
        raise UserError("jams", "give snapshots or --json, not both")
    if args.json:
        subject = args.json
        data = common.load_json(args.json, "jams")
    elif args.snapshots:
        for path in args.snapshots:
            convoy.read_state(path, 0, 0)  # clear errors before convoy-flow runs (reads no road)
        subject = args.snapshots[0] if len(args.snapshots) == 1 else f"{len(args.snapshots)} snapshots"
        tool = common.find_flow_tool(args.flow_tool, "--json FILE.json")
        data = common.run_flow_tool(tool, "jams", args.snapshots, subject)
    else:
        raise UserError("jams", "give snapshot files or --json FILE.json")

    total = common.require(data, "total", subject)
    files = data.get("files") or []
    states = readable_states(args.snapshots or [f.get("file") for f in files if isinstance(f, dict)])
    repeats = repeated_states(states)
    if repeats:
        print(f"convoy-plot: warning: {repeats}: the histogram counts the same state several times",
              file=sys.stderr)
    try:
        lengths = np.array([int(entry["length"]) for entry in total.get("jam_lengths", [])])
        counts = np.array([int(entry["count"]) for entry in total.get("jam_lengths", [])], dtype=float)
    except (KeyError, TypeError, ValueError) as error:
        raise UserError(subject, f"a jam_lengths entry lacks a number: {error}")
    jams = int(total.get("jams", counts.sum()))
    stopped_fraction = common.number(total.get("stopped_fraction"))

    figure = common.new_figure(8, 5.5, args.dpi)
    axes = figure.add_subplot()
    if len(lengths) > 0:
        heights = counts / counts.sum() if args.probability else counts
        mean_length = float((lengths * counts).sum() / counts.sum())
        axes.plot(lengths, heights, marker="o", linestyle="none", markersize=6, color="tab:blue",
                  label=f"{jams} jams, mean length {mean_length:.3g}, largest {lengths.max()}")
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xlim(0.7, max(10, lengths.max() * 1.5))
        # Jam lengths are whole cars: 1, 2, 5, 10 read better than 10^0, 10^1.
        axes.xaxis.set_major_formatter(ScalarFormatter())
        axes.xaxis.set_minor_formatter(LogFormatter(labelOnlyBase=False, minor_thresholds=(2, 0.5)))
        axes.legend(loc="upper right", fontsize=9)
    else:
        axes.text(0.5, 0.5, "no jams: no car is stopped", transform=axes.transAxes,
                  ha="center", va="center", fontsize=12)
    axes.set_xlabel("jam length (cars)")
    axes.set_ylabel("fraction of jams" if args.probability else "number of jams")
    axes.grid(True, which="both", alpha=0.3)
    where = f"{len(files)} snapshot{'s' if len(files) != 1 else ''}" if files else subject
    steps = sorted({f["step"] for f in files if isinstance(f, dict) and f.get("step") is not None})
    if len(steps) == 1:
        where += f" at step {steps[0]}"
    elif steps:
        where += f", steps {steps[0]}–{steps[-1]}"
    if states:
        where += f" ({common.model_description(states[0].model, states[0].config_text)})"
    title = args.title or f"jam lengths in {where}: stopped fraction {stopped_fraction:.3f}"
    if repeats:
        title += "\nthe same state counted several times: " + repeats
    axes.set_title(title)
    return figure


def readable_states(paths):
    """The state files among `paths` that exist, without their roads (a JSON may name files elsewhere)."""
    return [convoy.read_state(path, 0, 0) for path in paths if path and os.path.isfile(path)]


def repeated_states(states):
    """'' when every state differs, else e.g. '3 snapshots hold one state (digest 0123456789abcdef)'."""
    by_digest = {}
    for state in states:
        by_digest.setdefault(state.digest, []).append(state)
    groups = [group for group in by_digest.values() if len(group) > 1]
    return "; ".join(f"{len(group)} snapshots hold one state (digest {group[0].digest_hex}, "
                     f"steps {', '.join(str(s.step) for s in group)})" for group in groups)
