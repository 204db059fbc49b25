"""Pages of response levels (应急响应): the list and declare form, one page per response
(level and history, orders with their confirmations, tasks, map), a cadre's phone page
of open tasks, and the public signed confirmation link /response/t/<token>."""

from django import forms
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ..alerts import selectors as alerts_selectors
from ..core import exports, regioncodes
from ..core.errors import DomainError
from ..core.regionpicker import RegionField, bind_scope
from ..core.scope import Scope
from ..core.ui import refuse_or_attach
from . import selectors_event as event
from . import selectors_levels as selectors
from . import services
from .choices_levels import COLOUR, ZH, ChangeAction, ConfirmChannel, Grade, LevelStatus, TaskState
from .exports_levels import SUMMARY, TASKS, summary_rows
from .services import riskcontrol

RECENT = 30
TASKS_ON_PAGE = 1000


class DeclareForm(forms.Form):
    hazard = forms.ChoiceField(label=_("Hazard type"))
    level = forms.ChoiceField(label=_("Response level"), choices=[(g, ZH[g]) for g in Grade.values])
    regions = RegionField(label=_("Regions"), multiple=True)
    drill = forms.BooleanField(label=_("Drill"), required=False)
    warning_id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**62)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hazard"].choices = [(h.code, h.name) for h in selectors.hazards()]


class ChangeForm(forms.Form):
    action = forms.ChoiceField(choices=ChangeAction.choices)
    level = forms.ChoiceField(choices=[("", "—")] + [(g, ZH[g]) for g in Grade.values], required=False)
    note = forms.CharField(max_length=300, required=False)


def _from_warning(request, scope: Scope) -> dict:
    """A declare form prefilled from a warning (?warning=<id>): its area, drill flag and
    the hazard of its type where one matches."""
    raw = request.GET.get("warning", "")
    if not raw.isdigit() or len(raw) > 18:
        return {}
    try:
        warning = alerts_selectors.warning_get(scope=scope, id=int(raw))
    except DomainError:
        return {}
    codes = {h.code for h in selectors.hazards()}
    hazard = warning.type if warning.type in codes else ("flood" if "flood" in warning.type else "")
    return {"warning_id": warning.pk, "regions": [a.region_id for a in warning.areas.all()],
            "drill": warning.drill, "hazard": hazard, "_warning": warning}


def response_home(request):
    scope = Scope.for_user(request.user)
    initial = _from_warning(request, scope)
    warning = initial.pop("_warning", None)
    form = bind_scope(DeclareForm(request.POST or None, initial=initial), scope)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            level = services.level_declare(by=request.user, hazard=data["hazard"], grade=data["level"],
                                           regions=data["regions"], drill=data["drill"],
                                           warning_id=data["warning_id"])
        except DomainError as exc:
            refuse_or_attach(form, exc, aliases={"level": "level", "warning_id": "regions", "region": "regions"})
        else:
            return redirect("response_level_detail", id=level.pk)
    levels = list(selectors.level_list(scope=scope)[:RECENT])
    return render(request, "response/level_list.html", {
        "in_force": [lv for lv in levels if lv.status == LevelStatus.IN_FORCE],
        "recent": [lv for lv in levels if lv.status != LevelStatus.IN_FORCE],
        "form": form, "can_declare": scope.role in ("admin", "officer"), "warning": warning,
        "colours": COLOUR, "zh": ZH})


def level_detail(request, id: int):
    scope = Scope.for_user(request.user)
    level = selectors.level_get(scope=scope, id=id)
    state = request.GET.get("state", "")
    state = state if state in TaskState.values else ""
    tasks = selectors.task_list(scope=scope, level=level.pk, state=state or None)
    summary = event.event_summary(scope=scope, level=level)
    if exports.requested(request):
        if request.GET.get("table") == "summary":
            return exports.response(request, SUMMARY, summary_rows(summary))
        return exports.response(request, TASKS, tasks)
    board = selectors.order_board(scope=scope, level=level)
    return render(request, "response/level_detail.html", {
        "level": level, "zh": ZH, "colour": COLOUR[level.grade], "history": selectors.history(level),
        "areas": level.areas.select_related("region"), "board": board,
        "totals": {k: sum(r[k] for r in board) for k in ("total", "confirmed", "open", "escalated")},
        "tasks": tasks[:TASKS_ON_PAGE], "task_count": tasks.count(), "state": state,
        "states": TaskState.choices, "change_form": ChangeForm(),
        "can_change": level.status == LevelStatus.IN_FORCE and scope.role in ("admin", "officer")
        and all(scope.covers_region(a.region_id) for a in level.areas.all()),
        "tile_url": settings.YINGJI_TILE_URL, "summary": summary,
        "can_start_rounds": level.status == LevelStatus.IN_FORCE and scope.role in ("admin", "officer")
        and not all(any(regioncodes.in_subtree(a["region"], r["region"]) for r in summary["rounds"] if r["open"])
                    for a in summary["areas"])})


