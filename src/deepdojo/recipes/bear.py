"""The bear problem of the embarc TF2 course (the notebook's graph version): the exact best-first baseline and a PPO agent."""
from __future__ import annotations

from dataclasses import dataclass

from deepdojo.recipes._bear import COURSE, BearPPOConfig, dijkstra_report, ppo_vs_optimal
from deepdojo.recipes.context import RunContext
from deepdojo.recipes.registry import Anchor, recipe
from deepdojo.rl.envs import BEAR_ID


@dataclass(frozen=True)
class DijkstraConfig:
    maps: int = 100
    """Seeded maps to solve (the held-out maps bear-ppo is evaluated on)."""


@recipe("bear-dijkstra", source=f"{COURSE}: best-first baseline", config=DijkstraConfig,
        anchors=[Anchor("eval/return", 0.735, "course: optimal score between .73 and .74 (±0.015: the mean of 100 random "
                        "maps varies by ~0.0035 s.d.)", None, 0.015),
                 Anchor("eval/steps", 17, "course: about 17 steps", None, 3.0)],
        quick={"maps": 5})
def run_dijkstra(cfg: DijkstraConfig, ctx: RunContext) -> dict[str, float]:
    """Best-first (Dijkstra) search for the least strenuous route through all honey and back.

    Searches states (place, pots emptied) in order of effort, so the first complete route found is
    optimal (checked against the 25-step limit, searched again with the steps in the state if it
    does not fit); the return is ``(total honey − effort) / total honey``.
    """
    return dijkstra_report(ctx, cfg.maps, BEAR_ID)


@recipe("bear-ppo", source=f"{COURSE}: PPO agent", config=BearPPOConfig,
        anchors=[Anchor("eval/return", 0.70, "issue 6 target (course notebook: .63-.71)")],
        quick={"total_steps": 500, "hidden": (32, 32), "n_epochs": 2, "eval_maps": 5})
def run_ppo(cfg: BearPPOConfig, ctx: RunContext) -> dict[str, float]:
    """PPO for the bear: policy loss, value loss, KL penalty and entropy bonus, as the course describes.

    Actor and value networks of 3 × 500, Adam 1e-4, entropy 0.01, 10 epochs per iteration, 10
    environments. The greedy agent is evaluated on held-out seeded maps and compared with the
    optimal (Dijkstra) return on the same maps.
    """
    metrics, _ = ppo_vs_optimal(cfg, ctx, title="bear PPO")
    return metrics
