"""The Taizhou demo: realistic, scoped like production, audited, and seeded only once.

The demo is seeded once for this module, inside a transaction rolled back at the end,
so no other test module ever sees it. Expected values come from the brief (county
seats, the five logins, ~500 enterprises, ~2 % red) and from the official region
table, never from a first run of the seed.
"""

import csv
import datetime as dt
import math
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

import yingji.core.services
from yingji.core import audit
from yingji.core.models import AuditHead, AuditRecord, Duty, Organization, Person, Region
from yingji.demo import generate
from yingji.demo.seed import ACCOUNTS, PASSWORD, USERNAMES, demo_counts, is_seeded, seed_demo
from yingji.enterprises import uscc
from yingji.enterprises.choices import Industry, LicenceStatus
from yingji.enterprises.models import Enterprise, Licence, Tag

WENLING, LINHAI = "331081", "331082"
SHOWCASE_NAME = "温岭市大溪鸿达泵业有限公司"
# County seats as given in the brief (°E, °N).
COUNTY_SEATS = {
    "331081": (121.38, 28.37), "331082": (121.14, 28.86), "331002": (121.44, 28.68),
    "331003": (121.26, 28.65), "331004": (121.37, 28.58), "331083": (121.23, 28.14),
    "331022": (121.38, 29.10), "331023": (121.03, 29.14), "331024": (120.73, 28.85),
}
INDUSTRIAL = ["331081", "331082", "331003", "331004", "331083", "331002"]
MOUNTAIN = ["331022", "331023", "331024"]
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # logins, not security, are tested


def taizhou_township_codes() -> set[str]:
    """Read straight from the shipped CSV, independently of the seed's own reader."""
    path = Path(yingji.core.services.REGION_DATA) / "townships_33.csv"
    with open(path, encoding="utf-8", newline="") as f:
        return {row["code"] for row in csv.DictReader(f) if row["cityCode"] == "3310"}


