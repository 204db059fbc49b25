"""Pages of the floods app: the flood home (risk points, sections, alerts) and the
inundation runs (the list, and one run's map: layers over Leaflet, the affected places
as markers, with its table by arrival time). Thin, through the selectors' scope."""

from django.shortcuts import render
from django.utils import timezone

from ..core import exports
from ..core.errors import DomainError
from ..core.scope import Scope
from . import selectors
from .exports import FLOOD_HOME, INUNDATION_RUNS
from .layers import LAYERS
from .models import InundationStatus

SHOWN = 200  # rows per table: a county has tens of villages and a few sections
RUNS_SHOWN = 100


def flood_home(request):
    """Risk points with their rain now against critical rainfall; sections with the
    latest forecast's peak against the warning and critical stages, their observed
    stage and forecast velocity against the scour velocity; latest alerts."""
    scope = Scope.for_user(request.user)
    if exports.requested(request):
        return _flood_home_export(request, scope)
    now = timezone.now()
    points = [_point_row(scope, p, now) for p in selectors.risk_point_list(scope=scope)[:SHOWN]]
    sections = [{"section": s, "forecast": selectors.latest_forecast(section=s),
                 "stage": selectors.latest_stage(scope=scope, section=s)}
                for s in selectors.section_list(scope=scope)[:SHOWN]]
    return render(request, "floods/home.html", {
        "points": points, "sections": sections, "alerts": selectors.alert_list(scope=scope)[:20], "now": now,
    })


def _flood_home_export(request, scope):
    """One of the page's three lists, whole (the page shows the first rows of each)."""
    table = request.GET.get("table", "")
    if table not in FLOOD_HOME:
        raise DomainError("请选择要导出的列表", "Choose the list to export",
                          fields={"table": "points / sections / alerts"})
    rows = {"points": selectors.risk_point_list, "sections": selectors.section_list,
            "alerts": selectors.alert_list}[table](scope=scope)
    return exports.response(request, FLOOD_HOME[table], rows)


def _point_row(scope, point, now) -> dict:
    totals = selectors.current_totals(scope=scope, point=point, at=now)
    windows = []
    for c in point.critical_rainfalls.all():
        total = totals.get(c.window_hours, 0.0)
        state = "move_now" if total >= c.move_now_mm else "prepare" if total >= c.prepare_mm else ""
        windows.append({"hours": c.window_hours, "total": total, "prepare": c.prepare_mm,
                        "move_now": c.move_now_mm, "state": state})
    return {"point": point, "windows": windows}


# Inundation runs ---------------------------------------------------------------------

def inundation_list(request):
    runs = selectors.inundation_list(Scope.for_user(request.user))
    if exports.requested(request):
        return exports.response(request, INUNDATION_RUNS, runs)
    runs = runs[:RUNS_SHOWN]
    return render(request, "floods/inundation_list.html", {"runs": runs})


def inundation_detail(request, id: int):
    run = selectors.inundation_get(Scope.for_user(request.user), id)
    done = run.status == InundationStatus.DONE
    return render(request, "floods/inundation_detail.html", {
        "run": run, "done": done,
        "affected": list(selectors.affected_places(run)) if done else [],
        "totals": selectors.affected_totals(run) if done else None,
        "layers": [{"name": name, "scale": scale, "legend": scale.legend()} for name, scale in LAYERS.items()],
    })
