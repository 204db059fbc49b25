"""Enterprise register (企业台账) import and export as .xlsx and CSV.

Files are built in memory with openpyxl and csv; expected values follow from the rows
written here (and, for check characters, from GB 32100's definition in uscc.make).
"""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yingji.core.errors import Forbidden
from yingji.core.models import AuditRecord
from yingji.core.scope import Scope
from yingji.enterprises import selectors, services, tabular
from yingji.enterprises.choices import Industry, LicenceKind, RiskGrade, Scale
from yingji.enterprises.models import Enterprise, Licence, Tag
from yingji.enterprises.tabular import cells

from ..factories import EnterpriseFactory, valid_uscc

HEADER = ["企业名称", "统一社会信用代码", "所属乡镇代码", "所属乡镇", "地址", "经度", "纬度", "行业", "规模",
          "风险等级", "标签", "法定代表人", "联系电话", "从业人数", "许可证类型", "许可证编号", "有效期起", "有效期至"]
ZEGUO = "331081100"  # 泽国镇, Wenling
LINHAI_TOWN = "331082001"  # 古城街道, Linhai


def xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def row(name="温岭测试机械有限公司", code=None, region=ZEGUO, **cells) -> list:
    """One data row in HEADER order; keyword arguments by Chinese header."""
    values = {"企业名称": name, "统一社会信用代码": code or valid_uscc(), "所属乡镇代码": region, **cells}
    return [values.get(h) for h in HEADER]


def run(person, rows, fmt="xlsx", header=HEADER):
    content = xlsx([header, *rows]) if fmt == "xlsx" else csv_bytes([header, *rows])
    return tabular.import_enterprises(by=person.user, content=content, filename=f"台账.{fmt}")


def errors_by_row(report) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list] = {}
    for e in report.errors:
        found.setdefault(e.row, []).append((e.field, e.message))
    return found


def fields_of(enterprise: Enterprise) -> dict:
    return {
        "name": enterprise.name, "uscc": enterprise.uscc, "region": enterprise.region_id,
        "address": enterprise.address, "longitude": enterprise.longitude, "latitude": enterprise.latitude,
        "industry": enterprise.industry, "scale": enterprise.scale, "risk_grade": enterprise.risk_grade,
        "legal": enterprise.legal_representative, "phone": enterprise.contact_phone,
        "employees": enterprise.employees, "tags": sorted(t.name for t in enterprise.tags.all()),
        "licences": sorted((x.kind, x.number, x.valid_from, x.valid_to) for x in enterprise.licences.all()),
    }


# Mixed files -------------------------------------------------------------------

@pytest.mark.django_db
def test_mixed_file_keeps_good_rows_and_reports_each_bad_one_by_row(wenling_officer):
    good_a, good_b, bad_check = valid_uscc(), valid_uscc(), valid_uscc()
    wrong = "0" if bad_check[-1] != "0" else "1"
    rows = [
        row(code=good_a),                                                        # row 2
        row(code=bad_check[:-1] + wrong),                                        # row 3
        row(name=""),                                                            # row 4
        row(region=None, **{"所属乡镇": "不存在镇"}),                              # row 5
        row(region=LINHAI_TOWN),                                                 # row 6
        row(**{"经度": 200, "纬度": 28.4}),                                       # row 7
        row(**{"许可证类型": "安全生产许可证", "许可证编号": "X-1",                  # row 8
               "有效期起": "2024-13-45", "有效期至": "2027-01-01"}),
        row(code=good_b, region=None, **{"所属乡镇": "泽国镇"}),                   # row 9
    ]
    report = run(wenling_officer, rows)

    assert (report.created, report.updated, report.unchanged, report.rejected) == (2, 0, 0, 6)
    errors = errors_by_row(report)
    assert sorted(errors) == [3, 4, 5, 6, 7, 8]
    [(field, message)] = errors[3]
    assert field == "统一社会信用代码" and f"校验位错误（应为 {bad_check[-1]}）" in message
    assert "check character" in message
    assert errors[4] == [("企业名称", "企业名称必填 / Name is required")]
    assert errors[5][0][0] == "所属乡镇" and "不存在镇" in errors[5][0][1]
    assert errors[6][0][0] == "所属乡镇代码" and "不在您的管辖范围内" in errors[6][0][1]
    assert errors[6][0][1].endswith("outside your jurisdiction")
    assert errors[7][0][0] == "经度" and "73–136" in errors[7][0][1]
    assert errors[8][0][0] == "有效期起" and "YYYY-MM-DD" in errors[8][0][1]
    assert set(Enterprise.objects.values_list("uscc", flat=True)) == {good_a, good_b}
    assert Enterprise.objects.get(uscc=good_b).region_id == ZEGUO
    assert str(report.errors[0]).startswith("第 3 行 统一社会信用代码：")


