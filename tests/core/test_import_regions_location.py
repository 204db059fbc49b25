"""`import-regions --villages` with optional lon,lat columns: good rows are kept and
located, a bad location rejects its own row with the reason and the file's row number."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from yingji.core.models import AuditRecord, Region

pytestmark = pytest.mark.django_db


def run(tmp_path, text):
    path = tmp_path / "villages.csv"
    path.write_text(text, encoding="utf-8")
    call_command("import_regions", "--quiet-progress", "--villages", str(path))


def test_locations_are_kept_and_bad_ones_reported_by_row(regions, tmp_path, capsys):
    run(tmp_path, "code,name,lon,lat\n"
                  "331081001001,东门村,121.38,28.37\n"      # row 2: located
                  "331081001002,西门村,,\n"                 # row 3: no location, kept
                  "331081001003,南门村,28.37,121.38\n"      # row 4: swapped → lon out of range
                  "331081001004,北门村,abc,28.3\n"          # row 5: not a number
                  "331081001005,中门村,121.3,\n"            # row 6: lat missing
                  "331081001006,上门村,nan,28.3\n")         # row 7: nan is out of range
    out = capsys.readouterr().out
    assert "2 created, 0 unchanged, 4 rejected, 1 located" in out
    for row in (4, 5, 6, 7):
        assert f"第 {row} 行 / row {row}" in out
    assert "经度 lon: 应在 73 至 136 之间 / must be between 73 and 136: 28.37" in out
    assert "not a number: 'abc'" in out
    east = Region.objects.get(pk="331081001001")
    assert (east.lon, east.lat) == (121.38, 28.37)
    west = Region.objects.get(pk="331081001002")
    assert (west.lon, west.lat) == (None, None)
    assert not Region.objects.filter(pk__in=["331081001003", "331081001004", "331081001005",
                                             "331081001006"]).exists()


def test_a_location_added_later_is_audited_and_a_rerun_changes_nothing(regions, tmp_path, capsys):
    run(tmp_path, "code,name\n331081001001,东门村\n")
    run(tmp_path, "code,name,lon,lat\n331081001001,东门村,121.5,28.25\n")
    assert "0 created, 1 unchanged, 0 rejected, 1 located" in capsys.readouterr().out
    assert AuditRecord.objects.filter(object_id="331081001001", action="update").count() == 1
    run(tmp_path, "code,name,lon,lat\n331081001001,东门村,121.5,28.25\n")
    assert "0 created, 1 unchanged, 0 rejected, 0 located" in capsys.readouterr().out
    assert AuditRecord.objects.filter(object_id="331081001001", action="update").count() == 1


@pytest.mark.parametrize("lon,lat,field", [(72.9, 30.0, "lon"), (136.1, 30.0, "lon"), (120.0, 2.9, "lat"),
                                           (120.0, 54.1, "lat"), (120.0, None, "lat"), (None, 30.0, "lon")])
def test_region_refuses_a_location_outside_china(regions, lon, lat, field):
    region = Region.objects.get(pk="331081")
    region.lon, region.lat = lon, lat
    with pytest.raises(ValidationError) as exc:
        region.full_clean()
    assert field in exc.value.message_dict
    message = " ".join(exc.value.message_dict[field])
    assert "/" in message and any("\u4e00" <= ch <= "\u9fff" for ch in message)  # Chinese and English


def test_region_accepts_the_edges_of_the_range(regions):
    region = Region.objects.get(pk="331081")
    region.lon, region.lat = 73.0, 54.0
    region.full_clean()


def test_the_regions_api_shows_a_village_location(regions, tmp_path, api_as, wenling_officer):
    run(tmp_path, "code,name,lon,lat\n331081001001,东门村,121.38,28.37\n331081001002,西门村,,\n")
    r = api_as(wenling_officer).get("/api/regions", {"parent": "331081001", "page_size": 100})
    located = {x["code"]: (x["lon"], x["lat"]) for x in r.json()["items"]}
    assert located == {"331081001001": (121.38, 28.37), "331081001002": (None, None)}
