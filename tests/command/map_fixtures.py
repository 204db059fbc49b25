"""A small hand-built world for the map tests: in Wenling, risk points, villages with
households to move, shelters, supervised hazards, a response, warnings and inundation
runs, some inside a viewport (VIEW) and some outside it; in Linhai (the other county,
north of Wenling, inside LINHAI_VIEW) one of each, which a Wenling officer never sees.

Positions (WGS84): Wenling near (121.37, 28.37), Linhai near (121.14, 28.86)."""

import datetime as dt

import pytest
from django.utils import timezone

from yingji.core.models import Region
from yingji.core.services import region_create
from yingji.floods import services as flood_services
from yingji.floods.models import InundationRun
from yingji.response.models import LevelArea, ResponseLevel
from yingji.response.services.evacuation import household_create
from yingji.response.services.shelters import shelter_create

from ..conftest import LINHAI, LINHAI_TOWN, WENLING, WENLING_TOWN
from ..factories import EnterpriseFactory, HazardFactory, WarningFactory

VIEW = (121.30, 28.30, 121.50, 28.45)  # around Wenling's 太平街道
VIEW_TEXT = "121.3,28.3,121.5,28.45"
LINHAI_VIEW = (121.0, 28.8, 121.3, 28.95)
PROVINCE = (118.0, 27.0, 123.0, 31.5)

W1, W2, L1 = WENLING_TOWN + "001", WENLING_TOWN + "002", LINHAI_TOWN + "001"
W_FAR = "331081002001"  # a Wenling village outside VIEW


def _village(code: str, lon: float, lat: float):
    if not Region.objects.filter(pk=code).exists():
        region_create(by=None, code=code, name=f"村{code[-3:]}", parent_code=code[:9])
    Region.objects.filter(pk=code).update(lon=lon, lat=lat)


def _point(officer, region, name, lon, lat):
    return flood_services.risk_point_create(by=officer.user, kind_id="geo_hazard", name=name, region_id=region,
                                            longitude=lon, latitude=lat)


@pytest.fixture
def world(regions, wenling_officer, linhai_officer):
    """Every layer's rows: `in_view` inside VIEW (Wenling), `outside` in Wenling outside
    VIEW, `linhai` in Linhai (inside LINHAI_VIEW)."""
    for code, lon, lat in ((W1, 121.36, 28.36), (W2, 121.42, 28.40), (W_FAR, 121.60, 28.20), (L1, 121.14, 28.86)):
        _village(code, lon, lat)
    w = wenling_officer.user
    lh = linhai_officer.user
    points = {"slope": _point(wenling_officer, W1, "后山滑坡点", 121.35, 28.35),
              "pond": _point(wenling_officer, W2, "东山塘", 121.45, 28.41),
              "far": _point(wenling_officer, W_FAR, "城东危房", 121.61, 28.21),
              "nowhere": _point(wenling_officer, W1, "未定位点", None, None),
              "linhai": _point(linhai_officer, L1, "临海滑坡点", 121.15, 28.85)}
    shelters = {"school": shelter_create(by=w, region=W1, capacity=100, name="太平小学", longitude=121.37,
                                         latitude=28.37),
                "far": shelter_create(by=w, region=W_FAR, capacity=50, name="城东礼堂", longitude=121.62,
                                      latitude=28.22),
                "linhai": shelter_create(by=lh, region=L1, capacity=80, name="临海礼堂", longitude=121.16,
                                         latitude=28.87)}
    for region, members, by in ((W1, 3, w), (W1, 2, w), (W2, 4, w), (W_FAR, 5, w), (L1, 6, lh)):
        household_create(by=by, region=region, head="户主", members=members)
    inside = EnterpriseFactory(region_id=WENLING_TOWN, longitude=121.40, latitude=28.38, name="温岭督办企业")
    far = EnterpriseFactory(region_id=WENLING_TOWN, longitude=121.70, latitude=28.10, name="温岭远处企业")
    linhai_ent = EnterpriseFactory(region_id=LINHAI_TOWN, longitude=121.12, latitude=28.88, name="临海督办企业")
    hazards = {"in_view": HazardFactory(enterprise=inside, level="major", supervised=True),
               "not_listed": HazardFactory(enterprise=inside, level="major"),
               "far": HazardFactory(enterprise=far, level="major", supervised=True),
               "linhai": HazardFactory(enterprise=linhai_ent, level="major", supervised=True)}
    Region.objects.filter(pk=WENLING).update(lon=121.38, lat=28.37)
    Region.objects.filter(pk=LINHAI).update(lon=121.13, lat=28.85)
    warnings = {"wenling": WarningFactory(regions=[WENLING]), "linhai": WarningFactory(regions=[LINHAI]),
                "expired": WarningFactory(regions=[WENLING], expires=timezone.now() - dt.timedelta(hours=1)),
                "cancelled": WarningFactory(regions=[WENLING], status="cancelled"),
                "taizhou": WarningFactory(regions=["3310"])}
    levels = {}
    for key, code, status in (("wenling", WENLING, "in_force"), ("linhai", LINHAI, "in_force"),
                              ("ended", WENLING, "ended")):
        levels[key] = ResponseLevel.objects.create(hazard_id="typhoon", grade="III", region_code=code, status=status)
        LevelArea.objects.create(level=levels[key], region_id=code)
    runs = {key: _run(key, region, bounds) for key, region, bounds in (
        ("old", WENLING_TOWN, [[28.30, 121.30], [28.34, 121.36]]),
        ("new", WENLING_TOWN, [[28.31, 121.31], [28.35, 121.37]]),
        ("linhai", LINHAI_TOWN, [[28.84, 121.10], [28.88, 121.16]]))}
    return {"points": points, "shelters": shelters, "hazards": hazards, "warnings": warnings,
            "levels": levels, "runs": runs, "officer": wenling_officer, "linhai_officer": linhai_officer}


def _run(key, region, bounds) -> InundationRun:
    now = timezone.now()
    order = {"old": 3, "new": 2, "linhai": 1}[key]  # "new" finished after "old"
    return InundationRun.objects.create(
        watershed="太平溪" if region == WENLING_TOWN else "临海溪", region_id=region, dem_path="x.asc", nrows=10,
        ncols=10, cellsize=10, xllcorner=0, yllcorner=0, start=now, duration_hours=1, status="done",
        bounds=bounds, max_depth_m=1.2, flooded_area_m2=5000, created_at=now - dt.timedelta(hours=order),
        finished_at=now - dt.timedelta(hours=order))


def ids(features) -> set:
    return {f["properties"]["id"] for f in features}
