#!/usr/bin/env python3
"""Runs the marked code blocks of a Markdown file exactly as written, and fails when one fails.

A block is marked by an HTML comment on the line before its fence (invisible on GitHub):

    <!-- doc-test -->                  the ```sh or ```python block below runs (sh: bash -euo pipefail)
    <!-- doc-test: output -->          the ``` block below is what the run block before it prints:
                                       compared line by line, clock times and rates masked
    <!-- doc-test: setup COMMAND -->   COMMAND runs first, unseen by readers (e.g. a run that the
                                       document's commands then read)
    <!-- doc-test: skip REASON -->     the ```sh block below does not run here (REASON: e.g. it needs
                                       ARCHER2, or it is a summary of options)

Every ```sh block must carry one of these markers, so that a new command cannot escape the test.
Python blocks run with tools/python on PYTHONPATH (the convoy package).

The blocks of one document run in order in one scratch folder, which sees the source tree's input/,
tools/, slurm/ and the build folder as build/ (symbolic links), and has empty runs/ and docs/figures/
of its own, so that nothing in the source tree is written.

    run_doc_blocks.py DOC.md --source DIR --build DIR --scratch DIR [--python PYTHON]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

MARKER = re.compile(r"^<!--\s*doc-test(?::\s*(output|setup|skip)\s*(.*?))?\s*-->\s*$")
FENCE = re.compile(r"^```(\w*)\s*$")
# What differs from one run to the next: clock times, durations, rates.
VARYING = [(re.compile(r"^\[\d\d:\d\d:\d\d (\w+)\] "), r"[HH:MM:SS \1] "),
           (re.compile(r"\b\d+(\.\d+)? s\b"), "T s"),
           (re.compile(r"\(\d+(\.\d+)? [MG]B/s\)"), "(R MB/s)"),
           (re.compile(r"\b\d+(\.\d+)? MCOPs\b"), "R MCOPs")]


class Block:
    def __init__(self, kind, language, text, line, setup=""):
        self.kind, self.language, self.text, self.line, self.setup = kind, language, text, line, setup


def closing_fence(lines, start):
    return next((i for i in range(start, len(lines)) if lines[i].startswith("```")), None)


def marked_blocks(path):
    """The marked blocks of a Markdown file, in order; exits naming the line of a missing marker."""
    lines = open(path, encoding="utf-8").read().split("\n")
    blocks, pending, number = [], None, 0
    while number < len(lines):
        line, number = lines[number], number + 1
        marker, fence = MARKER.match(line), FENCE.match(line)
        if pending and not fence:
            sys.exit(f"{path}:{number - 1}: a doc-test marker must stand on the line before a ``` fence")
        if marker and marker.group(1) == "setup":
            blocks.append(Block("setup", "sh", marker.group(2), number))
        elif marker:
            pending = marker
            if pending.group(1) == "skip" and not pending.group(2):
                sys.exit(f"{path}:{number}: a doc-test skip marker must give its reason")
        elif fence:
            end = closing_fence(lines, number)
            if end is None:
                sys.exit(f"{path}:{number}: the block has no closing ``` fence")
            language = fence.group(1)
            kind = (pending.group(1) or "run") if pending else None
            if kind is None and language in ("sh", "bash"):
                sys.exit(f"{path}:{number}: a ```{language} block without a doc-test marker before it "
                         "(<!-- doc-test --> to run it, <!-- doc-test: skip REASON --> if it cannot run here)")
            if kind == "run" and language not in ("sh", "bash", "python"):
                sys.exit(f"{path}:{number}: a doc-test block is sh or python, not '{language or 'plain'}'")
            if kind in ("run", "output"):
                blocks.append(Block(kind, language or "sh", "\n".join(lines[number:end]), number + 1))
            pending, number = None, end + 1
    return blocks


def make_scratch(scratch, source, build):
    """A fresh folder that looks like the source tree to the commands, but writes only to itself."""
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(os.path.join(scratch, "runs"))
    os.makedirs(os.path.join(scratch, "docs", "figures"))
    for name in ("input", "tools", "slurm"):
        os.symlink(os.path.join(source, name), os.path.join(scratch, name))
    os.symlink(build, os.path.join(scratch, "build"))


def run(block, scratch, python):
    if block.language == "python":
        command = [python, "-c", block.text]
    else:
        command = ["bash", "-euo", "pipefail", "-c", block.text]
    environment = dict(os.environ, PYTHONPATH=os.path.join(scratch, "tools", "python"))
    done = subprocess.run(command, cwd=scratch, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return done.returncode, done.stdout


def masked(text):
    lines = []
    for line in text.strip("\n").split("\n"):
        for pattern, replacement in VARYING:
            line = pattern.sub(replacement, line)
        lines.append(line.rstrip())
    return lines


def compare_output(document, block, printed):
    expected, got = masked(block.text), masked(printed)
    if expected == got:
        return True
    print(f"{document}:{block.line}: the block shows output that the command before it no longer prints "
          "(clock times and rates masked):")
    for i in range(max(len(expected), len(got))):
        want = expected[i] if i < len(expected) else "(no line)"
        have = got[i] if i < len(got) else "(no line)"
        if want != have:
            print(f"  line {i + 1}:\n    document: {want}\n    printed:  {have}")
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("document")
    parser.add_argument("--source", required=True)
    parser.add_argument("--build", required=True)
    parser.add_argument("--scratch", required=True)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    document = os.path.relpath(args.document, args.source)
    blocks = marked_blocks(args.document)
    if not any(block.kind == "run" for block in blocks):
        print(f"{document}: every command block is marked, none to run here")
        return
    make_scratch(args.scratch, os.path.abspath(args.source), os.path.abspath(args.build))
    printed, failures = "", 0
    for block in blocks:
        if block.kind == "output":
            failures += not compare_output(document, block, printed)
            continue
        shown = block.text if block.kind == "setup" else block.text.split("\n")[0] + " ..."
        print(f"{document}:{block.line}: {block.kind}: {shown}", flush=True)
        status, printed = run(block, args.scratch, args.python)
        if status != 0:
            print(f"{document}:{block.line}: the {block.kind} block failed with exit status {status}; "
                  f"it printed:\n{printed}")
            if block.kind == "setup":
                sys.exit(f"{document}: the blocks after it cannot run (scratch folder kept: {args.scratch})")
            failures += 1
    if failures:
        sys.exit(f"{document}: {failures} block(s) failed (scratch folder kept: {args.scratch})")
    print(f"{document}: every marked block ran as written")


if __name__ == "__main__":
    main()
