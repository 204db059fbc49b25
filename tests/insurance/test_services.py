"""Policies loaded from YAML, tracks imported, storms evaluated into one event and one
claim each, claims moved through their states, and events replayed."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from yingji.core.models import AuditRecord, Organization
from yingji.insurance import services
from yingji.insurance.choices import ClaimStatus
from yingji.insurance.models import (
    Claim,
    Policy,
    PremiumShare,
    Storm,
    TrackPosition,
    TriggerEvent,
)
from yingji.insurance.policy_yaml import load_policy_file, parse_policy

from ..factories import OrganizationFactory, PersonFactory
from .conftest import POLICY_FILE
from .test_backtest import TWO_STORMS


@pytest.fixture
def policy(regions):
    row, _ = services.policy_load(by=None, spec=load_policy_file(POLICY_FILE))
    return row


@pytest.fixture
def near_storm(regions, tmp_path):
    path = tmp_path / "CH2023BST.txt"
    path.write_text(TWO_STORMS)
    services.import_tracks(by=None, paths=[path])
    return Storm.objects.get(name="NEAR")


def test_load_policy_creates_the_policy_and_everything_under_it(policy):
    assert policy.region_id == "3310" and policy.insured.name == "台州市人民政府"
    assert policy.source_yaml == POLICY_FILE.read_text(encoding="utf-8")
    assert [(lot.name, lot.insurer.kind, lot.share) for lot in policy.lots.order_by("name")] == [
        ("标段一", "insurer", Decimal("0.6")), ("标段二", "insurer", Decimal("0.4"))]
    trigger = policy.typhoon_triggers.get()
    assert (trigger.radius_km, trigger.min_force, trigger.payouts["16"]) == (85.0, 12, 110_000_000)
    stations = policy.rain_triggers.get().stations.values_list("county_id", "station_code")
    assert sorted(stations)[:3] == [("331081", "58665"), ("331081", "W1"), ("331081", "W2")]
    shares = {s.county_id: (s.typhoon_share, s.rain_share) for s in policy.premium_shares.all()}
    assert shares == {"331081": (Decimal("0.6"), Decimal("0.5")), "331082": (Decimal("0.4"), Decimal("0.5"))}


def test_loading_again_updates_in_place_and_audits_nothing_new(policy):
    audit_count = AuditRecord.objects.count()
    again, created = services.policy_load(by=None, spec=load_policy_file(POLICY_FILE))
    assert not created and again.pk == policy.pk
    assert AuditRecord.objects.count() == audit_count
    assert Organization.objects.filter(kind="insurer").count() == 2


def test_load_policy_command_updates_a_changed_file(policy, tmp_path, capsys):
    changed = tmp_path / "p.yaml"
    changed.write_text(POLICY_FILE.read_text(encoding="utf-8").replace("radius_km: 85", "radius_km: 100"),
                       encoding="utf-8")
    call_command("insurance", "load-policy", str(changed))
    assert "updated policy" in capsys.readouterr().out
    assert Policy.objects.get().typhoon_triggers.get().radius_km == 100.0


def test_a_policy_outside_the_officers_city_is_refused(regions):
    hangzhou = PersonFactory(region_id="3301", role="officer")
    with pytest.raises(Exception, match="jurisdiction"):
        services.policy_load(by=hangzhou.user, spec=load_policy_file(POLICY_FILE))
    assert not Policy.objects.exists()


def test_importing_tracks_twice_changes_nothing(near_storm, tmp_path):
    path = tmp_path / "CH2023BST.txt"
    path.write_text(TWO_STORMS)
    report = services.import_tracks(by=None, paths=[path])
    assert (report["created"], report["updated"], report["unchanged"], report["positions"]) == (0, 0, 2, 0)
    assert TrackPosition.objects.count() == 5 and near_storm.cn_id == "2301"


def test_importing_a_track_of_the_policy_period_evaluates_it(policy, near_storm):
    assert TriggerEvent.objects.filter(storm=near_storm).count() == 1


def test_a_storm_entering_the_circle_triggers_one_event_with_evidence_and_allocation(policy, near_storm):
    """NEAR enters at 2023-08-01 06 UTC, 5.8 km from the centre at 38 m/s (force 13):
    RMB 20 m, shared 0.6/0.4 by the typhoon premium shares: 12 m Wenling, 8 m Linhai."""
    event = TriggerEvent.objects.get()  # importing the track evaluated it
    assert (event.force, event.payout) == (13, Decimal("20000000.00"))
    assert event.allocation == {"331081": "12000000.00", "331082": "8000000.00"}
    [inside] = event.evidence["positions_inside"]
    assert (inside["time"], inside["lat"], inside["lon"], inside["force"]) == (
        "2023-08-01T06:00:00+00:00", 28.6, 121.1, 13)
    assert inside["distance_km"] == pytest.approx(5.79, abs=0.02)
    assert event.claim.status == ClaimStatus.NOTIFIED and event.claim.amount == event.payout
    assert services.evaluate_storm_live(near_storm) == []  # the same data again: nothing new
    assert TriggerEvent.objects.count() == 1 and Claim.objects.count() == 1


def test_a_storm_outside_the_policy_period_does_not_trigger(near_storm):
    text = (POLICY_FILE.read_text(encoding="utf-8")
            .replace("2023-01-01", "2024-01-01").replace("2023-12-31", "2024-12-31"))
    services.policy_load(by=None, spec=parse_policy(text))
    assert services.evaluate_storm_live(near_storm) == []
    assert not TriggerEvent.objects.exists()


def test_replay_recomputes_the_same_result(policy, near_storm, capsys):
    event = TriggerEvent.objects.get()  # importing the track evaluated it
    assert services.event_replay(event_id=event.pk).agrees
    call_command("insurance", "replay", str(event.pk))
    out = capsys.readouterr().out
    assert "the replay agrees" in out
    assert json.loads(out[: out.rindex("}") + 1])["replayed"]["payout"] == "20000000.00"


def test_replay_shows_a_difference_when_the_stored_result_was_tampered_with(policy, near_storm):
    event = TriggerEvent.objects.get()  # importing the track evaluated it
    TriggerEvent.objects.filter(pk=event.pk).update(payout=Decimal("1.00"))
    replay = services.event_replay(event_id=event.pk)
    assert not replay.agrees and replay.differences["payout"] == ("1.00", "20000000.00")


def test_claim_moves_notified_verified_paid_with_times_and_people(policy, near_storm, taizhou_officer):
    event = TriggerEvent.objects.get()  # importing the track evaluated it
    insurer = policy.lots.get(name="标段一").insurer
    insurer_staff = PersonFactory(region_id="3310", role="officer", organization=insurer)
    today = timezone.localdate()
    claim = services.claim_verify(by=taizhou_officer.user, claim=event.claim, verified_on=today)
    with pytest.raises(Exception, match="verified claim|notified claim"):
        services.claim_verify(by=taizhou_officer.user, claim=claim, verified_on=today)
    claim = services.claim_pay(by=insurer_staff.user, claim=claim, paid_on=today, voucher="ZF-2026-001")
    assert claim.status == ClaimStatus.PAID and claim.paid_by == insurer_staff.user
    assert (claim.paid_on, claim.voucher, claim.verified_on) == (today, "ZF-2026-001", today)
    assert claim.verified_by == taizhou_officer.user
    assert claim.notified_at <= claim.verified_at <= claim.paid_at


def test_a_county_officer_or_an_unrelated_insurer_cannot_process_claims(policy, near_storm, wenling_officer):
    event = TriggerEvent.objects.get()  # importing the track evaluated it
    other = PersonFactory(region_id="3310", role="officer",
                          organization=OrganizationFactory(kind="insurer", region_id="3310"))
    for person in (wenling_officer, other):
        with pytest.raises(Exception, match="process claims"):
            services.claim_verify(by=person.user, claim=event.claim, verified_on=timezone.localdate())


def test_payout_allocation_adds_up_to_the_fen():
    parts = services.allocate(Decimal("10000000.00"), {"a": "0.33333333", "b": "0.33333333", "c": "0.33333334"})
    assert sum(Decimal(v) for v in parts.values()) == Decimal("10000000.00")
    assert PremiumShare  # the model the shares come from


SPLIT = """\
66666 0000    2 0008 0000 0 6 Irma                               20240101
1949071500 1 200 1300  998      15
1949071506 1 205 1295  998      15
66666 0000    1 0008 0000 0 6 Irma(-)1                           20240101
1949071800 1 250 1250  995      18
"""


def test_track_segments_sharing_a_sequence_number_get_codes_of_their_own(regions, tmp_path):
    """The archive splits some tracks under one sequence number (1949 Irma, "Irma(-)1"):
    the second gets " #2", so a second import finds both and changes nothing."""
    path = tmp_path / "CH1949BST.txt"
    path.write_text(SPLIT)
    first = services.import_tracks(by=None, paths=[path])
    second = services.import_tracks(by=None, paths=[path])
    assert sorted(Storm.objects.values_list("code", "name")) == [("1949-08", "Irma"), ("1949-08 #2", "Irma(-)1")]
    assert (first["created"], second["unchanged"], second["updated"]) == (2, 2, 0)
