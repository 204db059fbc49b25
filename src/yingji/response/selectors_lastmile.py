"""Reads of the last mile, always through the caller's scope: the registry of
terminals and devices, and a warning's last-mile delivery summary."""

from collections import Counter

from django.db.models import Q

from ..alerts.selectors import warning_get
from ..core.models import Region
from ..core.scope import SYSTEM, Scope, fits_database
from ..messaging.choices import MessageStatus
from ..messaging.selectors import messages_with_status
from .models import BroadcastTerminal, LastMileDispatch, LastMileSend, WarningDevice

CHANNELS = ("broadcast", "cell_broadcast", "device")
# A message's status as the summary counts it.
BUCKET = {MessageStatus.QUEUED: "pending", MessageStatus.SENDING: "pending", MessageStatus.SENT: "sent",
          MessageStatus.DELIVERED: "delivered", MessageStatus.FAILED: "failed", MessageStatus.GIVEN_UP: "failed"}


def _scoped(scope: Scope, queryset):
    """The rows of the caller's area; none for enterprise accounts (public warning
    infrastructure is the government's)."""
    if scope.organization_id is not None:
        return queryset.none()
    return scope.filter(queryset)


def terminal_list(*, scope: Scope, region: str = "", state: str = "", q: str = ""):
    qs = _scoped(scope, BroadcastTerminal.objects.select_related("region"))
    if region:
        qs = qs.filter(region__code__startswith=region)
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(terminal_id__icontains=q) | Q(region__name__icontains=q))
    return qs.order_by("region_id", "terminal_id")


def terminal_get(*, scope: Scope, id: int) -> BroadcastTerminal:
    return scope.get(_scoped(scope, BroadcastTerminal.objects.select_related("region")), pk=id)


def device_list(*, scope: Scope, region: str = "", kind: str = "", state: str = "", q: str = ""):
    qs = _scoped(scope, WarningDevice.objects.select_related("region"))
    if region:
        qs = qs.filter(region__code__startswith=region)
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(device_id__icontains=q) | Q(region__name__icontains=q))
    return qs.order_by("region_id", "device_id")


def device_get(*, scope: Scope, id: int) -> WarningDevice:
    return scope.get(_scoped(scope, WarningDevice.objects.select_related("region")), pk=id)


def registry_by_township(*, scope: Scope, region: str = "") -> list[dict]:
    """Terminals and devices per township of the scope, by state."""
    rows: dict[str, Counter] = {}
    for code, state in terminal_list(scope=scope, region=region).values_list("region_id", "state"):
        rows.setdefault(code[:9], Counter())[f"terminals_{state}"] += 1
    for code, state in device_list(scope=scope, region=region).values_list("region_id", "state"):
        rows.setdefault(code[:9], Counter())[f"devices_{state}"] += 1
    names = dict(Region.objects.filter(pk__in=rows).values_list("code", "name"))
    return [{"region": code, "name": names.get(code, code),
             "terminals_online": c["terminals_online"], "terminals_down": c["terminals_offline"] + c["terminals_fault"],
             "devices_ok": c["devices_ok"], "devices_down": c["devices_silent"] + c["devices_fault"]}
            for code, c in sorted(rows.items())]


def dispatch_list(*, scope: Scope, warning: int | None = None):
    qs = _scoped(scope, LastMileDispatch.objects.exclude(kind="skipped"))
    if warning is not None:
        if not fits_database(warning):
            return qs.none()
        qs = qs.filter(warning_id=warning)
    return qs.order_by("-created_at", "-id")


def warning_summary(*, scope: Scope, warning_id: int) -> dict:
    """A warning's last mile in the caller's area: per channel the targets sent,
    delivered (a device's acknowledgement, or the gateway's receipt), failed and
    pending, from the outbox's own statuses; and each dispatch."""
    warning = warning_get(scope=scope, id=warning_id)
    sends = list(_scoped(scope, LastMileSend.objects.filter(dispatch__warning_id=warning.pk))
                 .select_related("dispatch").order_by("dispatch_id", "channel", "target"))
    ids = [s.retry_message_id or s.message_id for s in sends]
    status = dict(messages_with_status(scope=SYSTEM, statuses=MessageStatus.values).filter(pk__in=ids)
                  .values_list("pk", "status"))
    channels = {c: {"targets": 0, "pending": 0, "sent": 0, "delivered": 0, "failed": 0} for c in CHANNELS}
    targets = []
    for send in sends:
        bucket = BUCKET.get(status.get(send.retry_message_id or send.message_id), "pending")
        if send.channel == "device" and send.state == "acknowledged":
            bucket = "delivered"
        row = channels.setdefault(send.channel, {"targets": 0, "pending": 0, "sent": 0, "delivered": 0, "failed": 0})
        row["targets"] += 1
        row[bucket] += 1
        targets.append({"dispatch": send.dispatch_id, "kind": send.dispatch.kind, "channel": send.channel,
                        "target": send.target, "region": send.region_code, "state": send.state,
                        "delivery": bucket})
    dispatches = [{"id": d.pk, "kind": d.kind, "version": d.version, "level": d.level, "regions": d.regions,
                   "channels": d.channels, "created_at": d.created_at, "sent_at": d.sent_at}
                  for d in dispatch_list(scope=scope, warning=warning.pk)]
    return {"warning": {"id": warning.pk, "headline": warning.headline, "type": warning.type,
                        "level": warning.level, "status": warning.status, "version": warning.version},
            "channels": channels, "dispatches": dispatches, "targets": targets}
