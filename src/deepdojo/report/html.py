"""``runs/index.html``: every run directory under a folder, its numbers beside the anchors, its plots."""
from __future__ import annotations

import html
import os
from pathlib import Path

from deepdojo.report.markdown import anchor_rows
from deepdojo.report.rundir import atomic_write_text, read_json

_STYLE = """body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;font-size:90%}
.yes{background:#dfd}.no{background:#fdd}section{border-top:2px solid #888;margin-top:1.5em}
img{max-width:480px;margin:4px;border:1px solid #eee}.quick{color:#a60}"""


def find_runs(runs_dir: Path) -> list[Path]:
    """Run directories (those holding a results.json), newest first."""
    found = [p.parent for p in Path(runs_dir).glob("**/results.json")]
    return sorted(found, key=lambda p: p.name, reverse=True)


def write_index(runs_dir: str | Path) -> tuple[Path, int]:
    """Write ``index.html`` in `runs_dir`; returns (path, number of runs)."""
    runs_dir = Path(runs_dir)
    runs = find_runs(runs_dir)
    summary = ["<table><tr><th>recipe</th><th>run</th><th>mode</th><th>anchors met</th><th>time (s)</th></tr>"]
    sections = []
    for run in runs:
        try:
            res = read_json(run / "results.json")
        except ValueError:
            continue
        rel = os.path.relpath(run, runs_dir)
        anchors = res.get("anchors", [])
        met = sum(1 for a in anchors if a.get("met"))
        mode = "<span class=quick>quick</span>" if res.get("quick") else "full"
        cls = "" if res.get("passed") is None else ("yes" if res["passed"] else "no")
        summary.append(f"<tr class='{cls}'><td>{_e(res['recipe'])}</td><td><a href='#{_e(rel)}'>{_e(run.name)}</a></td>"
                       f"<td>{mode}</td><td>{met}/{len(anchors)}</td><td>{res.get('wall_time_s', 0):.1f}</td></tr>")
        sections.append(_section(run, rel, res))
    summary.append("</table>")
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>deepdojo runs</title><style>{_STYLE}</style></head>"
            f"<body><h1>deepdojo runs ({len(sections)})</h1>{''.join(summary)}{''.join(sections)}</body></html>")
    path = runs_dir / "index.html"
    atomic_write_text(path, page)
    return path, len(sections)


def _section(run: Path, rel: str, res: dict) -> str:
    parts = [f"<section id='{_e(rel)}'><h2>{_e(res['recipe'])} <small>{_e(rel)}</small></h2>",
             f"<p>{_e(res.get('source', ''))} - seed {res['seed']} - {res['device']}"
             f"{' - <span class=quick>quick mode</span>' if res.get('quick') else ''}</p>"]
    rows = anchor_rows(res)
    if rows:
        parts.append("<table><tr><th>metric</th><th>published</th><th>ours</th><th>met</th><th>source</th></tr>")
        parts += [f"<tr class='{r[3]}'>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in rows]
        parts.append("</table>")
    metrics = res.get("metrics", {})
    if metrics:
        parts.append("<table><tr><th>metric</th><th>value</th></tr>")
        parts += [f"<tr><td>{_e(k)}</td><td>{'-' if v is None else f'{v:.6g}'}</td></tr>" for k, v in metrics.items()]
        parts.append("</table>")
    for png in sorted((run / "plots").glob("*.png")):
        parts.append(f"<a href='{_e(rel)}/plots/{_e(png.name)}'><img src='{_e(rel)}/plots/{_e(png.name)}' alt='{_e(png.stem)}'></a>")
    parts.append(f"<p><a href='{_e(rel)}/report.md'>report.md</a></p></section>")
    return "".join(parts)


def _e(value) -> str:
    return html.escape(str(value), quote=True)
