"""Design storm tables (设计暴雨表) through the API and the typical-frequency floods
(典型频率洪水) they drive, on the tiny pit DEM of `test_inundation`.

The table (durations 1–4 h; the kernel's hand-computed case, see
tests/kernels/test_hyetograph.py): 10-year depths 40, 60, 72, 80 mm, so its 4-hour
storm with the peak ratio 0.5 is 8, 12, 40, 20 mm."""

import pytest

from yingji.core.models import AuditRecord
from yingji.floods.design_models import DesignFlood, DesignStormTable
from yingji.floods.models import InundationRun, InundationStatus
from yingji.floods.services import design_storms

from ..conftest import TAIZHOU, WENLING
from .test_inundation import create_run, media  # noqa: F401 (media: autouse)

pytestmark = pytest.mark.django_db

TABLE = {"durations_hours": [1, 2, 3, 4], "return_periods": [5, 10, 20],
         "depths_mm": [[30, 45, 54, 60], [40, 60, 72, 80], [50, 75, 90, 100]], "peak_ratio": 0.5}


def body(region=WENLING, **kw):
    return {"region": region, "watershed": "", "source": "测试图集", **TABLE, **kw}


def make_table(region=WENLING, watershed="", **kw):
    return design_storms.design_table_create(by=None, region_id=region, watershed=watershed,
                                             **{**TABLE, **kw})


def test_an_officer_registers_a_table_and_it_is_audited(api_as, wenling_officer):
    r = api_as(wenling_officer).post("/api/design-storm-tables", body())
    assert r.status_code == 201, r.content
    table = DesignStormTable.objects.get()
    assert r.json()["depths_mm"][1] == [40, 60, 72, 80]
    record = AuditRecord.objects.filter(action="create", object_type="floods.designstormtable").get()
    assert record.object_id == str(table.pk) and record.region_code == WENLING


@pytest.mark.parametrize("depths, field, zh, en", [
    ([[30, 45, 54, 60], [40, 60, 60, 80], [50, 75, 90, 100]], "depths_mm", "应大于", "must exceed"),
    ([[30, 45, 54, 60], [40, 60, 72, 80], [50, 65, 70, 100]], "depths_mm", "20年一遇", "20-year"),
])
def test_a_table_not_rising_with_duration_or_return_period_is_refused(api_as, wenling_officer, depths, field,
                                                                       zh, en):
    r = api_as(wenling_officer).post("/api/design-storm-tables", body(depths_mm=depths))
    assert r.status_code == 400, r.content
    error = r.json()["error"]
    assert zh in error["fields"][field] and en in error["fields"][field]
    assert zh in error["message"] and en in error["message"]
    assert DesignStormTable.objects.count() == 0


def test_one_table_per_region_and_watershed(api_as, wenling_officer):
    client = api_as(wenling_officer)
    assert client.post("/api/design-storm-tables", body()).status_code == 201
    r = client.post("/api/design-storm-tables", body())
    assert r.status_code == 400 and "watershed" in r.json()["error"]["fields"]
    assert client.post("/api/design-storm-tables", body(watershed="东坑溪")).status_code == 201


def test_an_edit_is_checked_and_audited_and_the_same_edit_again_writes_nothing(api_as, wenling_officer):
    table = make_table()
    client = api_as(wenling_officer)
    r = client.patch(f"/api/design-storm-tables/{table.pk}", {"peak_ratio": 0.25})
    assert r.status_code == 200 and r.json()["peak_ratio"] == 0.25
    updates = AuditRecord.objects.filter(action="update", object_type="floods.designstormtable")
    assert updates.get().before["peak_ratio"] == 0.5 and updates.get().after["peak_ratio"] == 0.25
    assert client.patch(f"/api/design-storm-tables/{table.pk}", {"peak_ratio": 0.25}).status_code == 200
    assert updates.count() == 1
    r = client.patch(f"/api/design-storm-tables/{table.pk}", {"return_periods": [5, 20, 10]})
    assert r.status_code == 400 and "return_periods" in r.json()["error"]["fields"]
    table.refresh_from_db()
    assert table.return_periods == [5, 10, 20]


def test_the_storm_endpoint_gives_the_hand_computed_storm(api_as, wenling_officer):
    table = make_table()
    r = api_as(wenling_officer).get(f"/api/design-storm-tables/{table.pk}/storm",
                                    {"return_period": 10, "duration_hours": 4})
    assert r.status_code == 200, r.content
    assert r.json()["hourly_mm"] == [8, 12, 40, 20] and r.json()["depth_mm"] == 80
    r = api_as(wenling_officer).get(f"/api/design-storm-tables/{table.pk}/storm",
                                    {"return_period": 10, "duration_hours": 6})
    assert r.status_code == 400 and "duration_hours" in r.json()["error"]["fields"]


