"""convoy: read and write the files of the convoy traffic simulator (numpy + h5py).

    run = convoy.open_run("runs/quickstart")       # .config .series .detectors .snapshots .checkpoints .spacetime
    state = convoy.read_state(run.snapshots[-1].path)  # .occupancy .velocity .step .digest_hex
    convoy.write_road("start.h5", occupancy)        # for init.from
    convoy.stats(run, burn_in=100)                  # convoy-flow stats --json

See docs/python.md. The file-format names come from convoy's include/convoy/io/format.hpp."""

from .config import parse_config
from .errors import ConvoyError
from .flow_tool import find_flow_tool, stats
from .road_writer import write_road
from .run import Run, StateFile, open_run
from .series import Detectors, Series, read_detectors, read_series
from .spacetime import Spacetime, read_spacetime
from .state import State, read_state

__all__ = ["ConvoyError", "Detectors", "Run", "Series", "Spacetime", "State", "StateFile",
           "find_flow_tool", "open_run", "parse_config", "read_detectors", "read_series", "read_spacetime",
           "read_state", "stats", "write_road"]
__version__ = "0.2.0"
