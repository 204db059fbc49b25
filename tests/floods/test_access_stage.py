"""The API of observed stage and scour: a section's levels, its latest stage reading and
forecast velocity, and the stage and scour alerts, each within the caller's region.

A Wenling officer cannot set a Linhai section's levels (404, as for an id that does not
exist, and nothing changes) nor see Linhai's stage alerts; the province can (the
control): declared as data (tests/access/isolation.py). Viewers read but do not write."""

import pytest

from yingji.core.models import AuditRecord
from yingji.floods import services
from yingji.floods.models import Section
from yingji.hydromet.choices import StationKind
from yingji.hydromet.models import Station
from yingji.hydromet.services import ingest

from ..access.isolation import IsolationCases
from ..conftest import LINHAI, LINHAI_TOWN, WENLING_TOWN
from ..readings import stage
from .conftest import at, make_section

pytestmark = pytest.mark.django_db

LEVELS = {"warning_stage": 1.2, "critical_stage": 1.8, "scour_velocity": 2.5}


def _gauged_section(region: str, code: str) -> Section:
    gauge = Station.objects.create(code=code, name=f"水位站{code}", kind=StationKind.STAGE, longitude=121.2,
                                   latitude=28.6, region_id=region)
    return make_section(region, warning=1.3, critical=2.0, stage_station_id=gauge.pk)


@pytest.fixture
def linhai_section(regions):
    section = _gauged_section(LINHAI_TOWN, "LH1")
    ingest(by=None, readings=[stage("LH1", at(10), 2.2)], source="test")
    services.evaluate_new_stage()
    return section


@pytest.fixture
def wenling_section(regions):
    return _gauged_section(WENLING_TOWN, "WH1")


class TestStageIsolation(IsolationCases):
    """Linhai's section (its levels) and its observed-stage alert, out of Wenling's reach."""

    lists = {"GET /api/floods/alerts": [{"source": "stage"}, {"source": "stage", "region": LINHAI}]}
    objects = {"POST /api/sections/{id}/levels": ("section", LEVELS),
               "GET /api/sections/{id}": ("section", None)}

    @pytest.fixture
    def foreign(self, linhai_section):
        return {"section": linhai_section}

    @pytest.fixture
    def home(self, wenling_officer, wenling_section):
        return {"officer": wenling_officer, "section": wenling_section}


def test_an_officer_sets_levels_and_reads_them_with_the_latest_stage(api_as, wenling_officer, wenling_section):
    client = api_as(wenling_officer)
    r = client.post(f"/api/sections/{wenling_section.pk}/levels", {**LEVELS, "stage_station": "WH1"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["warning_stage"], body["critical_stage"], body["scour_velocity"]) == (1.2, 1.8, 2.5)
    assert (body["scour_threshold"], body["stage_station"], body["latest_stage"]) == (2.5, "WH1", None)
    assert AuditRecord.objects.filter(action="update", object_type="floods.section").exists()
    ingest(by=None, readings=[stage("WH1", at(10), 1.5)], source="test")
    detail = client.get(f"/api/sections/{wenling_section.pk}").json()
    assert detail["latest_stage"]["stage"] == 1.5 and detail["latest_stage"]["level"] == "prepare"


def test_the_latest_forecast_carries_its_velocities(api_as, wenling_officer, wenling_section, settings):
    settings.YINGJI_SCOUR_VELOCITY = 3.0
    client = api_as(wenling_officer)
    r = client.post(f"/api/sections/{wenling_section.pk}/forecast",
                    {"forecast_rain": {"1": 36.0, "3": 36.0}, "now": at(12)})
    assert r.status_code == 201, r.content
    forecast = r.json()
    assert len(forecast["velocities"]) == len(forecast["stages"])
    assert 2.75 < forecast["peak_velocity"] < 2.93  # hand-computed in test_scour.py
    detail = client.get(f"/api/sections/{wenling_section.pk}").json()
    assert detail["latest_forecast"]["peak_velocity"] == forecast["peak_velocity"]
    assert (detail["scour_velocity"], detail["scour_threshold"]) == (None, 3.0)


@pytest.mark.parametrize("body, field", [
    ({"warning_stage": 2.0, "critical_stage": 1.0}, "critical_stage"),
    ({**LEVELS, "scour_velocity": -1}, "scour_velocity"),
    ({**LEVELS, "stage_station": "LH1"}, "stage_station"),  # another county's gauge
    ({**LEVELS, "stage_station": "NOPE"}, "stage_station"),
])
def test_bad_levels_are_refused_with_the_field(api_as, wenling_officer, wenling_section, linhai_section, body, field):
    r = api_as(wenling_officer).post(f"/api/sections/{wenling_section.pk}/levels", body)
    assert r.status_code in (400, 422), r.content
    assert field in str(r.json()["error"].get("fields", r.json()["error"]))
    wenling_section.refresh_from_db()
    assert wenling_section.warning_stage == 1.3


def test_a_viewer_reads_but_cannot_set_levels(api_as, wenling_viewer, wenling_section):
    client = api_as(wenling_viewer)
    assert client.get(f"/api/sections/{wenling_section.pk}").status_code == 200
    assert client.post(f"/api/sections/{wenling_section.pk}/levels", LEVELS).status_code == 403
