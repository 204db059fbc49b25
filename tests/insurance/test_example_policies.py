"""The policies shipped in examples/policies/ (named in the README) parse, and the
Taizhou example backtests as the test policy does (issue 15, item 8)."""

from pathlib import Path

import pytest
from django.core.management import call_command

from yingji.insurance.policy_yaml import load_policy_file

from .conftest import POLICY_FILE
from .test_backtest import TWO_STORMS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"
README = Path(__file__).resolve().parents[2] / "README.md"


def test_there_are_examples_and_the_readme_names_each():
    files = sorted(EXAMPLES.glob("*.yaml"))
    assert len(files) >= 3
    readme = README.read_text(encoding="utf-8")
    for f in files:
        assert f"examples/policies/{f.name}" in readme, f.name


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_parses_with_at_least_one_trigger(path):
    spec = load_policy_file(path)
    assert spec.typhoon is not None or spec.rain is not None


def test_the_taizhou_example_backtests_like_the_test_policy(capsys, tmp_path):
    archive = tmp_path / "CH2023BST.txt"
    archive.write_text(TWO_STORMS)
    call_command("insurance", "backtest", str(EXAMPLES / "taizhou-typhoon-and-rain.yaml"), "--tracks", str(archive))
    example = capsys.readouterr().out
    call_command("insurance", "backtest", str(POLICY_FILE), "--tracks", str(archive))
    # one season, one trigger at force 13: 20 m against a premium of 16 m (test_backtest)
    assert "NEAR" in example and "125.0%" in example and example == capsys.readouterr().out
