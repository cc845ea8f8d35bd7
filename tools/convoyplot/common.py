"""What every figure needs: user errors, the model's name, reading convoy-flow JSON, saving.
Convoy's files are read through the convoy package (tools/python/convoy), the one reader of them."""

import math
import os

import matplotlib

import convoy
from convoy import flow_tool

matplotlib.use("Agg")  # no display: figures only go to files

from matplotlib.figure import Figure  # noqa: E402  (after choosing the backend)

SCRIPT_DIR = None  # set by the convoy-plot script: the directory it lives in
# -o's extension chooses the format; a name without one is written as PNG.
FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg", "": "png"}


class UserError(Exception):
    """A problem the user can act on: printed as one line on stderr, exit status 2."""

    def __init__(self, subject, problem):
        super().__init__(f"{subject}: {problem}")


def add_common_options(parser, default_output):
    parser.add_argument("-o", "--output", default=default_output, metavar="FILE.png|.pdf|.svg",
                        help=f"where to write the figure; the extension chooses the format "
                             f"(default: {default_output})")
    parser.add_argument("--dpi", type=positive_int, default=150,
                        help="pixels per inch of a PNG (default: 150)")
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
    extension = os.path.splitext(path)[1].lower()
    if extension not in FORMATS:
        raise UserError(path, f"cannot write a {extension} figure; name it .png, .pdf or .svg")
    try:
        figure.savefig(path, dpi=dpi, format=FORMATS[extension])
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


def load_json(path, command):
    """Reads a JSON file printed by `convoy-flow COMMAND --json` and checks its "command"."""
    if not os.path.exists(path):
        raise UserError(path, "no such file")
    try:
        with open(path, encoding="utf-8") as stream:
            text = stream.read()
    except OSError as error:
        raise UserError(path, f"cannot read: {error.strerror or error}")
    return flow_tool.parse_flow_json(text, path, command)


def require(data, key, subject):
    if key not in data:
        raise UserError(subject, f'has no "{key}"')
    return data[key]


def find_flow_tool(given, instead):
    """--flow-tool, else $CONVOY_FLOW, else build/convoy-flow beside tools/, else beside the script,
    else beside the convoy package, else on PATH."""
    if given and not (os.path.isfile(given) and os.access(given, os.X_OK)):
        raise UserError(given, "--flow-tool is not an executable file")
    candidates = [os.path.join(SCRIPT_DIR, os.pardir, "build", "convoy-flow"),
                  os.path.join(SCRIPT_DIR, "convoy-flow")]
    try:
        return convoy.find_flow_tool(given, more_candidates=candidates)
    except convoy.ConvoyError as error:
        raise UserError(error.subject, f"{error.problem}; give --flow-tool PATH, or its JSON output with {instead}")


def run_flow_tool(tool, command, arguments, subject):
    """Runs `convoy-flow COMMAND ARGS... --json` and returns its parsed JSON."""
    return flow_tool.run_flow_tool(tool, command, arguments, subject)


def model_description(model, config_text):
    """'rule184', or 'nasch, vmax 5, p_brake 0.25' with the parameters from the run's config (and
    ', p_slow 0.75' with slow-to-start)."""
    if model != "nasch":
        return model
    parameters = convoy.parse_config(config_text).get("model") or {}
    return nasch_description(parameters.get("vmax"), parameters.get("p_brake"), parameters.get("p_slow"))


def nasch_description(vmax, p_brake, p_slow=None):
    text = f"nasch, vmax {vmax if vmax is not None else '?'}, p_brake {p_brake if p_brake is not None else '?'}"
    if p_slow is not None and p_brake is not None and float(p_slow) != float(p_brake):
        text += f", p_slow {p_slow}"
    return text


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
