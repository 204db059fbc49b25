"""Flood events and alerts, and the warnings of alerts: an alert is raised with its warning
pending; the `floods.issue_warnings` tick claims it and issues the warning and call-up."""

import datetime as dt
import logging

from django.db import IntegrityError, transaction

from ...alerts import services as alerts_services
from ...core import audit
from ...core.errors import DomainError
from ...core.services import save_audited
from ..choices import LEVEL_RANK, WARNING_COLOUR
from ..models import (
    FloodAlert,
    FloodEvent,
)

log = logging.getLogger(__name__)


def _open_or_raise(event: FloodEvent | None, level: str, at: dt.datetime, **subject) -> FloodEvent:
    if event is None:
        return FloodEvent.objects.create(started_at=at, peak_level=level, **subject)
    if LEVEL_RANK[level] > LEVEL_RANK[event.peak_level]:
        event.peak_level = level
        event.save(update_fields=["peak_level"])
    return event


def _close(event: FloodEvent, at: dt.datetime) -> None:
    event.ended_at = at
    event.save(update_fields=["ended_at"])


def _raise_alert(event: FloodEvent, level: str, *, by, observed_at, headline: str, description: str,
                 evidence: dict, **extra) -> FloodAlert | None:
    """Record the alert of `level` in `event`, its warning pending, unless this event
    already warned at this level or a higher one (falling from move-now to prepare is
    no news). The warning itself is issued by `issue_pending_warnings`."""
    issued = set(event.alerts.values_list("level", flat=True))
    if any(LEVEL_RANK[lv] >= LEVEL_RANK[level] for lv in issued):
        return None
    extra.setdefault("source", event.source)  # what raised this alert, which may not be what opened the event
    alert = FloodAlert(event=event, level=level, region_id=event.region_id,
                       observed_at=observed_at, headline=headline[:200], description=description, evidence=evidence,
                       warning_pending=True, **extra)
    try:
        with transaction.atomic():  # a concurrent batch may have raised it a moment ago
            alert.save()
    except IntegrityError:
        return None
    audit.record(actor=by, action="raise", obj=alert, region_code=alert.region_id, after=audit.snapshot(alert))
    return alert


# Warnings of alerts -----------------------------------------------------------------

def issue_pending_warnings(*, limit: int = 50) -> int:
    """The `floods.issue_warnings` tick: issue the warning (and with it the call-up,
    which may reach 150,000 people) of each alert raised with its warning pending.
    Each alert is claimed by a conditional UPDATE in the transaction that issues its
    warning: a second worker finds it claimed; a failure rolls the claim back and a
    later round retries (the warning's idempotency key makes a retry harmless).
    Returns how many warnings were issued."""
    issued = 0
    for pk in FloodAlert.objects.filter(warning_pending=True).order_by("pk").values_list("pk", flat=True)[:limit]:
        try:
            with transaction.atomic():
                if FloodAlert.objects.filter(pk=pk, warning_pending=True).update(warning_pending=False):
                    issued += _issue_warning(FloodAlert.objects.select_related("forecast__created_by").get(pk=pk))
        except DomainError as exc:  # refused (e.g. the region has no call-up): retrying would not help
            FloodAlert.objects.filter(pk=pk).update(warning_pending=False)
            log.error("the warning of flood alert %s was refused: %s / %s", pk, exc.zh, exc.en)
        except Exception:
            log.exception("issuing the warning of flood alert %s failed; retried next round", pk)
    return issued


def _issue_warning(alert: FloodAlert) -> int:
    # A forecast's alert is issued in the name of the officer who ran the forecast.
    by = alert.forecast.created_by if alert.forecast_id else None
    warning = alerts_services.warning_issue(
        by=by, type="flash_flood", level=WARNING_COLOUR[alert.level], region_codes=[alert.region_id],
        headline=alert.headline, description=alert.description,
        idempotency_key=f"floods:{alert.event_id}:{alert.level}")
    before = audit.snapshot(alert)
    alert.warning = warning
    save_audited(alert, by=by, action="warn", before=before, region_code=alert.region_id)
    return 1
