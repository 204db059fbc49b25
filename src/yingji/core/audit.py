"""The hash-chained audit log.

Every service that changes data calls `record()` inside its transaction. Each record
stores who, when, what, before and after, and `hash = sha256(prev_hash + body)`;
`verify()` recomputes the chain and reports the first record that does not match, so
a row changed directly in the database shows.

A hash chain alone does not stop someone with write access to the database: they can
rewrite a record and re-hash every record after it, delete the last records and roll
the head back, or delete everything. So each record also carries `mac = HMAC(key,
hash)` with a key that is not in the database (settings.YINGJI_AUDIT_KEY): re-hashing
needs the key. And a scheduler tick writes signed checkpoints of the head (seq, hash)
to a file out of the database's reach (`audit_checkpoints`); `verify()` checks that
every checkpointed record is still there and unchanged, so a truncation below the
last checkpoint shows. Records written before migration 0004 were only hash-chained:
their MACs were added by that migration and vouch for them as they were then.

What gets one record, and what one record per batch (the rule every app follows):
- A person's act (an officer issuing, editing, cancelling; someone acknowledging
  by link or app) gets ONE record per change, with before and after.
- Machine events in bulk (a worker handing 200 messages to a gateway, a gateway's
  receipts, a call-up's timers, a batch of observations in hydromet) get ONE record
  per batch, `record_batch()`, listing the ids of the rows by what happened to them.
  The rows themselves (messages, delivery attempts, observations) are the detailed
  history; the batch record makes them tamper-evident as a set. A record per row
  would put a 150,000-person call-up's 300,000 events through the single chain head
  (every writer locks it until it commits), serialising every worker, and would make
  `audit verify` walk them all.
"""

import datetime as dt
import functools
import hashlib
import hmac
import itertools
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from .models import AuditHead, AuditRecord


def snapshot(obj: models.Model) -> dict:
    """The audited state of a row: its concrete fields (foreign keys by id) and its
    many-to-many fields (as sorted lists of ids), JSON-normalised."""
    data = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    if obj.pk is not None:
        for m2m in obj._meta.many_to_many:
            data[m2m.name] = sorted(str(x) for x in getattr(obj, m2m.name).values_list("pk", flat=True))
    return _normalise(data)


def _normalise(value):
    # A JSON round trip makes what we hash identical to what the database gives back.
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _body(rec: AuditRecord) -> str:
    at = rec.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return json.dumps(
        [rec.seq, at, rec.actor_name, rec.action, rec.object_type, str(rec.object_id),
         rec.region_code, rec.before, rec.after],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )


def _hash(prev_hash: str, rec: AuditRecord) -> str:
    return hashlib.sha256((prev_hash + _body(rec)).encode()).hexdigest()


def audit_key() -> bytes:
    """settings.YINGJI_AUDIT_KEY; the demo, without one, derives it from SECRET_KEY
    (core/checks.py warns: whoever reads the settings file then holds both)."""
    return _derived_key(settings.YINGJI_AUDIT_KEY or f"yingji-audit:{settings.SECRET_KEY}")


