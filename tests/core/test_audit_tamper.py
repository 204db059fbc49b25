"""Tampering by someone who can write to the database but holds neither the audit key
nor the checkpoint directory: cutting the chain, emptying it, re-hashing it with the
project's own hash function, or leaving a record that cannot be read."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from yingji.core import audit, audit_checkpoints
from yingji.core.models import AuditHead, AuditRecord


def _records(n: int) -> list[AuditRecord]:
    return [audit.record(actor=None, action="test", object_type="x", object_id=i, after={"i": i})
            for i in range(n)]


def _cut_after(seq: int) -> None:
    """Delete every record after `seq` and roll the head back, as an intruder would."""
    AuditRecord.objects.filter(seq__gt=seq)._raw_delete(using="default")
    last = AuditRecord.objects.filter(seq=seq).first()
    AuditHead.objects.filter(pk=1).update(last_seq=seq, last_hash=last.hash if last else "0" * 64)


@pytest.mark.django_db
def test_cutting_the_newest_records_below_a_checkpoint_is_reported():
    recs = _records(6)
    assert audit_checkpoints.write_checkpoint().seq == recs[-1].seq
    _cut_after(recs[3].seq)
    result = audit.verify()
    assert not result.ok and result.broken_seq == recs[4].seq
    assert "missing" in result.reason


@pytest.mark.django_db
def test_deleting_every_record_is_reported_at_the_first_one():
    _records(4)
    audit_checkpoints.write_checkpoint()
    _cut_after(0)
    result = audit.verify()
    assert AuditRecord.objects.count() == 0
    assert not result.ok and result.broken_seq == 1


@pytest.mark.django_db
def test_rewriting_one_record_and_rehashing_the_rest_is_reported_at_that_record():
    recs = _records(5)
    target = recs[1]
    AuditRecord.objects.filter(pk=target.pk).update(after={"i": 99})
    prev_hash = target.prev_hash
    for rec in AuditRecord.objects.filter(seq__gte=target.seq).order_by("seq"):
        rec.hash = audit._hash(prev_hash, rec)  # the project's own function, without the key
        AuditRecord.objects.filter(pk=rec.pk).update(prev_hash=prev_hash, hash=rec.hash)
        prev_hash = rec.hash
    AuditHead.objects.filter(pk=1).update(last_hash=prev_hash)
    result = audit.verify()
    assert not result.ok and result.broken_seq == target.seq
    assert "HMAC" in result.reason


@pytest.mark.django_db
def test_a_record_that_differs_from_its_checkpoint_is_reported_even_if_signed(settings):
    """Re-hashing with the key (an insider who has it) still differs from the checkpoint."""
    recs = _records(3)
    audit_checkpoints.write_checkpoint()
    AuditRecord.objects.filter(pk=recs[2].pk).update(after={"i": 7})
    rec = AuditRecord.objects.get(pk=recs[2].pk)
    new_hash = audit._hash(rec.prev_hash, rec)
    AuditRecord.objects.filter(pk=rec.pk).update(hash=new_hash, mac=audit.sign(new_hash))
    AuditHead.objects.filter(pk=1).update(last_hash=new_hash)
    result = audit.verify()
    assert result.broken_seq == recs[2].seq and "checkpoint" in result.reason


@pytest.mark.django_db
def test_a_malformed_record_names_itself_instead_of_crashing_verify():
    recs = _records(3)
    # A timestamp no one could write through the ORM; PostgreSQL's driver refuses to
    # load 'infinity', SQLite hands back text that is no date.
    bad = "infinity" if connection.vendor == "postgresql" else "garbage"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditrecord SET at = %s WHERE id = %s", [bad, recs[1].pk])
    result = audit.verify()
    assert not result.ok and result.broken_seq == recs[1].seq
    assert f"record id {recs[1].pk}" in result.reason


@pytest.mark.django_db
def test_records_carry_an_hmac_that_the_wrong_key_does_not_verify(settings):
    _records(2)
    assert audit.verify().ok
    settings.YINGJI_AUDIT_KEY = "another-key-" * 4
    result = audit.verify()
    assert result.broken_seq == 1 and "YINGJI_AUDIT_KEY" in result.reason


@pytest.mark.django_db
def test_checkpoints_are_signed_lines_written_only_when_the_head_moved():
    _records(2)
    first = audit_checkpoints.write_checkpoint()
    assert audit_checkpoints.write_checkpoint() is None  # nothing new
    _records(1)
    second = audit_checkpoints.write_checkpoint()
    lines = [json.loads(line) for line in audit_checkpoints.path().read_text().splitlines()]
    assert [line["seq"] for line in lines] == [first.seq, second.seq] == [first.seq, first.seq + 1]
    assert lines[1]["hash"] == AuditHead.objects.get(pk=1).last_hash
    assert audit.verify().checkpoints == 2


@pytest.mark.django_db
def test_a_forged_checkpoint_line_is_reported():
    _records(2)
    audit_checkpoints.write_checkpoint()
    line = json.loads(audit_checkpoints.path().read_text())
    line["seq"] = 1  # moved back, so that a cut would pass: the signature no longer fits
    audit_checkpoints.path().write_text(json.dumps(line) + "\n")
    result = audit.verify()
    assert not result.ok and "not signed" in result.reason


@pytest.mark.django_db
def test_the_checkpoint_tick_is_registered_and_the_command_reports_a_cut(capsys):
    from yingji.core import scheduler

    scheduler.autodiscover()
    tick = scheduler.registry.ticks["core.audit_checkpoint"]
    recs = _records(3)
    tick.fn()
    call_command("audit", "verify")
    assert "1 checkpoints matched" in capsys.readouterr().out
    _cut_after(recs[0].seq)
    with pytest.raises(CommandError, match=f"seq {recs[1].seq}"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_the_hmac_costs_no_extra_statement(django_assert_num_queries):
    """Lock and read the head, insert the record, move the head: three statements, as
    before the HMAC (which is computed in Python before the INSERT)."""
    _records(1)
    with django_assert_num_queries(3):
        audit.record_batch(actor=None, action="sent", object_type="messaging.message", ids={"sent": [1, 2]})


@pytest.mark.django_db
def test_the_migration_signs_the_records_written_before_it():
    """Records from before migration 0004 have no MAC; the migration's backfill signs
    them as they stand, and the chain verifies."""
    import importlib

    from django.apps import apps

    _records(3)
    AuditRecord.objects.update(mac="")
    assert not audit.verify().ok
    importlib.import_module("yingji.core.migrations.0004_audit_record_mac").sign_existing(apps, None)
    assert audit.verify().ok
