"""Each audit checkpoint also leaves by message, once, to the configured address."""

import json

import pytest

from yingji.core import audit, audit_checkpoints
from yingji.messaging.audit_copy import send_latest_checkpoint
from yingji.messaging.models import Message

pytestmark = pytest.mark.django_db


def _record():
    return audit.record(actor=None, action="test", object_type="x", object_id=1)


def test_each_checkpoint_is_sent_once_as_its_signed_line(settings):
    settings.YINGJI_AUDIT_CHECKPOINT_TO = "email:audit@bureau.example"
    _record()
    first = audit_checkpoints.write_checkpoint()
    sent = send_latest_checkpoint()
    assert send_latest_checkpoint().pk == sent.pk  # the tick runs again: nothing new
    _record()
    second = audit_checkpoints.write_checkpoint()
    send_latest_checkpoint()
    messages = list(Message.objects.filter(idempotency_key__startswith="audit-checkpoint:").order_by("pk"))
    assert [(m.channel, m.to) for m in messages] == [("email", "audit@bureau.example")] * 2
    lines = [json.loads(m.text.splitlines()[-1]) for m in messages]
    assert [(line["seq"], line["hash"]) for line in lines] == [(first.seq, first.hash), (second.seq, second.hash)]
    assert all(audit.signed(f"{line['seq']}:{line['hash']}:{line['at']}", line["mac"]) for line in lines)


def test_nothing_is_sent_without_an_address(settings):
    settings.YINGJI_AUDIT_CHECKPOINT_TO = ""
    _record()
    audit_checkpoints.write_checkpoint()
    assert send_latest_checkpoint() is None
    assert not Message.objects.filter(idempotency_key__startswith="audit-checkpoint:").exists()
