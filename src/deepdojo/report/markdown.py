"""``report.md`` of one run, and the text `deepdojo show` prints."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from deepdojo.report.rundir import atomic_write_text


def anchor_rows(results: dict[str, Any]) -> list[list[str]]:
    """One row per anchor: metric, published value, ours, met?, source."""
    rows = []
    for a in results.get("anchors", []):
        ours = a.get("ours")
        met = {True: "yes", False: "no", None: "-"}[a.get("met")]
        rows.append([a["metric"], f"{a['published']:.4g}", "-" if ours is None else f"{ours:.4g}", met, a.get("source", "")])
    return rows


def write_run_report(run_dir: Path, results: dict[str, Any], description: str, notes: list[str]) -> Path:
    """Write ``report.md``: description, anchors beside ours, all metrics, notes, plots."""
    run_dir = Path(run_dir)
    lines = [f"# {results['recipe']}", "", f"*{results.get('source', '')}* — seed {results['seed']}"
             f"{' — quick mode (smoke test, not a result)' if results.get('quick') else ''}"
             f" — {results['wall_time_s']:.1f} s on {results['device']}", "", description, ""]
    rows = anchor_rows(results)
    if rows:
        lines += ["## Published numbers beside ours", "", "| metric | published | ours | met | source |", "|---|---|---|---|---|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        lines.append("")
    lines += ["## Final metrics", "", "| metric | value |", "|---|---|"]
    lines += [f"| {k} | {'-' if v is None else f'{v:.6g}'} |" for k, v in results.get("metrics", {}).items()]
    lines.append("")
    if results.get("warnings"):
        lines += ["## Warnings", ""] + [f"- {w}" for w in results["warnings"]] + [""]
    if notes:
        lines += ["## Notes", ""] + [n + "\n" for n in notes]
    plots = sorted((run_dir / "plots").glob("*.png"))
    if plots:
        lines += ["## Plots", ""] + [f"![{p.stem}](plots/{p.name})" for p in plots]
    path = run_dir / "report.md"
    atomic_write_text(path, "\n".join(lines) + "\n")
    return path
