"""Bulk import of people and duties (责任人台账) from Excel and CSV: good rows kept,
bad rows reported by row, column and reason; matched by mobile, so importing the same
file again changes nothing; scoped; with a downloadable template that imports back."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from yingji.core.models import AuditRecord, Duty, Person
from yingji.core.people_import import import_people, people_template

from ..conftest import LINHAI_TOWN, WENLING, WENLING_TOWN
from ..factories import PersonFactory

pytestmark = pytest.mark.django_db

HEADER = "姓名,手机号,所属区划代码,职务,单位,上级手机号,职责,职责区划代码"


def _csv(*lines: str) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


GOOD_AND_BAD = _csv(
    f"张三,13800000001,{WENLING_TOWN},镇长,,,township_flood_chief,",   # row 2: good, with a duty
    f"李四,13800000002,{WENLING_TOWN},,,13800000001,网格员,",            # row 3: good, superior from row 2
    f"王五,abc,{WENLING_TOWN},,,,,",                                     # row 4: bad mobile
    f"赵六,13800000004,{LINHAI_TOWN},,,,,",                              # row 5: Linhai, outside Wenling
    f"孙七,13800000005,{WENLING_TOWN},,,,不存在的职责,",                   # row 6: unknown duty
    ",13800000006,331081001,,,,,",                                       # row 7: no name
    "周八,13800000007,,,,,,",                                            # row 8: new person without region
)


def test_good_rows_are_kept_and_bad_rows_reported_by_row_and_column(wenling_officer):
    report = import_people(by=wenling_officer.user, content=GOOD_AND_BAD, filename="people.csv")
    assert (report.created, report.updated, report.unchanged, report.rejected, report.duties_added) == (2, 0, 0, 5, 2)
    problems = {(e.row, e.field) for e in report.errors}
    assert problems == {(4, "手机号"), (5, "所属区划代码"), (6, "职责"), (7, "姓名"), (8, "所属区划代码")}
    assert all(" / " in e.message for e in report.errors)  # 中文 / English
    zhang, li = Person.objects.get(mobile="13800000001"), Person.objects.get(mobile="13800000002")
    assert li.superior == zhang and zhang.title == "镇长"
    assert set(Duty.objects.values_list("person__name", "kind_id", "region_id")) == {
        ("张三", "township_flood_chief", WENLING_TOWN), ("李四", "grid_worker", WENLING_TOWN)}
    # The rejected rows left nothing behind, not even the person of the unknown-duty row.
    assert not Person.objects.filter(mobile__in=["13800000004", "13800000005", "13800000007"]).exists()


def test_importing_the_same_file_again_changes_nothing(wenling_officer):
    import_people(by=wenling_officer.user, content=GOOD_AND_BAD, filename="people.csv")
    people, duties, records = Person.objects.count(), Duty.objects.count(), AuditRecord.objects.count()
    report = import_people(by=wenling_officer.user, content=GOOD_AND_BAD, filename="people.csv")
    assert (report.created, report.updated, report.unchanged, report.duties_added) == (0, 0, 2, 0)
    assert (Person.objects.count(), Duty.objects.count(), AuditRecord.objects.count()) == (people, duties, records)


def test_a_known_mobile_updates_that_person_and_blank_cells_keep_values(wenling_officer):
    person = PersonFactory(name="张三", mobile="13800000001", region_id=WENLING_TOWN, title="镇长", user=None)
    report = import_people(by=wenling_officer.user, filename="p.csv",
                           content=_csv("张三丰,138 0000 0001,,,,,,"))
    assert (report.created, report.updated) == (0, 1)
    person.refresh_from_db()
    assert (person.name, person.title, person.region_id) == ("张三丰", "镇长", WENLING_TOWN)
    record = AuditRecord.objects.filter(object_type="core.person", object_id=str(person.id)).last()
    assert (record.before["name"], record.after["name"]) == ("张三", "张三丰")


def test_a_mobile_registered_in_another_county_is_refused_not_overwritten(wenling_officer, regions):
    linhai = PersonFactory(name="临海的人", mobile="13800000001", region_id=LINHAI_TOWN, user=None)
    report = import_people(by=wenling_officer.user, filename="p.csv",
                           content=_csv(f"冒名,13800000001,{WENLING_TOWN},,,,,"))
    assert report.rejected == 1 and report.errors[0].field == "手机号"
    linhai.refresh_from_db()
    assert linhai.name == "临海的人" and Person.objects.filter(mobile="13800000001").count() == 1


def test_several_duties_of_one_person_come_as_several_rows(wenling_officer):
    content = _csv(f"张三,13800000001,{WENLING},,,,county_flood_chief,",
                   f"张三,13800000001,{WENLING},,,,grid_worker,{WENLING_TOWN}")
    report = import_people(by=wenling_officer.user, content=content, filename="p.csv")
    assert (report.created, report.unchanged, report.duties_added) == (1, 1, 2)
    assert set(Duty.objects.values_list("kind_id", "region_id")) == {
        ("county_flood_chief", WENLING), ("grid_worker", WENLING_TOWN)}


def test_the_template_imports_back(wenling_officer):
    """The template's example rows are valid for a Wenling officer (township 331081001)."""
    report = import_people(by=wenling_officer.user, content=people_template("xlsx"), filename="t.xlsx")
    assert (report.created, report.rejected, report.duties_added) == (2, 0, 2), report.errors
    book = openpyxl.load_workbook(io.BytesIO(people_template("xlsx")))
    assert book.sheetnames == ["责任人台账", "填写说明"]
    assert [c.value for c in book["责任人台账"][1]] == HEADER.split(",")