@pytest.mark.django_db
def test_a_row_with_several_problems_reports_all_of_them(wenling_officer):
    report = run(wenling_officer, [row(name="", code="123", **{"纬度": "北纬"})])
    assert report.rejected == 1
    assert {e.field for e in report.errors} == {"企业名称", "统一社会信用代码", "纬度"}


@pytest.mark.django_db
def test_a_failing_licence_undoes_its_whole_row(wenling_officer):
    code = valid_uscc()
    report = run(wenling_officer, [row(code=code, **{"许可证类型": "安全生产许可证", "许可证编号": "A-1",
                                                    "有效期起": "2025-01-01", "有效期至": "2024-01-01"})])
    assert report.rejected == 1 and report.errors[0].field == "有效期至"
    assert not Enterprise.objects.filter(uscc=code).exists()


@pytest.mark.django_db
def test_enterprise_registered_in_another_county_is_rejected_not_moved(wenling_officer, linhai_enterprise):
    report = run(wenling_officer, [row(name="改名", code=linhai_enterprise.uscc)])
    assert report.rejected == 1 and "已登记" in report.errors[0].message
    linhai_enterprise.refresh_from_db()
    assert linhai_enterprise.region_id == "331082001" and linhai_enterprise.name != "改名"


@pytest.mark.django_db
def test_licence_number_of_another_enterprise_is_rejected(wenling_officer, wenling_enterprise):
    services.licence_add(by=wenling_officer.user, enterprise=wenling_enterprise, kind=LicenceKind.OTHER,
                         number="L-7", valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2026, 1, 1))
    report = run(wenling_officer, [row(**{"许可证类型": "其他", "许可证编号": "L-7",
                                          "有效期起": "2024-01-01", "有效期至": "2026-01-01"})])
    assert report.rejected == 1 and report.errors[0].field == "许可证编号"


@pytest.mark.django_db
def test_enterprise_users_cannot_import(enterprise_user):
    with pytest.raises(Forbidden):
        run(enterprise_user, [row()])
    assert Enterprise.objects.count() == 1  # only their own, from the fixture


# Re-imports are silent -------------------------------------------------------------

def _register_rows() -> list[list]:
    first, second = valid_uscc(), valid_uscc()
    return [
        row(name="甲化工有限公司", code=first, **{"标签": "危化品使用、重点企业", "风险等级": "红",
                                              "许可证类型": "危险化学品安全使用许可证", "许可证编号": "危化-1",
                                              "有效期起": dt.date(2024, 1, 1), "有效期至": "2027/01/01"}),
        row(name="甲化工有限公司", code=first, **{"标签": "重点企业；危化品使用", "风险等级": "red",
                                              "许可证类型": "安全生产许可证", "许可证编号": "安许-2",
                                              "有效期起": "2023-06-01", "有效期至": "2026-06-01"}),
        row(name="乙机械有限公司", code=second, **{"经度": 121.385, "纬度": 28.372, "从业人数": 120,
                                              "联系电话": "0576-86123456"}),
    ]


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing_and_writes_no_audit(wenling_officer):
    rows = _register_rows()
    first = run(wenling_officer, rows)
    assert (first.created, first.updated, first.rejected) == (2, 1, 0)  # row 3 adds the second licence
    audits = AuditRecord.objects.count()

    again = run(wenling_officer, rows)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 0)
    assert AuditRecord.objects.count() == audits


@pytest.mark.django_db
def test_changed_cell_updates_and_audits_only_that_change(wenling_officer):
    rows = _register_rows()
    run(wenling_officer, rows)
    audits = AuditRecord.objects.count()
    rows[2][HEADER.index("风险等级")] = "橙（较大风险）"
    report = run(wenling_officer, rows)
    assert (report.updated, report.unchanged) == (1, 2)
    assert AuditRecord.objects.count() == audits + 1
    assert Enterprise.objects.get(name="乙机械有限公司").risk_grade == RiskGrade.ORANGE


