#!/usr/bin/python3
"""Runs convoy, convoy inspect and convoy-flow on every file of the hostile-file corpus
(make_corpus.py), at 1 and 3 ranks, each under a timeout, and checks each outcome.

  corpus_test.py CONVOY CONVOY_FLOW WORK_DIR MPIEXEC [MPIEXEC_ARGS...]

refused: exit status 2 and a message naming the file (and what make_corpus.py says it must say),
nothing written; accepted: exit status 0; fallback: the restart names the damaged checkpoint as not
valid, continues from the older one and ends identical to the straight run (compare_runs.py).
"""
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
COMPARE = os.path.join(HERE, "..", "e2e", "compare_runs.py")
TIMEOUT = 120
RANKS = (1, 3)

CONFIGS = {
    "rule184": """road: {cells: 100003}
init: {density: 0.45, seed: 31}
run: {steps: 6000}
output:
  directory: out
  timeseries_every: 7
  detectors: [0, 50000]
  snapshot_every: 2000
  spacetime: {start: 99950, width: 100, every: 5}
checkpoint: {every_steps: 2000, keep: 2}
logging: {progress_seconds: 0}
""",
    "nasch": """road: {cells: 64000}
model: {type: nasch, vmax: 5, p_brake: 0.25}
init: {density: 0.2, seed: 32}
run: {steps: 3000}
output:
  directory: out
  timeseries_every: 3
  detectors: [10]
  snapshot_every: 1000
  spacetime: {start: 0, width: 64, every: 10}
checkpoint: {every_steps: 1000, keep: 2}
logging: {progress_seconds: 0}
""",
}

# init.from cases: the road and its length come from the file.
FROM_CONFIGS = {
    "rule184": "init: {{from: {path}{dataset}}}\nrun: {{steps: 40}}\noutput: {{directory: out}}\nlogging: {{progress_seconds: 0}}\n",
    "nasch": "model: {{type: nasch, vmax: 5, p_brake: 0.25}}\ninit: {{from: {path}{dataset}}}\nrun: {{steps: 40}}\n"
             "output: {{directory: out}}\nlogging: {{progress_seconds: 0}}\n",
}

failures = []


def run(argv, cwd):
    try:
        result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT)
        return result.returncode, result.stdout + result.stderr
    except subprocess.TimeoutExpired as expired:
        return None, f"TIMED OUT after {TIMEOUT} s: a hang\n{expired.stdout or ''}{expired.stderr or ''}"


def convoy_command(convoy, launcher, ranks, arguments):
    # One rank without a launcher (as a user runs a small job), more under it.
    return ([convoy] if ranks == 1 else launcher + ["-n", str(ranks), convoy]) + arguments


def check(name, condition, text):
    if not condition:
        failures.append(f"{name}: {text}")


def tree(directory):
    contents = {}
    for folder, _, files in os.walk(directory):
        for file in files:
            path = os.path.join(folder, file)
            with open(path, "rb") as f:
                contents[os.path.relpath(path, directory)] = f.read()
    return contents


def expect_refused(name, status, text, path, says):
    check(name, status == 2, f"exit status {status}, expected 2:\n{text}")
    check(name, os.path.basename(path) in text, f"the message does not name {path}:\n{text}")
    check(name, says in text, f"the message does not say '{says}':\n{text}")