def test_import_page_shows_the_report_and_template_downloads(wenling_officer):
    client = Client()
    client.force_login(wenling_officer.user)
    upload = SimpleUploadedFile("people.csv", GOOD_AND_BAD, content_type="text/csv")
    response = client.post("/people/import/", {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200 and response.context["report"].rejected == 5
    assert "手机号格式不正确" in html
    for fmt in ("xlsx", "csv"):
        download = client.get(f"/people/import/template.{fmt}")
        assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert client.get("/people/import/template.pdf").status_code == 400


def test_a_file_without_the_required_columns_is_refused_whole(wenling_officer):
    client = Client()
    client.force_login(wenling_officer.user)
    upload = SimpleUploadedFile("people.csv", "名字X,电话X\n张三,138\n".encode(), content_type="text/csv")
    response = client.post("/people/import/", {"file": upload})
    assert response.status_code == 200 and "缺少必需的列" in response.content.decode()
    assert Person.objects.count() == 1  # only the officer


def test_viewer_and_enterprise_user_cannot_import(wenling_viewer, enterprise_user):
    for person in (wenling_viewer, enterprise_user):
        client = Client()
        client.force_login(person.user)
        upload = SimpleUploadedFile("people.csv", GOOD_AND_BAD, content_type="text/csv")
        assert client.post("/people/import/", {"file": upload}).status_code == 403
    assert not Person.objects.filter(mobile="13800000001").exists()


def test_a_database_failure_midway_keeps_the_rows_before_and_says_where_it_stopped(wenling_officer, monkeypatch):
    from django.db import OperationalError

    from yingji.core import people_import, services

    real = services.person_create

    def failing(**kwargs):
        if kwargs["name"] == "李四":
            raise OperationalError("database is locked")
        return real(**kwargs)

    monkeypatch.setattr(people_import.services, "person_create", failing)
    report = import_people(by=wenling_officer.user, content=GOOD_AND_BAD, filename="people.csv")
    assert report.created == 1 and "第 3 行" in report.interrupted and "row 3" in report.interrupted
    assert Person.objects.filter(mobile="13800000001").exists()
    assert not Person.objects.filter(mobile__in=["13800000002", "13800000005"]).exists()


def test_refused_rows_download_with_their_reason_and_import_again_once_fixed(wenling_officer):
    client = Client()
    client.force_login(wenling_officer.user)
    upload = SimpleUploadedFile("people.csv", GOOD_AND_BAD, content_type="text/csv")
    rejected = client.post("/people/import/", {"file": upload}).context["rejected"]
    download = client.get(f"/imports/rejected/{rejected.token}.csv")
    assert download.status_code == 200
    lines = download.content.decode("utf-8-sig").splitlines()
    assert lines[0] == HEADER + ",错误原因"
    assert [line.split(",")[0] for line in lines[1:]] == ["王五", "赵六", "孙七", "", "周八"]
    assert "手机号格式不正确" in lines[1]
    # The officer corrects 王五's mobile and 周八's region, and imports the file as it is.
    fixed = [lines[0], lines[1].replace(",abc,", ",13800000003,"), lines[5].replace("周八,13800000007,,",
                                                                                   f"周八,13800000007,{WENLING_TOWN},")]
    report = import_people(by=wenling_officer.user, content="\n".join(fixed).encode(), filename="fixed.csv")
    assert (report.created, report.rejected, report.warnings) == (2, 0, [])
