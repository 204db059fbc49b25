"""An inundation run started from the floods pages (issue 15, item 8): the form's
refusals name the field; a good form queues the run for the worker and the run's page
polls a progress fragment (htmx attributes, no inline script) that the worker's
progress fills, until the run is done."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from yingji.floods import background
from yingji.floods.models import InundationRun, InundationStatus

from ..conftest import LINHAI, WENLING
from .test_inundation import LAT0, LON0, ascii_grid, media, tilted_plane_with_pit  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _client(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def _form(**changes) -> dict:
    data = {"watershed": "坑里小流域", "region": WENLING, "start": "2024-07-01T08:00", "observed_hours": "0",
            "gauges": "", "forecast_rain_mm": "100, 100", "duration_hours": "2.5", "manning_n": "0.05",
            "depth_threshold": "0.15", "crs": "local", "origin_lon": str(LON0), "origin_lat": str(LAT0),
            "dem": SimpleUploadedFile("pit.asc", ascii_grid(tilted_plane_with_pit()))}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_list_links_to_the_form_for_officers_only(wenling_officer, wenling_viewer):
    assert 'href="/floods/inundation/new/"' in _client(wenling_officer).get("/floods/inundation/").content.decode()
    assert 'href="/floods/inundation/new/"' not in _client(wenling_viewer).get("/floods/inundation/").content.decode()
    assert _client(wenling_viewer).get("/floods/inundation/new/").status_code == 403


def test_the_form_offers_only_the_officers_county(wenling_officer):
    page = _client(wenling_officer).get("/floods/inundation/new/").content.decode()
    assert f'<option value="{WENLING}"' in page and f'value="{LINHAI}"' not in page


@pytest.mark.parametrize("changes, field", [
    ({"forecast_rain_mm": "100, abc"}, "forecast_rain_mm"),
    ({"forecast_rain_mm": "-5"}, "forecast_rain_mm"),
    ({"forecast_rain_mm": "", "observed_hours": "0"}, "forecast_rain_mm"),
    ({"observed_hours": "3"}, "gauges"),
    ({"duration_hours": "-1"}, "duration_hours"),
    ({"manning_n": "0"}, "manning_n"),
    ({"region": LINHAI}, "region"),
    ({"dem": SimpleUploadedFile("pit.asc", b"not a grid")}, "dem"),
])
def test_bad_input_is_refused_next_to_its_field(wenling_officer, changes, field):
    r = _client(wenling_officer).post("/floods/inundation/new/", _form(**changes))
    assert r.status_code == 400
    assert re.search(rf'id="{field}-error">[^<]+<', r.content.decode()), field
    assert not InundationRun.objects.exists()


def test_a_run_from_the_form_waits_for_the_worker_then_shows_its_progress_to_the_end(wenling_officer):
    client = _client(wenling_officer)
    r = client.post("/floods/inundation/new/", _form())
    run = InundationRun.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/floods/inundation/{run.pk}/"
    assert (run.status, run.progress, run.forecast_hours, run.created_by) == (
        InundationStatus.QUEUED, 0, 2, wenling_officer.user)  # not computed in the request
    page = client.get(r["Location"]).content.decode()
    assert f'hx-get="/floods/inundation/{run.pk}/progress/"' in page and 'hx-trigger="every 2s"' in page
    assert '<progress max="100" value="0"' in page and "<script>" not in page
    InundationRun.objects.filter(pk=run.pk).update(status=InundationStatus.RUNNING, progress=40)
    fragment = client.get(f"/floods/inundation/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert '<progress max="100" value="40"' in fragment.content.decode() and "HX-Refresh" not in fragment
    InundationRun.objects.filter(pk=run.pk).update(status=InundationStatus.QUEUED, progress=0)
    assert background.run_queued_inundation(in_thread=False) == run.pk  # the worker's tick
    run.refresh_from_db()
    assert (run.status, run.progress) == (InundationStatus.DONE, 100), run.error
    fragment = client.get(f"/floods/inundation/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true" and "hx-get" not in fragment.content.decode()
    assert background.run_queued_inundation(in_thread=False) is None  # nothing left


def test_another_countys_officer_cannot_read_the_progress(wenling_officer, linhai_officer):
    _client(wenling_officer).post("/floods/inundation/new/", _form())
    run = InundationRun.objects.get()
    assert _client(linhai_officer).get(f"/floods/inundation/{run.pk}/progress/").status_code == 404
