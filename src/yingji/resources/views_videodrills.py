"""Pages of video-dispatch drills (视频调度演练): the list with the schedule form and
the period's rates, one page per drill (the rates per region with a chart, failing
nodes, every call), the operator's phone form for one call's outcome, and the nodes
with the one action that generates them for a region's tree."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from ..core import exports
from ..core.errors import DomainError
from ..core.regionpicker import RegionField, bind_scope
from ..core.scope import Scope
from ..core.ui import date_input, refuse_or_attach
from . import selectors_videodrills as selectors
from .exports_videodrills import RATES, rate_rows
from .models import DrillState, NodeKind
from .services import videodrills as services


def _(text: str):
    """The page's words, in the "video drills" context of the catalogue."""
    return pgettext_lazy("video drills", text)


RECENT = 50
NODES_ON_PAGE = 500
REASONS = {"not_connected": _("Not connected"), "late": _("No answer within the window"),
           "quality": _("Quality not acceptable")}


def _datetime_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DrillForm(forms.Form):
    title = forms.CharField(label=_("Drill name"), max_length=100)
    region = RegionField(label=_("Region called"))
    scheduled_at = forms.DateTimeField(label=_("Scheduled at"), widget=_datetime_input())
    response_minutes = forms.IntegerField(label=_("Response window (minutes)"), min_value=1, max_value=1440,
                                          required=False)


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=date_input())
    date_to = forms.DateField(label=_("To"), required=False, widget=date_input())


class GenerateForm(forms.Form):
    region = RegionField(label=_("Region"))


class NodeForm(forms.Form):
    name = forms.CharField(label=_("Node name"), max_length=100)
    endpoint_id = forms.RegexField(label=_("Endpoint"), max_length=64, regex=r"^[A-Za-z0-9_.:-]+$")
    active = forms.BooleanField(label=_("Called in drills"), required=False)


class OutcomeForm(forms.Form):
    connected = forms.TypedChoiceField(label=_("Connected"), widget=forms.RadioSelect,
                                       choices=[("yes", _("Yes")), ("no", _("No"))],
                                       coerce=lambda v: v == "yes")
    connected_at = forms.DateTimeField(label=_("Connected at"), required=False, widget=_datetime_input())
    answered_at = forms.DateTimeField(label=_("Answered at"), required=False, widget=_datetime_input())
    quality_ok = forms.TypedChoiceField(label=_("Quality acceptable"), widget=forms.RadioSelect, required=False,
                                        choices=[("yes", _("Acceptable")), ("no", _("Not acceptable")),
                                                 ("unknown", _("Not recorded"))],
                                        # No empty value: a radio without one is sent as "on".
                                        coerce=lambda v: {"yes": True, "no": False}.get(v), empty_value=None)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


def _can_write(scope: Scope, region_code: str) -> bool:
    return scope.role in ("admin", "officer") and scope.covers_region(region_code)


def _percent(value):
    return None if value is None else round(value * 100, 1)


def _table(result: dict) -> dict:
    """The rates as the page shows them: percentages, and the failing calls' reasons in words."""
    rows = [{**r, "connection_pct": _percent(r["connection_rate"]), "response_pct": _percent(r["response_rate"]),
             "quality_pct": _percent(r["quality_rate"])} for r in rate_rows(result)]
    failing = [{**f, "reason_words": [REASONS[x] for x in f["reasons"]]} for f in result["failing"]]
    chart = {"labels": {"connection": str(_("Connection rate")), "response": str(_("30-minute response rate")),
                        "quality": str(_("Quality rate"))},
             "rows": [{"name": str(r["name"]), "connection": r["connection_pct"], "response": r["response_pct"],
                       "quality": r["quality_pct"]} for r in rows if r["level"] != "township" or len(rows) <= 25]}
    return {"rows": rows, "failing": failing, "chart": chart, "total": rows[0]}


def video_drill_list(request):
    scope = Scope.for_user(request.user)
    form = bind_scope(DrillForm(request.POST or None), scope)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            drill = services.drill_create(by=request.user, region=data["region"], title=data["title"],
                                          scheduled_at=data["scheduled_at"],
                                          response_minutes=data["response_minutes"])
        except DomainError as exc:
            refuse_or_attach(form, exc)
        else:
            return redirect("video_drill_detail", id=drill.pk)
    period = PeriodForm(request.GET or None)
    date_from = date_to = None
    if period.is_valid():
        date_from, date_to = period.cleaned_data["date_from"], period.cleaned_data["date_to"]
    held = selectors.drills_in_period(scope=scope, date_from=date_from, date_to=date_to)
    result = selectors.rates(scope=scope, drills=held)
    if exports.requested(request):
        return exports.response(request, RATES, rate_rows(result))
    return render(request, "resources/videodrills/list.html", {
        "drills": selectors.drill_list(scope=scope)[:RECENT], "form": form, "period": period,
        "held_count": held.count(), "table": _table(result), "definition": result["definition"],
        "can_schedule": scope.role in ("admin", "officer"), "states": dict(DrillState.choices)})


