"""Who sees and does what with inundation runs.

A Wenling officer never reaches a Linhai run: the list leaves it out whatever the
filter, its detail and its layers answer 404 exactly as for an id that does not exist,
and creating a run in Linhai is 403 and creates nothing (no row, no file). The
control: Linhai's officer sees it. A viewer reads but does not create.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT

from yingji.floods.models import InundationRun, InundationStatus, inundation_storage

from ..conftest import LINHAI, LINHAI_TOWN, WENLING
from .test_inundation import (  # noqa: F401 (media: autouse)
    LAT0,
    LON0,
    ascii_grid,
    create_run,
    media,
    tilted_plane_with_pit,
)

ACCESS_CHECKED = {
    "POST /api/inundation-runs", "GET /api/inundation-runs", "GET /api/inundation-runs/{id}",
    "GET /api/inundation-runs/{id}/layers/{name}.png",
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def linhai_run(regions, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = create_run(region=LINHAI)
    run.refresh_from_db()
    assert run.status == InundationStatus.DONE
    return run


@pytest.fixture
def wenling_run(regions):
    return create_run(region=WENLING)  # queued: never executed (no on-commit here)


def _form(region):
    return {"dem": SimpleUploadedFile("pit.asc", ascii_grid(tilted_plane_with_pit())), "watershed": "某流域",
            "region": region, "start": "2024-07-01T08:00:00+08:00", "forecast_rain_mm": "10",
            "origin_lon": str(LON0), "origin_lat": str(LAT0)}


@pytest.mark.parametrize("params", [{}, {"region": LINHAI}, {"region": LINHAI_TOWN}, {"status": "done"}])
def test_the_list_never_shows_another_countys_runs(params, api_as, wenling_officer, linhai_officer, linhai_run,
                                                   wenling_run):
    items = api_as(wenling_officer).get("/api/inundation-runs", {**params, "page_size": 500}).json()["items"]
    assert not any(i["region"].startswith(LINHAI) for i in items)
    control = api_as(linhai_officer).get("/api/inundation-runs", {"page_size": 500}).json()["items"]
    assert [i["id"] for i in control if i["region"].startswith(LINHAI)] == [linhai_run.pk]


def test_another_countys_run_and_layers_are_not_found(api_as, wenling_officer, linhai_officer, linhai_run):
    client = api_as(wenling_officer)
    answers = [client.get(f"/api/inundation-runs/{linhai_run.pk}")] + [
        client.get(f"/api/inundation-runs/{linhai_run.pk}/layers/{name}.png")
        for name in ("max_depth", "arrival", "duration")]
    assert [r.status_code for r in answers] == [404] * 4
    assert all(r.json()["error"]["code"] == "not_found" for r in answers)
    assert client.get("/api/inundation-runs/999999").status_code == 404  # the same as an id that does not exist
    control = api_as(linhai_officer)
    assert control.get(f"/api/inundation-runs/{linhai_run.pk}").status_code == 200
    assert control.get(f"/api/inundation-runs/{linhai_run.pk}/layers/max_depth.png").status_code == 200


def test_nothing_can_be_created_in_another_county(api_as, wenling_officer, regions):
    files_before = _stored_dems()
    r = api_as(wenling_officer).post("/api/inundation-runs", _form(LINHAI), content_type=MULTIPART_CONTENT)
    assert r.status_code == 403, r.content
    assert InundationRun.objects.count() == 0
    assert _stored_dems() == files_before


def test_a_viewer_reads_but_cannot_create(api_as, wenling_viewer, wenling_run):
    client = api_as(wenling_viewer)
    assert client.get(f"/api/inundation-runs/{wenling_run.pk}").status_code == 200
    r = client.post("/api/inundation-runs", _form(WENLING), content_type=MULTIPART_CONTENT)
    assert r.status_code == 403
    assert InundationRun.objects.count() == 1


def test_layers_of_an_unfinished_run_are_not_found(api_as, wenling_officer, wenling_run):
    r = api_as(wenling_officer).get(f"/api/inundation-runs/{wenling_run.pk}/layers/max_depth.png")
    assert r.status_code == 404


def _stored_dems() -> int:
    storage = inundation_storage()
    if not storage.exists("floods/dem"):
        return 0
    return sum(len(files) for _, _, files in _walk(storage, "floods/dem"))


def _walk(storage, path):
    dirs, files = storage.listdir(path)
    yield path, dirs, files
    for d in dirs:
        yield from _walk(storage, f"{path}/{d}")
