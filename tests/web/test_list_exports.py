"""Every list page exports what it shows: `?format=xlsx` / `?format=csv` on the page's
own URL answers the rows its filters select, in the caller's scope only.

Each case builds, by hand, rows the Wenling officer's filter keeps, rows it drops,
and a row in Linhai; the expected set is written down here, not read from the page.
The export must hold exactly that set (xlsx and CSV), the page must show each of
those rows and none of the others, and Linhai's officer, as the control, gets the
Linhai row from the same URL.
"""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from yingji.core.models import AuditRecord
from yingji.floods.models import InundationRun
from yingji.hazards import reporting
from yingji.hazards import services as hazard_services
from yingji.insurance.models import Claim, Storm, TriggerEvent

from ..conftest import LINHAI, LINHAI_TOWN, WENLING, WENLING_TOWN
from ..factories import EnterpriseFactory, PolicyFactory, WarningFactory

pytestmark = pytest.mark.django_db

SMALL_PARK = "small-park-10-10"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def xlsx_column(content: bytes, header: str) -> list:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    index = list(rows[0]).index(header)
    return [row[index] for row in rows[1:]]


def csv_column(content: bytes, header: str) -> list[str]:
    assert content.startswith(b"\xef\xbb\xbf"), "CSV without BOM: Excel would read the Chinese as GBK"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


# -- The worlds: (path with the filter, header of the key column, Wenling keys kept,
#    Wenling keys filtered out, Linhai keys) -------------------------------------------

def hazards(w, lh):
    today = timezone.localdate()
    wen, lin = EnterpriseFactory(region_id=WENLING_TOWN), EnterpriseFactory(region_id=LINHAI_TOWN)
    for officer, enterprise, text in ((w, wen, "甲类隐患一"), (w, wen, "=1+1甲"), (w, wen, "乙类隐患"),
                                      (lh, lin, "甲类临海")):
        hazard_services.hazard_register(by=officer.user, enterprise_id=enterprise.pk, description=text,
                                        found_on=today, deadline=today + dt.timedelta(days=30))
    return "/hazards/?q=甲", "隐患描述", {"甲类隐患一", "=1+1甲"}, {"乙类隐患"}, {"甲类临海"}


def inspections(w, lh):
    from yingji.hazards.models import ChecklistItem

    item = ChecklistItem.objects.filter(template__code=SMALL_PARK).order_by("order").first()
    today = timezone.localdate()
    for officer, name, days_ago in ((w, "温岭近检企业", 2), (w, "温岭早检企业", 40), (lh, "临海近检企业", 2)):
        enterprise = EnterpriseFactory(name=name, region_id=WENLING_TOWN if officer is w else LINHAI_TOWN)
        hazard_services.inspection_create(by=officer.user, enterprise_id=enterprise.pk, kind="planned",
                                          date=today - dt.timedelta(days=days_ago), template_code=SMALL_PARK,
                                          answers=[{"item": item.code, "answer": "yes"}])
    since = (today - dt.timedelta(days=10)).isoformat()
    return f"/hazards/inspections/?start={since}", "企业", {"温岭近检企业"}, {"温岭早检企业"}, {"临海近检企业"}


def public_reports(w, lh):
    made = {}
    for n, (code, text) in enumerate(((WENLING, "温岭举报待核"), (WENLING, "温岭举报已驳"), (LINHAI, "临海举报待核"))):
        made[text] = reporting.report_create(ip=f"10.0.0.{n + 1}", region_code=code, description=text)
    reporting.report_reject(by=w.user, report=made["温岭举报已驳"], reason="不属实")
    return "/hazards/reports/?state=new", "举报内容", {"温岭举报待核"}, {"温岭举报已驳"}, {"临海举报待核"}


def campaigns(w, lh):
    today = timezone.localdate()
    made = ((w, WENLING, "温岭燃气专项"), (w, WENLING, "温岭消防专项"), (lh, LINHAI, "临海燃气专项"))
    for officer, code, name in made:
        hazard_services.campaign_create(by=officer.user, name=name, region_code=code,
                                        start=today - dt.timedelta(days=5), end=today + dt.timedelta(days=5))
    return "/hazards/campaigns/", "名称", {"温岭燃气专项", "温岭消防专项"}, set(), {"临海燃气专项"}


