"""deepdojo.scratch is NumPy on purpose: nothing under it may import torch."""
from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import deepdojo.scratch as scratch

SCRATCH_DIR = Path(scratch.__file__).parent


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_module_under_scratch_imports_torch_in_source():
    files = sorted(SCRATCH_DIR.rglob("*.py"))
    assert len(files) >= 8
    offenders = [f.name for f in files if "torch" in _imported_roots(f)]
    assert not offenders, f"scratch modules must not import torch: {offenders}"


def test_importing_every_scratch_module_does_not_load_torch():
    names = [m.name for m in pkgutil.walk_packages(scratch.__path__, prefix="deepdojo.scratch.")]
    code = ("import sys, importlib\n"
            f"for name in {names!r}: importlib.import_module(name)\n"
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", "importing deepdojo.scratch pulled torch in (directly or through a dependency)"


def test_the_ast_check_would_catch_a_torch_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import numpy as np\nfrom torch.nn import functional as F\n")
    assert "torch" in _imported_roots(bad)
