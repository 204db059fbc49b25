"""Celery through the real broker: a task sent over RabbitMQ is executed by a separate
worker process, which reads the same (committed) database, and its result comes back
through Redis. CI runs RabbitMQ and Redis; `make test` starts them."""

import os
import subprocess
import sys
import uuid

import pytest
from celery.backends.redis import RedisBackend
from celery.result import AsyncResult
from django.db import connection

from yingji.celery import app
from yingji.core import audit
from yingji.core.models import AuditRecord
from yingji.core.tasks import verify_audit_chain

BROKER = os.environ.get("YINGJI_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
BACKEND = os.environ.get("YINGJI_TEST_RESULT_BACKEND", "redis://127.0.0.1:6379/15")


@pytest.fixture
def worker(moved_clock):
    """A real worker process on a queue of its own, so nothing else consumes our task."""
    if connection.vendor != "postgresql":
        pytest.skip("a worker process cannot see an in-memory SQLite test database")
    if moved_clock:
        pytest.skip("the worker processes would live in the real present while this one is moved (YINGJI_TEST_TODAY)")
    queue = f"yingji-test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {**os.environ, "BROKER_URL": BROKER, "RESULT_BACKEND": BACKEND,
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "yingji", "worker", "-P", "solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    yield queue
    proc.terminate()
    proc.wait(timeout=30)
    with app.connection_for_write(BROKER) as conn:
        conn.default_channel.queue_delete(queue)  # a queue per run would pile up on the broker


def run_on_worker(task, queue: str):
    """Send through RabbitMQ and wait for the result in Redis, naming both explicitly:
    the app's own broker and backend were fixed (in-process, eager) when it first ran."""
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    try:
        with app.connection_for_write(BROKER) as conn:
            sent = task.apply_async(queue=queue, connection=conn)
    finally:
        app.conf.task_always_eager = eager
    return AsyncResult(sent.id, backend=RedisBackend(app=app, url=BACKEND)).get(timeout=60)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_task_runs_in_a_worker_process_through_rabbitmq(worker):
    recs = [audit.record(actor=None, action="test", object_type="x", object_id=i) for i in range(3)]
    result = run_on_worker(verify_audit_chain, worker)
    assert result == {"ok": True, "checked": AuditRecord.objects.count(), "broken_seq": None}
    AuditRecord.objects.filter(pk=recs[1].pk).update(action="tampered")
    result = run_on_worker(verify_audit_chain, worker)
    assert result["ok"] is False and result["broken_seq"] == recs[1].seq