def warnings(w, lh):
    WarningFactory(headline="温岭暴雨预警", regions=[WENLING])
    WarningFactory(headline="临海暴雨预警", regions=[LINHAI])
    return "/warnings/", "标题", {"温岭暴雨预警"}, set(), {"临海暴雨预警"}


def inundation_runs(w, lh):
    for code, name in ((WENLING, "温岭小流域"), (LINHAI, "临海小流域")):
        InundationRun.objects.create(watershed=name, region_id=code, dem_path="x.asc", nrows=2, ncols=2,
                                     cellsize=10, xllcorner=0, yllcorner=0, start=timezone.now(), duration_hours=1)
    return "/floods/inundation/", "小流域", {"温岭小流域"}, set(), {"临海小流域"}


def flood_risk_points(w, lh):
    from yingji.floods.models import RiskPoint, RiskPointKind

    kind = RiskPointKind.objects.first()
    for code, name in ((WENLING_TOWN, "温岭下游村"), (LINHAI_TOWN, "临海下游村")):
        RiskPoint.objects.create(kind=kind, name=name, region_id=code, population=120, households=40)
    return "/floods/?table=points", "风险点", {"温岭下游村"}, set(), {"临海下游村"}


def policies(w, lh):
    PolicyFactory(name="温岭巨灾保单", region_id=WENLING)
    PolicyFactory(name="临海巨灾保单", region_id=LINHAI)
    return "/policies/", "保单", {"温岭巨灾保单"}, set(), {"临海巨灾保单"}


def claims(w, lh):
    now = timezone.now()
    for name, code, status in (("温岭待核保单", WENLING, "notified"), ("温岭已赔保单", WENLING, "paid"),
                               ("临海待核保单", LINHAI, "notified")):
        event = TriggerEvent.objects.create(policy=PolicyFactory(name=name, region_id=code), kind="rain",
                                            trigger_id=1, event_key=f"{code}-1", county_id=code,
                                            occurred_at=now, payout=Decimal("1000"))
        Claim.objects.create(event=event, status=status, amount=Decimal("1000"), notified_at=now,
                             paid_at=now if status == "paid" else None)
    return "/policies/claims/?status=notified", "保单", {"温岭待核保单"}, {"温岭已赔保单"}, {"临海待核保单"}


def enterprises(w, lh):
    EnterpriseFactory(name="温岭化工甲厂", region_id=WENLING_TOWN)
    EnterpriseFactory(name="温岭机械乙厂", region_id=WENLING_TOWN)
    EnterpriseFactory(name="临海化工丙厂", region_id=LINHAI_TOWN)
    return "/enterprises/?q=化工", "企业名称", {"温岭化工甲厂"}, {"温岭机械乙厂"}, {"临海化工丙厂"}


WORLDS = [hazards, inspections, public_reports, campaigns, warnings, inundation_runs, flood_risk_points, policies,
          claims, enterprises]


def _with(path: str, **params) -> str:
    extra = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{path}{'&' if '?' in path else '?'}{extra}"


@pytest.mark.parametrize("world", WORLDS, ids=lambda f: f.__name__)
def test_export_holds_the_rows_the_page_shows_and_nothing_out_of_scope(world, wenling_officer, linhai_officer):
    path, header, kept, dropped, linhai = world(wenling_officer, linhai_officer)
    client = login(wenling_officer)
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    for key in kept:
        assert key in html
    for key in dropped | linhai:
        assert key not in html
    assert "format=xlsx" in html and "format=csv" in html  # the buttons

    xlsx = client.get(_with(path, format="xlsx"))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in xlsx["Content-Disposition"]
    assert set(xlsx_column(xlsx.content, header)) == kept

    text = client.get(_with(path, format="csv"))
    assert text.status_code == 200 and text["Content-Type"].startswith("text/csv")
    assert {v.removeprefix("'") for v in csv_column(text.content, header)} == kept

    control = login(linhai_officer).get(_with(path, format="xlsx"))
    assert set(xlsx_column(control.content, header)) >= linhai


