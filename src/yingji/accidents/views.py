"""Pages of the accidents app: the list, a new accident (phone-first), the accident
with its versions, investigation and accountability (each a small form on the page),
the figures with period and grouping pickers, the control targets, and the monthly
bulletin as PDF or Excel."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from ..core import exports, tabular
from ..core.choices import WRITER_ROLES
from ..core.errors import DomainError
from ..core.regionpicker import bind_scope
from ..core.scope import Scope
from ..core.ui import domain_message, in_reader_language, refuse_or_attach
from . import bulletin, forms, selectors, services
from .choices import GRADE_CHOICES, AccidentGrade
from .exports import ACCIDENTS


def accident_list(request):
    scope = Scope.for_user(request.user)
    g = request.GET
    qs = selectors.accident_list(scope=scope, grade=g.get("grade", "") if g.get("grade") in AccidentGrade.values
                                 else "", q=g.get("q", "")[:100])
    if exports.requested(request):
        return exports.response(request, ACCIDENTS, qs)
    page = Paginator(qs, 50).get_page(g.get("page"))
    return render(request, "accidents/accident_list.html", {
        "page": page, "grades": GRADE_CHOICES, "grade": g.get("grade", ""), "q": g.get("q", "")[:100],
        "can_write": scope.role in WRITER_ROLES, "overdue": list(selectors.overdue_investigations(
            scope=scope)[:20])})


def accident_new(request):
    scope = Scope.for_user(request.user)
    scope.require_officer()
    form = bind_scope(forms.AccidentForm(request.POST or None), scope)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            accident = services.accident_create(
                by=request.user, region_code=data["region"], occurred_at=data["occurred_at"],
                industry=data["industry"], kind=data["kind"], deaths=data["deaths"],
                serious_injuries=data["serious_injuries"], direct_loss=data["direct_loss"],
                description=data["description"], place=data["place"], enterprise_id=data["enterprise_id"],
                party_name=data["party_name"], party_uscc=data["party_uscc"])
        except (DomainError, ValidationError) as exc:
            refuse_or_attach(form, exc, aliases={"region_code": "region"})
        else:
            return redirect("accident_detail", id=accident.pk)
    return render(request, "accidents/accident_form.html", {"form": form})


# The small forms of the accident page: name → (form class, what to do with it).
def _figures(request, accident, data):
    change = services.accident_update(by=request.user, accident=accident, reason=data["reason"],
                                      deaths=data["deaths"], serious_injuries=data["serious_injuries"],
                                      direct_loss=data["direct_loss"])
    return in_reader_language(change.message) if change and not change.counted else ""


def _investigation(request, accident, data):
    services.investigation_save(by=request.user, accident=accident, **data)


def _extension(request, accident, data):
    services.investigation_extend(by=request.user, accident=accident, **data)


def _check(request, accident, data):
    services.check_record(by=request.user, accident=accident, **data)


def _explanation(request, accident, data):
    services.explanation_save(by=request.user, accident=accident, **data)


def _remedial(request, accident, data):
    items = [{"text": line.strip()[:500]} for line in data["items"].splitlines() if line.strip()]
    services.remedial_create(by=request.user, accident=accident, region_code=data["region"], start=data["start"],
                             scope_text=data["scope_text"], items=items)


def _hazard(request, accident, data):
    services.hazard_register_after(by=request.user, accident=accident, **data)


ACTIONS = {
    "figures": (forms.FiguresChangeForm, _figures),
    "investigation": (forms.InvestigationForm, _investigation),
    "extension": (forms.ExtensionForm, _extension),
    "check": (forms.CheckForm, _check),
    "explanation": (forms.ExplanationForm, _explanation),
    "remedial": (forms.RemedialForm, _remedial),
    "hazard": (forms.HazardForm, _hazard),
}


def accident_detail(request, id: int):
    scope = Scope.for_user(request.user)
    accident = selectors.accident_get(scope=scope, id=id)
    can_write = scope.role in WRITER_ROLES
    bound = {}
    notice = ""
    if request.method == "POST":
        scope.require_officer()
        name = request.POST.get("action", "")
        if name not in ACTIONS:
            raise Http404()
        form_class, act = ACTIONS[name]
        form = bind_scope(form_class(request.POST, prefix=name), scope)
        if form.is_valid():
            try:
                notice = act(request, accident, form.cleaned_data) or ""
            except (DomainError, ValidationError) as exc:
                refuse_or_attach(form, exc, aliases={"region_code": "region"})
            else:
                if not notice:
                    return redirect("accident_detail", id=accident.pk)
        bound[name] = form
    page_forms = {name: bound.get(name) or bind_scope(cls(prefix=name, initial=_initial(name, accident)), scope)
                  for name, (cls, _act) in ACTIONS.items()}
    return render(request, "accidents/accident_detail.html", {
        "accident": accident, "versions": list(accident.versions.all()),
        "investigation": _one(accident, "investigation"), "checks": list(accident.checks.all()),
        "explanation": _one(accident, "double_explanation"),
        "remedials": list(accident.remedials.prefetch_related("items")),
        "hazards": list(accident.hazard_links.select_related("hazard")),
        "window": services.late_report_days(accident), "forms": page_forms, "can_write": can_write,
        "notice": notice})


def _initial(name: str, accident) -> dict:
    if name == "figures":
        return {"deaths": accident.deaths, "serious_injuries": accident.serious_injuries,
                "direct_loss": accident.direct_loss}
    if name == "investigation":
        inv = _one(accident, "investigation")
        return {f: getattr(inv, f) for f in services.INVESTIGATION_FIELDS} if inv else {}
    if name == "hazard" and accident.enterprise_id:
        return {"enterprise_id": accident.enterprise_id}
    return {}


def _one(obj, name):
    try:
        return getattr(obj, name)
    except Exception:  # noqa: BLE001  (the one-to-one row does not exist yet)
        return None


def figures_page(request):
    scope = Scope.for_user(request.user)
    form = bind_scope(forms.FiguresFilter(request.GET or None), scope)
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    region = data.get("region") or scope.region_code or "33"
    end = data.get("end") or today
    start = data.get("start") or dt.date(end.year, 1, 1)
    group_by = data.get("group_by") or "region"
    error = ""
    result = ranking = None
    try:
        result = selectors.figures(scope=scope, region=region, start=start, end=end, group_by=group_by)
        ranking = selectors.ranking(scope=scope, region=region, start=start, end=end)
        months = selectors.monthly(scope=scope, region=region, year=end.year)
    except DomainError as exc:
        if exc.status == 404:
            raise
        error, months = domain_message(exc), []
    charts = {"items": [{"name": i["name"], "accidents": i["accidents"], "deaths": i["deaths"]}
                        for i in (result["items"] if result else [])],
              "months": [{"month": m["month"], "accidents": m["accidents"], "deaths": m["deaths"]} for m in months]}
    return render(request, "accidents/figures.html", {
        "form": form, "result": result, "ranking": ranking, "charts": charts, "error": error, "region": region,
        "start": start, "end": end, "group_by": group_by,
        "bulletin_month": (end.replace(day=1) - dt.timedelta(days=1)) if end.day < 28 else end})


def bulletin_file(request, year: int, month: int, fmt: str):
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise Http404()
    scope = Scope.for_user(request.user)
    region = request.GET.get("region", "")[:15] or scope.region_code or "33"
    data = bulletin.build(scope=scope, region=region, year=year, month=month)
    name = f"accidents-{region}-{year}-{month:02d}"
    if fmt == "pdf":
        reply = HttpResponse(bulletin.as_pdf(data), content_type="application/pdf")
    else:
        reply = HttpResponse(bulletin.as_xlsx(data), content_type=tabular.CONTENT_TYPES["xlsx"])
    reply["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return reply


def targets_page(request):
    scope = Scope.for_user(request.user)
    year = timezone.localdate().year
    form = bind_scope(forms.TargetForm(request.POST or None, initial={"year": year}), scope)
    if request.method == "POST":
        scope.require_officer()
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.target_save(by=request.user, region_code=d["region"], year=d["year"],
                                     max_accidents=d["max_accidents"], max_deaths=d["max_deaths"])
            except (DomainError, ValidationError) as exc:
                refuse_or_attach(form, exc, aliases={"region_code": "region"})
            else:
                return redirect("accident_targets")
    return render(request, "accidents/targets.html", {
        "form": form, "targets": list(selectors.target_list(scope=scope).order_by("-year", "region_id")[:500]),
        "can_write": scope.role in WRITER_ROLES})