def video_drill_detail(request, id: int):
    scope = Scope.for_user(request.user)
    drill = selectors.drill_get(scope=scope, id=id)
    result = selectors.rates(scope=scope, drills=drill)
    if exports.requested(request):
        return exports.response(request, RATES, rate_rows(result))
    calls = list(selectors.call_list(scope=scope, drills=drill))
    return render(request, "resources/videodrills/detail.html", {
        "drill": drill, "table": _table(result), "definition": result["definition"], "calls": calls,
        "can_change": _can_write(scope, drill.region_id) and drill.state in (DrillState.SCHEDULED,
                                                                             DrillState.RUNNING),
        "can_record": scope.role in ("admin", "officer") and drill.state in (DrillState.RUNNING, DrillState.DONE)})


@require_POST
def video_drill_action(request, id: int, action: str):
    scope = Scope.for_user(request.user)
    drill = selectors.drill_get(scope=scope, id=id)
    if action == "start":
        services.drill_start(by=request.user, drill=drill)
    elif action == "end":
        services.drill_end(by=request.user, drill=drill)
    else:
        raise DomainError("未知的操作", "Unknown action", fields={"action": "start / end"})
    return redirect("video_drill_detail", id=drill.pk)


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""


def video_call_outcome(request, id: int):
    """The operator's phone form: one call's connection, answer time and quality."""
    scope = Scope.for_user(request.user)
    call = selectors.call_get(scope=scope, id=id)
    initial = {"connected": "yes" if call.connected else ("no" if call.connected is False else ""),
               "connected_at": _local(call.connected_at), "answered_at": _local(call.answered_at),
               "quality_ok": {True: "yes", False: "no"}.get(call.quality_ok, "unknown"), "note": call.note}
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.call_record(by=request.user, call=call, connected=data["connected"],
                                 connected_at=data["connected_at"],
                                 answered_at=data["answered_at"] if data["connected"] else None,
                                 quality_ok=data["quality_ok"] if data["connected"] else None, note=data["note"])
        except DomainError as exc:
            refuse_or_attach(form, exc)
        else:
            return redirect(f"{_detail_url(call.drill_id)}#call-{call.pk}")
    return render(request, "resources/videodrills/outcome.html", {
        "call": call, "form": form, "window": call.drill.response_minutes,
        "minutes": _minutes(call.placed_at, call.answered_at)})


def _detail_url(drill_id: int) -> str:
    from django.urls import reverse

    return reverse("video_drill_detail", args=[drill_id])


def _minutes(start: dt.datetime | None, end: dt.datetime | None) -> int | None:
    return int((end - start).total_seconds() // 60) if start and end else None


def video_node_list(request):
    scope = Scope.for_user(request.user)
    form = bind_scope(GenerateForm(request.POST or None), scope)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.nodes_generate(by=request.user, region=form.cleaned_data["region"])
        except DomainError as exc:
            refuse_or_attach(form, exc)
    region = request.GET.get("region", "")[:15]
    kind = request.GET.get("kind", "")
    kind = kind if kind in NodeKind.values else ""
    nodes = selectors.node_list(scope=scope, region=region if region.isdigit() else "", kind=kind)
    return render(request, "resources/videodrills/nodes.html", {
        "nodes": nodes[:NODES_ON_PAGE], "node_count": nodes.count(), "form": form, "result": result,
        "kinds": NodeKind.choices, "kind": kind, "region": region,
        "can_generate": scope.role in ("admin", "officer")})


def video_node_edit(request, id: int):
    """A node's name, endpoint id and whether drills call it (officers of its area)."""
    scope = Scope.for_user(request.user)
    node = selectors.node_get(scope=scope, id=id)
    can_edit = _can_write(scope, node.region_id)
    form = NodeForm(request.POST or None, initial={"name": node.name, "endpoint_id": node.endpoint_id,
                                                   "active": node.active})
    if request.method == "POST" and can_edit and form.is_valid():
        try:
            services.node_update(by=request.user, node=node, data=form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            refuse_or_attach(form, exc)
        else:
            return redirect("video_node_list")
    return render(request, "resources/videodrills/node_edit.html", {"node": node, "form": form,
                                                                    "can_edit": can_edit})
