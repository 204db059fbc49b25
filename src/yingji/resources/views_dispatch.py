"""Pages of dispatch (调度): the list, the one-click form (prefilled from a risk point, a
shelter or a report), one order with its timeline, and the leader's phone page behind
the signed link in the SMS (/resources/d/<token>, no login)."""

from django import forms
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from ..core.errors import DomainError
from ..core.regionpicker import RegionField, bind_scope
from ..core.scope import Scope
from ..core.ui import domain_message, refuse_or_attach
from . import selectors_dispatch as selectors
from .choices_dispatch import ACTIONS, BEFORE, DestinationKind, DispatchState, StepChannel
from .models import SupplyKind, Warehouse
from .models.supplies import MAX_QUANTITY
from .services import dispatch as services

ON_PAGE = 200


def _d(text: str):
    """A label of these pages (msgctxt "dispatch", so that generic words stay ours)."""
    return pgettext_lazy("dispatch", text)


SUPPLY_ROWS = 3
# The one button the phone shows for each state: the next step.
NEXT_ACTION = {BEFORE[state]: action for action, state in ACTIONS.items()}
ACTION_LABELS = {"acknowledge": _d("Acknowledge the order"), "depart": _d("We are departing"),
                 "arrive": _d("We have arrived"), "complete": _d("Task completed")}


class DispatchForm(forms.Form):
    team = forms.TypedChoiceField(label=_d("Rescue team"), required=False, coerce=int, empty_value=None)
    destination_kind = forms.ChoiceField(label=_d("Destination"), choices=DestinationKind.choices,
                                         initial=DestinationKind.POSITION)
    destination_id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**62)
    destination_text = forms.CharField(label=_d("Destination name"), max_length=200, required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False)
    lon = forms.FloatField(label=_("Longitude"), required=False)
    region = RegionField(label=_d("Region of the destination"), required=False)
    task = forms.CharField(label=_d("Task"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    drill = forms.BooleanField(label=_d("Drill (exercise)"), required=False)
    ack_minutes = forms.IntegerField(label=_d("Acknowledge within (minutes)"), min_value=1,
                                     max_value=services.MAX_ACK_MINUTES, initial=services.DEFAULT_ACK_MINUTES)

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "—")] + [
            (t.pk, f"{t.name}（{t.region.name}）") for t in selectors.sendable_teams(scope=scope)]
        warehouses = [("", "—")] + [(w.pk, w.name) for w in scope.filter(Warehouse.objects.all())[:500]]
        kinds = [("", "—")] + [(k.code, f"{k.name}（{k.unit}）") for k in SupplyKind.objects.all()[:1000]]
        for i in range(SUPPLY_ROWS):
            self.fields[f"warehouse_{i}"] = forms.TypedChoiceField(label=_d("Warehouse"), choices=warehouses,
                                                                   required=False, coerce=int, empty_value=None)
            self.fields[f"kind_{i}"] = forms.ChoiceField(label=_d("Supply kind"), choices=kinds, required=False)
            self.fields[f"quantity_{i}"] = forms.IntegerField(label=_d("Quantity"), required=False, min_value=1,
                                                              max_value=MAX_QUANTITY)
        bind_scope(self, scope)

    def supply_rows(self):
        return [(self[f"warehouse_{i}"], self[f"kind_{i}"], self[f"quantity_{i}"]) for i in range(SUPPLY_ROWS)]

    def lines(self) -> list[services.SupplyLine]:
        data, lines = self.cleaned_data, []
        for i in range(SUPPLY_ROWS):
            warehouse, kind, quantity = data.get(f"warehouse_{i}"), data.get(f"kind_{i}"), data.get(f"quantity_{i}")
            if warehouse or kind or quantity:
                lines.append(services.SupplyLine(warehouse or 0, kind or "", quantity or 0))
        return lines


def dispatch_list(request):
    scope = Scope.for_user(request.user)
    state = request.GET.get("state", "")
    state = state if state in DispatchState.values else ""
    rows = list(selectors.dispatch_list(scope=scope, state=state)[:ON_PAGE])
    for row in rows:
        row.took = _took(row)
    return render(request, "resources/dispatch/list.html", {
        "rows": rows, "state": state, "states": DispatchState.choices,
        "can_send": scope.role in ("admin", "officer")})


def _took(dispatch) -> dict[str, str]:
    """The durations as h:mm:ss (or m:ss), read the same in every language."""
    out = {}
    for name, seconds in services.durations(dispatch).items():
        if seconds is not None:
            hours, rest = divmod(seconds, 3600)
            out[name] = f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
    return out


