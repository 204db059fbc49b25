"""The tick loop: due ticks run, failures stay contained, the clock decides."""

import threading

import pytest
from django.core.management import call_command

from yingji.core import scheduler
from yingji.core.scheduler import TickRegistry, WorkerThread


class FakeClock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def reg(clock):
    return TickRegistry(clock=clock)


def test_new_tick_runs_on_first_round(reg):
    calls = []
    reg.register("a", lambda: calls.append("a"), every_seconds=60)
    assert [r.name for r in reg.run_due()] == ["a"]
    assert calls == ["a"]


def test_tick_runs_again_only_when_its_period_has_passed(reg, clock):
    calls = []
    reg.register("a", lambda: calls.append(clock.now), every_seconds=60)
    reg.run_due()                 # t=1000: first run, next due at 1060
    clock.now = 1059.9
    assert reg.run_due() == []
    clock.now = 1060.0
    reg.run_due()                 # due exactly at 1060
    assert calls == [1000.0, 1060.0]


def test_missed_periods_are_not_replayed(reg, clock):
    calls = []
    reg.register("a", lambda: calls.append(clock.now), every_seconds=10)
    reg.run_due()
    clock.now += 95               # nine and a half periods late
    reg.run_due()
    reg.run_due()                 # same instant: not due again
    assert calls == [1000.0, 1095.0]


def test_failing_tick_does_not_stop_the_others(reg, caplog):
    calls = []

    def broken():
        raise RuntimeError("database away")

    reg.register("first", lambda: calls.append("first"), every_seconds=5)
    reg.register("broken", broken, every_seconds=5)
    reg.register("last", lambda: calls.append("last"), every_seconds=5)
    runs = reg.run_due()
    assert calls == ["first", "last"]
    assert [(r.name, r.ok) for r in runs] == [("first", True), ("broken", False), ("last", True)]
    assert "database away" in runs[1].error
    assert "tick broken failed" in caplog.text


def test_failing_tick_waits_for_its_next_period(reg, clock):
    attempts = []

    def broken():
        attempts.append(clock.now)
        raise RuntimeError("boom")

    reg.register("broken", broken, every_seconds=30)
    reg.run_due()
    clock.now += 1
    reg.run_due()                 # a failure must not make the loop spin on it
    clock.now += 29
    reg.run_due()
    assert attempts == [1000.0, 1030.0]


def test_registering_a_name_again_replaces_it(reg):
    calls = []
    reg.register("a", lambda: calls.append("old"), every_seconds=5)
    reg.register("a", lambda: calls.append("new"), every_seconds=5)
    reg.run_due()
    assert calls == ["new"]


def test_period_must_be_positive(reg):
    with pytest.raises(ValueError):
        reg.register("a", lambda: None, every_seconds=0)


def test_loop_survives_a_failing_round_and_stops_when_asked():
    stop = threading.Event()
    rounds = []

    def round_fn():
        rounds.append(1)
        if len(rounds) == 1:
            raise RuntimeError("first round fails")
        if len(rounds) == 3:
            stop.set()

    scheduler.run_loop(stop, poll_seconds=0, round_fn=round_fn)
    assert len(rounds) == 3


def test_worker_thread_stops_cleanly():
    ran = threading.Event()
    worker = WorkerThread(poll_seconds=0.01, round_fn=ran.set).start()
    assert ran.wait(10)
    assert worker.stop(timeout=10) is True
    assert not worker.thread.is_alive()


@pytest.mark.django_db
def test_worker_command_runs_one_round_of_registered_ticks(monkeypatch):
    calls = []
    monkeypatch.setattr(scheduler, "registry", TickRegistry())
    scheduler.register_tick("probe", lambda: calls.append("probe"), every_seconds=60)
    call_command("worker", "--once")
    assert calls == ["probe"]
