"""Risk points under control during an event: states reported from phones, kept as a
history that is never overwritten; the current state per point and round; the
uncontrolled listed by county and township, equal to a count from scratch over the
reports; counts by state and kind; API validation answers field errors, never 500."""

import datetime as dt
import io
from collections import Counter

import pytest
from django.utils import timezone
from PIL import Image

from yingji.core.scope import Scope
from yingji.response import selectors_riskcontrol as selectors
from yingji.response.models import RiskPointReport, RiskPointStatus
from yingji.response.services import riskcontrol as services

from ..conftest import LINHAI, TAIZHOU, WENLING, WENLING_TOWN
from .riskcontrol_helpers import WENLING_TOWN_2, points_in_wenling_and_linhai

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 8, 10, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def points(regions):
    return points_in_wenling_and_linhai()


@pytest.fixture
def city_round(taizhou_officer, points):
    return services.round_start(by=taizhou_officer.user, name="台风“海燕”防御", hazard="typhoon", region_id=TAIZHOU,
                                drill=True, at=T0)


def _report(person, point, state, minutes, **extra):
    return services.state_report(by=person.user, risk_point_id=point.pk, state=state,
                                 at=T0 + dt.timedelta(minutes=minutes), **extra)


def test_a_state_report_is_kept_as_history_and_the_newest_is_the_current_state(
        api_as, wenling_officer, points, city_round):
    client = api_as(wenling_officer)
    slope = points["slope"]
    r = client.post(f"/api/risk-points/{slope.pk}/state", {"state": "checked", "note": "已巡查", "lat": 28.37,
                                                            "lon": 121.38})
    assert r.status_code == 201, r.content
    first = r.json()
    assert first["state"] == "checked" and first["round"] == city_round.pk and first["lat"] == 28.37
    assert first["reported_by"] == wenling_officer.name
    r = client.post(f"/api/risk-points/{slope.pk}/state", {"state": "evacuated", "note": "12 户已转移"})
    assert r.status_code == 201, r.content
    history = client.get(f"/api/risk-points/{slope.pk}/states").json()
    assert [h["state"] for h in history] == ["evacuated", "checked"]  # newest first, the first one unchanged
    assert history[1] == first
    status = RiskPointStatus.objects.get(risk_point_id=slope.pk, round=city_round)
    assert status.state == "evacuated"


def test_an_older_report_arriving_late_does_not_replace_the_newer_state(wenling_officer, points, city_round):
    slope = points["slope"]
    _report(wenling_officer, slope, "controlled", 30)
    _report(wenling_officer, slope, "checked", 10)  # a phone offline for a while sends its older report
    assert RiskPointReport.objects.filter(risk_point_id=slope.pk).count() == 2
    assert RiskPointStatus.objects.get(risk_point_id=slope.pk, round=city_round).state == "controlled"


def test_reports_outside_a_round_are_kept_apart_from_the_rounds(wenling_officer, points):
    slope = points["slope"]
    _report(wenling_officer, slope, "closed", 0)
    assert RiskPointStatus.objects.get(risk_point_id=slope.pk, round__isnull=True).state == "closed"
    scope = Scope.for_user(wenling_officer.user)
    assert selectors.current_round(scope=scope) is None
    assert selectors.counts(scope=scope, round=None)["by_state"]["closed"] == 1


def _uncontrolled_from_scratch(round, region_prefix: str) -> Counter:
    """The uncontrolled per township, from the reports alone: the newest report of
    each point in the round decides; a point with none is uncontrolled."""
    newest = {}
    for r in RiskPointReport.objects.filter(round=round).order_by("reported_at", "id"):
        newest[r.risk_point_id] = r.state
    from yingji.floods.selectors import risk_point_list
    result = Counter()
    for p in risk_point_list(scope=Scope.for_user(None), region=region_prefix).filter(active=True):
        if newest.get(p.pk) not in ("controlled", "evacuated", "closed"):
            result[p.region_id[:9]] += 1
    return result