@pytest.mark.django_db
def test_blank_cells_leave_stored_values_alone(wenling_officer, wenling_enterprise):
    wenling_enterprise.contact_phone = "13800000000"
    wenling_enterprise.save()
    wenling_enterprise.tags.add(Tag.objects.create(name="锂电池"))
    report = run(wenling_officer, [row(name=wenling_enterprise.name, code=wenling_enterprise.uscc, region=None)])
    assert report.unchanged == 1
    wenling_enterprise.refresh_from_db()
    assert wenling_enterprise.contact_phone == "13800000000"
    assert [t.name for t in wenling_enterprise.tags.all()] == ["锂电池"]


# Round trips -------------------------------------------------------------------

def _varied_register(officer) -> list[Enterprise]:
    a = EnterpriseFactory(name="=HYPERLINK(\"x\") 甲公司", region_id=ZEGUO, longitude=121.123456789,
                          latitude=28.1, industry=Industry.CHEMICAL, scale=Scale.LARGE,
                          risk_grade=RiskGrade.RED, contact_phone="0576-80000001", employees=0,
                          legal_representative="王五")
    b = EnterpriseFactory(name="乙, \"引号\" 公司", address="多行\n地址", longitude=None, latitude=None,
                          industry=Industry.BUILDING_MATERIALS, scale=Scale.MICRO, contact_phone="+86 576 8600 1234")
    services.enterprise_update(by=officer.user, enterprise=a, tags=["锂电池", "一厂多租"])
    for number, end in (("浙A-1", dt.date(2026, 3, 1)), ("浙A-2", dt.date(2025, 12, 31))):
        services.licence_add(by=officer.user, enterprise=a, kind=LicenceKind.HAZCHEM_USE, number=number,
                             valid_from=dt.date(2023, 1, 2), valid_to=end)
    return [a, b]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_changes_nothing(wenling_officer, fmt):
    _varied_register(wenling_officer)
    qs = selectors.enterprise_list(scope=Scope.for_user(wenling_officer.user))
    content = tabular.export_enterprises(qs, fmt)
    audits = AuditRecord.objects.count()

    report = tabular.import_enterprises(by=wenling_officer.user, content=content, filename=f"x.{fmt}")
    # Enterprise a has two licences (two rows), b none (one row).
    assert (report.created, report.updated, report.unchanged, report.rejected) == (0, 0, 3, 0)
    assert report.warnings == []
    assert AuditRecord.objects.count() == audits


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_imports_into_an_empty_register_as_the_same_data(wenling_officer, fmt):
    originals = _varied_register(wenling_officer)
    expected = {e.uscc: fields_of(e) for e in originals}
    qs = selectors.enterprise_list(scope=Scope.for_user(wenling_officer.user))
    content = tabular.export_enterprises(qs, fmt)
    Enterprise.objects.all().delete()

    report = tabular.import_enterprises(by=wenling_officer.user, content=content, filename=f"x.{fmt}")
    assert (report.created, report.updated, report.rejected) == (2, 1, 0)
    assert {e.uscc: fields_of(e) for e in Enterprise.objects.all()} == expected


@pytest.mark.django_db
def test_csv_export_has_bom_and_chinese_labels(wenling_officer):
    _varied_register(wenling_officer)
    content = tabular.export_enterprises(Enterprise.objects.all(), "csv")
    assert content.startswith(b"\xef\xbb\xbf")
    records = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    [a] = {r["企业名称"]: r for r in records if "甲公司" in r["企业名称"]}.values()
    assert a["风险等级"] == "红（重大风险）" and a["行业"] == "危险化学品"
    assert a["企业名称"].startswith("'=")  # never a formula when Excel opens it


