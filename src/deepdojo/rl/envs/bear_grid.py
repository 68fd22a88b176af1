"""The bear problem of the embarc TF2 slides: a grid territory seen through a window (partial observation).

The territory is a ``size × size`` grid of terrain (meadow, forest, hills, rocks: entering a cell
costs 50, 100, 200 or 300). The bear starts in its cave (a random cell); ``n_pots`` other random
cells hold 1000 honey each. Four actions move it left, right, up or down (no "stay": the slides
say the bear would learn to sleep on in its cave). A step's reward is ``(honey eaten − cost of the
cell entered) / total honey on the map``, so an episode's return is below 1 and negative when the
bear only paid. Walking out of the world leaves the bear where it is and costs 1000 (as in the
graph version). The episode ends (terminated) when every pot is empty and the bear is back in
the cave, and is cut (truncated) after ``max_steps`` steps.

**Partial observation.** The bear sees only the ``(2·view + 1)²`` window around itself; per cell
5 channels: terrain cost / 300 (0 outside the world), honey, outside the world, cave, visited this
episode. Honey outside the window is hidden: that is what makes the problem harder than the
graph version (whose observation lists the honey of every place) and forces the bear to explore.
Four numbers make the rest of the state known, so that a memory-less policy can still act well:

- pots left / ``n_pots``: whether to keep searching or to head home;
- the cave's offset (rows, columns) / (size − 1): the way home when the cave is out of sight;
- steps taken / ``max_steps``: the step limit belongs to the problem, and without the clock the
  same observation would need different actions early and late in the episode.

The visited channel is a short memory of the window only (no map of the whole territory): it stops
the bear from pacing back and forth over cells it has already emptied.
"""
from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from deepdojo.rl.envs.bear import HONEY, INVALID_COST, walk

TERRAIN_COST = np.array([50.0, 100.0, 200.0, 300.0])  # meadow, forest, hills, rocks
TERRAIN_P = np.array([0.4, 0.3, 0.2, 0.1])  # cheap ground is the most common
TERRAIN_CHARS = ".:^#"
TERRAIN_RGB = np.array([[150, 210, 110], [60, 140, 70], [170, 140, 90], [120, 120, 120]], dtype=np.uint8)
MOVES = np.array([[0, -1], [0, 1], [-1, 0], [1, 0]])  # left, right, up, down as (row, column) offsets
CHANNELS = ("cost", "honey", "outside", "cave", "visited")
N_SCALARS = 4  # pots left, cave row offset, cave column offset, time used


