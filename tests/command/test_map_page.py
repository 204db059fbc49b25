"""The one map page: the layer switcher by group with legends, local assets only, data as
text; government users only."""

import re
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[2] / "src" / "yingji" / "command" / "static" / "command"


def page(person):
    client = Client()
    client.force_login(person.user)
    return client.get("/map/", HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_the_page_lists_the_layers_by_group_with_their_legends(wenling_officer):
    r = page(wenling_officer)
    assert r.status_code == 200
    html = r.content.decode()
    for name in ("warnings", "response_levels", "risk_points", "evacuation_villages", "shelters",
                 "supervised_hazards", "inundation"):
        assert f'data-layer="{name}"' in html
    assert "风险点管控状态" in html and "<legend>风险点</legend>" in html and "未上报" in html
    assert 'data-api="/api/map/layers/"' in html and "web/zhejiang-cities.geojson" in html


def test_every_asset_is_local(wenling_officer, settings):
    settings.YINGJI_TILE_URL = ""
    html = page(wenling_officer).content.decode()
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "data-tiles" not in html


def test_the_script_puts_no_html_into_the_page():
    script = (STATIC / "map.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "outerHTML" not in script
    assert "yingji.text" in script and "bindTooltip(tooltipOf" in script


def test_enterprise_accounts_are_refused(enterprise_user):
    assert page(enterprise_user).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    r = client.get("/map/")
    assert r.status_code == 302 and "login" in r["Location"]
