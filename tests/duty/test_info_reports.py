"""An accident reported from a township goes up to the county and city duty officers,
who confirm receipt (by the link in the SMS, and by replying 1); a follow-up with
more deaths raises the grade to 较大 and adds the province with its own deadline; the
final report closes it. Each step is timed with the clock moved (time-machine), and
the deadlines are computed by hand from the default limits (duty/data/reporting_limits.yaml):
county 60 min and city 180 min after learning; a level added by a follow-up is due no
earlier than 120 min after the follow-up, the province 300 min after learning.
A level that misses its limit is flagged late by the tick, and its desk and the desk
above it are reminded."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from yingji.duty.models import InfoReport, InfoReportVersion, ReportDeadline
from yingji.duty.services.reports import process_due_deadlines
from yingji.messaging import services as messaging
from yingji.messaging.models import Message

from ..conftest import WENLING_TOWN
from .reports_fixtures import *  # noqa: F403
from .reports_fixtures import T0, accident, at

pytestmark = pytest.mark.django_db


def clock(moment):
    return time_machine.travel(moment, tick=False)


def deadlines(body: dict) -> dict:
    return {d["level"]: d for d in body["deadlines"]}


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def same(text: str, moment: dt.datetime) -> bool:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")) == moment


def link_of(text: str) -> str:
    return re.search(r"(/info-reports/ack/[^/\s]+/)", text).group(1)


def test_an_accident_at_a_township_goes_up_is_acknowledged_followed_up_and_closed(api_as, desks, gateway):
    # 1. The township officer reports at 10:10, ten minutes after learning of it.
    with clock(at(10)):
        r = api_as(desks.reporter).post("/api/info-reports", accident())
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "initial" and body["grade"] == "general" and body["late"] is False
    levels = deadlines(body)
    assert list(levels) == ["county", "city"]  # 一般: the county, then the city
    assert same(levels["county"]["due_at"], at(60)) and same(levels["city"]["due_at"], at(180))
    assert levels["county"]["done_at"] is None and levels["city"]["done_at"] is None
    assert same(body["clock"]["written_at"], at(10)) and same(body["clock"]["learned_at"], T0)
    report_id = body["id"]

    # The county's and the city's officers on the roster get one SMS each; not Linhai, not the province.
    sent = {m.person_id: m for m in Message.objects.filter(context__duty_report=report_id)}
    assert set(sent) == {desks.county.pk, desks.city.pk}
    with clock(at(11)):
        messaging.deliver_due()
    texts = {b["to"]: b["text"] for b in gateway.bodies()}
    assert set(texts) == {desks.county.mobile, desks.city.mobile}
    assert "首报" in texts[desks.county.mobile] and "死亡1人" in texts[desks.county.mobile]

    # 2. The county officer opens the link at 10:20 and confirms (no login).
    link = link_of(texts[desks.county.mobile])
    with clock(at(20)):
        page = Client().get(link)
        assert page.status_code == 200 and "某厂车间起火" in page.content.decode()
        assert Client().post(link).status_code == 302
    # 3. The city officer replies "1" to the SMS at 10:40.
    with clock(at(40)):
        messaging.record_receipt(message_id=sent[desks.city.pk].pk, status="delivered", reply="1")
    levels = deadlines(api_as(desks.reporter).get(f"/api/info-reports/{report_id}").json())
    assert same(levels["county"]["done_at"], at(20)) and same(levels["city"]["done_at"], at(40))
    assert not levels["county"]["late"] and not levels["city"]["late"]

    # 4. At 11:30 a follow-up: 3 deaths → 较大 (larger); the province is added, due at
    # max(learned + 300 min, now + 120 min) = 15:00.
    with clock(at(90)):
        r = api_as(desks.reporter).post(f"/api/info-reports/{report_id}/actions/followup",
                                        {"deaths": 3, "injuries": 4, "missing": 0, "description": "又有2人死亡"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["state"], body["grade"], body["version"], body["deaths"]) == ("followup", "larger", 2, 3)
    levels = deadlines(body)
    assert list(levels) == ["county", "city", "province"]
    assert same(levels["province"]["due_at"], at(300)) and levels["province"]["added_in_version"] == 2
    assert same(levels["county"]["done_at"], at(20))  # the county's receipt stays
    # Version 1 is kept as it was.
    first = InfoReportVersion.objects.get(report_id=report_id, number=1)
    assert (first.deaths, first.grade, first.stage) == (1, "general", "initial")
    # The follow-up goes to every level, the province included.
    v2 = set(Message.objects.filter(context__duty_report=report_id, context__duty_report_version=2)
             .values_list("person_id", flat=True))
    assert v2 == {desks.county.pk, desks.city.pk, desks.province.pk}

    # 5. The province's officer confirms in the system at 12:00.
    with clock(at(120)):
        r = api_as(desks.province).post(f"/api/info-reports/{report_id}/actions/acknowledge", {})
    assert r.status_code == 200, r.content
    assert same(deadlines(r.json())["province"]["done_at"], at(120))

    # 6. The final report at 14:00 closes it; a follow-up after it is refused.
    with clock(at(240)):
        r = api_as(desks.reporter).post(f"/api/info-reports/{report_id}/actions/final",
                                        {"deaths": 3, "injuries": 5, "missing": 0})
    body = r.json()
    assert (body["state"], body["version"], body["injuries"]) == ("final", 3, 5)
    assert same(body["closed_at"], at(240))
    assert [v["stage"] for v in body["versions"]] == ["initial", "followup", "final"]
    with clock(at(241)):
        r = api_as(desks.reporter).post(f"/api/info-reports/{report_id}/actions/followup", {"deaths": 4})
    assert r.status_code == 400 and r.json()["error"]["code"] == "closed"

    # Every level confirmed in time: the tick, long after, flags nothing.
    assert process_due_deadlines(now=at(24 * 60)) == 0
    report = InfoReport.objects.get(pk=report_id)
    assert report.late is False and report.deaths == 3


def test_a_level_that_misses_its_limit_is_flagged_late_by_the_tick_and_reminded(api_as, desks, gateway):
    with clock(at(10)):
        report_id = api_as(desks.reporter).post("/api/info-reports", accident()).json()["id"]
    with clock(at(30)):
        api_as(desks.county).post(f"/api/info-reports/{report_id}/actions/acknowledge", {})
    # The city's limit is 13:00 (180 min after learning): not late a minute before.
    assert process_due_deadlines(now=at(179)) == 0
    assert InfoReport.objects.get(pk=report_id).late is False
    assert process_due_deadlines(now=at(181)) == 1
    assert process_due_deadlines(now=at(182)) == 0  # marked once
    report = InfoReport.objects.get(pk=report_id)
    city = ReportDeadline.objects.get(report=report, level="city")
    assert report.late is True and city.late is True and city.done_at is None
    assert ReportDeadline.objects.get(report=report, level="county").late is False
    # The city's officer is reminded (with the link), and the province's told to urge.
    reminders = {m.person_id: m.text for m in Message.objects.filter(idempotency_key__contains=":late:")}
    assert set(reminders) == {desks.city.pk, desks.province.pk}
    assert "/info-reports/ack/" in reminders[desks.city.pk] and "/info-reports/ack/" not in reminders[desks.province.pk]
    # Confirming late sets done_at and the report stays late.
    with clock(at(200)):
        body = api_as(desks.city).post(f"/api/info-reports/{report_id}/actions/acknowledge", {}).json()
    assert same(deadlines(body)["city"]["done_at"], at(200)) and body["late"] is True
    listed = api_as(desks.city).get("/api/info-reports", {"late": "true"}).json()["items"]
    assert [item["id"] for item in listed] == [report_id]
    assert api_as(desks.city).get("/api/info-reports", {"late": "false"}).json()["items"] == []


def test_a_written_report_after_its_hour_is_late_from_the_start(api_as, desks):
    with clock(at(61)):
        body = api_as(desks.reporter).post("/api/info-reports", accident()).json()
    assert body["late"] is True
    with clock(at(59)):
        body = api_as(desks.reporter).post("/api/info-reports", accident(title="另一起")).json()
    assert body["late"] is False


def test_missing_persons_count_as_deaths_for_the_grade(api_as, desks):
    # 1 dead and 2 missing: 3 "deaths" → 较大, which the province must receive.
    with clock(at(10)):
        body = api_as(desks.reporter).post("/api/info-reports", accident(deaths=1, missing=2)).json()
    assert body["grade"] == "larger"
    assert list(deadlines(body)) == ["county", "city", "province"]
    assert same(deadlines(body)["province"]["due_at"], at(300))


def test_ten_deaths_reach_above_the_province_a_level_the_province_records(api_as, desks):
    with clock(at(10)):
        body = api_as(desks.reporter).post("/api/info-reports", accident(deaths=10)).json()
    assert body["grade"] == "major"
    levels = deadlines(body)
    assert list(levels) == ["county", "city", "province", "ministry"]
    assert levels["ministry"]["desk_region"] is None and same(levels["ministry"]["due_at"], at(420))
    # Nobody here is messaged for the ministry; the province records passing it up.
    with clock(at(100)):
        r = api_as(desks.province).post(f"/api/info-reports/{body['id']}/actions/acknowledge", {"level": "ministry"})
    assert same(deadlines(r.json())["ministry"]["done_at"], at(100))


def test_a_county_desks_own_report_goes_to_the_city_first(api_as, desks):
    with clock(at(10)):
        body = api_as(desks.county).post("/api/info-reports", accident(region="331081")).json()
    assert list(deadlines(body)) == ["city"]


def test_only_the_receiving_desk_acknowledges(api_as, desks):
    with clock(at(10)):
        report_id = api_as(desks.reporter).post("/api/info-reports", accident()).json()["id"]
    r = api_as(desks.reporter).post(f"/api/info-reports/{report_id}/actions/acknowledge", {})
    assert r.status_code == 403
    assert ReportDeadline.objects.filter(report_id=report_id, done_at__isnull=False).count() == 0


def test_a_retried_report_action_sends_each_officer_one_message(api_as, desks):
    """The idempotency key is per report, version, level and person."""
    from yingji.duty.services.reports import _notify_desks

    with clock(at(10)):
        report_id = api_as(desks.reporter).post("/api/info-reports", accident()).json()["id"]
    report = InfoReport.objects.get(pk=report_id)
    before = Message.objects.count()
    _notify_desks(report, stage="initial", now=at(11))
    assert Message.objects.count() == before


def test_accident_reports_are_handed_to_the_accidents_app_in_id_order(api_as, desks):
    from yingji.duty.selectors_reports import accident_reports_after

    with clock(at(10)):
        client = api_as(desks.reporter)
        a = client.post("/api/info-reports", accident()).json()["id"]
        client.post("/api/info-reports", accident(kind="natural_disaster", title="山体滑坡"))
        b = client.post("/api/info-reports", accident(title="第二起")).json()["id"]
    assert [r.pk for r in accident_reports_after(after_id=0, limit=10)] == [a, b]
    assert [r.pk for r in accident_reports_after(after_id=a, limit=10)] == [b]
    assert [r.pk for r in accident_reports_after(after_id=0, limit=1)] == [a]


def test_reports_are_listed_by_region_and_state(api_as, desks):
    with clock(at(10)):
        report_id = api_as(desks.reporter).post("/api/info-reports", accident()).json()["id"]
    client = api_as(desks.city)
    assert [i["id"] for i in client.get("/api/info-reports", {"region": WENLING_TOWN}).json()["items"]] == [report_id]
    assert client.get("/api/info-reports", {"region": "331082"}).json()["items"] == []
    assert [i["id"] for i in client.get("/api/info-reports", {"state": "initial"}).json()["items"]] == [report_id]
    assert client.get("/api/info-reports", {"state": "final"}).json()["items"] == []
