"""Inundation runs left queued for the worker (the embedded default, no broker).

A run started from a page is a row in status `queued` (inundation.inundation_create
with `background=True`); the worker's tick claims the oldest such row with the same
conditional update the Celery task uses (`inundation_claim`), so a run is computed
once whoever finds it first. The computation takes seconds to minutes: it runs in a
thread of its own, one at a time, so the worker's other ticks (call-up steps,
messages) are not held up behind it. The run writes its progress to its row, which
the run's page polls.
"""

import logging
import threading

from django.conf import settings
from django.db import connection

from . import inundation
from .models import InundationRun, InundationStatus

log = logging.getLogger(__name__)
_busy = threading.Lock()


def next_queued() -> int | None:
    """The oldest queued run's id."""
    return (InundationRun.objects.filter(status=InundationStatus.QUEUED).order_by("id")
            .values_list("id", flat=True).first())


def run_queued_inundation(*, in_thread: bool = True) -> int | None:
    """Claim and compute the oldest queued run (in a thread, unless `in_thread` is
    False); the id of the run started, or None. With a broker, Celery's workers run
    the runs and this does nothing."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        return None
    if not _busy.acquire(blocking=False):
        return None  # one run at a time in this process
    try:
        run_id = next_queued()
        run = inundation.inundation_claim(run_id) if run_id is not None else None
    except Exception:
        _busy.release()
        raise
    if run is None:
        _busy.release()
        return None
    if not in_thread:
        _execute(run, own_thread=False)
        return run.pk
    threading.Thread(target=_execute, args=(run,), kwargs={"own_thread": True}, name=f"inundation-{run.pk}",
                     daemon=True).start()
    return run.pk


def _execute(run: InundationRun, *, own_thread: bool) -> None:
    try:
        inundation.inundation_execute(run)
    except Exception:  # inundation_execute records failures itself; this is the last net
        log.exception("inundation run %s", run.pk)
    finally:
        _busy.release()
        if own_thread:  # the thread's own connection ends with it; the caller's is not ours to close
            connection.close()

