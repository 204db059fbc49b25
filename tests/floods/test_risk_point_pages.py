"""Risk-point pages (风险清单): scoped list and detail, create and edit through the
floods services (field errors shown, nothing saved), audited, critical rainfall, 403s."""

import pytest
from django.test import Client

from yingji.core.models import AuditRecord
from yingji.floods.models import CriticalRainfall, RiskPoint

from ..conftest import LINHAI_TOWN, WENLING_TOWN
from ..factories import PersonFactory

pytestmark = pytest.mark.django_db


def _client(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


@pytest.fixture
def wenling(wenling_officer):
    return _client(wenling_officer)


def _point(**overrides):
    return {"kind": "flash_flood_village", "name": "西岙村", "region": WENLING_TOWN, "longitude": "121.4",
            "latitude": "28.4", "population": "300", "households": "90", "gauges": "WF1", "responsible": "",
            "note": "", **overrides}


def test_list_and_detail_are_scoped(wenling, wenling_village, linhai_village):
    html = wenling.get("/floods/risk-points/").content.decode()
    assert "东坑村" in html and "临海某村" not in html
    assert wenling.get(f"/floods/risk-points/{linhai_village.id}/").status_code == 404
    assert wenling.get(f"/floods/risk-points/{linhai_village.id}/edit/").status_code == 404
    assert wenling.get(f"/floods/risk-points/{wenling_village.id}/").status_code == 200


def test_create_risk_point_with_gauge_and_responsible_person_audited(wenling, wenling_village):
    chief = PersonFactory(region_id=WENLING_TOWN, user=None, mobile="13600000001")
    response = wenling.post("/floods/risk-points/new/", _point(responsible="13600000001"))
    point = RiskPoint.objects.get(name="西岙村")
    assert response.status_code == 302 and response["Location"] == f"/floods/risk-points/{point.id}/"
    assert [g.code for g in point.gauges.all()] == ["WF1"] and list(point.responsible.all()) == [chief]
    assert AuditRecord.objects.filter(object_type="floods.riskpoint", object_id=str(point.id),
                                      action="create", actor_name="t-wenling").exists()


@pytest.mark.parametrize("field, value", [("region", LINHAI_TOWN), ("gauges", "LF1"), ("latitude", "90"),
                                          ("population", "-1"), ("name", ""), ("responsible", "13999999999")])
def test_create_with_bad_input_shows_the_field_and_saves_nothing(wenling, wenling_village, linhai_village,
                                                                  field, value):
    before = (RiskPoint.objects.count(), AuditRecord.objects.count())
    response = wenling.post("/floods/risk-points/new/", _point(**{field: value}))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert (RiskPoint.objects.count(), AuditRecord.objects.count()) == before


def test_edit_is_audited(wenling, wenling_village):
    response = wenling.post(f"/floods/risk-points/{wenling_village.id}/edit/",
                            _point(name="东坑村", population="500", households="130"))
    assert response.status_code == 302
    record = AuditRecord.objects.filter(object_type="floods.riskpoint", object_id=str(wenling_village.id),
                                        action="update").last()
    assert (record.before["population"], record.after["population"]) == (420, 500)


def test_critical_rainfall_is_set_on_the_detail_page(wenling, wenling_village):
    url = f"/floods/risk-points/{wenling_village.id}/"
    assert wenling.post(url, {"window_hours": "6", "prepare_mm": "60", "move_now_mm": "90"}).status_code == 302
    row = CriticalRainfall.objects.get(risk_point=wenling_village, window_hours=6)
    assert (row.prepare_mm, row.move_now_mm) == (60.0, 90.0)
    # Prepare above move-now is refused by the service, shown on the form.
    response = wenling.post(url, {"window_hours": "24", "prepare_mm": "90", "move_now_mm": "60"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not CriticalRainfall.objects.filter(risk_point=wenling_village, window_hours=24).exists()


def test_viewer_and_enterprise_user_are_refused(wenling_viewer, enterprise_user, wenling_village):
    viewer = _client(wenling_viewer)
    assert viewer.get("/floods/risk-points/").status_code == 200
    assert viewer.get("/floods/risk-points/new/").status_code == 403
    assert viewer.post(f"/floods/risk-points/{wenling_village.id}/",
                       {"window_hours": "6", "prepare_mm": "60", "move_now_mm": "90"}).status_code == 403
    firm = _client(enterprise_user)
    assert firm.get("/floods/risk-points/").status_code == 403
    assert 'href="/floods/risk-points/"' not in firm.get("/floods/").content.decode()
