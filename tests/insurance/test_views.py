"""The insurance pages as people see them: a Taizhou officer sees the policy, its
triggers, map data, rainfall and claims; a Hangzhou officer sees nothing of it; the
verify/pay buttons appear only for those the services would let act; the live panel
shows a position's distance, computed by hand, to the circle."""

import datetime as dt
import json
import math
import re

import pytest
from django.test import Client
from django.utils import timezone

from yingji.core.models import AuditRecord
from yingji.insurance import services
from yingji.insurance.models import Storm, TriggerEvent
from yingji.insurance.policy_yaml import load_policy_file

from ..factories import PersonFactory
from ..readings import rain
from .conftest import POLICY_FILE
from .test_backtest import TWO_STORMS

# Taizhou circle centre of the policy file
CENTER_LON, CENTER_LAT = 121.1167, 28.65
EARTH_KM = 6371.0


def _north_of_centre(km: float) -> float:
    """Latitude of the point `km` due north of the centre: along a meridian the sphere
    distance is R·Δφ exactly, so this point is at `km` by hand."""
    return CENTER_LAT + math.degrees(km / EARTH_KM)


@pytest.fixture
def taizhou(regions, tmp_path):
    """The policy with one typhoon event (NEAR, force 13, RMB 20 m) and its claim."""
    policy, _ = services.policy_load(by=None, spec=load_policy_file(POLICY_FILE))
    path = tmp_path / "CH2023BST.txt"
    path.write_text(TWO_STORMS)
    services.import_tracks(by=None, paths=[path])
    event = TriggerEvent.objects.get()
    return {"policy": policy, "event": event, "claim": event.claim, "storm": Storm.objects.get(name="NEAR")}


@pytest.fixture
def client_as():
    def login(person):
        client = Client()
        client.force_login(person.user)
        return client
    return login


@pytest.fixture
def hangzhou_officer(regions):
    return PersonFactory(region_id="3301", role="officer")


def _text(response) -> str:
    return response.content.decode()


def test_the_pages_render_for_a_taizhou_officer(client_as, taizhou, taizhou_officer):
    client = client_as(taizhou_officer)
    policy, storm = taizhou["policy"], taizhou["storm"]
    listing = client.get("/policies/")
    assert listing.status_code == 200 and policy.name in _text(listing)
    page = client.get(f"/policies/{policy.pk}/")
    text = _text(page)
    assert page.status_code == 200
    for expected in ("甲财产保险台州分公司", "标段二", "85 km", "110,000,000", "58665", "140 mm",
                     "NEAR", "20,000,000.00 元", "核定", "台风实况"):
        assert expected in text, expected
    for path in ("/typhoons/", f"/typhoons/{storm.pk}/", f"/policies/{policy.pk}/live/"):
        assert client.get(path).status_code == 200, path


def test_the_policy_map_has_the_circle_in_metres_and_the_triggering_track(client_as, taizhou, taizhou_officer):
    page = client_as(taizhou_officer).get(f"/policies/{taizhou['policy'].pk}/")
    data = json.loads(re.search(r'id="insurance-map-data"[^>]*>(.*?)</script>', _text(page), re.DOTALL).group(1))
    assert data["circles"] == [{"lat": CENTER_LAT, "lon": CENTER_LON, "radius_m": 85000.0,
                                "label": "巨灾框 半径 85 km，12 级以上"}]
    assert [t["name"] for t in data["tracks"]] == ["NEAR"]
    # NEAR's fixes at 40, 38 and 30 m/s: forces 13, 13 and 11 (GB/T 28591-2012)
    assert [p[2] for p in data["tracks"][0]["points"]] == [13, 13, 11]


def test_an_officer_of_another_city_gets_404_and_an_empty_list(client_as, taizhou, hangzhou_officer):
    client = client_as(hangzhou_officer)
    listing = client.get("/policies/")
    assert listing.status_code == 200 and taizhou["policy"].name not in _text(listing)
    assert "没有您可查看的保单" in _text(listing)
    pk = taizhou["policy"].pk
    for path in (f"/policies/{pk}/", f"/policies/{pk}/live/"):
        assert client.get(path).status_code == 404, path
    for step in ("verify", "pay"):
        assert client.post(f"/policies/claims/{taizhou['claim'].pk}/{step}/").status_code == 404
    taizhou["claim"].refresh_from_db()
    assert taizhou["claim"].status == "notified"


