#!/usr/bin/python3
"""Installs tools/python into a new venv the way docs/python.md says, and checks the installed copy.

Usage: install_package.py --source tools/python --venv DIR --copy DIR
pip builds in the source directory (build/, convoy.egg-info), so the package is copied first (its
format.hpp symlink pointed at the real header) and the source tree stays clean."""

import argparse
import os
import shutil
import subprocess
import sys


def copy_source(source, copy):
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(source, copy, symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
    link = os.path.join(copy, "convoy", "format.hpp")
    if not os.path.islink(link):
        sys.exit(f"{os.path.join(source, 'convoy', 'format.hpp')} is not a symlink to the format header")
    target = os.path.realpath(os.path.join(source, "convoy", "format.hpp"))
    os.remove(link)
    os.symlink(target, link)  # as in the source tree: a symlink, which setuptools must copy as a file


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True)
    parser.add_argument("--venv", required=True)
    parser.add_argument("--copy", required=True)
    args = parser.parse_args()
    copy_source(args.source, args.copy)
    shutil.rmtree(args.venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", args.venv], check=True)
    python = os.path.join(args.venv, "bin", "python")
    subprocess.run([os.path.join(args.venv, "bin", "pip"), "install", "--quiet", "--no-build-isolation",
                    "--no-index", args.copy], check=True)
    installed = subprocess.run([python, "-c", "import convoy, os; print(os.path.dirname(convoy.__file__))"],
                               check=True, capture_output=True, text=True, cwd="/").stdout.strip()
    header = os.path.join(installed, "format.hpp")
    if not installed.startswith(os.path.abspath(args.venv)):
        sys.exit(f"import convoy found {installed}, not the venv's copy")
    if os.path.islink(header) or not os.path.isfile(header):
        sys.exit(f"{header}: not a real file (setuptools should have copied the header)")
    print(f"installed convoy in {installed}")


if __name__ == "__main__":
    main()
