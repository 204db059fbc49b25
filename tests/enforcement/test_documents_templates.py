"""The documents' fixed wording as DocumentTemplate rows: written by migration 0005,
edited by administrators in the admin (audited, placeholders checked on save), and
what the generated PDFs say; a wording that slipped past the check never breaks one."""

import pytest
from django.test import Client

from yingji.core import audit
from yingji.core.models import AuditRecord
from yingji.enforcement import wording
from yingji.enforcement.models import DocumentTemplate

from ..factories import UserFactory
from ..pdftext import drawn_text
from .conftest import open_case, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(regions):
    client = Client()
    client.force_login(UserFactory(username="t-root", is_staff=True, is_superuser=True))
    return client


def officer_client(person):
    client = Client()
    client.force_login(person.user)
    return client


def change(admin_client, kind, **fields):
    row = DocumentTemplate.objects.get(kind=kind)
    data = {"title": row.title, "body": row.body, "authority": row.authority, "footer": row.footer} | fields
    return admin_client.post(f"/admin/enforcement/documenttemplate/{row.pk}/change/", data)


def test_the_migration_writes_one_template_per_kind():
    rows = {t.kind: t for t in DocumentTemplate.objects.all()}
    assert set(rows) == {"filing", "notice", "decision", "transfer", "rectification"}
    assert rows["decision"].title == "行政处罚决定书" and "行政复议" in rows["decision"].body
    assert "{deadline}" in rows["rectification"].body and rows["notice"].authority == "{region}应急管理局"


def test_an_admins_wording_appears_in_the_pdf_and_the_change_is_audited(admin_client, wenling_officer,
                                                                       wenling_enterprise):
    r = change(admin_client, "decision", title="处罚决定书（{case_number}）",
               body="{party}应当自收到本决定书之日起十五日内到指定银行缴纳罚款。",
               authority="温岭市应急管理局（试点）", footer="{authority}")
    assert r.status_code == 302, r.content.decode()[-2000:]
    case = walk_to(wenling_officer, open_case(wenling_officer, wenling_enterprise), "decision")
    text = drawn_text(officer_client(wenling_officer).get(f"/cases/{case.pk}/decision.pdf").content)
    flat = text.replace("\n", "")
    assert f"处罚决定书（{case.number}）" in flat
    assert f"{wenling_enterprise.name}应当自收到本决定书之日起十五日内到指定银行缴纳罚款。" in flat
    assert "温岭市应急管理局（试点）" in flat and "行政复议" not in flat
    record = AuditRecord.objects.filter(action="admin-update", object_type="enforcement.documenttemplate").get()
    assert record.actor_name == "t-root" and record.before["title"] == "行政处罚决定书"
    assert record.after["title"] == "处罚决定书（{case_number}）"
    assert audit.verify().ok


def test_the_shipped_wording_names_the_county_bureau(wenling_officer, wenling_enterprise):
    case = open_case(wenling_officer, wenling_enterprise)
    text = drawn_text(officer_client(wenling_officer).get(f"/cases/{case.pk}/filing.pdf").content)
    assert "立案审批表" in text and "温岭市应急管理局" in text.replace("\n", "")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("body", "请于{deadlin}前整改", "未知的占位符 {deadlin}"),
    ("title", "{party.__class__}", "未知的占位符 {party.__class__}"),
    ("footer", "{authority:20}", "未知的占位符 {authority:20}"),
    ("body", "整改期限 {deadline", "大括号不配对"),
    ("authority", "{0}", "未知的占位符 {0}"),
])
def test_an_unknown_placeholder_is_refused_in_the_admin_with_a_clear_message(admin_client, field, value, message):
    before = DocumentTemplate.objects.get(kind="rectification")
    r = change(admin_client, "rectification", **{field: value})
    assert r.status_code == 200
    page = r.content.decode()
    assert message in page and "{case_number}" in page  # the allowed placeholders are listed
    after = DocumentTemplate.objects.get(kind="rectification")
    assert (after.title, after.body, after.authority, after.footer) == (
        before.title, before.body, before.authority, before.footer)
    assert not AuditRecord.objects.filter(object_type="enforcement.documenttemplate").exists()


def test_literal_braces_are_written_doubled_and_kept(admin_client, wenling_officer, wenling_enterprise):
    assert change(admin_client, "filing", body="编号格式 {{年份}}-{case_number}").status_code == 302
    case = open_case(wenling_officer, wenling_enterprise)
    text = drawn_text(officer_client(wenling_officer).get(f"/cases/{case.pk}/filing.pdf").content)
    assert f"编号格式 {{年份}}-{case.number}" in text.replace("\n", "")


def test_a_wording_that_slipped_past_the_check_still_gives_a_document(wenling_officer, wenling_enterprise):
    # Written below the admin (a database console): the document must still come out.
    DocumentTemplate.objects.filter(kind="rectification").update(
        title="{title", body="{party}：{unknown} {party.__class__} {0} 期限{deadline}", footer="{}")
    case = open_case(wenling_officer, wenling_enterprise)
    r = officer_client(wenling_officer).get(f"/cases/{case.pk}/rectification.pdf?deadline=2027-01-31")
    assert r.status_code == 200
    text = drawn_text(r.content).replace("\n", "")
    assert "{title" in text
    assert f"{wenling_enterprise.name}：{{unknown}} {{party.__class__}} {{0}} 期限2027年1月31日" in text


def test_a_missing_template_row_falls_back_to_the_shipped_wording(wenling_officer, wenling_enterprise):
    DocumentTemplate.objects.filter(kind="notice").delete()
    case = walk_to(wenling_officer, open_case(wenling_officer, wenling_enterprise), "decision")
    text = drawn_text(officer_client(wenling_officer).get(f"/cases/{case.pk}/notice.pdf").content)
    assert "行政处罚告知书" in text and "听证" in text


def test_templates_are_changed_in_the_admin_never_added_or_deleted(admin_client):
    row = DocumentTemplate.objects.get(kind="transfer")
    assert admin_client.get("/admin/enforcement/documenttemplate/add/").status_code == 403
    assert admin_client.post(f"/admin/enforcement/documenttemplate/{row.pk}/delete/",
                             {"post": "yes"}).status_code == 403
    assert DocumentTemplate.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize(("text", "expected"), [
    ("{party}于{deadline}前", "甲公司于2027年1月31日前"),
    ("{{party}}", "{party}"),
    ("{nope}", "{nope}"),
    ("{party!r}", "{party!r}"),
    ("{party", "{party"),
    ("}", "}"),
])
def test_fill_replaces_known_names_only_and_never_raises(text, expected):
    assert wording.fill(text, {"party": "甲公司", "deadline": "2027年1月31日"}) == expected


def test_problems_lists_every_unknown_placeholder():
    assert wording.problems("{party}{case_number}{deadline}") == []
    assert wording.problems("{a}{party}{b}") == ["未知的占位符 {a}", "未知的占位符 {b}"]
