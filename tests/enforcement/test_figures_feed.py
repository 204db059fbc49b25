"""The enforcement figures feed the hazards ranking (displayed columns, not scored) and
the monthly accident bulletin (a paragraph, a table, a second sheet), equal to a hand
count over two counties and two months."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.test import Client

from yingji.accidents import bulletin
from yingji.core.scope import Scope
from yingji.enforcement import services
from yingji.hazards import indexes

from ..conftest import LINHAI, TAIZHOU, WENLING
from ..pdftext import drawn_text
from .conftest import LONGYOU, open_case, walk_to

pytestmark = pytest.mark.django_db
BEIJING = dt.timezone(dt.timedelta(hours=8))
HAZARD = {"provision": "work-safety-hazard-not-removed", "refused": True}
OCTOBER = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
NOVEMBER = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def _at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(10, 0), tzinfo=BEIJING), tick=False)


def _decide(officer, case, decisions, on: dt.date):
    case = walk_to(officer, case, "prior_notice")
    return services.case_act(by=officer.user, case=case, action="decide", decided_on=on, decisions=decisions)


@pytest.fixture
def cases(wenling_officer, linhai_officer, wenling_enterprise, linhai_enterprise):
    """October: Wenling a Longyou-like decision (fine 50,000, confiscated 244,048.66) and a
    一案三罚 with a stop order (fines 0 + 75,000 + 75,000); Linhai one case, no decision.
    November: Wenling one case transferred to the police; Linhai a Longyou-like decision."""
    with _at(dt.date(2026, 10, 12)):
        _decide(wenling_officer, open_case(wenling_officer, wenling_enterprise), [LONGYOU], dt.date(2026, 10, 12))
        _decide(wenling_officer, open_case(wenling_officer, wenling_enterprise), [
            HAZARD | {"party": "enterprise"}, HAZARD | {"party": "principal", "party_name": "王某"},
            HAZARD | {"party": "manager", "party_name": "李某"}], dt.date(2026, 10, 12))
        open_case(linhai_officer, linhai_enterprise)
    with _at(dt.date(2026, 11, 20)):
        services.case_act(by=wenling_officer.user, case=open_case(wenling_officer, wenling_enterprise),
                          action="transfer", agency="温岭市公安局", note="涉嫌犯罪")
        _decide(linhai_officer, open_case(linhai_officer, linhai_enterprise), [LONGYOU], dt.date(2026, 11, 20))


def _enforcement(row):
    e = row["enforcement"]
    return (e["cases"], Decimal(e["fines"]), Decimal(e["confiscated"]), e["stop_orders"], e["transfers"],
            e["three_penalties"])


def test_the_ranking_shows_each_countys_enforcement_figures_of_the_period(taizhou_officer, cases):
    scope = Scope.for_user(taizhou_officer.user)
    october = {i["region"]: i for i in indexes.ranking(scope=scope, code=TAIZHOU, start=OCTOBER[0], end=OCTOBER[1],
                                                         today=OCTOBER[1])["items"]}
    assert _enforcement(october[WENLING]) == (2, Decimal("200000"), Decimal("244048.66"), 1, 0, 1)
    assert _enforcement(october[LINHAI]) == (1, 0, 0, 0, 0, 0)
    november = {i["region"]: i for i in indexes.ranking(scope=scope, code=TAIZHOU, start=NOVEMBER[0],
                                                          end=NOVEMBER[1], today=NOVEMBER[1])["items"]}
    assert _enforcement(november[WENLING]) == (1, 0, 0, 0, 1, 0)
    assert _enforcement(november[LINHAI]) == (1, Decimal("50000"), Decimal("244048.66"), 0, 0, 0)
    both = {i["region"]: i for i in indexes.ranking(scope=scope, code=TAIZHOU, start=OCTOBER[0], end=NOVEMBER[1],
                                                      today=NOVEMBER[1])["items"]}
    assert _enforcement(both[WENLING]) == (3, Decimal("200000"), Decimal("244048.66"), 1, 1, 1)


def test_the_enforcement_figures_do_not_move_the_index(taizhou_officer, wenling_enterprise, linhai_enterprise):
    scope = Scope.for_user(taizhou_officer.user)

    def indexes_now():
        result = indexes.ranking(scope=scope, code=TAIZHOU, start=OCTOBER[0], end=OCTOBER[1], today=OCTOBER[1])
        return [(i["region"], i["index"], i["rank"]) for i in result["items"]]

    before = indexes_now()
    with _at(dt.date(2026, 10, 12)):
        _decide(taizhou_officer, open_case(taizhou_officer, wenling_enterprise), [LONGYOU], dt.date(2026, 10, 12))
    after = indexes_now()
    assert after == before
    assert indexes.ranking(scope=scope, code=TAIZHOU, start=OCTOBER[0], end=OCTOBER[1], today=OCTOBER[1])[
        "weights"].keys() == indexes.DEFAULT_WEIGHTS.keys()


def test_the_ranking_page_and_export_carry_the_columns(taizhou_officer, cases):
    client = Client()
    client.force_login(taizhou_officer.user)
    page = client.get("/hazards/ranking/", {"region": TAIZHOU, "from": "2026-10-01", "to": "2026-10-31"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "执法立案" in html and "一案三罚" in html and "244048.66" in html and "不计入综合指数" in html
    r = client.get("/api/stats/ranking/export", {"region": TAIZHOU, "from": "2026-10-01", "to": "2026-10-31"})
    assert r.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    header = list(rows[0])
    by_code = {row[header.index("区划代码")]: row for row in rows[1:]}
    assert int(by_code[WENLING][header.index("执法立案数")]) == 2
    assert Decimal(str(by_code[WENLING][header.index("罚款（元）")])) == Decimal("200000")
    assert int(by_code[WENLING][header.index("一案三罚")]) == 1
    assert int(by_code[LINHAI][header.index("执法立案数")]) == 1
    api = client.get("/api/stats/ranking", {"region": TAIZHOU, "from": "2026-11-01", "to": "2026-11-30"})
    assert api.status_code == 200, api.content
    items = {i["region"]: i for i in api.json()["items"]}
    assert items[WENLING]["enforcement"]["transfers"] == 1 and Decimal(items[LINHAI]["enforcement"]["fines"]) == 50000


def test_the_monthly_bulletin_carries_the_months_enforcement_figures(taizhou_officer, cases):
    data = bulletin.build(scope=Scope.for_user(taizhou_officer.user), region=TAIZHOU, year=2026, month=10)
    rows = {row[1]: row[2:] for row in bulletin.enforcement_rows(data)[1:]}
    # October in Taizhou: Wenling 2 cases + Linhai 1; fines 200,000 and a stop order, all Wenling's.
    assert [rows[data["name"]][0], Decimal(rows[data["name"]][1]), rows[data["name"]][3],
            rows[data["name"]][5]] == [3, Decimal("200000"), 1, 1]
    summary = bulletin.enforcement_summary(data)
    assert "立案 3 起" in summary and "罚款 200000.00 元" in summary and "移送公安机关 0 起" in summary

    client = Client()
    client.force_login(taizhou_officer.user)
    text = drawn_text(client.get("/accidents/bulletin/2026-11.pdf", {"region": TAIZHOU}).content).replace("\n", "")
    # November: Wenling's transfer and Linhai's decision; October's cases are not counted.
    assert "三、行政执法" in text
    assert "立案 2 起" in text and "罚款 50000.00 元" in text and "移送公安机关 1 起" in text
    r = client.get("/accidents/bulletin/2026-11.xlsx", {"region": TAIZHOU})
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert book.sheetnames[1] == "行政执法"
    sheet = [list(row) for row in book["行政执法"].iter_rows(values_only=True)]
    assert sheet[0][:3] == ["分组", "名称", "立案数"]
    by_name = {row[1]: row[2:] for row in sheet[1:]}
    assert [int(by_name[n][0]) for n in ("温岭市", "临海市")] == [1, 1]
    assert Decimal(str(by_name["临海市"][1])) == Decimal("50000") and int(by_name["温岭市"][4]) == 1
