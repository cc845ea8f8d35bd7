#!/usr/bin/python3
"""tools/check-layers finds breaches: a copy of the source tree with one breach of each kind planted
must fail with each named at its file and line, and the real tree must pass.

  check_layers_test.py SOURCE_DIR
"""
import os
import shutil
import subprocess
import sys
import tempfile

PLANTED = {  # file: (line appended, what the report must say)
    "src/model/rule184.cpp": ('#include "convoy/parallel/comm.hpp"', "model includes convoy/parallel/"),
    "src/io/inspect.cpp": ("static hid_t planted = -1;", "HDF5 outside h5/ (hid_t)"),
    "src/run/simulation.cpp": ("#include <mpi.h>", "MPI outside the communicator (#include <mpi.h>)"),
    "tools/flow/main.cpp": ("static int planted = MPI_Barrier(0);", "MPI outside the communicator (MPI_Barrier)"),
    "src/config/parse_config.cpp": ('#include "convoy/io/format.hpp"', "config includes convoy/io/"),
}
HARMLESS = {"src/io/timeseries.cpp": '// H5Fopen(...) and MPI_Barrier in a comment, "hid_t" in a string'}


def run(tool, root):
    result = subprocess.run([sys.executable, tool, root], capture_output=True, text=True)
    return result.returncode, result.stdout


def main(source):
    tool = os.path.join(source, "tools", "check-layers")
    status, output = run(tool, source)
    if status != 0:
        print(f"the source tree breaks its layers:\n{output}")
        return 1
    with tempfile.TemporaryDirectory() as work:
        for folder in ("src", "include", "tools"):
            shutil.copytree(os.path.join(source, folder), os.path.join(work, folder))
        for path, line in [(p, l) for p, (l, _) in PLANTED.items()] + list(HARMLESS.items()):
            with open(os.path.join(work, path), "a") as f:
                f.write("\n" + line + "\n")
        status, output = run(tool, work)
    failures = []
    if status != 1:
        failures.append(f"exit status {status} for a tree with planted breaches, not 1")
    for path, (_, said) in PLANTED.items():
        if not any(line.startswith(path + ":") and said in line for line in output.splitlines()):
            failures.append(f"the breach planted in {path} was not reported as '{said}'")
    if any(line.startswith(tuple(HARMLESS)) for line in output.splitlines()):
        failures.append("a comment or a string was reported as a breach")
    reported = [line for line in output.splitlines() if ": " in line and not line.endswith(" files")]
    if len(reported) != len(PLANTED):
        failures.append(f"{len(reported)} breaches reported, {len(PLANTED)} planted")
    for failure in failures:
        print(failure)
    print(output)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