@require_POST
def level_risk_rounds(request, id: int):
    """启动风险点管控: the control rounds of this response over the officer's part of it."""
    level = selectors.level_get(scope=Scope.for_user(request.user), id=id)
    riskcontrol.rounds_for_level(by=request.user, level=level)
    return redirect("response_level_detail", id=level.pk)


def level_map(request, id: int):
    """The map's data: the area, the level's colour, the regions with tasks, the
    shelters with their occupancy and the uncontrolled risk points of the event."""
    scope = Scope.for_user(request.user)
    level = selectors.level_get(scope=scope, id=id)
    regions = selectors.map_regions(scope=scope, level=level)
    return JsonResponse({**event.event_map_points(scope=scope, level=level),
                         "level": level.grade, "colour": COLOUR[level.grade], "status": level.status,
                         "areas": sorted(a.region_id for a in level.areas.all()), "regions": regions,
                         "totals": {"total": sum(r["total"] for r in regions),
                                    "confirmed": sum(r["confirmed"] for r in regions),
                                    "escalated": sum(r["escalated"] for r in regions)}})


@require_POST
def level_change(request, id: int):
    scope = Scope.for_user(request.user)
    level = selectors.level_get(scope=scope, id=id)
    form = ChangeForm(request.POST)
    if not form.is_valid():
        raise DomainError("操作无效", "Invalid action", fields={k: "; ".join(v) for k, v in form.errors.items()})
    data = form.cleaned_data
    services.level_change(by=request.user, level=level, action=data["action"], grade=data["level"] or None,
                          note=data["note"])
    return redirect("response_level_detail", id=level.pk)


def my_tasks(request):
    """A cadre's phone page: their open tasks, with big confirm buttons."""
    person = getattr(request.user, "person", None)
    tasks = list(selectors.my_open_tasks(person_id=person.pk)) if person else []
    for task in tasks:
        task.confirm_url = reverse("response_task_confirm", args=[task.pk])
    return render(request, "response/level_my_tasks.html", {"tasks": tasks, "zh": ZH})


@require_POST
def task_confirm(request, id: int):
    person = getattr(request.user, "person", None)
    scope = Scope.for_user(request.user)
    task = selectors.task_get(scope=scope, id=id, person_id=person.pk if person else None)
    item = request.POST.get("item", "")
    services.task_confirm(task=task, by=request.user, items=[item] if item else None,
                          note=request.POST.get("note", "")[:300])
    back = request.POST.get("next", "")
    return redirect(back if back in ("response_my_tasks",) else "response_my_tasks")


def task_link(request, token: str):
    """The link in a task's SMS: no login, the signed token is bound to the task and
    its owner. GET shows the task with its buttons, POST confirms (an item or all)."""
    try:
        task = services.task_for_token(token)
    except DomainError:
        return render(request, "response/level_link_invalid.html", status=404)
    error = ""
    if request.method == "POST":
        item = request.POST.get("item", "")
        try:
            services.task_confirm(task=task, items=[item] if item else None, note=request.POST.get("note", "")[:300],
                                  channel=ConfirmChannel.LINK)
        except DomainError as exc:
            error = exc.zh
        else:
            return redirect("response_task_link", token=token)
        task.refresh_from_db()
    return render(request, "response/level_task_link.html", {"task": task, "zh": ZH, "error": error,
                                                             "left": [i for i in task.order.checklist
                                                                      if i not in task.checked]})
