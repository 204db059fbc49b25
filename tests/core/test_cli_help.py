"""`yingji --help` lists Yingji's own commands grouped by app with one line each, and
Django's after them by name (issue 15, item 8)."""

import pytest
from django.core.management import get_commands, load_command_class

from yingji import cli


@pytest.fixture(scope="module")
def text() -> str:
    return cli.overview()


def test_every_yingji_command_is_listed_once_with_its_first_help_line(text):
    ours = {name: app for name, app in get_commands().items() if app.startswith("yingji.")}
    assert ours, "no Yingji command found"
    for name, app in ours.items():
        first = load_command_class(app, name).help.strip().splitlines()[0]
        expected = first if len(first) <= 110 else first[:107] + "..."
        rows = [line for line in text.splitlines() if line.strip().startswith(name.replace("_", "-") + " ")]
        assert len(rows) == 1 and rows[0].rstrip().endswith(expected), name


def test_groups_come_in_order_and_django_commands_come_last_without_descriptions(text):
    lines = text.splitlines()
    assert lines.index("演示 Demo:") < lines.index("隐患 Hazards:") < lines.index("山洪 Floods:")
    django_line = lines[lines.index(next(x for x in lines if x.startswith("Django 命令"))) + 1]
    assert "migrate" in django_line.split() and "demo" not in django_line.split()


@pytest.mark.parametrize("argv", [["yingji"], ["yingji", "--help"], ["yingji", "-h"], ["yingji", "help"]])
def test_the_entry_point_prints_the_overview(capsys, argv):
    cli.main(argv)
    out = capsys.readouterr().out
    assert "隐患 Hazards:" in out and "  import-regions  " in out


def test_help_of_one_command_is_that_commands_help(capsys):
    cli.main(["yingji", "help", "import-regions"])
    assert "official region tree" in capsys.readouterr().out
