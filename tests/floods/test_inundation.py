"""Inundation runs on a tiny DEM whose answer is known by hand.

The DEM: 30 × 20 cells of 10 m, a plane falling 2% to the east, with a pit of 3 × 3
cells 1 m deep in its middle. Rain: 100 mm/h for 2 h (forecast, no gauges), run for
2.5 h, free outflow on every edge, n = 0.05, affected above 0.15 m.

* A point in the pit is affected: water cannot leave a pit with a 1 m rim before it
  is 1 m deep, so its depth is at least the rain that fell on it, 0.2 m > 0.15 m, and
  it reaches 0.15 m at the latest when 0.15 m of rain has fallen, after 1.5 h.
* A point on high ground near the west edge is not: at kinematic equilibrium, sheet
  flow at the foot of the whole 300 m plane (q = i·L = 8.3e-3 m²/s) is
  h = (q·n/√S)^(3/5) = 0.03 m (Manning), far below 0.15 m; up the slope it is less.
"""

import gzip
import io
import math

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT
from PIL import Image

from yingji.core.errors import DomainError, Forbidden
from yingji.floods import inundation, layers, selectors
from yingji.floods.models import AffectedPlace, InundationRun, InundationStatus, inundation_storage
from yingji.floods.services import risk_point_create

from ..conftest import LINHAI_TOWN, WENLING, WENLING_TOWN

pytestmark = pytest.mark.django_db

NX, NY, DX = 30, 20, 10.0
PIT_ROWS, PIT_COLS = slice(9, 12), slice(14, 17)
LON0, LAT0 = 121.30, 28.40  # the lower-left corner of the local grid
EARTH_RADIUS = 6_371_000.0  # a sphere is enough to place a point within a 10 m cell over 300 m


def tilted_plane_with_pit() -> np.ndarray:
    cols = np.arange(NX)
    z = np.tile(10.0 + 0.02 * DX * (NX - 1 - cols), (NY, 1))
    z[PIT_ROWS, PIT_COLS] -= 1.0
    return z


def ascii_grid(z: np.ndarray, *, xll=0.0, yll=0.0, gz=False) -> bytes:
    head = (f"ncols {z.shape[1]}\nnrows {z.shape[0]}\nxllcorner {xll}\nyllcorner {yll}\n"
            f"cellsize {DX}\nNODATA_value -9999\n")
    text = (head + "\n".join(" ".join(f"{v:.3f}" for v in row) for row in z) + "\n").encode()
    return gzip.compress(text) if gz else text


def lonlat_of_cell(row: int, col: int) -> tuple[float, float]:
    """The centre of a cell, by hand: metres east/north of the corner on a sphere."""
    x, y = (col + 0.5) * DX, (NY - 1 - row + 0.5) * DX
    lat = LAT0 + math.degrees(y / EARTH_RADIUS)
    lon = LON0 + math.degrees(x / (EARTH_RADIUS * math.cos(math.radians(LAT0))))
    return lon, lat


def place(name, row, col, region=WENLING_TOWN, population=100, households=30):
    lon, lat = lonlat_of_cell(row, col)
    return risk_point_create(by=None, kind_id="flash_flood_village", name=name, region_id=region,
                             longitude=lon, latitude=lat, population=population, households=households)


def create_run(by=None, region=WENLING, dem=None, name="pit.asc", **kw):
    import datetime as dt

    from django.utils import timezone

    params = {"watershed": "测试小流域", "region_id": region, "dem_name": name,
              "dem_data": dem if dem is not None else ascii_grid(tilted_plane_with_pit()),
              "start": timezone.make_aware(dt.datetime(2024, 7, 1, 8)), "forecast_rain_mm": [100.0, 100.0],
              "duration_hours": 2.5, "manning_n": 0.05, "depth_threshold": 0.15, "origin_lon": LON0,
              "origin_lat": LAT0}
    params.update(kw)
    return inundation.inundation_create(by=by, **params)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """DEMs and grids go to a temporary MEDIA_ROOT, not the developer's ./var."""
    from yingji.floods.models import inundation_storage

    settings.MEDIA_ROOT = str(tmp_path)
    inundation_storage.cache_clear()
    yield tmp_path
    inundation_storage.cache_clear()