@pytest.mark.django_db
def test_xlsx_export_keeps_text_that_looks_like_a_formula_as_text(wenling_officer):
    _varied_register(wenling_officer)
    content = tabular.export_enterprises(Enterprise.objects.filter(name__startswith="="), "xlsx")
    cell = openpyxl.load_workbook(io.BytesIO(content)).active["A2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


# Encodings, headers, values -----------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_csv_in_the_encodings_excel_writes(wenling_officer, encoding):
    code = valid_uscc()
    content = csv_bytes([HEADER, row(name="温岭市泽国镇某某鞋业有限公司", code=code, **{"风险等级": "黄"})], encoding)
    report = tabular.import_enterprises(by=wenling_officer.user, content=content, filename="台账.csv")
    assert report.created == 1
    enterprise = Enterprise.objects.get(uscc=code)
    assert enterprise.name == "温岭市泽国镇某某鞋业有限公司" and enterprise.risk_grade == RiskGrade.YELLOW


@pytest.mark.django_db
def test_english_headers_are_accepted(wenling_officer):
    code = valid_uscc()
    report = run(wenling_officer, [["Acme", code, ZEGUO, "textile", "Micro"]],
                 header=["name", "USCC", "region", "Industry", "scale"])
    assert report.created == 1
    assert Enterprise.objects.filter(uscc=code, industry=Industry.TEXTILE, scale=Scale.MICRO).exists()


@pytest.mark.django_db
def test_unknown_columns_are_one_warning_and_rows_still_import(wenling_officer):
    report = run(wenling_officer, [row() + ["x", "y"], row() + ["z", "w"]], header=HEADER + ["备注", "监管人"])
    assert report.created == 2 and report.errors == []
    assert len(report.warnings) == 1 and "备注" in report.warnings[0] and "监管人" in report.warnings[0]


@pytest.mark.django_db
def test_title_rows_above_the_header_keep_excel_row_numbers(wenling_officer):
    content = xlsx([["温岭市企业安全生产台账"], [], HEADER, row(), row(name="")])
    report = tabular.import_enterprises(by=wenling_officer.user, content=content, filename="t.xlsx")
    assert report.created == 1 and [e.row for e in report.errors] == [5]


@pytest.mark.parametrize("text", ["红", "红色", "红（重大风险）", "重大风险", "red", "RED"])
def test_every_usual_way_of_writing_a_risk_grade(text):
    assert cells._parse_choice("risk_grade", text) == RiskGrade.RED


def test_unknown_choice_names_the_allowed_labels():
    with pytest.raises(ValueError, match="可选：大型、中型、小型、微型"):
        cells._parse_choice("scale", "巨型")


@pytest.mark.django_db
def test_tags_split_on_every_usual_separator(wenling_officer):
    code = valid_uscc()
    run(wenling_officer, [row(code=code, **{"标签": "甲、乙,丙;丁，戊； 己 "})])
    assert sorted(t.name for t in Enterprise.objects.get(uscc=code).tags.all()) == sorted("甲乙丙丁戊己")


@pytest.mark.django_db
@pytest.mark.parametrize("start", [dt.datetime(2024, 3, 5), "2024-03-05", "2024/3/5", "2024年3月5日", 45356])
def test_dates_as_excel_dates_text_or_serial_numbers(wenling_officer, start):
    # 45356 is the Excel serial of 2024-03-05: 1899-12-30 + 45356 days.
    assert dt.date(1899, 12, 30) + dt.timedelta(days=45356) == dt.date(2024, 3, 5)
    report = run(wenling_officer, [row(**{"许可证类型": "其他", "许可证编号": "D-1", "有效期起": start,
                                          "有效期至": "2027-03-05"})])
    assert report.created == 1
    assert Licence.objects.get(number="D-1").valid_from == dt.date(2024, 3, 5)


@pytest.mark.django_db
def test_township_name_is_resolved_within_the_callers_scope(wenling_officer, province_admin):
    # 城东街道 exists in many counties; inside Wenling it is 331081002.
    code = valid_uscc()
    run(wenling_officer, [row(code=code, region=None, **{"所属乡镇": "城东街道"})])
    assert Enterprise.objects.get(uscc=code).region_id == "331081002"

    report = run(province_admin, [row(region=None, **{"所属乡镇": "城东街道"})])
    assert report.rejected == 1 and "不唯一" in report.errors[0].message


@pytest.mark.django_db
def test_county_code_is_not_a_township(wenling_officer):
    report = run(wenling_officer, [row(region="331081")])
    assert report.rejected == 1 and report.errors[0].field == "所属乡镇代码"


@pytest.mark.django_db
def test_codes_typed_as_numbers_in_excel_are_read_as_text(wenling_officer):
    code = valid_uscc()
    run(wenling_officer, [row(code=code, region=int(ZEGUO), **{"联系电话": 13800000000.0})])
    enterprise = Enterprise.objects.get(uscc=code)
    assert enterprise.region_id == ZEGUO and enterprise.contact_phone == "13800000000"


# Files that cannot be read ---------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(("content", "filename", "says"), [
    (b"", "a.xlsx", "文件是空的"),
    (b"\x00\x01garbage\xff" * 50, "a.xlsx", "不是有效的 Excel"),
    (b"PK\x03\x04 not really a zip", "a.bin", "不是有效的 Excel"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", ".xls"),
    (b"\x00\x01\x02\x03", "a.csv", "不是 CSV"),
    ("名称,地址\n甲,乙\n".encode(), "a.csv", "缺少必需的列：统一社会信用代码、所属乡镇代码"),
])
def test_unreadable_files_give_one_clear_error(wenling_officer, content, filename, says):
    with pytest.raises(tabular.FileRejected, match=says):
        tabular.import_enterprises(by=wenling_officer.user, content=content, filename=filename)