class BearGridEnv(gym.Env):
    """The slides' grid version of the bear problem (see the module docstring).

    Args:
        size: side of the square territory (cells).
        n_pots: honey pots per map (never in the cave).
        view: the bear sees the cells at most `view` steps away in rows and columns (1: 3 × 3).
        max_steps: steps before the episode is cut.
        render_mode: ``"ansi"`` (text map) or ``"rgb_array"`` (an image, 24 pixels per cell).
    """

    metadata = {"render_modes": ["ansi", "rgb_array"], "render_fps": 4}

    def __init__(self, size: int = 6, n_pots: int = 6, view: int = 2, max_steps: int = 50,
                 render_mode: str | None = None):
        if size < 2:
            raise ValueError(f"size must be at least 2 (cells per side), got {size}")
        if not 1 <= n_pots <= size * size - 1:
            raise ValueError(f"n_pots must be in 1..{size * size - 1} for a {size}x{size} map (the cave holds none), got {n_pots}")
        if view < 1:
            raise ValueError(f"view must be at least 1 (the 3x3 neighbourhood), got {view}")
        if max_steps < 1:
            raise ValueError(f"max_steps must be positive, got {max_steps}")
        if render_mode not in (None, *self.metadata["render_modes"]):
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']} or None, got {render_mode!r}")
        self.size, self.n_pots, self.view, self.max_steps = size, n_pots, view, max_steps
        self.render_mode = render_mode
        w = 2 * view + 1
        n_window = w * w * len(CHANNELS)
        low = np.concatenate([np.zeros(n_window + 1), [-1.0, -1.0, 0.0]]).astype(np.float32)
        self.observation_space = spaces.Box(low, np.ones(n_window + N_SCALARS, dtype=np.float32), dtype=np.float32)
        self.action_space = spaces.Discrete(len(MOVES))
        self.dest, self.valid = self._neighbours()
        # The map; set by reset. Cells are numbered row * size + column.
        self.terrain = np.zeros(size * size, dtype=np.int64)
        self.honey = np.zeros(size * size)
        self.cost = np.zeros((size * size, len(MOVES)))
        self.visited = np.zeros(size * size, dtype=bool)
        self.cave = self.position = self.steps = 0
        self.total = 1.0

    def _neighbours(self) -> tuple[np.ndarray, np.ndarray]:
        """``dest[cell, action]``: the cell a move leads to (−1 off the world), and whether it is valid."""
        rows, cols = np.divmod(np.arange(self.size * self.size), self.size)
        r = rows[:, None] + MOVES[:, 0]  # (cells, 4)
        c = cols[:, None] + MOVES[:, 1]
        valid = (r >= 0) & (r < self.size) & (c >= 0) & (c < self.size)
        return np.where(valid, r * self.size + c, -1), valid

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        """Draw a new map from the env's seeded generator, or lay out a given one.

        Args:
            options: a hand-made map instead of a random one: ``terrain`` (``(size, size)`` ints
                0-3: meadow, forest, hills, rocks), ``cave`` (a cell, ``row * size + column``) and
                ``honey_at`` (``n_pots`` distinct cells, not the cave).
        """
        super().reset(seed=seed)
        n = self.size * self.size
        if options:
            self.terrain, self.cave, pots = self._layout(options)
        else:
            self.terrain = self.np_random.choice(len(TERRAIN_COST), size=n, p=TERRAIN_P)
            cells = self.np_random.permutation(n)
            self.cave, pots = int(cells[0]), cells[1:1 + self.n_pots]
        self.honey = np.zeros(n)
        self.honey[pots] = HONEY
        self.total = float(self.honey.sum())
        # cost[cell, action]: the terrain of the cell entered, or the invalid-move penalty
        self.cost = np.where(self.valid, TERRAIN_COST[self.terrain][np.maximum(self.dest, 0)], INVALID_COST)
        self.position, self.steps = self.cave, 0
        self.visited = np.zeros(n, dtype=bool)
        self.visited[self.cave] = True
        return self._observation(), {"cave": self.cave, "honey_at": sorted(int(p) for p in pots)}

    def _layout(self, options: dict[str, Any]) -> tuple[np.ndarray, int, np.ndarray]:
        """Check a hand-made map (`reset`'s options) and return (terrain per cell, cave, pot cells)."""
        n = self.size * self.size
        missing = {"terrain", "cave", "honey_at"} - set(options)
        if missing:
            raise ValueError(f"a hand-made map needs options terrain, cave and honey_at; missing {sorted(missing)}")
        terrain = np.asarray(options["terrain"], dtype=np.int64)
        if terrain.shape != (self.size, self.size) or terrain.min() < 0 or terrain.max() >= len(TERRAIN_COST):
            raise ValueError(f"terrain must be a {self.size}x{self.size} array of ints 0..{len(TERRAIN_COST) - 1}, "
                             f"got shape {terrain.shape}")
        cave, pots = int(options["cave"]), np.asarray(options["honey_at"], dtype=np.int64)
        if not 0 <= cave < n:
            raise ValueError(f"cave must be a cell 0..{n - 1} (row * size + column), got {cave}")
        if len(pots) != self.n_pots or len(set(pots.tolist())) != len(pots) or cave in pots or pots.min() < 0 or pots.max() >= n:
            raise ValueError(f"honey_at must list {self.n_pots} distinct cells in 0..{n - 1} other than the cave {cave}, "
                             f"got {pots.tolist()}")
        return terrain.ravel(), cave, pots

    def step(self, action):
        if not self.action_space.contains(action):
            raise ValueError(f"action must be an int in 0..{len(MOVES) - 1} (left, right, up, down), got {action!r}")
        action = int(action)
        # off the world: the bear stays and pays INVALID_COST (the cost table holds it)
        to, cost, reward = walk(self.dest, self.cost, self.honey, self.position, action, self.total)
        self.position = to
        self.visited[to] = True
        self.steps += 1
        terminated = bool(to == self.cave and not self.honey.any())
        truncated = bool(self.steps >= self.max_steps and not terminated)
        return self._observation(), float(reward), terminated, truncated, {"cost": cost}

    def window(self) -> np.ndarray:
        """What the bear sees: ``(2·view + 1, 2·view + 1, 5)`` channels `CHANNELS`, centred on the bear."""
        s, v = self.size, self.view
        grid = np.zeros((s + 2 * v, s + 2 * v, len(CHANNELS)), dtype=np.float32)  # padded: the border is outside
        grid[..., 2] = 1.0
        inner = grid[v:v + s, v:v + s]  # (s, s, 5) view into the padded grid
        inner[..., 0] = (TERRAIN_COST[self.terrain] / TERRAIN_COST.max()).reshape(s, s)
        inner[..., 1] = (self.honey > 0).reshape(s, s)
        inner[..., 2] = 0.0
        inner[..., 3].flat[self.cave] = 1.0
        inner[..., 4] = self.visited.reshape(s, s)
        r, c = divmod(self.position, s)
        return grid[r:r + 2 * v + 1, c:c + 2 * v + 1]  # padded coordinates: the bear at (r + v, c + v)

    def _observation(self) -> np.ndarray:
        (r, c), (cr, cc) = divmod(self.position, self.size), divmod(self.cave, self.size)
        scale = self.size - 1
        scalars = [np.count_nonzero(self.honey) / self.n_pots, (cr - r) / scale, (cc - c) / scale,
                   self.steps / self.max_steps]
        return np.concatenate([self.window().ravel(), scalars]).astype(np.float32)

    def render(self):
        if self.render_mode == "ansi":
            return self._ansi()
        if self.render_mode == "rgb_array":
            return self._rgb()
        return None

    def _ansi(self) -> str:
        """Text map: terrain ``.:^#`` (cheap to dear), honey ``H``, cave ``C``, the bear ``B``."""
        chars = np.array(list(TERRAIN_CHARS))[self.terrain]
        chars[self.honey > 0] = "H"
        chars[self.cave] = "C"
        chars[self.position] = "B"
        lines = ["".join(row) for row in chars.reshape(self.size, self.size)]
        return "\n".join(lines) + f"\nstep {self.steps}/{self.max_steps}, pots left {np.count_nonzero(self.honey)}\n"

    def _rgb(self, px: int = 24) -> np.ndarray:
        """``(size·px, size·px, 3)`` uint8 image; cells outside the bear's window are dimmed."""
        s, v = self.size, self.view
        cell = TERRAIN_RGB[self.terrain].astype(np.float32)  # (s·s, 3)
        cell[self.honey > 0] = (240, 200, 30)
        cell[self.cave] = (200, 60, 60)
        cell[self.position] = (20, 20, 20)
        rows, cols = np.divmod(np.arange(s * s), s)
        r, c = divmod(self.position, s)
        hidden = (np.abs(rows - r) > v) | (np.abs(cols - c) > v)
        cell[hidden] *= 0.45
        img = cell.reshape(s, s, 3).repeat(px, axis=0).repeat(px, axis=1)
        img[::px] = img[:, ::px] = 255  # grid lines
        return img.astype(np.uint8)
