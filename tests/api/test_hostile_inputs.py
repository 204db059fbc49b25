"""Inputs that used to answer 500 each get a 4xx in the API's error shape, with the
reason in Chinese and English; and whatever escapes every handler under /api/ is a
JSON 500, in production as in the demo, never an HTML page."""

import json

import pytest
from django.test import Client

from yingji.alerts.models import Warning
from yingji.core import limits, selectors

from ..alerts.test_cap import alert_xml
from ..conftest import WENLING

CAP_CT = "application/cap+xml"
GATEWAY = {"X-Yingji-Gateway-Token": "gw-secret"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(api_as, wenling_officer, settings):
    settings.YINGJI_GATEWAY_TOKEN = "gw-secret"
    return api_as(wenling_officer, raise_request_exception=False)


def _error(r, status: int) -> dict:
    assert r.status_code == status, r.content[:300]
    assert r["Content-Type"].startswith("application/json")
    return r.json()["error"]


def _bilingual(message: str) -> bool:
    return " / " in message and any("\u4e00" <= ch <= "\u9fff" for ch in message)


@pytest.mark.parametrize("path", ["/api/warnings", "/api/messaging/receipts"])
def test_json_nested_5000_deep_is_a_400(client, path):
    error = _error(client.post(path, b"[" * 5000 + b"]" * 5000, headers=GATEWAY), 400)
    assert "32" in error["message"] and _bilingual(error["message"]) and "body" in error["fields"]


@pytest.mark.parametrize("path", ["/api/warnings", "/api/messaging/receipts", "/api/regions"])
def test_a_body_that_is_not_utf8_is_a_400(client, path):
    error = _error(client.post(path, b'{"headline": "\xff\xfe\xc0\xaf"}', headers=GATEWAY), 400)
    assert "UTF-8" in error["message"] and _bilingual(error["message"])


def test_a_3_mb_cap_body_is_a_413(client, settings):
    settings.DEBUG = True  # the demo: django-ninja answered a 500 traceback there
    body = alert_xml().replace(b"<description>", b"<description>" + b"x" * 3_000_000)
    error = _error(client.post("/api/warnings", body, content_type=CAP_CT), 413)
    assert "2.5 MB" in error["message"] and _bilingual(error["message"])


XXE = (b'<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       + alert_xml().split(b"?>", 1)[1].replace(b"ZJ-2026-0001", b"&xxe;"))


@pytest.mark.parametrize("body,field", [
    (XXE, "cap"),
    (alert_xml().replace(b"2026-07-01T02:00:00+08:00", b"2026-07-01T24:00:00+08:00"), "sent"),
    (alert_xml().replace(b"2026-07-01T02:00:00+08:00", b"0001-01-01T00:00:00+08:00"), "sent"),
    (alert_xml().replace(b"2026-07-01T14:00:00+08:00", b"0001-01-01T00:00:00+08:00"), "expires"),
])
def test_cap_with_entities_or_impossible_times_is_a_400(client, regions, body, field):
    error = _error(client.post("/api/warnings", body, content_type=CAP_CT), 400)
    assert field in error["fields"] and _bilingual(error["message"])
    assert b"root:" not in client.post("/api/warnings", body, content_type=CAP_CT).content
    assert Warning.objects.count() == 0


def test_a_date_beyond_the_calendar_in_a_query_is_a_400(client):
    r = client.get("/api/stats/ranking", {"region": WENLING, "from": "2026-01-01", "to": "9999-12-31"})
    assert _bilingual(_error(r, 400)["message"])


@pytest.mark.parametrize("debug", [False, True], ids=["production", "demo"])
def test_an_unexpected_error_under_api_is_a_json_500(client, settings, monkeypatch, debug):
    settings.DEBUG = debug

    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(selectors, "region_list", broken)
    error = _error(client.get("/api/regions"), 500)
    assert error["code"] == "server_error" and "a bug" not in error["message"]


def test_unknown_api_paths_are_a_json_404_and_pages_stay_html(regions):
    assert _error(Client().get("/api/no-such-thing"), 404)["code"] == "not_found"
    assert Client().get("/no-such-page/").status_code == 404
    assert Client().get("/no-such-page/")["Content-Type"].startswith("text/html")


def test_a_csrf_refusal_under_api_is_json(wenling_officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(wenling_officer.user)
    r = client.post("/api/regions", {"code": "331081001901", "name": "x", "parent": "331081001"},
                    content_type="application/json")
    assert r.status_code == 403 and "error" in r.json()


@pytest.mark.parametrize("text,depth", [
    ("1", 0), ("[]", 1), ("[[[1]]]", 3), ('{"a": [{"b": []}]}', 4),
    ('[1, [2, [3]], {"x": {"y": [[]]}}]', 5), ('["[[[[", "]]"]', 1),
])
def test_json_depth_counts_lists_and_objects_not_brackets_in_strings(text, depth):
    assert limits.json_depth(json.loads(text)) == depth


def test_json_depth_stops_counting_past_the_bound():
    assert limits.json_depth(json.loads("[" * 900 + "]" * 900), stop_at=32) == 33


def test_json_nested_just_to_the_bound_passes_the_guard(client):
    """32 levels reach the endpoint (which refuses them for its own reasons, not 5xx)."""
    nested = b"[" * limits.MAX_JSON_DEPTH + b"]" * limits.MAX_JSON_DEPTH
    r = client.post("/api/warnings", nested)
    assert r.status_code == 422 and "32" not in r.json()["error"]["message"]
