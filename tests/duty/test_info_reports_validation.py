"""Bad input to the information-report API gets a 4xx naming the field, in Chinese and
English, and writes nothing; no input makes a 500."""

import datetime as dt

import pytest
import time_machine

from yingji.duty.models import InfoReport

from .reports_fixtures import *  # noqa: F403
from .reports_fixtures import accident, at

pytestmark = pytest.mark.django_db

BAD_REPORTS = [
    ({"occurred_at": None}, "occurred_at"),
    ({"occurred_at": "yesterday"}, "occurred_at"),
    ({"occurred_at": at(60 * 24).isoformat()}, "occurred_at"),  # in the future
    ({"learned_at": at(-60).isoformat()}, "learned_at"),  # before it occurred
    ({"phoned_at": at(-60).isoformat()}, "phoned_at"),
    ({"region": "999999"}, "region"),
    ({"region": ""}, "region"),
    ({"kind": "meteor"}, "kind"),
    ({"title": ""}, "title"),
    ({"title": "长" * 201}, "title"),
    ({"description": "   "}, "description"),
    ({"deaths": -1}, "deaths"),
    ({"deaths": "many"}, "deaths"),
    ({"injuries": 10**9}, "injuries"),
    ({"missing": 2.5}, "missing"),
    ({"direct_loss": -5}, "direct_loss"),
    ({"direct_loss": "1e30"}, "direct_loss"),
    ({"latitude": 28.4}, "latitude"),  # without its longitude
    ({"latitude": 60.0, "longitude": 121.0}, "latitude"),  # outside China
    ({"flag": "concealed", "flag_reason": "x"}, "flag"),  # only 漏报 when creating
    ({"flag": "missed"}, "flag_reason"),  # 漏报 needs its reason
]


@pytest.mark.parametrize(("change", "field"), BAD_REPORTS, ids=[f for _, f in BAD_REPORTS])
def test_a_bad_report_names_its_field_in_both_languages(api_as, desks, change, field):
    body = {k: v for k, v in {**accident(), **change}.items() if v is not None}
    with time_machine.travel(at(10), tick=False):
        r = api_as(desks.reporter).post("/api/info-reports", body)
    assert r.status_code in (400, 422), (r.status_code, r.content)
    error = r.json()["error"]
    assert field in error["fields"], error
    assert " / " in error["message"] and " / " in error["fields"][field]
    assert InfoReport.objects.count() == 0


def test_bodies_that_are_not_reports_are_refused(api_as, desks):
    client = api_as(desks.reporter)
    for body in ("not json", "[]", "null", '{"occurred_at": {"a": 1}}'):
        r = client.post("/api/info-reports", body)
        assert 400 <= r.status_code < 500, (body, r.content)
    assert InfoReport.objects.count() == 0


def test_bad_actions_are_refused_without_a_500(api_as, desks):
    with time_machine.travel(at(10), tick=False):
        report_id = api_as(desks.reporter).post("/api/info-reports", accident()).json()["id"]
    client = api_as(desks.county)
    cases = [
        ("explode", {}, 400, "action"),
        ("followup", {"deaths": -3}, 422, "deaths"),
        ("followup", {"direct_loss": "lots"}, 422, "direct_loss"),
        ("acknowledge", {"level": "galaxy"}, 422, "level"),
        ("acknowledge", {"level": "city"}, 403, "level"),  # the county officer is not the city's desk
        ("flag", {"flag": "concealed"}, 400, "reason"),
        ("flag", {"flag": "stolen", "reason": "x"}, 422, "flag"),
    ]
    for action, body, status, field in cases:
        r = client.post(f"/api/info-reports/{report_id}/actions/{action}", body)
        assert r.status_code == status, (action, body, r.content)
        assert field in r.json()["error"]["fields"], (action, r.json())
    assert InfoReport.objects.get(pk=report_id).version == 1


def test_ids_and_filters_out_of_range_are_not_found_or_refused(api_as, desks):
    client = api_as(desks.city)
    assert client.get(f"/api/info-reports/{2**70}").status_code in (404, 422)
    assert client.get("/api/info-reports/999999").status_code == 404
    assert client.get("/api/info-reports", {"late": "perhaps"}).status_code == 422
    assert client.get("/api/info-reports", {"region": "3" * 40}).status_code == 422
    assert client.get("/api/info-reports", {"month": "2026-13"}).status_code == 200
    assert client.get("/api/info-reports", {"month": "9999-12"}).status_code == 200


def test_a_followup_leaving_out_a_figure_keeps_it(api_as, desks):
    with time_machine.travel(at(10), tick=False):
        report_id = api_as(desks.reporter).post("/api/info-reports", accident()).json()["id"]
        body = api_as(desks.reporter).post(f"/api/info-reports/{report_id}/actions/followup",
                                           {"injuries": 7}).json()
    assert (body["deaths"], body["injuries"], body["missing"]) == (1, 7, 0)


def test_an_officer_records_an_event_never_reported_and_flags_a_concealed_one(api_as, desks):
    with time_machine.travel(at(10), tick=False):
        body = api_as(desks.county).post("/api/info-reports", accident(
            flag="missed", flag_reason="媒体报道后核实，企业未报告")).json()
    assert (body["flag"], body["late"]) == ("missed", True)
    with time_machine.travel(at(20), tick=False):
        other = api_as(desks.reporter).post("/api/info-reports", accident(title="另一起")).json()
        r = api_as(desks.county).post(f"/api/info-reports/{other['id']}/actions/flag",
                                      {"flag": "concealed", "reason": "实际死亡3人，报告1人"})
    assert r.status_code == 200 and r.json()["flag"] == "concealed"
    assert r.json()["flag_reason"] == "实际死亡3人，报告1人"
    flagged = api_as(desks.city).get("/api/info-reports", {"flag": "concealed"}).json()["items"]
    assert [i["id"] for i in flagged] == [other["id"]]


def test_naive_times_are_read_as_beijing_time(api_as, desks):
    with time_machine.travel(at(10), tick=False):
        body = api_as(desks.reporter).post("/api/info-reports", accident(
            occurred_at="2026-07-01T09:50:00", learned_at="2026-07-01T10:00:00")).json()
    assert dt.datetime.fromisoformat(body["learned_at"].replace("Z", "+00:00")) == at(0)