@pytest.mark.django_db
def test_too_many_rows_is_refused_before_importing_any(wenling_officer, settings):
    settings.YINGJI_IMPORT_MAX_ROWS = 3
    with pytest.raises(tabular.FileRejected, match="超过 3 行"):
        run(wenling_officer, [row() for _ in range(4)])
    assert not Enterprise.objects.exists()
    assert run(wenling_officer, [row() for _ in range(3)]).created == 3


@pytest.mark.django_db
def test_too_large_a_file_is_refused(wenling_officer, settings):
    settings.YINGJI_IMPORT_MAX_BYTES = 100
    with pytest.raises(tabular.FileRejected, match="MB"):
        run(wenling_officer, [row()], fmt="csv")


@pytest.mark.django_db
def test_template_example_row_imports(wenling_officer):
    for fmt in ("xlsx", "csv"):
        report = tabular.import_enterprises(by=wenling_officer.user, content=tabular.export_template(fmt),
                                            filename=f"t.{fmt}")
        assert report.rejected == 0 and report.warnings == []
    enterprise = Enterprise.objects.get()
    assert enterprise.region_id == ZEGUO and enterprise.licences.count() == 1


@pytest.mark.django_db
def test_reimport_cost_does_not_grow_with_unchanged_rows(wenling_officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def reimport_queries(n: int) -> int:
        rows = [row(**{"标签": "甲", "许可证类型": "其他", "许可证编号": f"Q{n}-{i}", "有效期起": "2024-01-01",
                       "有效期至": "2026-01-01"}) for i in range(n)]
        run(wenling_officer, rows)
        with CaptureQueriesContext(connection) as queries:
            assert run(wenling_officer, rows).unchanged == n
        return len(queries)

    assert reimport_queries(3) == reimport_queries(30)


# Robustness: no input makes anything but a report or one clear file error ---------------

_quick = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.django_db
@_quick
@given(content=st.binary(max_size=400), filename=st.sampled_from(["a.xlsx", "a.csv", "a", "a.xls"]))
def test_arbitrary_bytes_give_a_report_or_a_file_error(wenling_officer, content, filename):
    try:
        report = tabular.import_enterprises(by=wenling_officer.user, content=content, filename=filename)
    except tabular.FileRejected:
        return
    assert report.created + report.updated + report.unchanged + report.rejected >= 0


@pytest.mark.django_db
@_quick
@given(cells=st.lists(st.lists(st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=12)
                               | st.floats(allow_nan=True) | st.integers(), min_size=0,
                               max_size=len(HEADER)), max_size=4))
def test_arbitrary_cells_are_reported_row_by_row(wenling_officer, cells):
    report = run(wenling_officer, cells)
    nonblank = [c for c in cells if any(str(v).strip() for v in c if v is not None)]
    assert report.created + report.updated + report.unchanged + report.rejected <= len(nonblank)
    assert all(e.row >= 2 and " / " in e.message for e in report.errors)


@pytest.mark.django_db
def test_control_characters_in_stored_text_do_not_break_the_xlsx_export(wenling_enterprise):
    Enterprise.objects.filter(pk=wenling_enterprise.pk).update(address="一号\x1f楼")
    content = tabular.export_enterprises(Enterprise.objects.all(), "xlsx")
    assert openpyxl.load_workbook(io.BytesIO(content)).active["E2"].value == "一号楼"
