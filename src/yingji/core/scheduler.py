"""The in-process scheduler: periodic "ticks" that process whatever is due.

The database is the source of truth for every timer (a call-up deadline, a
rectification due date is a row with a `due_at`); a tick is only the heartbeat that
looks for due rows and handles them. So a tick must be idempotent and safe to run in
several processes at once (claim rows with a conditional UPDATE): the demo runs the
loop in a thread, production runs `yingji worker`, and Celery beat may call
`run_due_ticks()` as well.

Apps register their ticks in a `ticks.py` module (found by `autodiscover()`):

    from yingji.core.scheduler import register_tick
    register_tick("callup_escalation", escalate_due_callups, every_seconds=30)
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

Clock = Callable[[], float]


@dataclass
class Tick:
    """One periodic function and when it is next due (clock seconds; None = now)."""

    name: str
    fn: Callable[[], object]
    every_seconds: float
    next_due: float | None = None


@dataclass(frozen=True)
class TickRun:
    name: str
    ok: bool
    error: str = ""


@dataclass
class TickRegistry:
    """A set of ticks and the clock that decides when each is due. Tests pass their
    own clock; the process-wide registry uses `time.monotonic` (immune to the wall
    clock being set back)."""

    clock: Clock = time.monotonic
    ticks: dict[str, Tick] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def register(self, name: str, fn: Callable[[], object], every_seconds: float) -> Tick:
        """Add a tick, or replace the function and period of one with the same name
        (a module imported twice must not run its tick twice)."""
        if every_seconds <= 0:
            raise ValueError("every_seconds must be positive")
        tick = self.ticks.get(name)
        if tick is None:
            tick = self.ticks[name] = Tick(name, fn, every_seconds)
        else:
            tick.fn, tick.every_seconds = fn, every_seconds
        return tick

    def run_due(self) -> list[TickRun]:
        """Run every tick whose time has come, each on its own: one that raises is
        logged and the others still run. The lock keeps two threads of one process
        from running the same round twice."""
        with self._lock:
            return [self._run(tick) for tick in list(self.ticks.values()) if self._is_due(tick)]

    def _is_due(self, tick: Tick) -> bool:
        return tick.next_due is None or self.clock() >= tick.next_due

    def _run(self, tick: Tick) -> TickRun:
        # Schedule from the start of this run, and skip missed periods rather than
        # replaying them: a tick processes everything due anyway.
        tick.next_due = self.clock() + tick.every_seconds
        try:
            tick.fn()
        except Exception as exc:  # a failing tick must never stop the loop
            log.exception("tick %s failed", tick.name)
            return TickRun(tick.name, ok=False, error=f"{type(exc).__name__}: {exc}")
        return TickRun(tick.name, ok=True)


# The process-wide registry that apps' ticks.py modules fill.
registry = TickRegistry()


def register_tick(name: str, fn: Callable[[], object], every_seconds: float) -> Tick:
    return registry.register(name, fn, every_seconds)


def run_due_ticks() -> list[TickRun]:
    """One round over the process-wide registry (what a Celery beat task calls)."""
    from django.db import close_old_connections

    close_old_connections()
    return registry.run_due()


def autodiscover() -> None:
    """Import `ticks.py` of every installed app, so that their ticks register."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("ticks")


def run_loop(stop: threading.Event, *, poll_seconds: float = 1.0,
             round_fn: Callable[[], object] = run_due_ticks) -> None:
    """Run rounds until `stop` is set; `poll_seconds` bounds how late a tick may start."""
    while not stop.is_set():
        try:
            round_fn()
        except Exception:  # e.g. the database is briefly unreachable: try again next round
            log.exception("scheduler round failed")
        stop.wait(poll_seconds)


class WorkerThread:
    """The demo's background worker: a daemon thread running `run_loop`."""

    def __init__(self, *, poll_seconds: float = 1.0, round_fn: Callable[[], object] = run_due_ticks):
        self.stop_event = threading.Event()
        self.thread = threading.Thread(
            target=self._main, args=(poll_seconds, round_fn), name="yingji-worker", daemon=True,
        )

    def _main(self, poll_seconds: float, round_fn: Callable[[], object]) -> None:
        from django.db import connection

        try:
            run_loop(self.stop_event, poll_seconds=poll_seconds, round_fn=round_fn)
        finally:
            connection.close()  # this thread's own connection

    def start(self) -> "WorkerThread":
        self.thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> bool:
        """Ask the loop to end after the current round; True once the thread has ended."""
        self.stop_event.set()
        self.thread.join(timeout)
        return not self.thread.is_alive()


def start_worker_thread(*, poll_seconds: float = 1.0) -> WorkerThread:
    autodiscover()
    log.info("worker thread started with ticks: %s", ", ".join(registry.ticks) or "(none)")
    return WorkerThread(poll_seconds=poll_seconds).start()
