"""Off-site intake: detections from cameras, IoT and drones; the rules decide which go
to the review queue; an officer accepts (a case from the detection) or dismisses with
a reason; bad inputs refused; another county's detections out of reach."""

import hashlib

import pytest
from django.utils import timezone

from yingji.enforcement import offsite
from yingji.enforcement.models import Case, Detection

from ..access.isolation import IsolationCases
from ..conftest import LINHAI, LINHAI_TOWN, WENLING_TOWN
from ..factories import EnterpriseFactory
from .conftest import open_case, walk_to

pytestmark = pytest.mark.django_db
MEDIA = hashlib.sha256(b"frame").hexdigest()


def _body(uscc="", **kw):
    return {"source": "camera", "kind": "confined_space_entry", "detected_at": "2026-11-30T10:00:00+08:00",
            "party_uscc": uscc, "confidence": 0.93, "place": "污水池", "media_url": "https://cam.example/1.mp4",
            "media_sha256": MEDIA, "device_id": "CAM-1"} | kw


def test_a_camera_detection_goes_to_the_queue_and_becomes_a_case(api_as, wenling_officer, wenling_enterprise):
    client = api_as(wenling_officer)
    r = client.post("/api/offsite/detections", _body(wenling_enterprise.uscc))
    assert r.status_code == 201, r.content
    detection = r.json()
    assert detection["state"] == "pending" and detection["region"] == wenling_enterprise.region_id
    queue = client.get("/api/offsite/detections", {"state": "pending"}).json()["items"]
    assert [d["id"] for d in queue] == [detection["id"]]
    r = client.post(f"/api/offsite/detections/{detection['id']}/accept", {})
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    case = Case.objects.get(pk=r.json()["case_id"])
    assert (case.source_kind, case.source_id, case.enterprise_id) == ("offsite", detection["id"],
                                                                       wenling_enterprise.pk)
    assert "有限空间" in case.summary
    assert client.post(f"/api/offsite/detections/{detection['id']}/dismiss", {"reason": "x"}).status_code == 409


@pytest.mark.parametrize(("kind", "confidence", "state"), [
    ("confined_space_entry", 0.79, "ignored"), ("confined_space_entry", 0.8, "pending"),
    ("no_helmet", 0.99, "ignored"), ("gas_over_limit", 0.0, "pending"), ("unknown_kind", 1.0, "ignored")])
def test_the_rules_decide_what_is_queued(kind, confidence, state):
    assert offsite.triage(kind, confidence)[0] == state


def test_dismiss_needs_a_reason(api_as, wenling_officer):
    client = api_as(wenling_officer)
    detection = client.post("/api/offsite/detections", _body(region=WENLING_TOWN)).json()
    assert client.post(f"/api/offsite/detections/{detection['id']}/dismiss", {"reason": ""}).status_code == 422
    # No enterprise named: it cannot become a case.
    assert client.post(f"/api/offsite/detections/{detection['id']}/accept").status_code == 400
    r = client.post(f"/api/offsite/detections/{detection['id']}/dismiss", {"reason": "误报：作业已审批"})
    assert r.status_code == 200 and r.json()["dismiss_reason"] == "误报：作业已审批"


@pytest.mark.parametrize(("extra", "status"), [
    ({"media_sha256": "abc"}, 400), ({"detected_at": "2099-01-01T00:00:00+08:00"}, 400),
    ({"source": "satellite"}, 422), ({"confidence": 2}, 422), ({"region": ""}, 400),
    ({"party_uscc": "91330000000000000X"}, 400)])
def test_bad_detections_are_refused(api_as, wenling_officer, extra, status):
    r = api_as(wenling_officer).post("/api/offsite/detections", _body(region=WENLING_TOWN) | extra)
    assert r.status_code == status, r.content
    assert not Detection.objects.exists()


def _detections(officer, town):
    return {"detection": offsite.detection_receive(by=officer.user, **{
        k: v for k, v in _body(region=town).items() if k not in ("detected_at", "party_uscc")},
        detected_at=timezone.now())}


class TestOffsiteIsolation(IsolationCases):
    lists = {"GET /api/offsite/detections": [{}, {"region": LINHAI}, {"state": "pending"}]}
    objects = {
        "POST /api/offsite/detections/{id}/accept": ("detection", {}),
        "POST /api/offsite/detections/{id}/dismiss": ("detection", {"reason": "越界"}),
    }
    creates = {"POST /api/offsite/detections": (Detection, lambda home: _body(region=LINHAI_TOWN))}

    @pytest.fixture
    def foreign(self, linhai_officer):
        return _detections(linhai_officer, LINHAI_TOWN)

    @pytest.fixture
    def home(self, wenling_officer):
        return {"officer": wenling_officer, **_detections(wenling_officer, WENLING_TOWN)}


# Coordinates --------------------------------------------------------------------------
# Wenling's Taiping street (28.37 N, 121.38 E) lies in Taizhou (3310); West Lake
# (30.25 N, 120.15 E) in Hangzhou (3301): both inside the map's city outlines.
WENLING_POINT, HANGZHOU_POINT = {"lat": 28.37, "lon": 121.38}, {"lat": 30.25, "lon": 120.15}


