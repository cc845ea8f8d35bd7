"""convoy-plot spacetime: the space-time diagram of spacetime.h5 (cars black on white, time downwards)."""

import numpy as np
from matplotlib.ticker import FuncFormatter, MaxNLocator

from . import common
from . import file_format
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
    parser.set_defaults(run=run)


def run(args):
    path = common.resolve_input(args.input, file_format.SPACETIME_FILE)
    with common.open_convoy_file(path, file_format.SPACETIME) as handle:
        steps = common.read_dataset(handle, file_format.STEP)[:]
        occupancy = common.read_dataset(handle, file_format.OCCUPANCY)
        if occupancy.ndim != 2:
            raise UserError(path, f"/occupancy has {occupancy.ndim} dimensions, expected 2 (rows, width)")
        # A running convoy extends /step and /occupancy one after the other: use the rows both hold.
        rows, width = min(occupancy.shape[0], len(steps)), occupancy.shape[1]
        steps = steps[:rows]
        if rows == 0 or width == 0:
            raise UserError(path, "/occupancy is empty")
        start = int(common.attribute(handle, file_format.WINDOW_START, 0))
        cells = int(common.attribute(handle, file_format.CELLS, 0)) or start + width
        model = common.attribute(handle, file_format.MODEL, "?")
        cars = int(common.attribute(handle, file_format.CARS, 0))

        chosen = np.unique(np.linspace(0, rows - 1, min(rows, args.max_rows)).round().astype(np.int64))
        column_block = -(-width // args.max_columns)
        image = read_rows(occupancy, chosen, column_block)

    figure = common.new_figure(FIGURE_INCHES, FIGURE_INCHES, args.dpi)
    axes = figure.add_subplot()
    shown_steps = steps[chosen]
    evenly = len(shown_steps) < 2 or np.all(np.diff(shown_steps) == shown_steps[1] - shown_steps[0])
    # Pixel centres sit on the cells and steps: cell start+k spans [start+k-0.5, start+k+0.5].
    left, right = start - 0.5, start + width - 0.5
    if evenly:
        half_step = (shown_steps[1] - shown_steps[0]) / 2 if len(shown_steps) > 1 else 0.5
        extent = (left, right, shown_steps[-1] + half_step, shown_steps[0] - half_step)
    else:
        # Steps not evenly spaced (e.g. restarts): y is the row, labelled with its step.
        extent = (left, right, len(chosen) - 0.5, -0.5)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.yaxis.set_major_formatter(FuncFormatter(
            lambda y, _: str(shown_steps[int(round(y))]) if 0 <= round(y) < len(shown_steps) else ""))
    # One pixel per cell and row where they fit; where several share a pixel, nearest-neighbour
    # sampling would draw moire stripes, so let Agg average them instead (grey = density).
    width_pixels, height_pixels = 0.85 * FIGURE_INCHES * args.dpi, 0.8 * FIGURE_INCHES * args.dpi
    crowded = image.shape[1] > width_pixels or image.shape[0] > height_pixels
    axes.imshow(image, cmap="gray_r", vmin=0, vmax=1, aspect="auto", extent=extent,
                interpolation="antialiased" if crowded else "nearest")
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
    common.save_figure(figure, args.output, args.dpi)


def read_rows(occupancy, chosen, column_block):
    """The chosen rows as float32 [rows, ceil(width / column_block)], columns averaged in blocks."""
    rows, width = len(chosen), occupancy.shape[1]
    columns = -(-width // column_block)
    image = np.empty((rows, columns), dtype=np.float32)
    starts = np.arange(0, width, column_block)
    sizes = np.diff(np.append(starts, width)).astype(np.float32)
    for first in range(0, rows, ROWS_PER_READ):
        part = chosen[first:first + ROWS_PER_READ]
        block = occupancy[part, :]  # h5py reads increasing index lists directly
        if np.any(block > 1):
            raise UserError(occupancy.file.filename, "/occupancy holds values other than 0 and 1")
        if column_block > 1:
            image[first:first + len(part)] = np.add.reduceat(block.astype(np.float32), starts, axis=1) / sizes
        else:
            image[first:first + len(part)] = block
    return image