def distance_km(lon1, lat1, lon2, lat2) -> float:
    """Haversine great-circle distance on a sphere of radius 6371 km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        with transaction.atomic():
            report = seed_demo()
            yield report
            transaction.set_rollback(True)


@pytest.fixture
def seeded(demo, db):
    return demo


def token_client(username: str) -> Client:
    response = Client().post("/api/auth/token", {"username": username, "password": PASSWORD},
                             content_type="application/json")
    assert response.status_code == 200, response.content
    return Client(headers={"Authorization": f"Bearer {response.json()['token']}"})


def list_all(client: Client) -> list[dict]:
    items, page = [], 1
    while True:
        body = client.get("/api/enterprises", {"page": page, "page_size": 500}).json()
        items += body["items"]
        if len(items) >= body["count"]:
            return items
        page += 1


# Logins and scope ------------------------------------------------------------------------

def test_the_five_demo_logins_get_api_tokens(seeded):
    assert set(USERNAMES) == {"demo-province", "demo-taizhou", "demo-wenling", "demo-linhai",
                              "demo-enterprise"}
    for username in USERNAMES:
        token_client(username)


def test_demo_accounts_have_the_documented_regions_and_roles(seeded):
    expected = {"demo-province": ("33", "admin"), "demo-taizhou": ("3310", "officer"),
                "demo-wenling": (WENLING, "officer"), "demo-linhai": (LINHAI, "officer")}
    for username, (region, role) in expected.items():
        person = Person.objects.get(user__username=username)
        assert (person.region_id, person.role) == (region, role)


def test_wenling_officer_lists_only_wenling_enterprises(seeded):
    items = list_all(token_client("demo-wenling"))
    assert items and all(item["region"].startswith(WENLING) for item in items)
    assert len(items) == Enterprise.objects.filter(region__code__startswith=WENLING).count()


def test_wenling_officer_cannot_see_or_change_linhai_enterprises(seeded):
    client = token_client("demo-wenling")
    linhai = Enterprise.objects.filter(region__code__startswith=LINHAI).first()
    assert client.get(f"/api/enterprises/{linhai.id}").status_code == 404
    patch = client.patch(f"/api/enterprises/{linhai.id}", {"name": "改名"}, content_type="application/json")
    assert patch.status_code in (403, 404)
    create = client.post("/api/enterprises", {"name": "越界企业有限公司", "uscc": uscc.make("91", LINHAI, "MA0000001"),
                                              "region": linhai.region_id}, content_type="application/json")
    assert create.status_code in (403, 404)
    linhai.refresh_from_db()
    assert linhai.name != "改名"


def test_enterprise_account_sees_exactly_its_own_enterprise(seeded):
    items = list_all(token_client("demo-enterprise"))
    assert [item["name"] for item in items] == [SHOWCASE_NAME]
    person = Person.objects.get(user__username="demo-enterprise")
    assert person.role == "enterprise"
    assert person.organization == Enterprise.objects.get(name=SHOWCASE_NAME).organization
    assert person.duties.filter(kind_id="enterprise_safety_officer").exists()


def test_province_account_sees_every_enterprise(seeded):
    assert len(list_all(token_client("demo-province"))) == Enterprise.objects.count()


# Realism -----------------------------------------------------------------------------------

def test_about_five_hundred_enterprises(seeded):
    assert Enterprise.objects.count() == 500


def test_every_uscc_is_valid_and_names_the_enterprise_county(seeded):
    for code, region in Enterprise.objects.values_list("uscc", "region_id"):
        assert uscc.validate(code) == code
        assert code[:2] == "91" and code[2:8] == region[:6]
        assert generate.org_code_check(code[8:16]) == code[16]


def test_enterprises_lie_in_real_taizhou_townships_or_villages_under_them(seeded):
    townships = taizhou_township_codes()
    for code in Enterprise.objects.values_list("region_id", flat=True):
        assert code in townships or (len(code) == 12 and code[:9] in townships)


def test_enterprise_names_are_unique_and_carry_their_county(seeded):
    names = list(Enterprise.objects.values_list("name", "region__parent__name"))
    assert len({n for n, _ in names}) == len(names)
    for name, county in names:
        assert name.startswith(county) or name.startswith("浙江")


def test_industrial_counties_hold_more_enterprises_than_mountain_counties(seeded):
    per_county = Counter(code[:6] for code in Enterprise.objects.values_list("region_id", flat=True))
    assert set(per_county) == set(COUNTY_SEATS)
    assert min(per_county[c] for c in INDUSTRIAL) > max(per_county[c] for c in MOUNTAIN)


def test_enterprises_lie_within_a_few_km_of_their_county_seat(seeded):
    for lon, lat, region in Enterprise.objects.values_list("longitude", "latitude", "region_id"):
        assert distance_km(lon, lat, *COUNTY_SEATS[region[:6]]) < 12.5


def test_risk_grades_are_mostly_blue_and_yellow_with_about_two_percent_red(seeded):
    grades = Counter(Enterprise.objects.values_list("risk_grade", flat=True))
    total = sum(grades.values())
    assert (grades["blue"] + grades["yellow"]) / total > 0.75
    assert 0 < grades["orange"] < grades["yellow"]
    assert 0.005 <= grades["red"] / total <= 0.05


def test_campaign_tags_are_present(seeded):
    wanted = {"锂电池", "一厂多租", "危化品使用", "粉尘涉爆", "有限空间", "涉氨制冷", "小微园区"}
    used = set(Tag.objects.filter(enterprises__isnull=False).values_list("name", flat=True))
    assert wanted <= used


def test_licensed_industries_have_expired_expiring_and_valid_licences(seeded):
    licences = Licence.objects.select_related("enterprise")
    industries = {lic.enterprise.industry for lic in licences}
    assert {Industry.CHEMICAL, Industry.FIREWORKS} <= industries <= {Industry.CHEMICAL, Industry.FIREWORKS,
                                                                     Industry.MINING}
    statuses = {lic.status() for lic in licences}
    assert statuses == {LicenceStatus.EXPIRED, LicenceStatus.EXPIRING, LicenceStatus.VALID}


def test_every_county_has_a_bureau_under_the_city_bureau(seeded):
    city = Organization.objects.get(name="台州市应急管理局", region_id="3310")
    bureaus = Organization.objects.filter(parent=city, kind="bureau")
    assert set(bureaus.values_list("region_id", flat=True)) == set(COUNTY_SEATS)


def test_grid_workers_escalate_through_village_and_township_to_the_county_chief(seeded):
    workers = Duty.objects.filter(kind_id="grid_worker").select_related("person", "region")
    assert workers.exists()
    for duty in workers:
        village_chief = duty.person.superior
        township_chief = village_chief.superior
        county_chief = township_chief.superior
        village = duty.region.parent
        assert len(duty.region_id) == 15 and len(village.code) == 12
        assert village_chief.duties.filter(kind_id="village_flood_chief", region=village).exists()
        assert township_chief.duties.filter(kind_id="township_flood_chief", region_id=village.parent_id).exists()
        assert county_chief.duties.filter(kind_id="county_flood_chief", region_id=village.code[:6]).exists()


# Audit and idempotency ------------------------------------------------------------------

def test_the_audit_chain_verifies_after_seeding(seeded):
    result = audit.verify()
    assert result.ok, result.reason
    assert result.checked == AuditRecord.objects.count()
    assert AuditRecord.objects.filter(object_type="enterprises.enterprise", action="create").count() == 500


def test_seeding_again_changes_nothing(seeded):
    before = (demo_counts(), AuditRecord.objects.count(), AuditHead.objects.get().last_hash,
              Region.objects.count())
    assert is_seeded()
    assert seed_demo() is None
    call_command("demo", "--no-serve", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    after = (demo_counts(), AuditRecord.objects.count(), AuditHead.objects.get().last_hash,
             Region.objects.count())
    assert after == before


def test_the_seed_report_counts_what_was_written(seeded):
    assert seeded.counts == demo_counts()


# Pure parts ----------------------------------------------------------------------------------

def test_the_enterprise_plan_is_deterministic():
    today = dt.date(2025, 7, 1)
    first, second = generate.plan_enterprises(today), generate.plan_enterprises(today)
    assert [p.__dict__ for p in first] == [p.__dict__ for p in second]
    assert first[0].name == SHOWCASE_NAME


def test_licence_dates_follow_the_seeding_day():
    """Expiry is relative to the demo's day: moving the day moves every date with it."""
    a, b = dt.date(2025, 7, 1), dt.date(2026, 1, 15)
    shift = b - a
    licences_a = [lic for p in generate.plan_enterprises(a) for lic in p.licences]
    licences_b = [lic for p in generate.plan_enterprises(b) for lic in p.licences]
    assert [(x.valid_from + shift, x.valid_to + shift) for x in licences_a] == \
           [(y.valid_from, y.valid_to) for y in licences_b]


