"""Observations from CSV: both layouts, BOM, every bad row reported with its line."""

import io

import pytest
from django.core.management import call_command

from yingji.core.errors import DomainError
from yingji.hydromet.csvio import import_observations
from yingji.hydromet.models import Observation

RAIN_CSV = (
    "station,time,rain_mm\n"                   # line 1
    "W1,2024-07-01T08:00:00+08:00,1.5\n"       # 2
    "W1,2024-07-01T09:00:00+08:00,-3\n"        # 3 negative
    "\n"                                       # 4 blank: skipped, still counted as a line
    "X9,2024-07-01T09:00:00+08:00,1\n"         # 5 unknown station
    "W1,2024-07-01 10:00,2\n"                  # 6 no offset
    "W1,2024-07-01T11:00:00Z,abc\n"            # 7 not a number
    "W1,2024-07-01T08:00:00+08:00,1.5\n"       # 8 duplicate of line 2
)


@pytest.mark.django_db
def test_rain_csv_reports_bad_rows_by_line(gauges):
    report = import_observations(by=None, content=RAIN_CSV.encode("utf-8-sig"), source="csv:test")
    assert (report.accepted, report.duplicates) == (1, 1)
    assert [(p.index, p.reason.split(" / ")[1]) for p in report.rejected] == [
        (3, "Negative rainfall"),
        (5, "Unknown station or outside your jurisdiction"),
        (6, "Time has no UTC offset (e.g. +08:00)"),
        (7, "Value is not a number"),
    ]
    assert Observation.objects.get().value == 1.5


@pytest.mark.django_db
def test_general_layout_carries_quantity_and_interval(gauges):
    text = ("station,time,quantity,value,interval_minutes\n"
            "W2,2024-07-01T08:05:00+08:00,rain,0.4,5\n"
            "W2,2024-07-01T08:05:00+08:00,stage,3.25,\n"
            "W2,2024-07-01T08:10:00+08:00,wind,3,\n")
    report = import_observations(by=None, content=text.encode(), source="csv:test")
    assert report.accepted == 2 and [p.index for p in report.rejected] == [4]
    assert sorted(Observation.objects.values_list("quantity", "value", "interval_minutes")) == [
        (1, 0.4, 5), (2, 3.25, None)]


@pytest.mark.django_db
def test_a_file_with_the_wrong_header_or_encoding_is_refused_whole(gauges):
    with pytest.raises(DomainError, match="Header must be"):
        import_observations(by=None, content=b"a,b,c\n1,2,3\n", source="csv:test")
    with pytest.raises(DomainError, match="not UTF-8"):
        import_observations(by=None, content="station,time,rain_mm\n测,1,2\n".encode("gbk"), source="csv:test")


@pytest.mark.django_db
def test_import_command_prints_each_bad_line(gauges, tmp_path):
    path = tmp_path / "obs.csv"
    path.write_bytes(RAIN_CSV.encode("utf-8-sig"))
    out = io.StringIO()
    call_command("import_observations", str(path), stdout=out)
    text = out.getvalue()
    for line in (3, 5, 6, 7):
        assert f"line {line} [拒收 rejected]" in text
    assert "accepted 1 (0 suspect), duplicates 1, rejected 4" in text
