"""Station pages (测站): scoped list and detail, create and edit with the same checks
as the station import (field errors shown, nothing saved), audited, 403s."""

import pytest
from django.test import Client

from yingji.core.models import AuditRecord
from yingji.hydromet.models import Station

from ..conftest import LINHAI, LINHAI_TOWN, WENLING, WENLING_TOWN
from ..factories import StationFactory

pytestmark = pytest.mark.django_db


def _client(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


@pytest.fixture
def wenling(wenling_officer):
    return _client(wenling_officer)


@pytest.fixture
def gauges(regions):
    return {"wenling": StationFactory(code="WL1", name="温岭雨量站", region_id=WENLING_TOWN),
            "linhai": StationFactory(code="LH1", name="临海雨量站", region_id=LINHAI, longitude=121.14,
                                     latitude=28.86)}


def _station(**overrides):
    return {"code": "WL9", "name": "新雨量站", "kind": "rain", "region_code": WENLING_TOWN, "longitude": "121.4",
            "latitude": "28.4", "altitude": "", "source": "县水利局", **overrides}


def test_list_and_detail_are_scoped(wenling, gauges):
    html = wenling.get("/stations/").content.decode()
    assert "温岭雨量站" in html and "临海雨量站" not in html
    assert wenling.get("/stations/LH1/").status_code == 404
    assert wenling.get("/stations/LH1/edit/").status_code == 404
    assert wenling.get("/stations/WL1/").status_code == 200


def test_create_station_is_audited(wenling, gauges):
    response = wenling.post("/stations/new/", _station())
    assert response.status_code == 302 and response["Location"] == "/stations/WL9/"
    station = Station.objects.get(code="WL9")
    assert (station.region_id, station.source) == (WENLING_TOWN, "县水利局")
    assert AuditRecord.objects.filter(object_type="hydromet.station", object_id=str(station.pk),
                                      action="create", actor_name="t-wenling").exists()


@pytest.mark.parametrize("field, value", [("code", "LH1"), ("code", "WL1"), ("region_code", LINHAI_TOWN),
                                          ("latitude", "60"), ("name", ""), ("kind", "sonar")])
def test_create_with_bad_input_shows_the_field_and_saves_nothing(wenling, gauges, field, value):
    before = (Station.objects.count(), AuditRecord.objects.count())
    response = wenling.post("/stations/new/", _station(**{field: value}))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert (Station.objects.count(), AuditRecord.objects.count()) == before


def test_without_region_a_county_officer_is_told_the_city_is_not_theirs(wenling, gauges):
    """No region: the city containing the point (Taizhou), outside Wenling: refused."""
    response = wenling.post("/stations/new/", _station(region_code=""))
    assert response.status_code == 200 and "region_code" in response.context["form"].errors
    assert not Station.objects.filter(code="WL9").exists()


def test_edit_station_is_audited_and_keeps_its_code(wenling, gauges):
    response = wenling.post("/stations/WL1/edit/", _station(code="CHANGED", name="温岭一号站", region_code=WENLING))
    assert response.status_code == 302
    station = Station.objects.get(pk=gauges["wenling"].pk)
    assert (station.code, station.name, station.region_id) == ("WL1", "温岭一号站", WENLING)
    record = AuditRecord.objects.filter(object_type="hydromet.station", object_id=str(station.pk)).last()
    assert (record.action, record.before["name"], record.after["name"]) == ("update", "温岭雨量站", "温岭一号站")


def test_viewer_and_enterprise_user_are_refused(wenling_viewer, enterprise_user, gauges):
    viewer = _client(wenling_viewer)
    assert viewer.get("/stations/").status_code == 200
    assert viewer.get("/stations/new/").status_code == 403
    assert viewer.post("/stations/WL1/edit/", _station(code="WL1")).status_code == 403
    assert _client(enterprise_user).get("/stations/").status_code == 403
    assert Station.objects.get(code="WL1").name == "温岭雨量站"
