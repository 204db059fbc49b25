"""Storms (台风) followed live or imported from CMA best tracks; new positions are evaluated."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
from django.db import transaction
from django.utils import timezone

from ...core import audit
from ...core.errors import DomainError
from ...core.scope import Scope
from ...core.services import save_audited
from ..backtest import storm_codes
from ..choices import TrackSource
from ..models import (
    Storm,
    TrackPosition,
    TriggerEvent,
)
from .typhoon import evaluate_storm_live


def storm_create(*, by, code: str, name: str = "", year: int | None = None) -> Storm:
    """Start following a storm live (officers)."""
    Scope.for_user(by).require_officer()
    if Storm.objects.filter(code=code).exists():
        raise DomainError("台风编号已存在", "A storm with this code exists", fields={"code": "重复 / duplicate"},
                          code="duplicate")
    storm = Storm(code=code, name=name, year=year or timezone.now().year, source=TrackSource.LIVE)
    with transaction.atomic():
        return save_audited(storm, by=by, action="create", before=None)


def position_add(*, by, storm: Storm, time: dt.datetime, lat: float, lon: float, wind: float | None,
                 pressure: float | None = None) -> tuple[TrackPosition, list[TriggerEvent]]:
    """Record a live position, then re-evaluate this storm against the active policies."""
    Scope.for_user(by).require_officer()
    if time.tzinfo is None:
        raise DomainError("时间需带时区", "The time needs a UTC offset", fields={"time": "缺少时区 / no offset"})
    if TrackPosition.objects.filter(storm=storm, time=time).exists():
        raise DomainError("该时间已有路径点", "There is already a position at this time",
                          fields={"time": "重复 / duplicate"}, code="duplicate")
    position = TrackPosition(storm=storm, time=time, lat=lat, lon=lon % 360, wind=wind, pressure=pressure)
    with transaction.atomic():
        save_audited(position, by=by, action="create", before=None)
        events = evaluate_storm_live(storm, at=time)
    return position, events


def import_tracks(*, by, paths: list[Path]) -> dict:
    """Import CMA best-track files; a storm is matched by its code, so a second run
    changes nothing. One audit record per storm created or changed (not per fix).
    Storms with new positions are evaluated against the active policies."""
    from ...kernels.besttrack import parse_paths

    Scope.for_user(by).require_officer()
    parsed = parse_paths(paths)
    report = {"created": 0, "updated": 0, "unchanged": 0, "positions": 0, "issues": [str(i) for i in parsed.issues]}
    for code, storm in storm_codes(parsed.storms):
        with transaction.atomic():
            outcome, added = _import_storm(by, storm, code)
        report[outcome] += 1
        report["positions"] += added
    return report


def _import_storm(by, parsed, code: str) -> tuple[str, int]:
    storm = Storm.objects.filter(code=code).first()
    before = audit.snapshot(storm) if storm else None
    storm = storm or Storm(code=code)
    storm.name, storm.year, storm.source = parsed.name, parsed.year, TrackSource.CMA
    storm.cn_id = "" if parsed.cn_id == "0000" else parsed.cn_id
    storm.intl_id = "" if parsed.intl_id == "0000" else parsed.intl_id
    if before is None or audit.snapshot(storm) != before:
        storm.full_clean()
        storm.save()
    stored = set(storm.positions.values_list("time", flat=True))
    new = [TrackPosition(storm=storm, time=t, lat=lat, lon=lon, wind=_nan_none(w), pressure=_nan_none(p), grade=int(g))
           for t, lat, lon, w, p, g in zip(_aware(parsed.time), parsed.lat.tolist(), parsed.lon.tolist(),
                                           parsed.wind.tolist(), parsed.pressure.tolist(), parsed.grade.tolist())
           if t not in stored]
    TrackPosition.objects.bulk_create(new)
    after = audit.snapshot(storm)
    if before == after and not new:
        return "unchanged", 0
    after["positions_added"] = len(new)
    audit.record(actor=by, action="import" if before is None else "update", obj=storm, before=before, after=after)
    if new:  # a storm of an active policy's period (a late best track) is evaluated like a live one
        evaluate_storm_live(storm)
    return ("created" if before is None else "updated"), len(new)


def _aware(times: np.ndarray) -> list[dt.datetime]:
    return [dt.datetime.fromisoformat(str(t.astype("datetime64[s]"))).replace(tzinfo=dt.UTC) for t in times]


def _nan_none(v: float) -> float | None:
    return None if v is None or math.isnan(v) else float(v)