def run_case(entry, ranks, convoy, flow, launcher, work, sources):
    name, use, path, model, expect = entry["name"], entry["use"], entry["file"], entry["model"], entry["expect"]
    config = os.path.join(work, f"{model}.yaml")
    label = f"{name} ({ranks} rank{'s' if ranks > 1 else ''})"
    if use == "init.from":
        output_dir = os.path.join(work, "from", f"{name}-{ranks}")
        from_config = os.path.join(work, "from", f"{name}-{ranks}.yaml")
        os.makedirs(os.path.dirname(from_config), exist_ok=True)
        with open(from_config, "w") as f:
            dataset = f", dataset: {entry['dataset']}" if "dataset" in entry else ""
            f.write(FROM_CONFIGS[model].format(path=json.dumps(path), dataset=dataset))
        holder = None
        if entry.get("hold_open"):
            # A copy per run: two writers cannot both hold one file.
            path = path.replace(".h5", f"-{ranks}.h5")
            shutil.copyfile(entry["file"], path)
            with open(from_config, "w") as f:
                f.write(FROM_CONFIGS[model].format(path=json.dumps(path), dataset=""))
            # Another program writing the file: h5py holds it open (and HDF5's lock on it) meanwhile.
            holder = subprocess.Popen([sys.executable, "-c",
                                       "import h5py, sys, time\nf = h5py.File(sys.argv[1], 'r+')\nprint('open', flush=True)\n"
                                       "time.sleep(600)\n", path], stdout=subprocess.PIPE, text=True)
            if holder.stdout.readline().strip() != "open":
                check(label, False, "the writer holding the file open did not start")
                return
        status, text = run(convoy_command(convoy, launcher, ranks, ["run", from_config, "--output", output_dir]),
                           work)
        if holder is not None:
            holder.kill()
            holder.wait()
        if expect == "accepted":
            check(label, status == 0, f"exit status {status}:\n{text}")
        else:
            expect_refused(label, status, text, path, entry["says"])
            check(label, not os.path.exists(output_dir), f"{output_dir} was written although refused")
    elif use == "inspect":
        status, text = run(convoy_command(convoy, launcher, ranks, ["inspect", path]), work)
        expect_refused(label, status, text, path, entry["says"])
    elif use in ("flow-stats", "flow-jams"):
        status, text = run([flow, "stats" if use == "flow-stats" else "jams", path], work)
        expect_refused(label, status, text, path, entry["says"])
    elif use == "restart-file":
        target = os.path.join(work, "named", f"{name}-{ranks}")
        status, text = run(convoy_command(convoy, launcher, ranks,
                                          ["run", config, "--output", target, "--restart", path]), work)
        expect_refused(label, status, text, path, entry["says"])
        check(label, not os.path.exists(target), f"{target} was written although refused")
    else:  # restart of a damaged run directory
        copy = os.path.join(work, "restarts", f"{name}-{ranks}")
        shutil.copytree(path, copy)
        before = tree(copy)
        status, text = run(convoy_command(convoy, launcher, ranks, ["run", config, "--output", copy]), work)
        if expect == "fallback":
            check(label, status == 0, f"exit status {status}:\n{text}")
            check(label, f"{entry['says']} is not valid" in text,
                  f"the damaged checkpoint {entry['says']} was not named as not valid:\n{text}")
            same_status, same = run([sys.executable, COMPARE, "compare",
                                     os.path.join(sources, model), copy], work)
            check(label, same_status == 0, f"not identical to the straight run:\n{same}")
        else:
            check(label, status == 2, f"exit status {status}, expected 2:\n{text}")
            check(label, entry["says"] in text, f"the message does not say '{entry['says']}':\n{text}")
            check(label, tree(copy) == before, "a refused restart changed files")


def main(argv):
    convoy, flow, work = argv[0], argv[1], os.path.abspath(argv[2])
    launcher = argv[3:]
    shutil.rmtree(work, ignore_errors=True)
    sources = os.path.join(work, "sources")
    os.makedirs(sources)
    for model, text in CONFIGS.items():
        with open(os.path.join(work, f"{model}.yaml"), "w") as f:
            f.write(text)
        status, output = run([convoy, "run", f"{model}.yaml", "--output", os.path.join(sources, model)], work)
        if status != 0:
            print(f"FAILED: the source run of {model} failed:\n{output}")
            return 1
    corpus = os.path.join(work, "corpus")
    status, output = run([sys.executable, os.path.join(HERE, "make_corpus.py"), sources, corpus], work)
    if status != 0:
        print(f"FAILED: make_corpus.py:\n{output}")
        return 1
    print(output.strip())
    with open(os.path.join(corpus, "manifest.json")) as f:
        cases = json.load(f)

    jobs = [(entry, ranks) for entry in cases
            for ranks in (RANKS if entry["use"] in ("init.from", "inspect", "restart", "restart-file") else (1,))]
    with ThreadPoolExecutor(max_workers=2) as pool:  # two at a time: the machine's two cores
        list(pool.map(lambda job: run_case(job[0], job[1], convoy, flow, launcher, work, sources), jobs))
    count = len(jobs)
    print(f"{count} runs of {len(cases)} corpus files: {len(failures)} failed")
    for failure in failures:
        print("FAILED: " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