@pytest.fixture
def villages(regions):
    return {"pit": place("坑里村", 10, 15, population=320, households=95),
            "hill": place("山上村", 10, 2),
            "far": risk_point_create(by=None, kind_id="flash_flood_village", name="远村", region_id=WENLING_TOWN,
                                     longitude=121.9, latitude=28.9, population=50, households=10),
            "linhai": place("临海坑村", 10, 15, region=LINHAI_TOWN)}


@pytest.fixture
def done_run(villages, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = create_run()
    run.refresh_from_db()
    assert run.status == InundationStatus.DONE, run.error
    return run


def test_the_pit_village_is_affected_and_the_hill_village_is_not(done_run, villages):
    affected = list(selectors.affected_places(done_run))
    assert [a.risk_point for a in affected] == [villages["pit"]]
    pit = affected[0]
    assert (pit.row, pit.col) == (10, 15)
    assert pit.max_depth_m >= 0.2 - 1e-6  # at least the rain that fell into the pit
    assert 0 < pit.arrival_s <= 1.5 * 3600
    assert (pit.population, pit.households) == (320, 95)
    assert selectors.affected_totals(done_run) == {"places": 1, "population": 320, "households": 95}


def test_a_finished_run_is_done_at_full_progress_with_grids_and_balance(done_run):
    assert (done_run.status, done_run.progress, done_run.error) == (InundationStatus.DONE, 100, "")
    depth = selectors.result_grid(done_run, "max_depth")
    assert depth.shape == (NY, NX)
    assert depth[PIT_ROWS, PIT_COLS].min() >= 0.2 - 1e-6
    assert depth[:, :5].max() < 0.15  # the kinematic bound of the docstring
    assert abs(done_run.mass_error) < 1e-3
    assert done_run.flooded_area_m2 == np.count_nonzero(depth > 0.15) * DX * DX


def test_layers_are_pngs_transparent_where_dry(done_run):
    for name in ("max_depth", "arrival", "duration"):
        img = Image.open(io.BytesIO(layers.layer_png(done_run, name)))
        assert img.format == "PNG" and img.mode == "RGBA"
        alpha = np.array(img)[:, :, 3]
        assert alpha[_pixel(alpha.shape, done_run.bounds, 10, 15)] > 0, name  # the pit is coloured
        assert alpha[_pixel(alpha.shape, done_run.bounds, 10, 2)] == 0, name  # the high ground is not


def test_a_layer_whose_file_is_gone_is_not_found(done_run, api_as, wenling_officer):
    """A result file removed from the storage after the run: 404 as for any missing layer, not a 500."""
    inundation_storage().delete(f"{done_run.result_dir}/arrival.npy")
    r = api_as(wenling_officer).get(f"/api/inundation-runs/{done_run.pk}/layers/arrival.png")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert api_as(wenling_officer).get(f"/api/inundation-runs/{done_run.pk}/layers/max_depth.png").status_code == 200


def _pixel(shape, bounds, row, col):
    """The image pixel over a grid cell's centre (rows of the image from the north)."""
    (south, west), (north, east) = bounds
    lon, lat = lonlat_of_cell(row, col)
    return int((north - lat) / (north - south) * shape[0]), int((lon - west) / (east - west) * shape[1])


def test_depth_colours_follow_the_fixed_scale():
    scale = layers.LAYERS["max_depth"]
    rgba = scale.rgba(np.array([np.nan, 0.05, 0.2, 0.4, 5.0]))
    assert list(rgba[:, 3]) == [0, 0, 200, 200, 200]
    assert [tuple(c) for c in rgba[2:, :3]] == [layers._hex(c) for c in ("#c6dbef", "#9ecae1", "#08306b")]


def test_a_task_delivered_twice_runs_once(done_run):
    from yingji.floods.tasks import run_inundation

    before = AffectedPlace.objects.count()
    assert run_inundation(done_run.pk) == "skipped"
    assert AffectedPlace.objects.count() == before


def test_progress_is_written_while_the_kernel_runs(villages, monkeypatch, django_capture_on_commit_callbacks):
    seen = []
    monkeypatch.setattr(inundation, "PROGRESS_EVERY_S", 0.0)
    original = inundation._ProgressReporter.__call__

    def spy(self, t):
        original(self, t)
        seen.append(InundationRun.objects.get(pk=self.run.pk).progress)

    monkeypatch.setattr(inundation._ProgressReporter, "__call__", spy)
    with django_capture_on_commit_callbacks(execute=True):
        run = create_run()
    run.refresh_from_db()
    assert seen == sorted(seen) and 0 < max(seen) <= 99
    assert run.progress == 100


def test_gzipped_ascii_and_a_shifted_corner_give_the_same_answer(villages, django_capture_on_commit_callbacks):
    """Grid coordinates in metres are relative to the stated corner: moving both by the
    same amount changes nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        run = create_run(dem=ascii_grid(tilted_plane_with_pit(), xll=5000.0, yll=-300.0, gz=True), name="pit.asc.gz")
    run.refresh_from_db()
    assert [a.risk_point.name for a in selectors.affected_places(run)] == ["坑里村"]


def test_a_failing_run_is_failed_with_its_error(villages, monkeypatch, django_capture_on_commit_callbacks):
    def broken(run):
        raise RuntimeError("kernel exploded")

    monkeypatch.setattr(inundation, "_simulate", broken)
    with django_capture_on_commit_callbacks(execute=True):
        run = create_run()
    run.refresh_from_db()
    assert run.status == InundationStatus.FAILED and "kernel exploded" in run.error


@pytest.mark.parametrize("kw, field", [
    ({"dem": b"not a grid"}, "dem"),
    ({"forecast_rain_mm": [-1.0]}, "forecast_rain_mm"),
    ({"forecast_rain_mm": []}, "observed_hours"),
    ({"crs": "EPSG:4326"}, "crs"),
])
def test_bad_input_is_refused_with_the_field(regions, kw, field):
    count = InundationRun.objects.count()
    with pytest.raises(DomainError) as err:
        create_run(**kw)
    assert field in err.value.fields
    assert InundationRun.objects.count() == count


def test_a_local_grid_needs_its_corner_lon_lat(regions):
    with pytest.raises(ValidationError) as err:
        create_run(origin_lon=None)
    assert "origin_lon" in err.value.message_dict
    assert InundationRun.objects.count() == 0


def test_an_officer_cannot_run_in_another_county(regions, wenling_officer):
    with pytest.raises(Forbidden):
        create_run(by=wenling_officer.user, region=LINHAI_TOWN)


def test_creation_is_audited(regions, wenling_officer):
    from yingji.core.models import AuditRecord

    run = create_run(by=wenling_officer.user)
    rec = AuditRecord.objects.get(object_type="floods.inundationrun", object_id=str(run.pk), action="create")
    assert rec.actor_name == "t-wenling" and rec.region_code == WENLING


def test_api_creates_runs_from_a_multipart_upload(api_as, wenling_officer, villages,
                                                  django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("pit.asc", ascii_grid(tilted_plane_with_pit()), content_type="text/plain")
    body = {"dem": upload, "watershed": "测试小流域", "region": WENLING, "start": "2024-07-01T08:00:00+08:00",
            "forecast_rain_mm": "100, 100", "duration_hours": "2.5", "depth_threshold": "0.15",
            "origin_lon": str(LON0), "origin_lat": str(LAT0)}
    client = api_as(wenling_officer)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/api/inundation-runs", body, content_type=MULTIPART_CONTENT)
    assert r.status_code == 201, r.content
    run_id = r.json()["id"]
    detail = client.get(f"/api/inundation-runs/{run_id}").json()
    assert detail["status"] == "done" and detail["progress"] == 100
    assert [a["name"] for a in detail["affected"]] == ["坑里村"]
    png = client.get(detail["layers"]["max_depth"])
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert client.get(f"/api/inundation-runs/{run_id}/layers/nonsense.png").status_code == 404


def test_the_run_page_shows_the_map_and_the_affected_table(client, wenling_officer, linhai_officer, done_run):
    client.force_login(wenling_officer.user)
    page = client.get(f"/floods/inundation/{done_run.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/api/inundation-runs/{done_run.pk}/layers/NAME.png" in html and "inundation-map.js" in html
    assert "坑里村" in html and "山上村" not in html
    assert "测试小流域" in client.get("/floods/inundation/").content.decode()
    client.force_login(linhai_officer.user)
    assert client.get(f"/floods/inundation/{done_run.pk}/").status_code == 404
    assert "测试小流域" not in client.get("/floods/inundation/").content.decode()