def test_the_uncontrolled_by_region_equal_a_count_from_scratch(api_as, wenling_officer, taizhou_officer, points,
                                                               city_round):
    _report(wenling_officer, points["slope"], "checked", 5)  # checked only: still uncontrolled
    _report(wenling_officer, points["pond"], "controlled", 6)
    _report(wenling_officer, points["house"], "evacuated", 7)
    _report(wenling_officer, points["house"], "checked", 8)  # back to checked: uncontrolled again
    # site: no report; linhai: no report

    body = api_as(taizhou_officer).get("/api/risk-control/counts").json()
    assert body["round"] == city_round.pk
    # By hand: Taizhou sees 5 points; controlled: the pond only.
    assert (body["total"], body["controlled"], body["uncontrolled"]) == (5, 1, 4)
    assert body["by_state"] == {"none": 2, "checked": 2, "controlled": 1, "evacuated": 0, "closed": 0}
    towns = {t["region"]: t["uncontrolled"] for c in body["by_region"] for t in c["townships"]}
    assert towns == dict(_uncontrolled_from_scratch(city_round, TAIZHOU))
    assert towns == {WENLING_TOWN: 1, WENLING_TOWN_2: 2, "331082001": 1}
    counties = {c["region"]: c["uncontrolled"] for c in body["by_region"]}
    assert counties == {WENLING: 3, LINHAI: 1}
    kinds = {k["kind"]: (k["total"], k["none"], k["checked"], k["controlled"]) for k in body["by_kind"]}
    assert kinds["geo_hazard"] == (2, 1, 1, 0) and kinds["reservoir_pond"] == (1, 0, 0, 1)

    # The board lists the same points as uncontrolled, and the Wenling officer sees Wenling's only.
    board = api_as(wenling_officer).get("/api/risk-control/board", {"state": "uncontrolled"}).json()
    assert sorted(i["name"] for i in board["items"]) == ["后山滑坡点", "城东工地塔吊", "老街危房"]
    assert api_as(wenling_officer).get("/api/risk-control/counts").json()["uncontrolled"] == 3
    assert {i["state"] for i in api_as(wenling_officer).get(
        "/api/risk-control/board", {"state": "controlled"}).json()["items"]} == {"controlled"}


@pytest.fixture
def media(settings, tmp_path):
    from yingji.response.models.riskcontrol import photo_storage
    settings.MEDIA_ROOT = str(tmp_path)
    photo_storage.cache_clear()
    yield tmp_path
    photo_storage.cache_clear()


def test_a_photo_goes_with_the_multipart_report_and_a_fake_one_is_refused(api_as, wenling_officer, points, media):
    client = api_as(wenling_officer)
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    png = buf.getvalue()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import MULTIPART_CONTENT
    url = f"/api/risk-points/{points['pond'].pk}/state/photo"
    r = client.post(url, {"state": "closed", "lat": "28.1", "lon": "121.2",
                          "photo": SimpleUploadedFile("p.png", png, "image/png")}, content_type=MULTIPART_CONTENT)
    assert r.status_code == 201, r.content
    assert r.json()["photo"] is True
    report = RiskPointReport.objects.get(pk=r.json()["id"])
    assert report.photo.name.endswith(".png") and report.state == "closed" and report.latitude == 28.1
    with report.photo.open("rb") as stored:
        assert stored.read() == png
    r = client.post(url, {"state": "closed", "photo": SimpleUploadedFile("p.png", b"MZ not a png", "image/png")},
                    content_type=MULTIPART_CONTENT)
    assert r.status_code == 400 and "photo" in r.json()["error"]["fields"]


@pytest.mark.parametrize("body, field", [
    ({"state": "fine"}, "state"),
    ({}, "state"),
    ({"state": "checked", "lat": 28.3}, "lat"),
    ({"state": "checked", "lat": 91, "lon": 121}, "lat"),
    ({"state": "checked", "note": "x" * 501}, "note"),
    ({"state": "checked", "round": 99999999}, "round"),
])
def test_bad_state_reports_answer_400_with_the_field(api_as, wenling_officer, points, body, field):
    r = api_as(wenling_officer).post(f"/api/risk-points/{points['slope'].pk}/state", body)
    assert r.status_code in (400, 422), r.content
    error = r.json()["error"]
    assert field in error["fields"], error
    assert error["message"]  # bilingual text, never a 500
    assert RiskPointReport.objects.count() == 0


