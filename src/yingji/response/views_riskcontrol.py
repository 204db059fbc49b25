"""Pages of risk control (风险清单管控): the board of risk points with their state in
the current control round (filters by kind, state and region; counts by state and
kind; the uncontrolled by county and township; export), the phone page that
reports a point's state with the browser's position and a photo, starting and
ending a round, and the import of the risk lists from Excel."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ..core import exports
from ..core.errors import DomainError, Forbidden
from ..core.exports import Column, Export
from ..core.rejects import rejects_keep
from ..core.scope import Scope
from ..core.tabular import FileRejected
from ..core.ui import domain_message, refuse_or_attach
from ..floods import risk_point_import
from ..floods.selectors import risk_point_get, risk_point_kinds
from . import selectors_riskcontrol as selectors
from .models.riskcontrol import ControlState, RoundHazard
from .services import riskcontrol as services

PAGE_SIZE = 50


def _state_label(point) -> str:
    state = getattr(point, "control_state", None)
    return str(ControlState(state).label) if state else "未上报"


BOARD_EXPORT = Export("risk-control", "风险点管控", (
    Column("名称", "name", 24),
    Column("类别", "kind.name", 14),
    Column("区划代码", "region_id", 14),
    Column("所在区划", "region.full_name", 28),
    Column("责任人", "responsible_name", 10),
    Column("责任人电话", "responsible_phone", 14),
    Column("管控状态", _state_label, 10),
    Column("上报时间", "control_at", 18),
))


def _scope(request) -> Scope:
    scope = Scope.for_user(request.user)
    if scope.organization_id is not None or scope.is_nobody:
        raise Forbidden("企业用户不能查看风险清单", "Enterprise users cannot read the risk lists")
    return scope


def _round_of(request, scope):
    raw = request.GET.get("round", "")
    if raw.isdigit():
        return selectors.round_get(scope=scope, id=int(raw))
    return selectors.current_round(scope=scope)


def risk_board(request):
    scope = _scope(request)
    rnd = _round_of(request, scope)
    filters = {k: request.GET.get(k, "").strip()[:40] for k in ("region", "kind", "state", "q")}
    if filters["state"] not in selectors.STATE_FILTERS:
        filters["state"] = ""
    qs = selectors.board(scope=scope, round=rnd, **filters)
    if exports.requested(request):
        return exports.response(request, BOARD_EXPORT, qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for point in page:
        point.state_label = _state_label(point)
    counts = selectors.counts(scope=scope, round=rnd, region=filters["region"], kind=filters["kind"])
    states = [(selectors.NONE, _("Not reported")), *ControlState.choices]
    return render(request, "response/risk_board.html", {
        "round": rnd, "rounds": selectors.round_list(scope=scope)[:20], "page": page, "filters": filters,
        "kinds": risk_point_kinds(), "counts": counts, "states": states,
        "state_counts": [(value, label, counts["by_state"].get(value, 0)) for value, label in states],
        "can_write": scope.can_write, "round_form": RoundForm() if scope.can_write else None,
        # A county officer works in the city's round; the city ends it.
        "can_end": rnd is not None and rnd.is_open and scope.can_write and scope.covers_region(rnd.region_id),
    })


class RoundForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    hazard = forms.ChoiceField(label=gettext_lazy("Hazard"), choices=RoundHazard.choices)
    region = forms.CharField(label=gettext_lazy("Region code"), max_length=15)
    drill = forms.BooleanField(label=gettext_lazy("Drill"), required=False)


@require_POST
def round_new(request):
    scope = _scope(request)
    scope.require_officer()
    form = RoundForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            rnd = services.round_start(by=request.user, name=data["name"], hazard=data["hazard"],
                                       region_id=data["region"], drill=data["drill"])
        except (DomainError, ValidationError) as exc:
            refuse_or_attach(form, exc, aliases={"region_id": "region"})
        else:
            messages.success(request, _("Control round started."))
            return redirect(f"{_board_url()}?round={rnd.pk}")
    for field, errors in form.errors.items():
        for error in errors:
            messages.error(request, f"{form.fields[field].label}: {error}" if field in form.fields else error)
    return redirect(_board_url())


@require_POST
def round_end(request, id: int):
    scope = _scope(request)
    rnd = selectors.round_get(scope=scope, id=id)
    try:
        services.round_end(by=request.user, round=rnd)
    except DomainError as exc:
        messages.error(request, domain_message(exc))
    else:
        messages.success(request, _("Control round ended."))
    return redirect(f"{_board_url()}?round={rnd.pk}")


def _board_url() -> str:
    from django.urls import reverse

    return reverse("response_risk_board")


class StateForm(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("State"), choices=ControlState.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    photo = forms.FileField(label=gettext_lazy("Photo"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)


def risk_report(request, id: int):
    """The phone page: report the state of one risk point."""
    scope = _scope(request)
    point = risk_point_get(scope=scope, id=id)
    rnd = services.open_round_for(point.region_id)
    form = StateForm(request.POST or None, request.FILES or None) if scope.can_write else None
    if request.method == "POST":
        scope.require_officer()
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.state_report(by=request.user, risk_point_id=point.pk, state=data["state"],
                                      note=data["note"], latitude=data["lat"], longitude=data["lon"],
                                      photo=data["photo"])
            except (DomainError, ValidationError) as exc:
                refuse_or_attach(form, exc)
            else:
                messages.success(request, _("State reported."))
                return redirect("response_risk_report", id=point.pk)
    history = selectors.point_history(scope=scope, id=point.pk)
    current = next((r for r in history if r.round_id == (rnd.pk if rnd else None)), None)
    return render(request, "response/risk_report.html", {
        "point": point, "round": rnd, "form": form, "history": history[:30], "current": current})


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Spreadsheet (.xlsx or .csv)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".xlsx", ".csv"):
            raise forms.ValidationError(_("Only .xlsx and .csv files can be imported."))
        if upload.size > settings.YINGJI_IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)d MB: import it in parts.")
                                        % {"mb": settings.YINGJI_IMPORT_MAX_BYTES // (1024 * 1024)})
        return upload


def risk_import(request):
    scope = _scope(request)
    scope.require_officer()
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = risk_point_import.import_risk_points(by=request.user, content=upload.read(),
                                                          filename=upload.name)
        except FileRejected as exc:
            refuse_or_attach(form, exc)
    rejected = report and rejects_keep(by=request.user, name="risk-points-rejected", title="待修改的行",
                                       header=[c.header for c in risk_point_import.COLUMNS],
                                       rows=report.rejected_rows)
    return render(request, "response/risk_import.html", {"form": form, "report": report, "rejected": rejected})


def risk_import_template(request, fmt: str):
    _scope(request)
    if fmt not in exports.FORMATS:
        raise DomainError("不支持的格式", "Unsupported format", fields={"format": "xlsx / csv"})
    return exports.file_response(risk_point_import.risk_points_template(fmt), fmt, "risk-points-template")
