"""The command line: list, run --quick, show, report, and the errors users hit first."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from deepdojo.cli import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_list_shows_the_catalogue_and_filters():
    result = invoke("list")
    assert result.exit_code == 0
    for name in ("digits-convnet", "xor-mlp", "rnn-toy-sequence"):
        assert name in result.output
    filtered = invoke("list", "--search", "digits")
    assert "digits-convnet" in filtered.output and "rnn-toy-sequence" not in filtered.output


def test_unknown_recipe_suggests_the_closest_name(tmp_path):
    result = invoke("run", "digit-convnet", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "digits-convnet" in result.output


@pytest.mark.parametrize("pair, expected", [
    ("epoch=3", "epochs"),              # misspelt key -> closest name
    ("epochs=three", "expected int"),   # mistyped value
    ("epochs", "key=value"),            # not a pair
])
def test_bad_set_values_are_rejected_clearly(tmp_path, pair, expected):
    result = invoke("run", "digits-convnet", "--quick", "--set", pair, "--out", str(tmp_path))
    assert result.exit_code == 2
    assert expected in result.output
    assert not any(tmp_path.iterdir()), "a rejected config must not leave a run directory behind"


def test_run_quick_show_and_report(tmp_path):
    result = invoke("run", "digits-convnet", "--quick", "--seed", "3", "--set", "dense=16", "--out", str(tmp_path), "--quiet")
    assert result.exit_code == 0, result.output
    (run_dir,) = (tmp_path / "digits-convnet").iterdir()
    assert run_dir.name.endswith("-s3")
    for name in ("config.json", "metrics.jsonl", "results.json", "report.md", "plots/convnet_curves.png"):
        assert (run_dir / name).exists(), name
    config = json.loads((run_dir / "config.json").read_text())
    assert config["config"]["dense"] == 16 and config["quick"] is True
    results = json.loads((run_dir / "results.json").read_text())
    for key in ("recipe", "seed", "quick", "metrics", "anchors", "wall_time_s", "device", "versions"):
        assert key in results
    assert 0.0 <= results["metrics"]["test/acc"] <= 1.0
    anchor = results["anchors"][0]
    assert anchor["metric"] == "test/acc" and anchor["published"] == 0.97 and anchor["met"] is None  # quick: no verdict

    shown = invoke("show", str(run_dir))
    assert shown.exit_code == 0 and "test/acc" in shown.output and "0.97" in shown.output

    reported = invoke("report", str(tmp_path))
    assert reported.exit_code == 0
    page = (tmp_path / "index.html").read_text()
    assert "digits-convnet" in page and "convnet_curves.png" in page


def test_show_on_a_folder_that_is_not_a_run(tmp_path):
    result = invoke("show", str(tmp_path))
    assert result.exit_code == 2
    assert "results.json" in result.output


def test_resume_requires_a_run_directory(tmp_path):
    result = invoke("run", "digits-convnet", "--resume", str(tmp_path))
    assert result.exit_code == 2
    assert "config.json" in result.output
