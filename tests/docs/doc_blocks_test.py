#!/usr/bin/env python3
"""The docs tester (run_doc_blocks.py) on small documents made to pass and to fail: it must fail for a
failing command, for output the document no longer matches, for an unmarked command block and for a
skip without a reason; and pass where only clock times and rates differ.

    doc_blocks_test.py --tester run_doc_blocks.py --scratch DIR
"""
import argparse
import os
import shutil
import subprocess
import sys
import textwrap

FENCE = "```"


def document(*parts):
    return textwrap.dedent("\n".join(parts)).replace("~~~", FENCE)


CASES = [
    # (name, document, should pass, text the tester must print)
    ("passes", document("""
        <!-- doc-test -->
        ~~~sh
        echo "[10:00:00 info] finished 100 steps in 0.5 s: 1234.5 MCOPs (301 MB/s)"
        ~~~
        <!-- doc-test: output -->
        ~~~
        [09:48:09 info] finished 100 steps in 0.013170 s: 77753.43 MCOPs (12.5 MB/s)
        ~~~
        """), True, "every marked block ran as written"),
    ("setup_runs_first", document("""
        <!-- doc-test: setup echo made > runs/made.txt -->
        <!-- doc-test -->
        ~~~sh
        grep -q made runs/made.txt
        ~~~
        """), True, "every marked block ran as written"),
    ("python_block", document("""
        <!-- doc-test -->
        ~~~python
        import sys
        sys.exit(3)
        ~~~
        """), False, "failed with exit status 3"),
    ("failing_command", document("""
        text
        <!-- doc-test -->
        ~~~sh
        true
        false
        echo never
        ~~~
        """), False, "failing_command.md:5: the run block failed with exit status 1"),
    ("output_changed", document("""
        <!-- doc-test -->
        ~~~sh
        echo "step 10: average velocity 0.5"
        ~~~
        <!-- doc-test: output -->
        ~~~
        step 10: average velocity 0.4
        ~~~
        """), False, "document: step 10: average velocity 0.4"),
    ("unmarked_block", document("""
        <!-- doc-test -->
        ~~~sh
        true
        ~~~

        ~~~sh
        rm -rf /nothing-checks-this
        ~~~
        """), False, "unmarked_block.md:7: a ```sh block without a doc-test marker"),
    ("skip_without_reason", document("""
        <!-- doc-test: skip -->
        ~~~sh
        true
        ~~~
        """), False, "skip marker must give its reason"),
    ("writes_stay_in_scratch", document("""
        <!-- doc-test -->
        ~~~sh
        test -d runs && test -d docs/figures && test -L build && test -L input
        echo figure > docs/figures/x.png
        ~~~
        """), True, "every marked block ran as written"),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tester", required=True)
    parser.add_argument("--scratch", required=True)
    args = parser.parse_args()
    shutil.rmtree(args.scratch, ignore_errors=True)
    source = os.path.join(args.scratch, "source")
    for name in ("input", "tools", "slurm", "docs", "build"):
        os.makedirs(os.path.join(source, name))
    wrong = []
    for name, text, should_pass, expected in CASES:
        path = os.path.join(source, f"{name}.md")
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)
        done = subprocess.run([sys.executable, args.tester, path, "--source", source, "--build",
                               os.path.join(source, "build"), "--scratch", os.path.join(args.scratch, name)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        passed = done.returncode == 0
        if passed != should_pass or expected not in done.stdout:
            wrong.append(f"{name}: exit status {done.returncode} (expected {'0' if should_pass else 'not 0'}), "
                         f"expected to print {expected!r}; printed:\n{done.stdout}")
    if os.path.exists(os.path.join(source, "docs", "figures", "x.png")):
        wrong.append("writes_stay_in_scratch: the block wrote into the source tree's docs/figures")
    if wrong:
        sys.exit("\n".join(wrong))
    print(f"all {len(CASES)} cases behave")


if __name__ == "__main__":
    main()
