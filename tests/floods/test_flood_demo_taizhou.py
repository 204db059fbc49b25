"""The flood demo's Taizhou watershed (issue 15, item 8): the same valley placed in
Wenling, so that the demo's county officer sees risk points, warnings and an
inundation run; another county's officer does not. The physics are the Lin'an
site's (test_flood_demo's hand checks hold for the same heights above the stream)."""

import pytest
from django.db import transaction
from django.test import Client, TestCase, override_settings

from yingji.floods import demo, selectors
from yingji.floods.models import FloodAlert, InundationRun, RiskPoint

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    from yingji.floods.models import inundation_storage

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        inundation_storage.cache_clear()
        with transaction.atomic():
            with TestCase.captureOnCommitCallbacks(execute=True):
                report = demo.load_flood_demo(demo.WENLING)
            yield report
            transaction.set_rollback(True)
    inundation_storage.cache_clear()


def _client(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def test_the_sites_are_in_their_counties():
    assert (demo.LINAN.county, demo.WENLING.county) == ("330112", "331081")
    for site in demo.SITES:
        assert all(code.startswith(site.county) and len(code) == 9 for code in site.towns.values())
        assert {v.town for v in site.villages} <= set(site.towns)
        assert {v.gauge for v in site.villages} <= {code for code, _ in site.gauges}


def test_every_wenling_village_is_warned_and_the_floor_ones_are_hit(loaded):
    names = {v.name for v in demo.WENLING.villages}
    points = RiskPoint.objects.filter(region__code__startswith="331081", name__in=names)
    assert points.count() == 5
    raised = set(FloodAlert.objects.filter(level="move_now", source="rain", region__code__startswith="331081")
                 .values_list("risk_point__name", flat=True))
    assert raised == names
    run = InundationRun.objects.get(region_id="331081")
    assert run.status == "done"
    hit = {a.risk_point.name for a in selectors.affected_places(run)}
    assert {"溪头村", "岭下村", "坑口村"} <= hit and "岗顶村" not in hit  # the hillside one stays dry


def test_the_wenling_and_taizhou_officers_see_the_floods_and_linhai_does_not(loaded, wenling_officer,
                                                                             taizhou_officer, linhai_officer):
    for person in (wenling_officer, taizhou_officer):
        home = _client(person).get("/floods/").content.decode()
        assert "溪头村" in home and "坞根溪出口断面" in home
        assert "坞根溪小流域（演示）" in _client(person).get("/floods/inundation/").content.decode()
    home = _client(linhai_officer).get("/floods/").content.decode()
    assert "溪头村" not in home
    assert "坞根溪小流域" not in _client(linhai_officer).get("/floods/inundation/").content.decode()