def test_a_viewer_reads_tables_but_cannot_write_them(api_as, wenling_viewer):
    table = make_table()
    client = api_as(wenling_viewer)
    assert client.get(f"/api/design-storm-tables/{table.pk}").status_code == 200
    assert client.post("/api/design-storm-tables", body(watershed="x")).status_code == 403
    assert client.patch(f"/api/design-storm-tables/{table.pk}", {"peak_ratio": 0.1}).status_code == 403


def test_the_watersheds_own_table_comes_first_then_the_regions_then_the_citys(regions):
    city = make_table(region=TAIZHOU)
    assert design_storms.table_for(region_id=WENLING, watershed="东坑溪") == city
    county = make_table(region=WENLING)
    assert design_storms.table_for(region_id=WENLING, watershed="东坑溪") == county
    own = make_table(region=WENLING, watershed="东坑溪")
    assert design_storms.table_for(region_id=WENLING, watershed="东坑溪") == own
    assert design_storms.table_for(region_id="331082", watershed="东坑溪") == city


def test_typical_frequency_floods_run_each_return_period_on_the_base_runs_dem(
        api_as, wenling_officer, django_capture_on_commit_callbacks):
    make_table(region=TAIZHOU)  # the city's table serves the county's watershed
    base = create_run(region=WENLING)
    with django_capture_on_commit_callbacks(execute=True):
        r = api_as(wenling_officer).post("/api/design-floods", {"run": base.pk, "duration_hours": 2,
                                                                "return_periods": [5, 20]})
    assert r.status_code == 201, r.content
    floods = {f.return_period: f for f in DesignFlood.objects.select_related("run")}
    assert sorted(floods) == [5, 20]
    for period, depths in ((5, TABLE["depths_mm"][0]), (20, TABLE["depths_mm"][2])):
        run = floods[period].run
        assert sum(run.hourly_rain_mm) == pytest.approx(depths[1], abs=1e-9)  # the 2-hour depth
        assert run.dem_path == base.dem_path and run.watershed == base.watershed
        assert run.duration_hours == 2 + design_storms.RECESSION_HOURS
        assert run.status == InundationStatus.DONE, run.error
    # More rain into the same pit cannot leave it shallower.
    assert floods[20].run.max_depth_m > floods[5].run.max_depth_m
    listed = api_as(wenling_officer).get("/api/design-floods").json()["items"]
    assert sorted(i["return_period"] for i in listed) == [5, 20]
    assert AuditRecord.objects.filter(object_type="floods.designflood").count() == 2


def test_no_table_no_design_flood(api_as, wenling_officer):
    base = create_run(region=WENLING)
    r = api_as(wenling_officer).post("/api/design-floods", {"run": base.pk, "duration_hours": 2})
    assert r.status_code == 400 and "table" in r.json()["error"]["fields"]
    assert InundationRun.objects.count() == 1


def test_the_page_shows_the_typical_frequency_floods(client, wenling_officer, django_capture_on_commit_callbacks):
    make_table()
    base = create_run(region=WENLING)
    with django_capture_on_commit_callbacks(execute=True):
        design_storms.design_floods_start(by=wenling_officer.user, base_run=base, duration_hours=2,
                                          return_periods=[10])
    client.force_login(wenling_officer.user)
    page = client.get("/floods/design-storms/").content.decode()
    flood = DesignFlood.objects.get()
    assert "典型频率洪水" in page and "10 年一遇" in page
    assert f"/floods/inundation/{flood.run_id}/" in page
    assert "40" in page  # the table's 10-year 1-hour depth


def test_a_design_runs_page_says_which_storm_it_is(client, wenling_officer):
    make_table()
    base = create_run(region=WENLING)
    flood = design_storms.design_floods_start(by=wenling_officer.user, base_run=base, duration_hours=3,
                                              return_periods=[20])[0]
    client.force_login(wenling_officer.user)
    page = client.get(f"/floods/inundation/{flood.run_id}/").content.decode()
    assert "20 年一遇 3 小时设计暴雨，共 90.0 毫米" in page
    assert "设计暴雨" not in client.get(f"/floods/inundation/{base.pk}/").content.decode()


def test_the_command_queues_each_return_period(wenling_officer):
    from io import StringIO

    from django.core.management import call_command

    make_table()
    base = create_run(region=WENLING)
    out = StringIO()
    call_command("design_floods", "--run", str(base.pk), "--duration", "2", "--return-periods", "5,20",
                 "--as", wenling_officer.user.username, stdout=out)
    assert "5-year: 45.0 mm" in out.getvalue() and "20-year: 75.0 mm" in out.getvalue()
    assert sorted(DesignFlood.objects.values_list("return_period", flat=True)) == [5, 20]
    assert all(f.run.status == InundationStatus.QUEUED for f in DesignFlood.objects.all())
