"""convoy-plot spacetime: the space-time diagram of spacetime.h5 (cars black on white, time downwards)."""

import numpy as np
from matplotlib.ticker import FuncFormatter, MaxNLocator

import convoy
from convoy import file_format

from . import common
from .common import UserError

FIGURE_INCHES = 8
ROWS_PER_READ = 256  # rows read from the file at a time, so a wide window never needs all rows in memory


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "spacetime", help="space-time diagram: cars black on white, time increasing downwards",
        description="Plots /occupancy of spacetime.h5: x = cell, y = step (downwards), a car is "
                    "black. More rows than --max-rows are subsampled evenly; more columns than "
                    "--max-columns are averaged in blocks (grey = fraction of cells with a car).")
    parser.add_argument("input", metavar="RUN_DIR|spacetime.h5")
    parser.add_argument("--max-rows", type=common.positive_int, default=2000, metavar="N",
                        help="plot at most N rows, evenly subsampled (default: 2000)")
    parser.add_argument("--max-columns", type=common.positive_int, default=4000, metavar="N",
                        help="wider windows are shown as block means of cells (default: 4000)")
    common.add_common_options(parser, "spacetime.png")
    parser.set_defaults(run=run, draw=draw)


def run(args):
    common.save_figure(draw(args), args.output, args.dpi)


def draw(args):
    path = common.resolve_input(args.input, file_format.SPACETIME_FILE)
    window = convoy.read_spacetime(path)  # the rows that /step and /occupancy both hold
    steps, rows, width = window.step, len(window), window.width
    if rows == 0 or width == 0:
        raise UserError(path, "/occupancy is empty")
    start, cells, cars = window.start, window.cells, window.cars
    model = common.model_description(window.model, window.config_text)
    chosen = np.unique(np.linspace(0, rows - 1, min(rows, args.max_rows)).round().astype(np.int64))
    column_block = -(-width // args.max_columns)
    image = read_rows(window, chosen, column_block)

    figure = common.new_figure(FIGURE_INCHES, FIGURE_INCHES, args.dpi)
    axes = figure.add_subplot()
    shown_steps = steps[chosen]
    # Judged on every row: an even subsample of evenly spaced rows is drawn on the step axis too.
    evenly = rows < 2 or np.all(np.diff(steps) == steps[1] - steps[0])
    # Pixel centres sit on the cells and steps: cell start+k spans [start+k-0.5, start+k+0.5].
    left, right = start - 0.5, start + width - 0.5
    if evenly:
        spacing = (shown_steps[-1] - shown_steps[0]) / (len(shown_steps) - 1) if len(shown_steps) > 1 else 1
        half_step = spacing / 2
        extent = (left, right, shown_steps[-1] + half_step, shown_steps[0] - half_step)
        axes.yaxis.set_major_locator(round_ticks())
    else:
        # Steps not evenly spaced (e.g. restarts): y is the row, labelled with its step.
        extent = (left, right, len(chosen) - 0.5, -0.5)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # rows; labelled with their steps
        axes.yaxis.set_major_formatter(FuncFormatter(
            lambda y, _: str(shown_steps[int(round(y))]) if 0 <= round(y) < len(shown_steps) else ""))
    # One pixel per cell and row where they fit; where several share a pixel, nearest-neighbour
    # sampling would draw moire stripes, so let Agg average them instead (grey = density).
    width_pixels, height_pixels = 0.85 * FIGURE_INCHES * args.dpi, 0.8 * FIGURE_INCHES * args.dpi
    crowded = image.shape[1] > width_pixels or image.shape[0] > height_pixels
    axes.imshow(image, cmap="gray_r", vmin=0, vmax=1, aspect="auto", extent=extent,
                interpolation="antialiased" if crowded else "nearest")
    axes.xaxis.set_major_locator(round_ticks())
    if start + width > cells:
        # The window wraps around the ring: label cells modulo the road length.
        axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{int(round(x)) % cells}"))
    axes.set_xlabel("cell" + (f" (block means of {column_block} cells)" if column_block > 1 else ""))
    axes.set_ylabel("step (time increases downwards)")

    title = args.title or f"space-time diagram ({model}, {cells} cells, density {cars / cells:.3f})"
    notes = []
    if len(chosen) < rows:
        notes.append(f"{len(chosen)} of {rows} rows, evenly subsampled")
    if column_block > 1 or crowded:
        notes.append("grey: several cells or rows share a pixel")
    if notes and not args.title:
        title += "\n" + "; ".join(notes)
    axes.set_title(title)
    return figure


def round_ticks():
    """Ticks on whole cells and steps at 1, 2, 5 or 10 times a power of ten (an axis that starts at
    -0.5, the edge of cell 0, would otherwise get ticks like -0.5, 99.5)."""
    return MaxNLocator(nbins=8, steps=[1, 2, 5, 10], integer=True)


def read_rows(window, chosen, column_block):
    """The chosen rows as float32 [rows, ceil(width / column_block)], columns averaged in blocks."""
    rows, width = len(chosen), window.width
    columns = -(-width // column_block)
    image = np.empty((rows, columns), dtype=np.float32)
    starts = np.arange(0, width, column_block)
    sizes = np.diff(np.append(starts, width)).astype(np.float32)
    for first in range(0, rows, ROWS_PER_READ):
        part = chosen[first:first + ROWS_PER_READ]
        block = window.read_rows(part)
        if column_block > 1:
            image[first:first + len(part)] = np.add.reduceat(block.astype(np.float32), starts, axis=1) / sizes
        else:
            image[first:first + len(part)] = block
    return image
