"""Pages of the floods app: the flood home (risk points, sections, alerts) and the
inundation runs (the list, and one run's map: layers over Leaflet, the affected places
as markers, with its table by arrival time). Thin, through the selectors' scope."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from ..core import exports
from ..core.errors import DomainError, Forbidden
from ..core.scope import Scope
from ..core.ui import add_form_errors
from . import inundation, selectors
from .exports import FLOOD_HOME, INUNDATION_RUNS
from .layers import LAYERS
from .models import InundationStatus
from .run_forms import InundationRunForm

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
    try:
        Scope.for_user(request.user).require_officer()
        can_start = True
    except Forbidden:
        can_start = False
    return render(request, "floods/inundation_list.html", {"runs": runs, "can_start": can_start})


def inundation_detail(request, id: int):
    run = selectors.inundation_get(Scope.for_user(request.user), id)
    done = run.status == InundationStatus.DONE
    return render(request, "floods/inundation_detail.html", {
        "run": run, "done": done,
        "affected": list(selectors.affected_places(run)) if done else [],
        "totals": selectors.affected_totals(run) if done else None,
        "layers": [{"name": name, "scale": scale, "legend": scale.legend()} for name, scale in LAYERS.items()],
    })


@require_http_methods(["GET", "POST"])
def inundation_new(request):
    """Start a run: the form's file and fields go to the same service as the API; the
    run is queued for the worker and its page shows the progress."""
    scope = Scope.for_user(request.user)
    scope.require_officer()
    form = InundationRunForm(request.POST or None, request.FILES or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        dem = d["dem"]
        try:
            run = inundation.inundation_create(
                by=request.user, watershed=d["watershed"], region_id=d["region"], dem_name=dem.name,
                dem_data=dem.read(inundation.MAX_DEM_BYTES + 1), start=d["start"],
                observed_hours=d["observed_hours"], gauges=d["gauges"], forecast_rain_mm=d["forecast_rain_mm"],
                duration_hours=d["duration_hours"], manning_n=d["manning_n"], depth_threshold=d["depth_threshold"],
                crs=d["crs"], origin_lon=d["origin_lon"], origin_lat=d["origin_lat"], background=True)
            return redirect("inundation_detail", id=run.pk)
        except (DomainError, ValidationError) as exc:
            add_form_errors(form, exc, aliases={"dem_data": "dem", "region_id": "region"})
    status = 400 if request.method == "POST" else 200
    return render(request, "floods/inundation_new.html", {"form": form}, status=status)


@require_safe
def inundation_progress(request, id: int):
    """The progress fragment the run's page polls (htmx); once the run is over, htmx
    reloads the page to show the map and the affected places."""
    run = selectors.inundation_get(Scope.for_user(request.user), id)
    response = render(request, "floods/_inundation_progress.html", {"run": run})
    if run.status in (InundationStatus.DONE, InundationStatus.FAILED) and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response

