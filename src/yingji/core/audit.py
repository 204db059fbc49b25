"""The hash-chained audit log.

Every service that changes data calls `record()` inside its transaction. Each record
stores who, when, what, before and after, and `hash = sha256(prev_hash + body)`;
`verify()` recomputes the chain and reports the first record that does not match, so
a row changed directly in the database shows.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

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


def record(*, actor, action: str, obj: models.Model | None = None, object_type: str = "",
           object_id="", region_code: str = "", before: dict | None = None,
           after: dict | None = None) -> AuditRecord:
    """Append one record to the chain. `actor` is a User, or None for the system."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    with transaction.atomic():
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
        rec.save()
        head.last_seq, head.last_hash = rec.seq, rec.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return rec


@dataclass
class Verification:
    checked: int
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify(batch: int = 2000) -> Verification:
    """Walk the chain in order; stop at the first record whose link or hash is wrong."""
    prev_hash, expected_seq, checked = "0" * 64, 1, 0
    for rec in AuditRecord.objects.order_by("seq").iterator(chunk_size=batch):
        if rec.seq != expected_seq:
            return Verification(checked, rec.seq, f"missing record(s) before seq {rec.seq}")
        if rec.prev_hash != prev_hash:
            return Verification(checked, rec.seq, "prev_hash does not match the previous record")
        if _hash(prev_hash, rec) != rec.hash:
            return Verification(checked, rec.seq, "content does not match its hash")
        prev_hash, expected_seq, checked = rec.hash, expected_seq + 1, checked + 1
    head = AuditHead.objects.filter(pk=1).first()
    if head and head.last_seq != checked:
        return Verification(checked, checked + 1, f"chain ends at {checked} but head says {head.last_seq}")
    return Verification(checked)
