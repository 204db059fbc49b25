"""The flash-flood page: the caller's risk points and sections only, with the rain
against the critical rainfall and the forecast against the stages."""

import pytest
from django.test import Client

from yingji.floods import services

from ..conftest import LINHAI_TOWN, WENLING_TOWN
from .conftest import at, make_section, make_village

pytestmark = pytest.mark.django_db


def test_the_page_shows_own_risk_points_and_forecasts_but_not_another_countys(regions, wenling_officer):
    make_village(WENLING_TOWN, "WF1")
    make_village(LINHAI_TOWN, "LF1", name="临海某村")
    section = make_section(WENLING_TOWN)
    services.forecast_section(section=section, now=at(12), forecast_rain={"1": 36.0})
    client = Client()
    client.force_login(wenling_officer.user)
    r = client.get("/floods/")
    assert r.status_code == 200
    text = r.content.decode()
    assert "东坑村" in text and "临海某村" not in text
    assert "东坑溪断面" in text and "60 分钟" in text  # lead time of the warning-stage crossing


def test_the_page_needs_a_login(regions):
    assert Client().get("/floods/").status_code == 302
