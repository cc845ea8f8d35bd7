"""What every figure needs: user errors, reading convoy files and JSON, running convoy-flow, saving."""

import json
import math
import os
import shutil
import subprocess

import matplotlib

from . import file_format

matplotlib.use("Agg")  # no display: figures only go to files

from matplotlib.figure import Figure  # noqa: E402  (after choosing the backend)

SCRIPT_DIR = None  # set by the convoy-plot script: the directory it lives in


class UserError(Exception):
    """A problem the user can act on: printed as one line on stderr, exit status 2."""

    def __init__(self, subject, problem):
        super().__init__(f"{subject}: {problem}")


def add_common_options(parser, default_output):
    parser.add_argument("-o", "--output", default=default_output, metavar="FILE.png",
                        help=f"where to write the figure (default: {default_output})")
    parser.add_argument("--dpi", type=positive_int, default=150,
                        help="pixels per inch of the PNG (default: 150)")
    parser.add_argument("--title", help="title of the figure (default: one describing the data)")


def positive_int(text):
    import argparse
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return value


def positive_float(text):
    import argparse
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}")
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be a positive number: {text!r}")
    return value


def new_figure(width_inches, height_inches, dpi):
    # Constrained layout keeps labels inside the figure without changing its pixel size
    # (bbox_inches="tight" would).
    return Figure(figsize=(width_inches, height_inches), dpi=dpi, layout="constrained")


def save_figure(figure, path, dpi):
    try:
        figure.savefig(path, dpi=dpi, format="png")
    except OSError as error:
        raise UserError(path, f"cannot write the figure: {error.strerror or error}")
    print(f"wrote {path}")


def resolve_input(path, default_name):
    """RUN_DIR or file -> the file; a directory means DIR/default_name."""
    if os.path.isdir(path):
        candidate = os.path.join(path, default_name)
        if not os.path.exists(candidate):
            raise UserError(path, f"is a directory without {default_name}")
        return candidate
    if not os.path.exists(path):
        raise UserError(path, "no such file or directory")
    return path


def open_convoy_file(path, kind):
    """Opens an HDF5 file written by convoy and checks its root attribute `kind`."""
    import h5py
    if not os.path.exists(path):
        raise UserError(path, "no such file")
    if os.path.isdir(path):
        raise UserError(path, "is a directory, expected a file")
    try:
        is_hdf5 = h5py.is_hdf5(path)
    except OSError as error:
        raise UserError(path, f"cannot read: {error}")
    if not is_hdf5:
        raise UserError(path, f"not an HDF5 file (expected a convoy {kind} file)")
    try:
        handle = h5py.File(path, "r")
    except OSError as error:
        raise UserError(path, f"cannot open as HDF5: {error}")
    found = handle.attrs.get(file_format.KIND)
    if isinstance(found, bytes):
        found = found.decode("utf-8", "replace")
    if found is None:
        handle.close()
        raise UserError(path, f"not a convoy file (no root attribute 'kind'; expected kind '{kind}')")
    if found != kind:
        handle.close()
        raise UserError(path, f"is a convoy {found} file, expected kind '{kind}'")
    return handle


def read_dataset(handle, name):
    if name not in handle:
        raise UserError(handle.filename, f"has no dataset /{name}")
    return handle[name]


def attribute(handle, name, default=None):
    value = handle.attrs.get(name, default)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return value


def load_json(path, command):
    """Reads a JSON file printed by `convoy-flow COMMAND --json` and checks its "command"."""
    if not os.path.exists(path):
        raise UserError(path, "no such file")
    try:
        with open(path, encoding="utf-8") as stream:
            text = stream.read()
    except OSError as error:
        raise UserError(path, f"cannot read: {error.strerror or error}")
    return parse_json(text, path, command)


def parse_json(text, subject, command):
    try:
        data = json.loads(text)
    except ValueError as error:
        raise UserError(subject, f"not valid JSON ({error})")
    if not isinstance(data, dict) or data.get("command") != command:
        found = data.get("command") if isinstance(data, dict) else None
        what = f'"command" is {found!r}' if found is not None else 'no "command" key'
        raise UserError(subject, f"not the output of `convoy-flow {command} --json` ({what})")
    return data


def require(data, key, subject):
    if key not in data:
        raise UserError(subject, f'has no "{key}"')
    return data[key]


def find_flow_tool(given, instead):
    """--flow-tool, else build/convoy-flow beside tools/, else beside the script, else on PATH."""
    if given:
        if not (os.path.isfile(given) and os.access(given, os.X_OK)):
            raise UserError(given, "--flow-tool is not an executable file")
        return given
    candidates = [os.path.join(SCRIPT_DIR, os.pardir, "build", "convoy-flow"),
                  os.path.join(SCRIPT_DIR, "convoy-flow")]
    for candidate in candidates:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return os.path.normpath(candidate)
    on_path = shutil.which("convoy-flow")
    if on_path:
        return on_path
    raise UserError("convoy-flow", "not found (looked in build/, beside convoy-plot and on PATH); "
                    f"give --flow-tool PATH, or its JSON output with {instead}")


def run_flow_tool(tool, command, arguments, subject):
    """Runs `convoy-flow COMMAND ARGS... --json` and returns its parsed JSON."""
    argv = [tool, command, *arguments, "--json"]
    try:
        done = subprocess.run(argv, capture_output=True, text=True)
    except OSError as error:
        raise UserError(tool, f"cannot run: {error.strerror or error}")
    if done.returncode != 0:
        message = " / ".join(line.strip() for line in done.stderr.splitlines() if line.strip())
        raise UserError(subject, f"convoy-flow {command} failed (exit status {done.returncode}): "
                        f"{message or 'no message on stderr'}")
    return parse_json(done.stdout, f"output of {os.path.basename(tool)} {command}", command)


def number(value):
    """A JSON number or null -> float (NaN for null)."""
    return math.nan if value is None else float(value)


def format_value_error(value, error):
    """0.30012, 0.00104 -> '0.3001 ± 0.0010': the error to two significant digits."""
    if value is None or not math.isfinite(value):
        return "n/a"
    if error is None or not math.isfinite(error):
        return f"{value:.4g} ± n/a"
    if error == 0:
        return f"{value:.6g} ± 0"
    decimals = max(0, 1 - math.floor(math.log10(abs(error))))
    if decimals > 12:
        return f"{value:.6g} ± {error:.2g}"
    return f"{value:.{decimals}f} ± {error:.{decimals}f}"
