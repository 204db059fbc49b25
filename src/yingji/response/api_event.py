"""API of one response event as a whole: its summary per area (the same numbers as the
response page and its Excel export) and the start of its risk-point control."""

from ninja import Router, Status

from ..core.scope import Scope
from . import selectors_event as event
from . import selectors_levels
from .api_riskcontrol import RoundOut
from .services import riskcontrol

router = Router(tags=["response"])


@router.get("/response/levels/{id}/summary")
def level_summary(request, id: int):
    """Per area and in total: tasks, risk points of the event's control rounds,
    evacuation figures (persons and households) and shelters' occupancy."""
    scope = Scope.for_user(request.user)
    return event.event_summary(scope=scope, level=selectors_levels.level_get(scope=scope, id=id))


@router.post("/response/levels/{id}/risk-rounds", response={201: list[RoundOut]})
def start_risk_rounds(request, id: int):
    """Start the risk-point control of this response over the caller's part of its
    area (one round per area; an area already under way adds nothing)."""
    level = selectors_levels.level_get(scope=Scope.for_user(request.user), id=id)
    return Status(201, riskcontrol.rounds_for_level(by=request.user, level=level))