def _prefill(request, scope: Scope) -> dict:
    """?risk_point=, ?shelter= or ?report=: the destination chosen on that row's page."""
    for kind in (DestinationKind.RISK_POINT, DestinationKind.SHELTER, DestinationKind.REPORT):
        raw = request.GET.get(kind, "")
        if raw.isdigit() and len(raw) < 18:
            try:
                place = services.destination_of(scope, kind, int(raw))
            except DomainError:
                return {}
            return {"destination_kind": kind, "destination_id": int(raw), "destination_text": place["name"],
                    "lat": place["lat"], "lon": place["lon"]}
    return {}


def dispatch_new(request):
    scope = Scope.for_user(request.user)
    scope.require_officer()
    initial = _prefill(request, scope) if request.method == "GET" else {}
    form = DispatchForm(request.POST or None, initial=initial, scope=scope)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dispatch = services.dispatch_create(
                by=request.user, task=data["task"], team_id=data["team"], supplies=form.lines(),
                destination_kind=data["destination_kind"], destination_id=data["destination_id"],
                destination_text=data["destination_text"], lat=data["lat"], lon=data["lon"],
                region=data["region"] or "", drill=data["drill"], ack_minutes=data["ack_minutes"])
        except DomainError as exc:
            refuse_or_attach(form, exc, aliases={"team_id": "team", "destination.id": "destination_kind",
                                                 "destination.kind": "destination_kind"})
        else:
            return redirect("dispatch_detail", id=dispatch.pk)
    return render(request, "resources/dispatch/new.html", {"form": form, "prefilled": initial})


def dispatch_detail(request, id: int):
    scope = Scope.for_user(request.user)
    person = getattr(request.user, "person", None)
    dispatch = selectors.dispatch_get(scope=scope, id=id, person_id=person.pk if person else None)
    return render(request, "resources/dispatch/detail.html", {
        "d": dispatch, "steps": list(dispatch.steps.all()), "supplies": list(dispatch.supplies.all()),
        "took": _took(dispatch), "next_action": NEXT_ACTION.get(dispatch.state),
        "next_label": ACTION_LABELS.get(NEXT_ACTION.get(dispatch.state, ""), ""),
        "can_step": services.may_step(scope, dispatch, person),
        "can_cancel": services.may_step(scope, dispatch, person, action="cancel") and dispatch.state not in (
            DispatchState.COMPLETED, DispatchState.CANCELLED)})


@require_POST
def dispatch_step(request, id: int):
    """A logged-in leader or officer steps the order from its page."""
    scope = Scope.for_user(request.user)
    person = getattr(request.user, "person", None)
    dispatch = selectors.dispatch_get(scope=scope, id=id, person_id=person.pk if person else None)
    action = request.POST.get("action", "")
    services.dispatch_step(dispatch=dispatch, action=action, by=request.user, lat=_number(request.POST.get("lat")),
                           lon=_number(request.POST.get("lon")), note=request.POST.get("note", "")[:300])
    return redirect("dispatch_detail", id=dispatch.pk)


def _number(raw):
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        return raw  # the service names the field and the reason


def dispatch_link(request, token: str):
    """The link in the leader's SMS: no login, the signed token is bound to the order
    and its leader. GET shows the order and the one next step; POST makes it."""
    try:
        dispatch = services.dispatch_for_token(token)
    except DomainError:
        return render(request, "resources/dispatch/link_invalid.html", status=404)
    error = ""
    if request.method == "POST":
        try:
            services.dispatch_step(dispatch=dispatch, action=request.POST.get("action", ""),
                                   channel=StepChannel.LINK, lat=_number(request.POST.get("lat")),
                                   lon=_number(request.POST.get("lon")), note=request.POST.get("note", "")[:300])
        except DomainError as exc:
            error = domain_message(exc)
            if exc.fields:
                error += "（" + "；".join(str(v) for v in exc.fields.values()) + "）"
        else:
            return redirect("dispatch_link", token=token)
        dispatch.refresh_from_db()
    action = NEXT_ACTION.get(dispatch.state)
    return render(request, "resources/dispatch/phone.html", {
        "d": dispatch, "steps": list(dispatch.steps.select_related("person").order_by("at", "pk")),
        "supplies": list(dispatch.supplies.select_related("warehouse", "kind")), "error": error,
        "next_action": action, "next_label": ACTION_LABELS.get(action or "", "")},
        status=400 if error else 200)
