"""The shipped catalogue of supply kinds (data/supply_kinds.yaml), loaded by the
migration that creates the table and by `load_catalogue` for a reset."""

from pathlib import Path

import yaml

CATALOGUE_FILE = Path(__file__).parent / "data" / "supply_kinds.yaml"


def read_catalogue() -> list[dict]:
    return yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))


def load_catalogue(kind_model) -> int:
    """Create the shipped kinds that are missing (an administrator's edits of existing
    ones stay). Returns how many were added."""
    added = 0
    for sort, k in enumerate(read_catalogue()):
        _, created = kind_model.objects.get_or_create(
            code=k["code"], defaults={"name": k["name"], "unit": k["unit"], "category": k["category"],
                                      "perishable": bool(k.get("perishable")),
                                      "shelf_life_days": k.get("shelf_life_days"), "sort": sort * 10})
        added += created
    return added