def test_an_anonymous_visitor_is_sent_to_login(taizhou):
    r = Client().get(f"/policies/{taizhou['policy'].pk}/")
    assert r.status_code == 302 and "/login/" in r["Location"]


def _buttons(text: str) -> set[str]:
    return set(re.findall(r'href="/policies/claims/\d+/(verify|pay)/"', text))


def test_the_city_officer_verifies_then_pays_through_confirmation_pages(client_as, taizhou, taizhou_officer):
    client = client_as(taizhou_officer)
    url, claim = f"/policies/{taizhou['policy'].pk}/", taizhou["claim"]
    today = timezone.localdate()
    assert _buttons(_text(client.get(url))) == {"verify"}
    confirm = _text(client.get(f"/policies/claims/{claim.pk}/verify/"))
    assert "确认核定" in confirm and 'name="day"' in confirm and "20,000,000.00 元" in confirm
    claim.refresh_from_db()
    assert claim.status == "notified"  # opening the page changes nothing
    r = client.post(f"/policies/claims/{claim.pk}/verify/", {"day": today.isoformat(), "note": "与台风路径核对无误"})
    assert r.status_code == 302 and r["Location"].endswith(url + "#events")
    assert _buttons(_text(client.get(url))) == {"pay"}
    r = client.post(f"/policies/claims/{claim.pk}/pay/", {"day": today.isoformat(), "voucher": " ZF-2026-0815 "})
    assert r.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "paid" and claim.paid_at >= claim.verified_at >= claim.notified_at
    assert (claim.verified_on, claim.verify_note, claim.paid_on, claim.voucher) == (
        today, "与台风路径核对无误", today, "ZF-2026-0815")
    text = _text(client.get(url))
    assert _buttons(text) == set() and "触发至赔付" in text and "ZF-2026-0815" in text
    audit = AuditRecord.objects.filter(action="pay", object_id=str(claim.pk)).get()
    assert audit.after["voucher"] == "ZF-2026-0815" and audit.after["paid_on"] == today.isoformat()


def test_a_payment_without_voucher_or_with_a_future_date_is_refused(client_as, taizhou, taizhou_officer):
    client = client_as(taizhou_officer)
    claim, today = taizhou["claim"], timezone.localdate()
    client.post(f"/policies/claims/{claim.pk}/verify/", {"day": today.isoformat()})
    r = client.post(f"/policies/claims/{claim.pk}/pay/", {"day": today.isoformat(), "voucher": "  "})
    assert r.status_code == 400 and 'id="voucher-error"' in _text(r) and "请填写赔付凭证号" in _text(r)
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    r = client.post(f"/policies/claims/{claim.pk}/pay/", {"day": tomorrow, "voucher": "ZF-1"})
    assert r.status_code == 400 and 'id="day-error"' in _text(r) and "日期不能晚于今天" in _text(r)
    r = client.post(f"/policies/claims/{claim.pk}/pay/", {"day": "2026-02-30", "voucher": "ZF-1"})
    assert r.status_code == 400 and "请填写有效日期" in _text(r)
    claim.refresh_from_db()
    assert claim.status == "verified" and claim.voucher == "" and claim.paid_on is None


def test_a_verification_dated_before_the_notice_is_refused(client_as, taizhou, taizhou_officer):
    claim = taizhou["claim"]
    before = timezone.localdate(claim.notified_at) - dt.timedelta(days=1)
    r = client_as(taizhou_officer).post(f"/policies/claims/{claim.pk}/verify/", {"day": before.isoformat()})
    assert r.status_code == 400 and "日期不能早于" in _text(r)
    claim.refresh_from_db()
    assert claim.status == "notified"


