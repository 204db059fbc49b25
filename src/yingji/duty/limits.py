"""The default reporting limits of information reports (duty/data/reporting_limits.yaml):
read by migration 0003 to seed `ReportKind` and `ReportingRule`, which the admin edits
afterwards. No model import here: the migration uses its historical models."""

from pathlib import Path

import yaml

DEFAULTS = Path(__file__).resolve().parent / "data" / "reporting_limits.yaml"


def default_limits(path: Path = DEFAULTS) -> list[dict]:
    """Each kind as {code, name, name_en, phone_minutes, written_minutes,
    pass_up_minutes, levels: {grade: {level: minutes}}}, in file order."""
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)["kinds"]


def seed(ReportKind, ReportingRule) -> None:
    """Write the defaults; kinds and rules already there are left as they are (an
    edited limit survives a second run)."""
    for position, kind in enumerate(default_limits()):
        row, _ = ReportKind.objects.get_or_create(code=kind["code"], defaults={
            "name": kind["name"], "name_en": kind.get("name_en", ""), "position": position,
            **{k: kind[k] for k in ("phone_minutes", "written_minutes", "pass_up_minutes")}})
        for grade, levels in kind["levels"].items():
            for level, minutes in levels.items():
                ReportingRule.objects.get_or_create(kind=row, grade=grade, level=level,
                                                    defaults={"minutes": minutes})
