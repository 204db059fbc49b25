"""core/bulk.py: rows written from one JSON text come back as they were given, in
their order, whatever their values hold (quotes, backslashes, Chinese, NULLs,
JSON, datetimes with offsets)."""

import datetime as dt

import pytest
from django.db import connection

from yingji.core.bulk import insert_rows, update_rows
from yingji.messaging.models import Message

pytestmark = pytest.mark.django_db

AWKWARD = ['say "hi"', "back\\slash", "逗号,和{括号}", "", "NULL", "line\nbreak", "'quote'"]


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the SQLite path is Django's bulk_create")


def test_rows_round_trip_in_order():
    when = dt.datetime(2026, 7, 1, 8, 30, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    rows = [("sms", AWKWARD[i % len(AWKWARD)], None if i % 2 else when - dt.timedelta(days=i), f"key-{i:03d}",
             {"n": i, "text": AWKWARD[i % len(AWKWARD)], "nested": [True, None]}, when + dt.timedelta(seconds=i))
            for i in range(50)]
    rows.reverse()  # ids must follow the input, not the keys' order
    fields = ["channel", "text", "sent_at", "idempotency_key", "context", "due_at"]
    ids = insert_rows(Message, fields, rows,
                      same={"status": "queued", "attempts": 0, "person_id": None, "to": "139", "claimed_by": "",
                            "subject": "", "provider_message_id": "", "last_error": "", "reply": "",
                            "region_code": "33", "created_at": when})
    assert len(ids) == 50
    got = {m.pk: m for m in Message.objects.filter(pk__in=ids)}
    for pk, (channel, text, sent_at, key, context, due_at) in zip(ids, rows, strict=True):
        m = got[pk]
        assert (m.channel, m.text, m.sent_at, m.idempotency_key, m.context, m.due_at) == (
            channel, text, sent_at, key, context, due_at)
        assert m.created_at == when and m.region_code == "33"


def test_no_rows_insert_nothing():
    assert insert_rows(Message, ["channel"], []) == []


def test_rows_update_each_object_with_its_own_values():
    when = dt.datetime(2026, 7, 1, 8, 30, 15, 123456, tzinfo=dt.UTC)
    ids = [Message.objects.create(channel="sms", to="139", text="t", idempotency_key=f"k{i}", due_at=when).pk
           for i in range(4)]
    rows = [(pk, AWKWARD[i], None if i % 2 else when + dt.timedelta(minutes=i), "delivered")
            for i, pk in enumerate(ids[:3])]
    assert update_rows(Message, ["reply", "due_at", "status"], rows) == 3
    got = {m.pk: m for m in Message.objects.filter(pk__in=ids)}
    for pk, reply, due_at, status in rows:
        assert (got[pk].reply, got[pk].due_at, got[pk].status) == (reply, due_at, status)
    untouched = got[ids[3]]
    assert (untouched.reply, untouched.due_at, untouched.status) == ("", when, "queued")
