"""The monthly call-up report per region: answer rate and median time to answer per
responsible person, drills apart from real call-ups, stale contact data; by API,
Excel and page. Every expected figure below is counted by hand from the set-up."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from yingji.alerts import reports, selectors, services
from yingji.alerts.models import CallUpTarget
from yingji.core.models import DutyKind
from yingji.core.scope import SYSTEM
from yingji.messaging import services as messaging
from yingji.messaging.models import Message

from ..conftest import LINHAI, WENLING
from .conftest import WENLING_VILLAGE

pytestmark = pytest.mark.django_db

UTC = dt.UTC
JULY_1 = dt.datetime(2026, 7, 1, 2, 0, tzinfo=UTC)            # 10:00 CST, 1 July
JULY_1_EARLY = dt.datetime(2026, 6, 30, 17, 0, tzinfo=UTC)    # 01:00 CST, 1 July (30 June in UTC)
JUNE_30_LATE = dt.datetime(2026, 6, 30, 15, 0, tzinfo=UTC)    # 23:00 CST, 30 June


def issue(regions, at, drill=False):
    return services.warning_issue(by=None, type="rainstorm", level="red", region_codes=regions,
                                  headline="暴雨红色预警", now=at, drill=drill)


def answer(warning, person, seconds):
    target = CallUpTarget.objects.get(callup=warning.callup, person=person)
    services.acknowledge(target=target, channel="link", at=target.created_at + dt.timedelta(seconds=seconds))


def failed_sms(person, key, at):
    message = messaging.send(channel="sms", to="", person=person, text="预警", idempotency_key=key)
    messaging.record_receipt(message_id=message.pk, status="failed", error="空号")
    Message.objects.filter(pk=message.pk).update(created_at=at)


@pytest.fixture
def july(chain):
    """Real call-ups in July (CST): Wenling on 1 July 10:00 (county answers after 60 s,
    township 180 s, grid worker 600 s, village chief never) and the Wenling village on
    1 July 01:00 CST (village chief after 120 s, grid worker never). A drill of Wenling
    in July (county after 30 s). Not in the report: Wenling on 30 June 23:00 CST
    (everyone answers), and Linhai in July."""
    first = issue([WENLING], JULY_1)
    answer(first, chain.county, 60)
    answer(first, chain.township, 180)
    answer(first, chain.grid, 600)
    second = issue([WENLING_VILLAGE], JULY_1_EARLY)
    answer(second, chain.village, 120)
    drill = issue([WENLING], JULY_1 + dt.timedelta(days=3), drill=True)
    answer(drill, chain.county, 30)
    june = issue([WENLING], JUNE_30_LATE)
    for person in (chain.county, chain.township, chain.village, chain.grid):
        answer(june, person, 5)
    issue([LINHAI], JULY_1)
    failed_sms(chain.village, "stale-1", JULY_1 + dt.timedelta(days=1))
    failed_sms(chain.village, "stale-2", JULY_1 + dt.timedelta(days=2))
    failed_sms(chain.grid, "stale-june", JUNE_30_LATE)
    failed_sms(chain.linhai, "stale-linhai", JULY_1)
    return chain


def test_real_call_ups_of_the_month_per_responsible_person(july):
    report = selectors.monthly_report(scope=SYSTEM, region=WENLING, month=dt.date(2026, 7, 1))
    # 4 + 2 calls, 4 answers: 60, 180, 600, 120 s → median (120 + 180) / 2 = 150 s.
    assert (report["callups"], report["called"], report["acknowledged"]) == (2, 6, 4)
    assert report["ack_rate"] == round(4 / 6, 4) and report["ack_seconds_median"] == 150
    rows = [(p["person_id"], p["called"], p["acknowledged"], p["ack_rate"], p["ack_seconds_median"])
            for p in report["persons"]]
    # Lowest rate first; at equal rates by region code (the village before its grid).
    assert rows == [(july.village.pk, 2, 1, 0.5, 120), (july.grid.pk, 2, 1, 0.5, 600),
                    (july.county.pk, 1, 1, 1.0, 60), (july.township.pk, 1, 1, 1.0, 180)]


def test_drills_are_counted_apart(july):
    report = selectors.monthly_report(scope=SYSTEM, region=WENLING, month=dt.date(2026, 7, 1), drill=True)
    assert (report["callups"], report["called"], report["acknowledged"]) == (1, 4, 1)
    assert (report["ack_rate"], report["ack_seconds_median"]) == (0.25, 30)


def test_the_month_is_counted_in_china_standard_time(july):
    june = selectors.monthly_report(scope=SYSTEM, region=WENLING, month=dt.date(2026, 6, 1))
    assert (june["callups"], june["called"], june["acknowledged"], june["ack_seconds_median"]) == (1, 4, 4, 5)


def test_stale_contacts_are_the_numbers_that_failed_permanently_that_month(july):
    report = selectors.monthly_report(scope=SYSTEM, region=WENLING, month=dt.date(2026, 7, 1))
    assert [(s["person_id"], s["address"], s["failures"]) for s in report["stale_contacts"]] == [
        (july.village.pk, july.village.mobile, 2)]
    assert report["stale_contacts"][0]["last_failed_at"] == JULY_1 + dt.timedelta(days=2)


def test_api_report_and_excel_agree(api_as, wenling_officer, july):
    client = api_as(wenling_officer)
    r = client.get("/api/callups/report", {"region": WENLING, "month": "2026-07"})
    assert r.status_code == 200, r.content
    assert (r.json()["called"], r.json()["acknowledged"]) == (6, 4)
    x = client.get("/api/callups/report.xlsx", {"region": WENLING, "month": "2026-07"})
    assert x.status_code == 200 and x["Content-Type"] == reports.XLSX
    book = load_workbook(io.BytesIO(x.content))
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True)}
    assert (summary["叫应人次"], summary["应答人次"], summary["应答用时中位数（秒）"]) == (6, 4, 150)
    persons = list(book["责任人"].iter_rows(values_only=True))[1:]
    assert [(p[0], p[5], p[6]) for p in persons] == [(p["name"], p["called"], p["acknowledged"])
                                                      for p in r.json()["persons"]]
    assert [s[1] for s in list(book["失效号码"].iter_rows(values_only=True))[1:]] == [july.village.mobile]


@pytest.mark.parametrize("params,field", [
    ({"region": WENLING, "month": "2026-13"}, "month"),
    ({"region": WENLING, "month": "1999-07"}, "month"),
    ({"region": WENLING, "month": "July"}, "month"),
    ({"region": "wenling", "month": "2026-07"}, "region"),
    ({"month": "2026-07"}, "region"),
])
def test_bad_parameters_are_refused_with_the_field(api_as, wenling_officer, july, params, field):
    r = api_as(wenling_officer).get("/api/callups/report", params)
    assert r.status_code in (400, 422) and field in r.json()["error"]["fields"]


def test_report_page_shows_the_figures_and_links_the_workbook(client, wenling_officer, july):
    client.force_login(wenling_officer.user)
    r = client.get("/warnings/report/", {"region": WENLING, "month": "2026-07"})
    page = r.content.decode()
    assert r.status_code == 200 and "叫应 6 人次，应答 4 人次" in page and july.village.name in page
    assert client.get("/warnings/report.xlsx", {"region": WENLING, "month": "2026-07"}).status_code == 200


def test_duties_are_named_on_the_page_and_in_the_workbook_not_coded(client, wenling_officer, july):
    names = dict(DutyKind.objects.values_list("code", "name"))
    client.force_login(wenling_officer.user)
    page = client.get("/warnings/report/", {"region": WENLING, "month": "2026-07"}).content.decode()
    assert names["county_flood_chief"] in page and "county_flood_chief" not in page
    book = load_workbook(io.BytesIO(client.get("/warnings/report.xlsx", {"region": WENLING,
                                                                        "month": "2026-07"}).content))
    duties = {row[4] for row in list(book["责任人"].iter_rows(values_only=True))[1:]}
    assert names["county_flood_chief"] in duties and not duties & set(names)  # names, never codes
