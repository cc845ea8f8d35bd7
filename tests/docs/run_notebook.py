#!/usr/bin/env python3
"""Executes a notebook of docs/notebooks as the test suite's user would (jupyter nbconvert --execute)
and fails when a cell fails; first checks that it is committed without outputs.

    run_notebook.py NOTEBOOK --source DIR --build DIR --scratch DIR
"""
import argparse
import json
import os
import shutil
import subprocess
import sys


def committed_outputs(path):
    """The numbers of the cells that carry outputs or execution counts."""
    with open(path, encoding="utf-8") as stream:
        cells = json.load(stream)["cells"]
    return [number for number, cell in enumerate(cells, 1)
            if cell.get("outputs") or cell.get("execution_count") is not None]


def cells_without_figure(path):
    """The numbers of the executed cells that call plt.show() but carry no image."""
    with open(path, encoding="utf-8") as stream:
        cells = json.load(stream)["cells"]
    return [number for number, cell in enumerate(cells, 1)
            if "plt.show()" in "".join(cell.get("source", ""))
            and not any("image/png" in output.get("data", {}) for output in cell.get("outputs", []))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook")
    parser.add_argument("--source", required=True)
    parser.add_argument("--build", required=True)
    parser.add_argument("--scratch", required=True)
    args = parser.parse_args()
    stale = committed_outputs(args.notebook)
    if stale:
        sys.exit(f"{args.notebook}: cells {stale} carry outputs; commit notebooks without them "
                 "(jupyter nbconvert --clear-output --inplace NOTEBOOK)")
    jupyter = shutil.which("jupyter")
    if not jupyter:
        sys.exit("jupyter is not on PATH: install jupyter-nbconvert and python3-ipykernel (tools/setup does)")
    shutil.rmtree(args.scratch, ignore_errors=True)
    os.makedirs(args.scratch)
    environment = dict(os.environ, CONVOY_SOURCE=os.path.abspath(args.source), CONVOY_BUILD=os.path.abspath(args.build),
                       CONVOY_TOUR_DIR=os.path.join(args.scratch, "runs"),
                       PYTHONPATH=os.path.join(os.path.abspath(args.source), "tools", "python"),
                       PYDEVD_DISABLE_FILE_VALIDATION="1")
    done = subprocess.run([jupyter, "nbconvert", "--execute", "--to", "notebook", "--output-dir", args.scratch,
                           "--ExecutePreprocessor.timeout=600", args.notebook], env=environment)
    if done.returncode != 0:
        sys.exit(f"{args.notebook}: a cell failed (jupyter nbconvert exit status {done.returncode}); see above")
    blank = cells_without_figure(os.path.join(args.scratch, os.path.basename(args.notebook)))
    if blank:
        sys.exit(f"{args.notebook}: cells {blank} draw a figure, but the executed notebook holds none")
    print(f"{args.notebook}: every cell ran and drew its figures; the executed copy is in {args.scratch}")


if __name__ == "__main__":
    main()
