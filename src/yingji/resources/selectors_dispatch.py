"""Reads of dispatch (调度), always through the caller's scope: the list, one order with
its timeline and supplies, the teams a caller may send."""

from django.db.models import Prefetch, QuerySet

from ..core.errors import NotFound
from ..core.scope import Scope, fits_database
from .choices_dispatch import DispatchState
from .models import Dispatch, DispatchStep, DispatchSupply, Team
from .models.teams import Readiness


def _rows(scope: Scope) -> QuerySet:
    return scope.filter(Dispatch.objects.all()).select_related("team", "leader", "region", "source_region",
                                                               "requested_by__person")


def dispatch_list(*, scope: Scope, state: str = "", drill: bool | None = None, team: int | None = None,
                  region: str = "") -> QuerySet:
    qs = _rows(scope).prefetch_related(
        Prefetch("supplies", queryset=DispatchSupply.objects.select_related("warehouse", "kind")))
    if state:
        qs = qs.filter(state=state)
    if drill is not None:
        qs = qs.filter(drill=drill)
    if team is not None:
        qs = qs.filter(team_id=team)
    if region:
        qs = qs.filter(region__code__startswith=region)
    return qs


def dispatch_get(*, scope: Scope, id: int, person_id: int | None = None) -> Dispatch:
    """One order in the caller's scope; also its leader's own (a village cadre leading a
    county team sees the orders given to them, whatever their region)."""
    if not fits_database(id):
        raise NotFound()
    qs = _rows(scope).filter(pk=id)
    if person_id is not None and not qs.exists():
        qs = Dispatch.objects.filter(pk=id, leader_id=person_id).select_related(
            "team", "leader", "region", "source_region", "requested_by__person")
    row = qs.prefetch_related(
        Prefetch("steps", queryset=DispatchStep.objects.select_related("person", "by").order_by("at", "pk")),
        Prefetch("supplies", queryset=DispatchSupply.objects.select_related("warehouse", "kind", "movement"))).first()
    if row is None:
        raise NotFound()
    return row


def sendable_teams(*, scope: Scope) -> QuerySet:
    """The active teams in the caller's jurisdiction that can go now (ready or standby)."""
    return scope.filter(Team.objects.filter(active=True, readiness__in=[Readiness.READY, Readiness.STANDBY])
                        ).select_related("region", "leader").order_by("region_id", "name")


def open_count(*, scope: Scope) -> int:
    return _rows(scope).exclude(state__in=[DispatchState.COMPLETED, DispatchState.CANCELLED]).count()

