"""The household steps in the audit chain: each step's history row says who recorded
what and when; the scheduler tick seals new rows into the chain, one record per batch
with their ids and a digest of their content, so a row changed afterwards shows."""

import pytest

from yingji.core import audit
from yingji.core.models import AuditRecord
from yingji.core.scheduler import registry
from yingji.response.models import HouseholdTransition
from yingji.response.services.evacuation import household_act, seal_steps, steps_digest

from .evacuation_fixtures import W1, W2, household, villages  # noqa: F401

pytestmark = pytest.mark.django_db


def test_new_steps_are_sealed_once_in_one_record_with_their_digest(api_as, wenling_officer, villages):
    a, b = household(W1), household(W2)
    client = api_as(wenling_officer)
    client.post(f"/api/evacuation/households/{a.pk}/actions/move", {})
    client.post(f"/api/evacuation/households/{b.pk}/actions/move", {})
    client.post(f"/api/evacuation/households/{a.pk}/actions/return", {})
    assert not AuditRecord.objects.filter(action="household_steps").exists()
    assert seal_steps() == 3
    record = AuditRecord.objects.get(action="household_steps")
    ids = sorted(HouseholdTransition.objects.values_list("id", flat=True))
    assert audit.batch_ids(record) == {"moved": ids[:2], "returned": ids[2:]}
    assert record.after["recorded_by"] == {"t-wenling": 3}
    assert record.after["digest"] == steps_digest(ids)
    assert record.region_code == "331081001"  # the common region of both villages
    assert seal_steps() == 0 and AuditRecord.objects.filter(action="household_steps").count() == 1
    assert audit.verify().ok


def test_a_step_changed_after_sealing_no_longer_matches_its_digest(villages):
    h = household(W1)
    household_act(by=None, household=h, action="move")
    seal_steps()
    record = AuditRecord.objects.get(action="household_steps")
    ids = [i for v in audit.batch_ids(record).values() for i in v]
    HouseholdTransition.objects.filter(pk__in=ids).update(by_name="someone-else")
    assert steps_digest(ids) != record.after["digest"]


def test_the_seal_is_a_scheduler_tick():
    import yingji.response.ticks  # noqa: F401

    assert "response.seal_household_steps" in registry.ticks
