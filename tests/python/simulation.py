"""The dynamics, simulated here as oracles for the package tests (docs/model.md): rule 184 and the
deterministic Nagel-Schreckenberg model (p_brake 0) on a ring, one numpy array per step."""

from dataclasses import dataclass
from typing import Optional

import numpy as np


@dataclass
class History:
    roads: np.ndarray                # uint8 [steps + 1, cells]: the road after each step (0: the start)
    moved: np.ndarray                # int64 [steps]: cells travelled by all cars in each step
    velocities: Optional[np.ndarray] = None  # uint8 [steps + 1, cells] (NaSch)

    def passed(self, positions):
        """Rule 184: cars that moved from cell x-1 into x in each step, per detector cell x."""
        before, after = self.roads[:-1], self.roads[1:]
        return np.stack([(np.roll(before, 1, axis=1)[:, x] & ~before[:, x] & after[:, x]).astype(np.int64)
                         for x in positions], axis=1)


def rule184(road, steps):
    """new[i] = (old[i-1] AND NOT old[i]) OR (old[i] AND old[i+1]); a car moves if the cell ahead is empty."""
    roads = [road.astype(np.uint8)]
    moved = []
    for _ in range(steps):
        old = roads[-1].astype(bool)
        ahead, behind = np.roll(old, -1), np.roll(old, 1)
        moved.append(int(np.count_nonzero(old & ~ahead)))
        roads.append(((behind & ~old) | (old & ahead)).astype(np.uint8))
    return History(roads=np.array(roads), moved=np.array(moved, dtype=np.int64))


def nasch(road, velocity, vmax, steps):
    """Accelerate by 1 up to vmax, slow down to the gap ahead, move; all cars at once (no braking)."""
    cells = len(road)
    roads, velocities, moved = [road.astype(np.uint8)], [velocity.astype(np.uint8)], []
    for _ in range(steps):
        positions = np.flatnonzero(roads[-1])
        speeds = velocities[-1][positions].astype(np.int64)
        gaps = (np.roll(positions, -1) - positions - 1) % cells if len(positions) > 1 else \
            np.full(len(positions), cells - 1)
        speeds = np.minimum(np.minimum(speeds + 1, vmax), gaps)
        new_road = np.zeros(cells, dtype=np.uint8)
        new_velocity = np.zeros(cells, dtype=np.uint8)
        targets = (positions + speeds) % cells
        new_road[targets] = 1
        new_velocity[targets] = speeds
        roads.append(new_road)
        velocities.append(new_velocity)
        moved.append(int(speeds.sum()))
    return History(roads=np.array(roads), moved=np.array(moved, dtype=np.int64), velocities=np.array(velocities))