@functools.lru_cache(maxsize=4)
def _derived_key(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


def sign(text: str) -> str:
    """HMAC-SHA256 of `text` with the audit key (not stored in the database)."""
    return hmac.digest(audit_key(), text.encode(), "sha256").hex()


def signed(text: str, mac: str) -> bool:
    return isinstance(mac, str) and hmac.compare_digest(sign(text), mac)


def record(*, actor, action: str, obj: models.Model | None = None, object_type: str = "",
           object_id="", region_code: str = "", before: dict | None = None,
           after: dict | None = None) -> AuditRecord:
    """Append one record to the chain. `actor` is a User, or None for the system."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    # Inside the caller's transaction (the rule) no savepoint of our own: if the
    # append fails, the caller's change must fail with it anyway.
    with transaction.atomic(savepoint=False):
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        rec = AuditRecord(
            seq=head.last_seq + 1,
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_name=getattr(actor, "username", "") or "system",
            action=action, object_type=object_type, object_id=str(object_id),
            region_code=region_code or "",
            before=_normalise(before) if before is not None else None,
            after=_normalise(after) if after is not None else None,
            prev_hash=head.last_hash,
        )
        rec.hash = _hash(head.last_hash, rec)
        rec.mac = sign(rec.hash)  # computed here: the same INSERT, no extra round trip
        rec.save()
        head.last_seq, head.last_hash = rec.seq, rec.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return rec


def record_batch(*, actor, action: str, object_type: str, ids: dict[str, list], region_code: str = "",
                 extra: dict | None = None) -> AuditRecord:
    """One record for a batch of machine events on rows of `object_type`: `ids` maps
    what happened (e.g. "sent", "retry") to the ids it happened to. Write it last in
    the batch's transaction: the chain head stays locked until the commit."""
    ids = {k: sorted(v) for k, v in ids.items() if v}
    every = sorted(i for v in ids.values() for i in v)
    object_id = f"{every[0]}..{every[-1]}" if every else ""
    return record(actor=actor, action=action, object_type=object_type, object_id=object_id[:60],
                  region_code=region_code, after={"count": len(every), "ids": ids, **(extra or {})})


def batch_ids(rec: AuditRecord) -> dict[str, list]:
    """The ids a batch record lists, by what happened to them ({} for a single record)."""
    ids = (rec.after or {}).get("ids") if isinstance(rec.after, dict) else None
    return ids if isinstance(ids, dict) else {}


@dataclass
class Verification:
    checked: int
    broken_seq: int | None = None
    reason: str = ""
    checkpoints: int = 0  # checkpoints read from the file and compared

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify(batch: int = 2000) -> Verification:
    """Walk the chain in order; stop at the first record whose link, hash or MAC is
    wrong, that a checkpoint remembers differently, or that cannot be read. Then every
    checkpoint beyond the end of the chain means records were removed."""
    from . import audit_checkpoints

    try:
        expected = audit_checkpoints.expected_hashes()
    except audit_checkpoints.BadCheckpoint as exc:
        return Verification(0, 0, str(exc))
    result = _walk(batch, expected)
    result.checkpoints = len(expected)
    if not result.ok:
        return result
    beyond = [seq for seq in expected if seq > result.checked]
    if beyond:
        return Verification(result.checked, result.checked + 1,
                            f"records {result.checked + 1}..{max(beyond)} are missing: a checkpoint "
                            f"recorded seq {max(beyond)} (the chain was cut)", len(expected))
    head = AuditHead.objects.filter(pk=1).first()
    if head and head.last_seq != result.checked:
        return Verification(result.checked, result.checked + 1,
                            f"chain ends at {result.checked} but head says {head.last_seq}", len(expected))
    return result


def _walk(batch: int, expected: dict[int, str]) -> Verification:
    prev_hash, expected_seq, checked = "0" * 64, 1, 0
    for rec in _each_record(batch):
        try:
            problem = _check(rec, expected_seq, prev_hash, expected)
        except Exception as exc:  # noqa: BLE001  e.g. a timestamp or a before/after that is not what we wrote
            problem = f"record id {rec.pk} is malformed ({type(exc).__name__}: {exc})"
        if problem:
            return Verification(checked, rec.seq if isinstance(rec.seq, int) else expected_seq, problem)
        prev_hash, expected_seq, checked = rec.hash, expected_seq + 1, checked + 1
    return Verification(checked)


def _each_record(batch: int):
    """The records in seq order, `batch` per query. A row the database driver cannot
    load (PostgreSQL's 'infinity' as a time, say) fails its whole batch: then the
    rows of that batch are loaded one by one, and the bad one comes as an
    `_Unreadable`, so that verify can name it."""
    ids = AuditRecord.objects.order_by("seq").values_list("pk", flat=True).iterator(chunk_size=batch)
    while chunk := list(itertools.islice(ids, batch)):
        try:
            rows = AuditRecord.objects.in_bulk(chunk)
        except Exception:  # noqa: BLE001 (any load error: find the row below)
            rows = {pk: _load_one(pk) for pk in chunk}
        yield from (rows[pk] for pk in chunk if pk in rows)


@dataclass
class _Unreadable:
    pk: int
    error: Exception
    seq = None


def _load_one(pk: int):
    try:
        return AuditRecord.objects.get(pk=pk)
    except Exception as exc:  # noqa: BLE001 (named in the report)
        return _Unreadable(pk, exc)


def _check(rec: AuditRecord, expected_seq: int, prev_hash: str, expected: dict[int, str]) -> str:
    """What is wrong with this record, or ""."""
    if isinstance(rec, _Unreadable):
        return f"record id {rec.pk} is malformed ({type(rec.error).__name__}: {rec.error})"
    if not isinstance(rec.seq, int):
        return f"record id {rec.pk} is malformed (seq {rec.seq!r})"
    if rec.seq != expected_seq:
        return f"missing record(s) before seq {rec.seq}"
    if rec.prev_hash != prev_hash:
        return "prev_hash does not match the previous record"
    if _hash(prev_hash, rec) != rec.hash:
        return "content does not match its hash"
    if not signed(rec.hash, rec.mac):
        return ("HMAC does not match: the record was re-hashed without the audit key "
                "(or YINGJI_AUDIT_KEY is not the key it was written with)")
    if rec.seq in expected and expected[rec.seq] != rec.hash:
        return "differs from the checkpoint written out of the database"
    return ""
