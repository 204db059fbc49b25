"""The insurance demo: the Taizhou 2023 policy with one typhoon trigger (Lekima's fixes
replayed in 2023, force 16) and one rain trigger (W1, 156 mm), each with its claim;
a second run changes nothing."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from yingji.core.models import AuditRecord
from yingji.hydromet.models import Observation, Station
from yingji.insurance import demo, services
from yingji.insurance.models import Claim, Storm, TrackPosition, TriggerEvent

from ..conftest import require, shared_path

ARCHIVE_2019 = shared_path("data", "typhoon", "cma-besttrack", "CH2019BST.txt")
ARCHIVES = [pytest.param(ARCHIVE_2019, id="shared-archive"), pytest.param(None, id="built-in-record")]


def _load(archive):
    return demo.load_demo_policy(archive=archive and require(archive))


@pytest.mark.parametrize("archive", ARCHIVES)
def test_the_demo_shows_one_typhoon_and_one_rain_trigger_with_claims(regions, archive):
    """Typhoon, by hand (see test_live): Lekima's 2019-08-09 18:00 fix is the first inside
    the circle (47.8 km, 52 m/s: force 16, the highest inside), so RMB 110 m. Rain: the
    72 hourly readings at W1 sum to 24×1 + 24×4 + 24×1.5 = 156 mm, all within one 72-hour
    window, above 140 mm: Wenling (331081) is paid RMB 3 m."""
    report = _load(archive)
    typhoon = TriggerEvent.objects.get(policy=report.policy, kind="typhoon")
    assert "LEKIMA" in typhoon.storm.name and typhoon.force == 16
    assert typhoon.payout == Decimal("110000000.00")
    assert typhoon.occurred_at.isoformat() == "2023-08-09T18:00:00+00:00"
    rain = TriggerEvent.objects.get(policy=report.policy, kind="rain")
    assert (rain.county_id, rain.station_code) == ("331081", "W1")
    assert rain.total_mm == pytest.approx(156.0, abs=1e-9) and rain.payout == Decimal("3000000.00")
    assert Claim.objects.filter(event__in=[typhoon, rain], status="notified").count() == 2
    assert (report.typhoon_events, report.rain_events) == (1, 1)
    assert services.event_replay(event_id=typhoon.pk).agrees and services.event_replay(event_id=rain.pk).agrees


def test_the_real_2019_storm_is_imported_but_does_not_trigger_the_2023_policy(regions):
    _load(None)
    real = Storm.objects.get(code="2019-12 (1909)")
    assert real.name == "LEKIMA" and real.positions.count() == 62
    assert not TriggerEvent.objects.filter(storm=real).exists()


def test_the_demo_stations_are_the_designated_ones(regions):
    _load(None)
    stations = {s.code: s for s in Station.objects.filter(code__in=["58665", "58660", "W1", "W2", "L1", "L2"])}
    assert set(stations) == {"58665", "58660", "W1", "W2", "L1", "L2"}
    assert (stations["58665"].name, stations["58660"].name) == ("洪家", "临海")
    assert stations["W1"].region_id == "331081" and stations["L1"].region_id == "331082"


def test_a_second_run_changes_nothing(regions):
    first = _load(None)
    counts = (TriggerEvent.objects.count(), Claim.objects.count(), TrackPosition.objects.count(),
              Observation.objects.count(), Storm.objects.count(), AuditRecord.objects.count())
    second = _load(None)
    assert second.policy.pk == first.policy.pk and not second.created
    assert (second.positions_added, second.rain_accepted) == (0, 0)
    assert second.storms == {"created": 0, "updated": 0, "unchanged": 1}
    assert (TriggerEvent.objects.count(), Claim.objects.count(), TrackPosition.objects.count(),
            Observation.objects.count(), Storm.objects.count(), AuditRecord.objects.count()) == counts


def test_the_built_in_lekima_record_is_the_archive_s(regions):
    lines = require(ARCHIVE_2019).read_text(encoding="ascii").replace("\r", "").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("66666 1909 "))
    assert demo.LEKIMA_CMA.splitlines() == lines[start:start + 63]
    assert lines[start + 63].startswith("66666 1910 ")  # the record ends where the next begins


def test_the_demo_command_reports_both_triggers(regions, capsys):
    call_command("insurance", "demo")  # the shared archive where it is, else the built-in record
    assert "typhoon 1, rain 1" in capsys.readouterr().out