def test_formula_like_text_is_exported_as_text(wenling_officer, linhai_officer):
    path, header, *_ = hazards(wenling_officer, linhai_officer)
    client = login(wenling_officer)
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(_with(path, format="xlsx")).content)).worksheets[0]
    column = [c.value for c in sheet[1]].index(header)
    cell = next(row[column] for row in sheet.iter_rows(min_row=2) if "1+1" in str(row[column].value))
    assert (cell.value, cell.data_type) == ("=1+1甲", "s")  # a string, not the formula =1+1
    assert "'=1+1甲" in csv_column(client.get(_with(path, format="csv")).content, header)


def test_typhoon_list_exports_its_filter(wenling_officer):
    for code, year in (("2019009", 2019), ("2019010", 2019), ("2020004", 2020)):
        Storm.objects.create(code=code, name=f"台风{code}", year=year)
    content = login(wenling_officer).get("/typhoons/?year=2019&format=xlsx").content
    assert set(xlsx_column(content, "编号")) == {"2019009", "2019010"}


def test_every_export_is_audited_with_who_what_and_how_many(wenling_officer, linhai_officer):
    path, *_ = hazards(wenling_officer, linhai_officer)
    before = AuditRecord.objects.filter(action="export").count()
    login(wenling_officer).get(_with(path, format="csv"))
    record = AuditRecord.objects.filter(action="export").latest("seq")
    assert AuditRecord.objects.filter(action="export").count() == before + 1
    assert (record.actor_name, record.object_type, record.region_code) == ("t-wenling", "export.hazards", WENLING)
    assert record.after["rows"] == 2 and record.after["format"] == "csv" and record.after["filters"] == {"q": "甲"}


def test_an_export_past_the_limit_asks_to_narrow_the_filters(settings, wenling_officer, linhai_officer):
    hazards(wenling_officer, linhai_officer)
    settings.YINGJI_EXPORT_MAX_ROWS = 2
    client = login(wenling_officer)
    before = AuditRecord.objects.filter(action="export").count()
    refused = client.get("/hazards/?format=xlsx")  # three Wenling hazards
    assert refused.status_code == 400 and "缩小筛选范围" in refused.content.decode()
    assert AuditRecord.objects.filter(action="export").count() == before  # nothing was exported
    assert client.get("/hazards/?q=甲&format=xlsx").status_code == 200  # two: within the limit
    assert client.get("/enterprises/export.xlsx").status_code == 200
    EnterpriseFactory.create_batch(2, region_id=WENLING_TOWN)
    assert client.get("/enterprises/export.xlsx").status_code == 400


def test_an_unknown_format_is_a_clear_400(wenling_officer):
    reply = login(wenling_officer).get("/hazards/?format=pdf")
    assert reply.status_code == 400 and "xlsx" in reply.content.decode()
    assert login(wenling_officer).get("/floods/?format=xlsx&table=nothing").status_code == 400


def test_a_campaign_page_exports_its_enterprises_not_yet_inspected(wenling_officer, linhai_officer):
    from yingji.hazards.models import ChecklistItem

    today = timezone.localdate()
    campaign = hazard_services.campaign_create(by=wenling_officer.user, name="温岭燃气专项", region_code=WENLING,
                                               start=today - dt.timedelta(days=5), end=today + dt.timedelta(days=5))
    done, pending = (EnterpriseFactory(name=n, region_id=WENLING_TOWN) for n in ("已检查企业", "未检查企业"))
    EnterpriseFactory(name="临海企业", region_id=LINHAI_TOWN)
    item = ChecklistItem.objects.filter(template__code=SMALL_PARK).order_by("order").first()
    hazard_services.inspection_create(by=wenling_officer.user, enterprise_id=done.pk, kind="planned", date=today,
                                      template_code=SMALL_PARK, campaign_id=campaign.pk,
                                      answers=[{"item": item.code, "answer": "yes"}])
    client = login(wenling_officer)
    path = f"/hazards/campaigns/{campaign.pk}/"
    assert "?format=xlsx&amp;table=pending" in client.get(path).content.decode()
    content = client.get(path, {"table": "pending", "format": "xlsx"}).content
    assert xlsx_column(content, "企业") == [pending.name]
    assert client.get(path, {"table": "nothing", "format": "csv"}).status_code == 400