def test_paying_before_verifying_is_refused_with_a_message(client_as, taizhou, taizhou_officer):
    r = client_as(taizhou_officer).post(f"/policies/claims/{taizhou['claim'].pk}/pay/", {
        "day": timezone.localdate().isoformat(), "voucher": "ZF-1"})
    assert r.status_code == 400 and "只有已核定的理赔可以登记赔付" in _text(r)


def test_the_api_pay_needs_the_date_and_voucher(api_as, taizhou, taizhou_officer):
    client, claim, today = api_as(taizhou_officer), taizhou["claim"], timezone.localdate().isoformat()
    assert client.post(f"/api/claims/{claim.pk}/verify", {}).status_code == 422
    assert client.post(f"/api/claims/{claim.pk}/verify", {"verified_on": today}).json()["status"] == "verified"
    assert client.post(f"/api/claims/{claim.pk}/pay", {"paid_on": today}).status_code == 422
    body = client.post(f"/api/claims/{claim.pk}/pay", {"paid_on": today, "voucher": "ZF-9"}).json()
    assert (body["status"], body["voucher"], body["paid_on"]) == ("paid", "ZF-9", today)


def test_no_buttons_for_a_county_officer_or_a_viewer(client_as, taizhou, wenling_officer, wenling_viewer):
    """Wenling sees the policy that pays it, but claims belong to the city (3310) and the
    insurers: services.claims._claim_actor refuses a county officer, so no button either."""
    for person in (wenling_officer, wenling_viewer):
        client = client_as(person)
        page = client.get(f"/policies/{taizhou['policy'].pk}/")
        assert page.status_code == 200 and _buttons(_text(page)) == set()
        assert client.get(f"/policies/claims/{taizhou['claim'].pk}/verify/").status_code == 403
        assert client.post(f"/policies/claims/{taizhou['claim'].pk}/verify/", {
            "day": timezone.localdate().isoformat()}).status_code == 403


def test_the_insurer_holding_a_lot_gets_the_buttons(client_as, taizhou):
    insurer = taizhou["policy"].lots.get(name="标段一").insurer
    person = PersonFactory(region_id="3301", role="officer", organization=insurer)
    page = client_as(person).get(f"/policies/{taizhou['policy'].pk}/")
    assert page.status_code == 200 and _buttons(_text(page)) == {"verify"}


def _post_live(client, storm_id: int, when: dt.datetime, km_north: float, wind: float):
    body = {"time": when.isoformat(), "lat": _north_of_centre(km_north), "lon": CENTER_LON, "wind": wind}
    r = client.post(f"/api/typhoons/{storm_id}/positions", body)
    assert r.status_code == 201, r.content


def test_the_live_panel_shows_the_distance_of_a_posted_position(api_as, client_as, taizhou, taizhou_officer):
    """A fix 100 km due north of the centre: 100.0 km from it, 15.0 km outside the
    85 km circle; 40 m/s is force 13. Six hours earlier the storm was 200 km north, so
    the straight line reaches the centre at +6 h (0.0 km, inside), is 100 km south at
    +12 h and 300 km south at +24 h."""
    api = api_as(taizhou_officer)
    storm = api.post("/api/typhoons", {"code": "LIVE-TEST", "name": "测试台风"}).json()
    now = timezone.now().replace(microsecond=0)
    _post_live(api, storm["id"], now - dt.timedelta(hours=7), 200, 38)
    _post_live(api, storm["id"], now - dt.timedelta(hours=1), 100, 40)

    r = client_as(taizhou_officer).get(f"/policies/{taizhou['policy'].pk}/live/")
    text = _text(r)
    assert r.status_code == 200
    assert re.search(r'class="live-distance">100\.0 km<', text)
    assert "15.0 km（框外）" in text and "13 级" in text and "测试台风" in text
    assert "简单线性外推" in text and "不是路径预报" in text
    distances = re.findall(r'<td class="num">(\d+\.\d) </td>|<td class="num">([\d.]+)</td><td>', text)
    assert [a or b for a, b in distances] == ["0.0", "100.0", "300.0"]
    assert 'hx-trigger="every 30s"' in text


