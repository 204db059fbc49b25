"""Pages of the hazards app: the list with lights and filters, the hazard with its
timeline and the actions this person may take, the public report form, the ranking."""

import datetime as dt

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ..core.errors import DomainError
from ..core.scope import Scope
from . import indexes, reporting, selectors, services
from .api import client_ip
from .choices import HazardLevel, HazardState, Light
from .lights import light


def hazard_list(request):
    scope = Scope.for_user(request.user)
    g = request.GET
    qs = selectors.hazard_list(scope=scope, region=g.get("region", "")[:15], state=_choice(g, "state", HazardState),
                               level=_choice(g, "level", HazardLevel), light=_choice(g, "light", Light),
                               q=g.get("q", "")[:100])
    page = Paginator(qs, 50).get_page(g.get("page"))
    today = timezone.localdate()
    for h in page:
        h.light = light(state=h.state, deadline=h.deadline, today=today)
    return render(request, "hazards/hazard_list.html", {
        "page": page, "states": HazardState.choices, "levels": HazardLevel.choices, "lights": Light.choices,
        "filters": g})


def _choice(params, name, choices) -> str:
    value = params.get(name, "")
    return value if value in choices.values else ""


@require_http_methods(["GET", "POST"])
def hazard_detail(request, id: int):
    scope = Scope.for_user(request.user)
    hazard = selectors.hazard_get(scope=scope, id=id)
    error = ""
    if request.method == "POST":
        try:
            services.hazard_act(by=request.user, hazard=hazard, action=request.POST.get("action", ""),
                                reason=request.POST.get("reason", "")[:2000],
                                evidence_text=request.POST.get("evidence_text", "")[:5000])
            return redirect("hazard_detail", id=id)
        except DomainError as exc:
            error = f"{exc.zh} / {exc.en}"
        hazard = selectors.hazard_get(scope=scope, id=id)
    return render(request, "hazards/hazard_detail.html", {
        "hazard": hazard, "light": light(state=hazard.state, deadline=hazard.deadline),
        "actions": services.actions_for(hazard, scope), "events": hazard.events.all(), "error": error})


def ranking(request):
    scope = Scope.for_user(request.user)
    today = timezone.localdate()
    code = request.GET.get("region", "") or scope.region_code or "33"
    start = _date(request.GET.get("from"), today.replace(month=1, day=1))
    end = _date(request.GET.get("to"), today)
    result = indexes.ranking(scope=scope, code=code[:15], start=start, end=end)
    return render(request, "hazards/ranking.html", {"result": result, "start": start, "end": end})


def _date(text, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        return default


@require_http_methods(["GET", "POST"])
def report_form(request):
    """The public report form: no login, no captcha, rate-limited per address."""
    context = {"done": None, "error": "", "data": request.POST}
    if request.method == "POST":
        p = request.POST
        try:
            context["done"] = reporting.report_create(
                ip=client_ip(request), region_code=p.get("region", "")[:15], description=p.get("description", "")[:5000],
                enterprise_name=p.get("enterprise_name", "")[:200], address=p.get("address", "")[:300],
                contact=p.get("contact", "")[:100])
        except DomainError as exc:
            context["error"] = f"{exc.zh} / {exc.en}"
            status = exc.status
            return render(request, "hazards/report_form.html", context, status=status)
        except Exception as exc:  # model validation (e.g. an empty description)
            from django.core.exceptions import ValidationError

            if not isinstance(exc, ValidationError):
                raise
            context["error"] = "；".join(exc.messages)
            return render(request, "hazards/report_form.html", context, status=400)
    return render(request, "hazards/report_form.html", context)
