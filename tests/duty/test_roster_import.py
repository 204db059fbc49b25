"""The roster from Excel: good rows kept, bad ones reported by row and column and kept
as a file to correct; people found by mobile or by name within the region; importing
the same file twice adds nothing."""

import datetime as dt

import pytest

from yingji.core import tabular
from yingji.core.models import RosterShift
from yingji.core.tabular import FileRejected
from yingji.duty.services.roster_import import import_roster, roster_template

from ..conftest import LINHAI, WENLING
from ..factories import PersonFactory
from .conftest import at

pytestmark = pytest.mark.django_db
HEADER = ["日期", "开始", "结束", "岗位", "姓名", "手机", "区划"]


def sheet(rows) -> bytes:
    return tabular.xlsx([tabular.Sheet("值班表", [HEADER, *rows])])


@pytest.fixture
def people(regions):
    return {"zhang": PersonFactory(region_id=WENLING, name="张值班", mobile="13900000001"),
            "li": PersonFactory(region_id=WENLING, name="李领导", mobile="13900000002"),
            "wang": PersonFactory(region_id=WENLING + "100", name="王备班", mobile="13900000003"),
            "linhai": PersonFactory(region_id=LINHAI, name="临海人", mobile="13900000004")}


def test_good_rows_are_kept_and_bad_rows_reported(wenling_officer, people):
    day = dt.date(2026, 7, 6)
    content = sheet([
        [day, "08:30", "08:30", "值班员", "张值班", "13900000001", WENLING],        # 2: by mobile, to next day
        ["2026/7/6", "8:30", "", "带班领导", "李领导", "", WENLING],                  # 3: by name, 24 h default
        ["2026-07-06", "18:00", "08:00", "备班", "", "13900000003", WENLING],       # 4: township person, by mobile
        ["2026-07-06", "08:30", "08:30", "值班员", "赵无名", "", WENLING],           # 5: unknown person
        ["2026-07-06", "08:30", "08:30", "值班员", "临海人", "13900000004", WENLING],  # 6: not of the region
        ["2026-07-06", "08:30", "08:30", "司机", "张值班", "", WENLING],             # 7: unknown role
        ["7月6日", "08:30", "08:30", "值班员", "张值班", "", WENLING],               # 8: bad date
        ["2026-07-06", "12:00", "20:00", "备班", "张值班", "", WENLING],             # 9: overlaps row 2
        ["2026-07-06", "08:30", "08:30", "值班员", "临海人", "13900000004", LINHAI],  # 10: outside the jurisdiction
    ])
    report = import_roster(by=wenling_officer.user, content=content, filename="roster.xlsx")
    assert (report.created, report.unchanged, report.rejected) == (3, 0, 6)
    assert [(e.row, e.field) for e in report.errors] == [(5, "姓名"), (6, "姓名"), (7, "岗位"), (8, "日期"),
                                                         (9, "开始"), (10, "区划")]
    assert "赵无名" in report.errors[0].message and " / " in report.errors[0].message
    shifts = {s.person.name: (s.role, s.starts_at, s.ends_at) for s in RosterShift.objects.select_related("person")}
    next_day = day + dt.timedelta(days=1)
    assert shifts == {"张值班": ("officer", at(day, 8, 30), at(next_day, 8, 30)),
                      "李领导": ("leader", at(day, 8, 30), at(next_day, 8, 30)),
                      "王备班": ("backup", at(day, 18), at(next_day, 8))}
    assert len(report.rejected_rows) == 6 and report.rejected_rows[0][4] == "赵无名"
    assert "姓名" in report.rejected_rows[0][-1]
    again = import_roster(by=wenling_officer.user, content=content, filename="roster.xlsx")
    assert (again.created, again.unchanged, again.rejected) == (0, 3, 6)
    assert RosterShift.objects.count() == 3


def test_csv_and_a_default_region(wenling_officer, people):
    content = tabular.csv_bytes([["日期", "岗位", "姓名"], ["2026-07-06", "值班员", "张值班"]])
    report = import_roster(by=wenling_officer.user, content=content, filename="r.csv")
    assert report.created == 1 and RosterShift.objects.get().region_id == WENLING


def test_a_file_without_the_required_columns_is_refused_whole(wenling_officer, people):
    with pytest.raises(FileRejected):
        import_roster(by=wenling_officer.user, content=tabular.csv_bytes([["姓名"], ["张值班"]]), filename="r.csv")


def test_the_template_imports_cleanly_once_its_people_exist(wenling_officer, regions):
    for name, mobile in (("张三", "13800000001"), ("李四", "13800000002"), ("王五", "13700000003")):
        PersonFactory(region_id=WENLING, name=name, mobile=mobile)
    report = import_roster(by=wenling_officer.user, content=roster_template(), filename="t.xlsx")
    assert (report.created, report.rejected) == (3, 0), report.errors