def test_a_detection_keeps_its_coordinates(api_as, wenling_officer):
    client = api_as(wenling_officer)
    r = client.post("/api/offsite/detections", _body(region=WENLING_TOWN, **WENLING_POINT))
    assert r.status_code == 201, r.content
    assert (r.json()["lat"], r.json()["lon"], r.json()["place"]) == (28.37, 121.38, "污水池")
    assert r.json()["region"] == WENLING_TOWN
    row = Detection.objects.get()
    assert (row.lat, row.lon) == (28.37, 121.38)


def test_without_a_region_the_coordinates_give_the_city(api_as, province_admin):
    r = api_as(province_admin).post("/api/offsite/detections", _body(**HANGZHOU_POINT))
    assert r.status_code == 201, r.content
    assert r.json()["region"] == "3301"
    r = api_as(province_admin).post("/api/offsite/detections", _body(region="33", device_id="CAM-2", **WENLING_POINT))
    assert r.json()["region"] == "3310"


def test_an_enterprises_detection_stays_in_its_region_wherever_seen(api_as, wenling_officer, wenling_enterprise):
    """The case is filed where the party is registered; the camera may be on a road elsewhere."""
    r = api_as(wenling_officer).post("/api/offsite/detections", _body(wenling_enterprise.uscc, **HANGZHOU_POINT))
    assert r.status_code == 201 and r.json()["region"] == wenling_enterprise.region_id


@pytest.mark.parametrize(("extra", "status", "fields"), [
    ({"lat": 28.37}, 400, {"lon"}),
    ({"lon": 121.38}, 400, {"lat"}),
    ({"lat": 121.38, "lon": 28.37}, 400, {"lat", "lon"}),   # swapped
    ({"lat": 28.37, "lon": 200}, 400, {"lon"}),
    ({"lat": -91, "lon": 121.38}, 400, {"lat"}),
    ({"lat": "28.37", "lon": 121.38}, 422, {"lat"}),
    ({"lat": True, "lon": 121.38}, 422, {"lat"}),
    (HANGZHOU_POINT, 400, {"lat", "lon"}),                  # Hangzhou's point, Wenling's town
])
def test_bad_coordinates_are_field_errors(api_as, wenling_officer, extra, status, fields):
    r = api_as(wenling_officer).post("/api/offsite/detections", _body(region=WENLING_TOWN) | extra)
    assert r.status_code == status, r.content
    assert set(r.json()["error"]["fields"]) == fields, r.content
    assert not Detection.objects.exists()


def test_the_review_queue_shows_place_and_coordinates(client, wenling_officer):
    offsite.detection_receive(by=wenling_officer.user, **{
        k: v for k, v in _body(region=WENLING_TOWN).items() if k not in ("detected_at", "party_uscc")},
        detected_at=timezone.now(), lat=28.371234, lon=121.381234)
    client.force_login(wenling_officer.user)
    page = client.get("/cases/offsite/").content.decode()
    assert "污水池" in page and "28.371234, 121.381234" in page and "经纬度" in page


# Joining an open case ------------------------------------------------------------------

def test_a_sensors_detection_joins_the_cameras_case_as_evidence(api_as, wenling_officer, wenling_enterprise):
    client = api_as(wenling_officer)
    camera = client.post("/api/offsite/detections", _body(wenling_enterprise.uscc)).json()
    gas = client.post("/api/offsite/detections", _body(source="iot", kind="gas_over_limit", region=WENLING_TOWN,
                                                       device_id="GAS-1", **WENLING_POINT)).json()
    case_id = client.post(f"/api/offsite/detections/{camera['id']}/accept").json()["case_id"]
    r = client.post(f"/api/offsite/detections/{gas['id']}/accept", {"case_id": case_id})
    assert r.status_code == 200 and r.json()["case_id"] == case_id
    assert Case.objects.count() == 1
    items = Case.objects.get().evidence.order_by("id")
    assert [e.original_name for e in items] == [f"offsite-detection-{camera['id']}.json",
                                                f"offsite-detection-{gas['id']}.json"]
    assert items[1].place == "污水池 (28.370000, 121.380000)" and items[1].kind == "platform"
    assert MEDIA in items[1].description


def test_a_detection_joins_only_an_open_case_of_its_party(api_as, wenling_officer, wenling_enterprise,
                                                           linhai_officer, linhai_enterprise):
    client = api_as(wenling_officer)
    other = open_case(wenling_officer, wenling_enterprise)
    neighbour = open_case(wenling_officer, EnterpriseFactory(region_id=WENLING_TOWN))
    foreign = open_case(linhai_officer, linhai_enterprise)
    detection = client.post("/api/offsite/detections", _body(wenling_enterprise.uscc)).json()
    url = f"/api/offsite/detections/{detection['id']}/accept"
    assert client.post(url, {"case_id": foreign.pk}).status_code == 404
    r = client.post(url, {"case_id": neighbour.pk})
    assert r.status_code == 400 and "case_id" in r.json()["error"]["fields"]
    walk_to(wenling_officer, other, "closed")
    r = client.post(url, {"case_id": other.pk})
    assert r.status_code == 409 and "case_id" in r.json()["error"]["fields"]
    assert Detection.objects.get().state == "pending"