@pytest.mark.parametrize("body, check", [
    ("D2143569", "X"),   # the worked example of GB 11714-1997
    ("12345678", "8"),   # 3+14+27+40+25+48+28+16 = 201; 201 mod 11 = 3; 11-3 = 8
    ("00000000", "0"),   # sum 0 → 11 → written 0
])
def test_organization_code_check_character(body, check):
    assert generate.org_code_check(body) == check


def test_township_short_names():
    assert generate.township_short("大溪镇") == "大溪"
    assert generate.township_short("太平街道") == "太平"
    assert generate.township_short("屿头乡") == "屿头"
    assert generate.township_short("东部新区") == ""


def test_accounts_listed_for_the_demo_banner_match_the_logins():
    assert [a.username for a in ACCOUNTS] == list(USERNAMES)


# Serving ----------------------------------------------------------------------------------

def test_demo_serves_with_runserver_and_a_worker_thread_that_stops_after(seeded, monkeypatch, capsys, settings):
    """Ctrl-C in the server ends the demo cleanly: the worker thread is stopped. With no
    SMS gateway configured, messages go to the console while it serves, and only then."""
    from yingji.core import scheduler
    from yingji.demo.management.commands import demo as demo_command
    from yingji.messaging.transports import console_gateway

    settings.YINGJI_SMS_URL, settings.YINGJI_FAKE_GATEWAY = "", None
    real_call_command, served, workers, consoles = demo_command.call_command, [], [], []

    def fake_call_command(name, *args, **kw):
        if name != "runserver":
            return real_call_command(name, *args, **kw)
        served.append((args, kw))
        consoles.append(console_gateway())
        raise KeyboardInterrupt

    def start_worker_thread(**kw):
        # A worker whose rounds do nothing: ticks other modules register are not under test.
        workers.append(scheduler.WorkerThread(poll_seconds=0.01, round_fn=lambda: None).start())
        return workers[-1]

    monkeypatch.setattr(demo_command, "call_command", fake_call_command)
    monkeypatch.setattr(scheduler, "start_worker_thread", start_worker_thread)
    call_command("demo", "--port", "8123")
    assert served == [(("127.0.0.1:8123",), {"use_reloader": False})]
    assert len(workers) == 1 and not workers[0].thread.is_alive()
    assert consoles == [True] and not console_gateway()
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8123/" in out
    assert all(username in out for username in USERNAMES)
