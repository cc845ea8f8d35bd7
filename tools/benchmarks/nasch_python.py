#!/usr/bin/env python3
"""The Nagel-Schreckenberg model as a workshop attendee writes it in pure Python: a list of cells
(-1 empty, else the car's velocity), one loop over the cells, Python's own random numbers. Prints
"cells_per_second X" for tools/bench-nasch, which sets it beside convoy's kernels.

    nasch_python.py [CELLS] [SECONDS]      (defaults: 200000 2; density 0.2, vmax 5, p_brake 0.25)
"""
import random
import sys
import time


def step(road, vmax, p_brake):
    cells = len(road)
    new = [-1] * cells
    for i in range(cells):
        v = road[i]
        if v < 0:
            continue
        v = min(v + 1, vmax)
        for d in range(1, v + 1):
            if road[(i + d) % cells] >= 0:
                v = d - 1
                break
        if v > 0 and random.random() < p_brake:
            v -= 1
        new[(i + v) % cells] = v
    return new


def main():
    cells = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
    random.seed(5743)
    road = [0 if random.random() < 0.2 else -1 for _ in range(cells)]
    steps, start = 0, time.perf_counter()
    while steps < 2 or time.perf_counter() - start < seconds:
        road = step(road, 5, 0.25)
        steps += 1
    print(f"cells_per_second {cells * steps / (time.perf_counter() - start):.4g}")


if __name__ == "__main__":
    main()
