"""Replay: recompute an event from its stored inputs and compare with what was stored."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...core.errors import NotFound
from ..choices import TriggerKind
from ..models import (
    TriggerEvent,
)
from .events import _stored_outcome
from .rain_triggers import rain_outcome
from .typhoon import typhoon_outcome


@dataclass
class Replay:
    event_id: int
    stored: dict
    replayed: dict | None
    differences: dict = field(default_factory=dict)

    @property
    def agrees(self) -> bool:
        return self.replayed is not None and not self.differences

    def as_json(self) -> dict:
        return {"event": self.event_id, "stored": self.stored, "replayed": self.replayed, "agrees": self.agrees}


def event_replay(*, event_id: int) -> Replay:
    """Recompute an event from its stored inputs and compare with what was stored."""
    event = TriggerEvent.objects.filter(pk=event_id).first()
    if event is None:
        raise NotFound()
    outcome = typhoon_outcome(event.inputs) if event.kind == TriggerKind.TYPHOON else rain_outcome(event.inputs)
    stored = _stored_outcome(event).comparable()
    if outcome is None:
        return Replay(event.pk, stored, None, {"triggered": (True, False)})
    replayed = outcome.comparable()
    diffs = {k: (stored[k], replayed[k]) for k in stored if stored[k] != replayed[k]}
    if event.evidence != outcome.evidence:
        diffs["evidence"] = ("stored", "differs")
    return Replay(event.pk, stored, replayed, diffs)
