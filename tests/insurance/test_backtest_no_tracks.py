"""`insurance backtest --tracks` on a folder with no best-track file is an error with a
clear message, not a backtest of 0 years that exits 0 (issue 15, item 3)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .conftest import POLICY_FILE


def test_a_folder_without_track_files_fails_with_a_clear_message(tmp_path):
    (tmp_path / "readme.md").write_text("not a track file")
    with pytest.raises(CommandError, match="no best-track storm found") as err:
        call_command("insurance", "backtest", str(POLICY_FILE), "--tracks", str(tmp_path))
    assert "未找到台风路径" in str(err.value) and str(tmp_path) in str(err.value)


def test_the_map_of_an_empty_folder_fails_the_same_way(tmp_path):
    with pytest.raises(CommandError, match="no best-track storm found"):
        call_command("insurance", "map", str(POLICY_FILE), "--tracks", str(tmp_path), "--out", str(tmp_path / "m.png"))
