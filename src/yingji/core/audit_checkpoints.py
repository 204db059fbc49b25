"""Checkpoints of the audit chain, kept out of the database's reach.

Someone who can write to the database can delete the newest audit records and roll
the head back, or delete them all, and the chain that is left still verifies. So a
scheduler tick appends the head's (seq, hash, time) to a file under
settings.YINGJI_AUDIT_CHECKPOINT_DIR, one JSON line each, signed with the audit key
(`audit.sign`). `audit.verify()` then requires every checkpointed record to be still
there with the same hash. What this cannot see: records removed after the last
checkpoint (at most one checkpoint interval of them). Keep the directory where the
database's administrators cannot write (another mount or machine, append-only storage).
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from . import audit
from .models import AuditHead

FILE_NAME = "checkpoints.jsonl"


class BadCheckpoint(Exception):
    """A line of the checkpoint file that is unreadable or not signed with the audit key."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str  # ISO 8601, UTC

    def signed_text(self) -> str:
        return f"{self.seq}:{self.hash}:{self.at}"

    def line(self) -> str:
        """The checkpoint as one signed JSON line (without the newline)."""
        return json.dumps({"seq": self.seq, "hash": self.hash, "at": self.at,
                           "mac": audit.sign(self.signed_text())}, separators=(",", ":"))


def path() -> Path:
    return Path(settings.YINGJI_AUDIT_CHECKPOINT_DIR) / FILE_NAME


def write_checkpoint() -> Checkpoint | None:
    """Append the chain head as a checkpoint, unless the last one already has it (the
    tick may run in several processes; a duplicate line would be harmless anyway)."""
    head = AuditHead.objects.filter(pk=1).first()
    if head is None or head.last_seq == 0:
        return None
    last = last_checkpoint()
    if last is not None and last.seq == head.last_seq:
        return None
    point = Checkpoint(head.last_seq, head.last_hash, timezone.now().isoformat())
    line = point.line() + "\n"
    path().parent.mkdir(parents=True, exist_ok=True)
    # One write() of a short line with O_APPEND: concurrent writers never interleave.
    fd = os.open(path(), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return point


def read_checkpoints() -> list[Checkpoint]:
    """Every checkpoint in the file, checked against its signature (none if no file)."""
    try:
        text = path().read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [_parse(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]


def last_checkpoint() -> Checkpoint | None:
    points = read_checkpoints()
    return points[-1] if points else None


def expected_hashes() -> dict[int, str]:
    """seq → hash that the chain must still hold, from every checkpoint."""
    return {point.seq: point.hash for point in read_checkpoints()}


def _parse(number: int, line: str) -> Checkpoint:
    where = f"{path()} line {number}"
    try:
        data = json.loads(line)
        point = Checkpoint(int(data["seq"]), str(data["hash"]), str(data["at"]))
        mac = data["mac"]
    except (ValueError, TypeError, KeyError) as exc:
        raise BadCheckpoint(f"checkpoint {where} is unreadable ({type(exc).__name__})") from exc
    if not audit.signed(point.signed_text(), mac):
        raise BadCheckpoint(f"checkpoint {where} is not signed with YINGJI_AUDIT_KEY")
    return point