def test_a_storm_without_a_recent_fix_is_not_live(api_as, client_as, taizhou, taizhou_officer):
    api = api_as(taizhou_officer)
    storm = api.post("/api/typhoons", {"code": "OLD-LIVE"}).json()
    _post_live(api, storm["id"], timezone.now() - dt.timedelta(days=3), 50, 45)
    text = _text(client_as(taizhou_officer).get(f"/policies/{taizhou['policy'].pk}/live/"))
    assert "目前没有正在跟踪的台风" in text


def test_the_rain_chart_draws_the_running_total_against_the_threshold(client_as, taizhou, taizhou_officer):
    """W1 gets 10 mm an hour for 15 hours: its 72-hour running total climbs by 10 mm a
    fix to 150 mm, above the 140 mm threshold, so Wenling triggers (RMB 3 m)."""
    from yingji.hydromet.services import import_stations, ingest

    import_stations(by=None, rows=[{"code": "W1", "name": "温岭测试站", "lon": "121.38", "lat": "28.37",
                                    "region_code": "331081"}])
    start = dt.datetime(2023, 9, 1, tzinfo=dt.UTC)
    readings = [rain("W1", start + dt.timedelta(hours=h), 10, interval=60) for h in range(1, 16)]
    assert ingest(by=None, readings=readings, source="test").accepted == 15
    services.evaluate_rain_stations({"W1"}, start=start, end=start + dt.timedelta(hours=15))

    text = _text(client_as(taizhou_officer).get(f"/policies/{taizhou['policy'].pk}/"))
    assert "W1</span> 最大 150.0 mm" in text and "已达阈值" in text
    assert text.count('class="threshold"') == 2  # one chart per county
    assert "3,000,000.00 元" in text


def test_the_backtest_page_runs_the_trigger_over_the_stored_tracks(client_as, taizhou, taizhou_officer):
    """The stored 2023 file: NEAR triggers at force 13 (RMB 20 m), FAR does not (see
    test_backtest). One season: the annual average is 20 m, against the 16 m typhoon
    premium a burning cost of 20/16 = 125 %."""
    r = client_as(taizhou_officer).get(f"/policies/{taizhou['policy'].pk}/backtest/")
    text = _text(r)
    assert r.status_code == 200
    assert '<strong id="trigger-count">1</strong>' in text
    assert "NEAR" in text and ">FAR<" not in text
    assert text.count("20,000,000 元") == 2  # total and annual average
    assert "125%" in text
    data = json.loads(re.search(r'id="insurance-map-data"[^>]*>(.*?)</script>', text, re.DOTALL).group(1))
    assert [t["name"] for t in data["tracks"]] == ["NEAR"] and data["circles"][0]["radius_m"] == 85000.0


def test_the_backtest_page_is_404_outside_the_scope(client_as, taizhou, hangzhou_officer):
    assert client_as(hangzhou_officer).get(f"/policies/{taizhou['policy'].pk}/backtest/").status_code == 404


def test_one_fix_gives_no_projection_and_the_panel_says_so(api_as, client_as, taizhou, taizhou_officer):
    api = api_as(taizhou_officer)
    storm = api.post("/api/typhoons", {"code": "ONE-FIX"}).json()
    _post_live(api, storm["id"], timezone.now() - dt.timedelta(hours=2), 80, 33)
    text = _text(client_as(taizhou_officer).get(f"/policies/{taizhou['policy'].pk}/live/"))
    assert re.search(r'class="live-distance">80\.0 km<', text)
    assert "已进入巨灾框（边缘以内 5.0 km）" in text  # 85 - 80
    assert "定位不足两个，无法外推" in text


@pytest.mark.parametrize(("minutes", "text"),
                         [(0, "0 小时 00 分"), (367, "6 小时 07 分"), (3 * 1440 + 125, "3 天 2 小时")])
def test_durations_read_as_days_hours_and_minutes(minutes, text):
    from yingji.insurance.views import duration_text

    assert duration_text(dt.timedelta(minutes=minutes)) == text
