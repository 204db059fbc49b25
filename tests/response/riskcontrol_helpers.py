"""Risk points for the risk-control tests, made through the floods service."""

from yingji.floods import services as flood_services

from ..conftest import LINHAI_TOWN, WENLING_TOWN

WENLING_TOWN_2 = "331081002"  # a second Wenling township


def point(region: str = WENLING_TOWN, *, kind: str = "geo_hazard", name: str = "后山滑坡点", **extra):
    return flood_services.risk_point_create(by=None, kind_id=kind, name=name, region_id=region, **extra)


def points_in_wenling_and_linhai() -> dict:
    """Four Wenling points (two townships, three kinds) and one Linhai point."""
    return {
        "slope": point(WENLING_TOWN, kind="geo_hazard", name="后山滑坡点"),
        "pond": point(WENLING_TOWN, kind="reservoir_pond", name="东山塘"),
        "house": point(WENLING_TOWN_2, kind="unsafe_house", name="老街危房"),
        "site": point(WENLING_TOWN_2, kind="construction_site", name="城东工地塔吊"),
        "linhai": point(LINHAI_TOWN, kind="geo_hazard", name="临海某滑坡点"),
    }