def test_a_round_ended_takes_no_more_reports_and_new_reports_go_outside_it(api_as, taizhou_officer,
                                                                           wenling_officer, points, city_round):
    r = api_as(taizhou_officer).post(f"/api/risk-control/rounds/{city_round.pk}/end")
    assert r.status_code == 200 and r.json()["ended_at"]
    r = api_as(wenling_officer).post(f"/api/risk-points/{points['slope'].pk}/state",
                                     {"state": "checked", "round": city_round.pk})
    assert r.status_code == 400 and "round" in r.json()["error"]["fields"]
    r = api_as(wenling_officer).post(f"/api/risk-points/{points['slope'].pk}/state", {"state": "checked"})
    assert r.status_code == 201 and r.json()["round"] is None


def test_viewers_read_the_board_but_do_not_report(api_as, wenling_viewer, points):
    client = api_as(wenling_viewer)
    assert client.get("/api/risk-control/board").status_code == 200
    r = client.post(f"/api/risk-points/{points['slope'].pk}/state", {"state": "checked"})
    assert r.status_code == 403
    assert RiskPointReport.objects.count() == 0


def test_the_board_page_and_the_phone_page(client, wenling_officer, points, city_round):
    client.force_login(wenling_officer.user)
    html = client.get("/response/risk-points/").content.decode()
    assert "后山滑坡点" in html and "临海某滑坡点" not in html
    assert f"/rounds/{city_round.pk}/end/" not in html  # the city's round: the city ends it
    assert client.get(f"/response/risk-points/{points['linhai'].pk}/report/").status_code == 404
    url = f"/response/risk-points/{points['slope'].pk}/report/"
    assert client.get(url).status_code == 200
    r = client.post(url, {"state": "controlled", "note": "已设警戒", "lat": "28.37", "lon": "121.38"})
    assert r.status_code == 302, r.content.decode()[:2000]
    report = RiskPointReport.objects.get()
    assert (report.state, report.round_id, report.latitude) == ("controlled", city_round.pk, 28.37)
    r = client.post(url, {"state": "nonsense"})
    assert r.status_code == 200 and RiskPointReport.objects.count() == 1
    export = client.get("/response/risk-points/", {"format": "csv", "state": "controlled"})
    assert export.status_code == 200
    lines = export.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and "后山滑坡点" in lines[1] and "已管控" in lines[1]


def test_a_township_officer_works_in_the_citys_round(api_as, regions, points, city_round):
    from ..factories import PersonFactory, UserFactory
    township = PersonFactory(user=UserFactory(username="t-town"), region_id=WENLING_TOWN, role="officer")
    assert selectors.current_round(scope=Scope.for_user(township.user)) == city_round
    body = api_as(township).get("/api/risk-control/counts").json()
    assert body["round"] == city_round.pk and body["total"] == 2
    assert timezone.now()  # (keeps the import used when the clock is moved)


def test_a_county_officer_reports_in_the_citys_round_but_does_not_end_it(api_as, wenling_officer, points,
                                                                        city_round):
    client = api_as(wenling_officer)
    r = client.post(f"/api/risk-points/{points['slope'].pk}/state", {"state": "closed", "round": city_round.pk})
    assert r.status_code == 201 and r.json()["round"] == city_round.pk
    assert city_round.pk in [x["id"] for x in client.get("/api/risk-control/rounds").json()["items"]]
    assert client.get("/api/risk-control/counts", {"round": city_round.pk}).json()["by_state"]["closed"] == 1
    r = client.post(f"/api/risk-control/rounds/{city_round.pk}/end")
    assert r.status_code == 403
    city_round.refresh_from_db()
    assert city_round.ended_at is None


def test_the_city_ends_its_round_from_the_board(client, taizhou_officer, points, city_round):
    client.force_login(taizhou_officer.user)
    html = client.get("/response/risk-points/").content.decode()
    assert f"/rounds/{city_round.pk}/end/" in html
    assert client.post(f"/response/risk-points/rounds/{city_round.pk}/end/").status_code == 302
    city_round.refresh_from_db()
    assert city_round.ended_at is not None
    r = client.post("/response/risk-points/rounds/new/", {"name": "防汛", "hazard": "flood", "region": "331081"})
    assert r.status_code == 302
    from yingji.response.models import RiskControlRound
    assert RiskControlRound.objects.filter(name="防汛", region_id="331081", ended_at__isnull=True).exists()
