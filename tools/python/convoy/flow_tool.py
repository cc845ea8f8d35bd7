"""convoy-flow, the statistics tool: found, run, and its JSON returned (no statistic is computed here)."""

import json
import os
import shutil
import subprocess

from .errors import ConvoyError

TOOL = "convoy-flow"
_HERE = os.path.dirname(os.path.abspath(__file__))
# Beside the package; and bin/ of the prefix the package is installed under (share/convoy/python/convoy).
_BESIDE = [os.path.join(_HERE, TOOL),
           os.path.join(_HERE, os.pardir, os.pardir, os.pardir, os.pardir, "bin", TOOL)]


def find_flow_tool(flow_tool=None, more_candidates=()):
    """`flow_tool`, else $CONVOY_FLOW, else `more_candidates`, else beside the package, else on PATH."""
    for given, origin in ((flow_tool, "flow_tool"), (os.environ.get("CONVOY_FLOW"), "CONVOY_FLOW")):
        if given:
            if not _executable(given):
                raise ConvoyError(given, f"{origin} is not an executable file")
            return given
    for candidate in (*more_candidates, *_BESIDE):
        if _executable(candidate):
            return os.path.normpath(candidate)
    on_path = shutil.which(TOOL)
    if on_path:
        return on_path
    raise ConvoyError(TOOL, "not found (looked at $CONVOY_FLOW, beside the convoy package and on PATH)")


def _executable(path):
    return os.path.isfile(path) and os.access(path, os.X_OK)


def flags(options):
    """burn_in=100 -> ["--burn-in", "100"]; True -> the flag alone; None and False -> nothing."""
    arguments = []
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if value is None or value is False:
            continue
        arguments += [flag] if value is True else [flag, repr(value) if isinstance(value, float) else str(value)]
    return arguments


def run_flow_tool(tool, command, arguments, subject):
    """Runs `convoy-flow COMMAND ARGS... --json`; returns its JSON, checked to be COMMAND's."""
    argv = [tool, command, *arguments, "--json"]
    try:
        done = subprocess.run(argv, capture_output=True, text=True)
    except OSError as error:
        raise ConvoyError(tool, f"cannot run: {error.strerror or error}") from None
    if done.returncode != 0:
        message = " / ".join(line.strip() for line in done.stderr.splitlines() if line.strip())
        raise ConvoyError(subject, f"convoy-flow {command} failed (exit status {done.returncode}): "
                          f"{message or 'no message on stderr'}")
    return parse_flow_json(done.stdout, f"output of {os.path.basename(tool)} {command}", command)


def parse_flow_json(text, subject, command):
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ConvoyError(subject, f"not valid JSON ({error})") from None
    if not isinstance(data, dict) or data.get("command") != command:
        found = data.get("command") if isinstance(data, dict) else None
        what = f'"command" is {found!r}' if found is not None else 'no "command" key'
        raise ConvoyError(subject, f"not the output of `convoy-flow {command} --json` ({what})")
    return data


def stats(run_or_path, flow_tool=None, **options):
    """The dict of `convoy-flow stats --json RUN` for a Run, a run directory or a timeseries.h5;
    options are its flags: burn_in=100 -> --burn-in 100, cell_length=7.5 -> --cell-length 7.5."""
    path = os.fspath(getattr(run_or_path, "path", run_or_path))
    tool = find_flow_tool(flow_tool)
    return run_flow_tool(tool, "stats", [path, *flags(options)], path)
