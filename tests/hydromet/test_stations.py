"""Station list import: the shipped 70 national stations, regions by point-in-polygon."""

import csv
import io

import pytest
from django.core.management import call_command

from yingji.core.models import AuditRecord
from yingji.hydromet.choices import StationKind
from yingji.hydromet.geography import city_code_at
from yingji.hydromet.models import Station
from yingji.hydromet.services import import_stations


def _import(*args) -> str:
    out = io.StringIO()
    call_command("import_stations", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_shipped_list_loads_seventy_stations_into_their_cities(regions):
    output = _import()
    assert Station.objects.count() == 70
    assert "70 created" in output
    hongjia, linhai = Station.objects.get(code="58665"), Station.objects.get(code="58660")
    assert (hongjia.name, hongjia.region_id) == ("洪家", "3310")  # Taizhou
    assert (linhai.name, linhai.region_id) == ("临海", "3310")
    assert (hongjia.latitude, hongjia.longitude) == (28.62, 121.42)
    assert Station.objects.get(code="58448").region_id == "3301"  # 临安 in Hangzhou
    assert hongjia.kind == StationKind.WEATHER
    assert not Station.objects.filter(region_id="33").exists()  # every one found its city


@pytest.mark.django_db
def test_station_import_is_idempotent(regions):
    _import()
    audits = AuditRecord.objects.count()
    output = _import()
    assert "0 created, 0 updated, 70 unchanged" in output
    assert AuditRecord.objects.count() == audits


@pytest.mark.django_db
def test_points_fall_in_the_expected_city():
    assert city_code_at(121.42, 28.62) == "3310"  # 洪家
    assert city_code_at(120.16, 30.27) == "3301"  # West Lake, Hangzhou
    assert city_code_at(120.70, 28.00) == "3303"  # Wenzhou
    assert city_code_at(116.40, 39.90) is None  # Beijing


def _rows(text: str):
    return csv.DictReader(io.StringIO(text))


@pytest.mark.django_db
def test_local_stations_keep_a_given_region_and_bad_rows_are_reported(regions):
    report = import_stations(by=None, rows=_rows(
        "code,name,lon,lat,altitude,region_code,kind\n"
        "W1,温岭一号,121.38,28.37,12,331081001,rain\n"
        "W2,温岭二号,121.40,28.40,,,stage\n"
        ",无号,121.4,28.4,,,\n"
        "W3,坐标错,abc,28.4,,,\n"
        "W4,区划错,121.4,28.4,,999999,\n"
        "W5,类型错,121.4,28.4,,,snow\n"))
    assert (report.created, len(report.errors)) == (2, 4)
    assert [e["row"] for e in report.errors] == [4, 5, 6, 7]
    assert "经度不是数字 / Longitude is not a number" in report.errors[1]["message"]
    assert Station.objects.get(code="W1").region_id == "331081001"
    assert Station.objects.get(code="W2").region_id == "3310"  # by its point
    assert Station.objects.get(code="W2").kind == StationKind.STAGE


@pytest.mark.django_db
def test_a_changed_row_updates_the_station_with_an_audit_record(regions):
    import_stations(by=None, rows=_rows("code,name,lon,lat\nW1,温岭一号,121.38,28.37\n"))
    audits = AuditRecord.objects.count()
    report = import_stations(by=None, rows=_rows("code,name,lon,lat\nW1,温岭1号,121.38,28.37\n"))
    assert report.updated == 1
    assert Station.objects.get(code="W1").name == "温岭1号"
    assert AuditRecord.objects.count() == audits + 1


@pytest.mark.django_db
def test_an_officer_cannot_import_stations_into_another_county(wenling_officer):
    report = import_stations(by=wenling_officer.user, rows=_rows(
        "code,name,lon,lat,region_code\nL9,临海站,121.14,28.86,331082\nW9,温岭站,121.38,28.37,331081\n"))
    assert report.created == 1 and len(report.errors) == 1
    assert "jurisdiction" in report.errors[0]["message"]
    assert list(Station.objects.values_list("code", flat=True)) == ["W9"]
