"""The default hazard types and response orders (data/orders.yaml), loaded by the
migration that creates their tables and by `load_default_orders` for a reset."""

from pathlib import Path

import yaml

ORDERS_FILE = Path(__file__).parent / "data" / "orders.yaml"
# The city's command chief: a duty kind the core did not ship (it stops at the county).
CITY_CHIEF = ("city_flood_chief", "市级防汛责任人", 2, "设区市防汛防台指挥部指挥人员")


def read_defaults() -> dict:
    return yaml.safe_load(ORDERS_FILE.read_text(encoding="utf-8"))


def load_default_orders(hazard_model, order_model, duty_kind_model) -> int:
    """Create the shipped hazards and orders that are missing (an administrator's edits
    of existing ones stay). Returns how many orders were added."""
    code, name, level, description = CITY_CHIEF
    duty_kind_model.objects.get_or_create(code=code, defaults={"name": name, "level": level,
                                                               "description": description})
    data = read_defaults()
    for sort, h in enumerate(data["hazards"]):
        hazard_model.objects.get_or_create(code=h["code"], defaults={"name": h["name"], "sort": sort})
    added = 0
    for hazard, grades in data["orders"].items():
        for grade, orders in grades.items():
            for sort, o in enumerate(orders):
                _, created = order_model.objects.get_or_create(
                    hazard_id=hazard, grade=grade, code=o["code"],
                    defaults={"sort": sort, "region_level": o["region_level"], "duty_kind_id": o["duty_kind"],
                              "text": o["text"], "due_minutes": o["due_minutes"],
                              "confirm_wording": o["confirm"], "checklist": o.get("checklist", [])})
                added += created
    return added
