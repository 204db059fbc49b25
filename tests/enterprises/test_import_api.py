"""The register as a file over HTTP (import, export, template) and from the command line."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test.client import MULTIPART_CONTENT

from yingji.core.models import AuditRecord
from yingji.enterprises.choices import RiskGrade
from yingji.enterprises.models import Enterprise

from ..factories import EnterpriseFactory, valid_uscc

HEADER = ["企业名称", "统一社会信用代码", "所属乡镇代码", "风险等级"]


def xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, content: bytes, name: str = "台账.xlsx"):
    return client.post("/api/enterprises/import", {"file": SimpleUploadedFile(name, content)},
                       content_type=MULTIPART_CONTENT)


def csv_records(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@pytest.mark.django_db
def test_import_returns_the_report_with_200_even_when_rows_are_rejected(api_as, wenling_officer):
    good = valid_uscc()
    content = xlsx([HEADER, ["甲公司", good, "331081100", "红"], ["乙公司", "91331081XXXXXXXXX", "331081100", "蓝"]])
    r = upload(api_as(wenling_officer), content)
    assert r.status_code == 200
    body = r.json()
    assert (body["created"], body["updated"], body["unchanged"], body["rejected"]) == (1, 0, 0, 1)
    [error] = body["errors"]
    assert error["row"] == 3 and error["field"] == "统一社会信用代码" and " / " in error["message"]
    assert body["warnings"] == []
    assert Enterprise.objects.get(uscc=good).risk_grade == RiskGrade.RED


@pytest.mark.django_db
def test_garbage_named_xlsx_is_a_400_json_error(api_as, wenling_officer):
    r = upload(api_as(wenling_officer), b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "台账.xlsx")
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "bad_file" and "Excel" in error["message"]


@pytest.mark.django_db
def test_missing_required_columns_is_a_400_naming_them(api_as, wenling_officer):
    r = upload(api_as(wenling_officer), "企业名称\n甲\n".encode(), "a.csv")
    assert r.status_code == 400 and "统一社会信用代码" in r.json()["error"]["message"]


@pytest.mark.django_db
def test_enterprise_users_cannot_import(api_as, enterprise_user):
    r = upload(api_as(enterprise_user), xlsx([HEADER, ["甲公司", valid_uscc(), "331081100", "红"]]))
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert Enterprise.objects.count() == 1


@pytest.mark.django_db
def test_viewers_cannot_import(api_as, wenling_viewer):
    r = upload(api_as(wenling_viewer), xlsx([HEADER, ["甲公司", valid_uscc(), "331081100", "红"]]))
    assert r.status_code == 403


@pytest.mark.django_db
def test_import_needs_login(api_as):
    r = upload(api_as(None), xlsx([HEADER]))
    assert r.status_code == 401


@pytest.mark.django_db
def test_import_without_a_file_is_a_422(api_as, wenling_officer):
    r = api_as(wenling_officer).post("/api/enterprises/import", {}, content_type=MULTIPART_CONTENT)
    assert r.status_code == 422 and "required" in str(r.json()["error"]["fields"])


@pytest.mark.django_db
def test_export_of_a_county_officer_holds_only_their_county(api_as, wenling_officer, wenling_enterprise,
                                                            linhai_enterprise):
    r = api_as(wenling_officer).get("/api/enterprises/export", {"format": "csv"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert "attachment" in r["Content-Disposition"]
    usccs = [rec["统一社会信用代码"] for rec in csv_records(r.content)]
    assert usccs == [wenling_enterprise.uscc]


@pytest.mark.django_db
def test_export_honours_the_list_filters(api_as, wenling_officer):
    red = EnterpriseFactory(risk_grade=RiskGrade.RED)
    EnterpriseFactory(risk_grade=RiskGrade.BLUE)
    r = api_as(wenling_officer).get("/api/enterprises/export", {"format": "csv", "risk_grade": "red"})
    assert [rec["统一社会信用代码"] for rec in csv_records(r.content)] == [red.uscc]


@pytest.mark.django_db
def test_xlsx_export_reimports_unchanged_over_http(api_as, wenling_officer, wenling_enterprise):
    client = api_as(wenling_officer)
    exported = client.get("/api/enterprises/export")  # xlsx is the default
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    audits = AuditRecord.objects.count()
    body = upload(client, exported.content, "export.xlsx").json()
    assert (body["created"], body["updated"], body["unchanged"], body["rejected"]) == (0, 0, 1, 0)
    assert AuditRecord.objects.count() == audits


@pytest.mark.django_db
def test_export_format_must_be_xlsx_or_csv(api_as, wenling_officer):
    r = api_as(wenling_officer).get("/api/enterprises/export", {"format": "pdf"})
    assert r.status_code == 422


@pytest.mark.django_db
def test_template_downloads_with_headers_and_an_example_row(api_as, wenling_officer):
    r = api_as(wenling_officer).get("/api/enterprises/import-template", {"format": "csv"})
    assert r.status_code == 200
    [example] = csv_records(r.content)
    assert example["所属乡镇代码"] == "331081100"


@pytest.mark.django_db
def test_routes_by_id_still_work_beside_the_file_routes(api_as, wenling_officer, wenling_enterprise):
    r = api_as(wenling_officer).get(f"/api/enterprises/{wenling_enterprise.id}")
    assert r.status_code == 200 and r.json()["uscc"] == wenling_enterprise.uscc


@pytest.mark.django_db
def test_command_imports_as_the_named_user_and_prints_the_report(wenling_officer, tmp_path):
    path = tmp_path / "台账.xlsx"
    good = valid_uscc()
    path.write_bytes(xlsx([HEADER, ["甲公司", good, "331081100", "黄"], ["乙公司", valid_uscc(), "331082001", "黄"]]))
    out = io.StringIO()
    call_command("import_enterprises", str(path), "--as", "t-wenling", stdout=out)
    text = out.getvalue()
    assert "第 3 行 所属乡镇代码" in text and "1 created" in text and "1 rejected" in text
    assert Enterprise.objects.filter(uscc=good).exists()


@pytest.mark.django_db
def test_command_refuses_an_unknown_user(tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "a.csv"
    path.write_bytes(b"x")
    with pytest.raises(CommandError, match="nobody"):
        call_command("import_enterprises", str(path), "--as", "nobody")
