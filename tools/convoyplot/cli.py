"""The command line of convoy-plot: one subcommand per figure; user errors -> one line, exit status 2."""

import argparse
import sys

import convoy

from . import common, diagram, flow, jams, phase, spacetime

EXIT_USER_ERROR = 2


def make_parser():
    parser = argparse.ArgumentParser(
        prog="convoy-plot",
        description="Figures (PNG, PDF or SVG) of convoy output: time series, fundamental diagram, "
                    "space-time diagram, jam lengths, phase diagram of open roads. See docs/plotting.md.")
    subparsers = parser.add_subparsers(dest="figure", metavar="FIGURE", required=True)
    for module in (flow, diagram, spacetime, jams, phase):
        module.add_parser(subparsers)
    return parser


def main(argv, script_dir):
    common.SCRIPT_DIR = script_dir
    args = make_parser().parse_args(argv)  # argparse itself exits with status 2 on bad usage
    try:
        args.run(args)
    except (common.UserError, convoy.ConvoyError) as error:
        print(f"convoy-plot: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130
    return 0
