"""open_run: a convoy output directory, its resolved config and its files."""

import os
import re
from dataclasses import dataclass
from functools import cached_property

from . import file_format
from .config import parse_config
from .errors import ConvoyError
from .series import read_detectors, read_series
from .spacetime import read_spacetime

CONFIG_FILE = "config.yaml"  # written by rank 0 beside the series (docs/output.md)


@dataclass(frozen=True)
class StateFile:
    step: int
    path: str


class Run:
    """A run directory. Files are read when first asked for, then kept."""

    def __init__(self, path):
        self.path = os.fspath(path)

    def __repr__(self):
        return f"convoy.Run({self.path!r})"

    @cached_property
    def config_text(self):
        """config.yaml as written: the run's resolved config (every key)."""
        try:
            with open(os.path.join(self.path, CONFIG_FILE), encoding="utf-8") as stream:
                return stream.read()
        except OSError as error:
            raise ConvoyError(os.path.join(self.path, CONFIG_FILE), f"cannot read: {error.strerror}") from None

    @cached_property
    def config(self):
        """The resolved config as a dict (needs PyYAML: Debian's python3-yaml)."""
        return parse_config(self.config_text, os.path.join(self.path, CONFIG_FILE))

    @property
    def timeseries_path(self):
        return os.path.join(self.path, file_format.TIMESERIES_FILE)

    @cached_property
    def series(self):
        return read_series(self.timeseries_path)

    @cached_property
    def detectors(self):
        return read_detectors(self.timeseries_path)

    @cached_property
    def spacetime(self):
        """The space-time window, or None when the run records none."""
        path = os.path.join(self.path, file_format.SPACETIME_FILE)
        return read_spacetime(path) if os.path.exists(path) else None

    @property
    def snapshots(self):
        """The complete snapshots, sorted by step (listed anew on every call: a run may add more)."""
        return _state_files(os.path.join(self.path, file_format.SNAPSHOTS_FOLDER), file_format.SNAPSHOT)

    @property
    def checkpoints(self):
        return _state_files(os.path.join(self.path, file_format.CHECKPOINTS_FOLDER), file_format.CHECKPOINT)


def open_run(path):
    """A run directory written by `convoy run` (it must hold config.yaml or timeseries.h5)."""
    path = os.fspath(path)
    if not os.path.isdir(path):
        raise ConvoyError(path, "no such directory" if not os.path.exists(path) else "not a directory")
    if not any(os.path.exists(os.path.join(path, name)) for name in (CONFIG_FILE, file_format.TIMESERIES_FILE)):
        raise ConvoyError(path, f"not a convoy run directory (no {CONFIG_FILE} or {file_format.TIMESERIES_FILE})")
    return Run(path)


def _state_files(folder, kind):
    # <kind>_<step>.h5; files still being written end in .tmp and are left out.
    pattern = re.compile(rf"{re.escape(kind)}_(\d+)\.h5")
    found = []
    if os.path.isdir(folder):
        for name in os.listdir(folder):
            match = pattern.fullmatch(name)
            if match:
                found.append(StateFile(int(match.group(1)), os.path.join(folder, name)))
    return sorted(found, key=lambda state: state.step)
