"""Pages of emergency information reports, phone-first: the list, the initial report
form, a report's page (clock, levels, versions, the receiving desk's confirm button),
the follow-up and final forms, the late list, and the public acknowledgement link."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ..core.errors import DomainError, Forbidden
from ..core.scope import Scope
from ..core.ui import domain_message, refuse_or_attach
from . import selectors_reports as selectors
from .forms_reports import FIGURES, FiguresForm, FlagForm, ReportForm
from .models.reports import AckChannel, InfoReport, ReportFlag, ReportState
from .services import reports as services

PAGE_SIZE = 30


def _scope(request) -> Scope:
    scope = Scope.for_user(request.user)
    if scope.organization_id is not None or scope.is_nobody:
        raise Forbidden("企业用户不能查看信息报送", "Enterprise users cannot read information reports")
    return scope


def info_report_list(request):
    scope = Scope.for_user(request.user)
    filters = {k: request.GET.get(k, "").strip()[:20] for k in ("region", "state", "kind", "late")}
    late = {"1": True, "true": True, "0": False, "false": False}.get(filters["late"])
    if scope.organization_id is not None:
        # The navigation offers the page to everyone: an enterprise user learns how its
        # accidents are reported (to the county bureau) and sees no bureau's reports.
        return render(request, "duty/report_list.html", {
            "page": Paginator(InfoReport.objects.none(), PAGE_SIZE).get_page(1), "filters": filters,
            "kinds": [], "states": ReportState.choices, "can_write": False, "enterprise": True})
    scope = _scope(request)
    qs = selectors.report_list(scope=scope, region=filters["region"], kind=filters["kind"], late=late,
                               state=filters["state"] if filters["state"] in ReportState.values else "")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "duty/report_list.html", {
        "page": page, "filters": filters, "kinds": selectors.report_kinds(), "states": ReportState.choices,
        "can_write": scope.can_write})


def info_report_new(request):
    scope = _scope(request)
    scope.require_officer()
    form = ReportForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_create(by=request.user, region=data["region"], **{
                k: data[k] for k in ("kind", "title", "description", "occurred_at", "learned_at", "phoned_at",
                                     "deaths", "injuries", "missing", "measures", "enterprise_name", "latitude",
                                     "longitude")}, direct_loss=data["direct_loss"] or 0)
        except (DomainError, ValidationError) as exc:
            refuse_or_attach(form, exc)
        else:
            messages.success(request, _("Reported. The receiving desks have been notified."))
            return redirect("info_report_detail", id=report.pk)
    return render(request, "duty/report_form.html", {"form": form, "tile_url": settings.YINGJI_TILE_URL})


def info_report_detail(request, id: int):
    scope = _scope(request)
    report = selectors.report_get(scope=scope, id=id)
    person = getattr(request.user, "person", None)
    mine = [d for d in report.deadlines.all() if person is not None and services._serves(person, d)]
    flag_form = FlagForm(request.POST or None, initial={"flag": report.flag or "concealed",
                                                         "reason": report.flag_reason})
    if request.method == "POST":
        scope.require_officer()
        action = request.POST.get("action", "")
        try:
            if action == "acknowledge":
                services.acknowledge_as(by=request.user, report=report, level=request.POST.get("level", "")[:16])
                messages.success(request, _("Receipt confirmed."))
                return redirect("info_report_detail", id=report.pk)
            if action == "flag" and flag_form.is_valid():
                services.report_flag(by=request.user, report=report, flag=flag_form.cleaned_data["flag"],
                                     reason=flag_form.cleaned_data["reason"])
                messages.success(request, _("Saved."))
                return redirect("info_report_detail", id=report.pk)
        except (DomainError, ValidationError) as exc:
            refuse_or_attach(flag_form, exc, aliases={"reason": "reason", "level": None})
    acknowledgements = sorted((a for d in report.deadlines.all() for a in d.acknowledgements.all()),
                              key=lambda a: a.at)
    return render(request, "duty/report_detail.html", {
        "report": report, "clock": selectors.report_clock(report), "now": timezone.now(),
        "acknowledgements": acknowledgements, "mine": [d for d in mine if d.done_at is None] or mine,
        "can_write": scope.can_write and scope.organization_id is None, "closed": report.state == ReportState.FINAL,
        "flag_form": flag_form, "flags": ReportFlag})


def info_report_followup(request, id: int):
    return _figures(request, id, final=False)


def info_report_final(request, id: int):
    return _figures(request, id, final=True)


def _figures(request, id: int, *, final: bool):
    scope = _scope(request)
    scope.require_officer()
    report = selectors.report_get(scope=scope, id=id)
    initial = {name: getattr(report, name) for name in FIGURES}
    form = FiguresForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        write = services.report_final if final else services.report_followup
        try:
            write(by=request.user, report=report, **{k: data[k] for k in ("deaths", "injuries", "missing",
                                                                          "description", "measures")},
                  direct_loss=data["direct_loss"] or 0)
        except (DomainError, ValidationError) as exc:
            refuse_or_attach(form, exc)
        else:
            messages.success(request, _("Final report filed.") if final else _("Follow-up filed."))
            return redirect("info_report_detail", id=report.pk)
    return render(request, "duty/report_figures.html", {"form": form, "report": report, "final": final})


def info_report_late(request):
    scope = _scope(request)
    region = request.GET.get("region", "").strip()[:15]
    month = request.GET.get("month", "").strip()[:7] or timezone.localdate().strftime("%Y-%m")
    start = selectors.month_start(month)
    year = start.year if start else timezone.localdate().year
    reports = selectors.report_list(scope=scope, region=region, month=month).exclude(late=False, flag="")
    return render(request, "duty/report_late.html", {
        "summary": selectors.late_summary(scope=scope, region=region, year=year), "reports": reports[:200],
        "region": region, "month": month})


def info_report_ack(request, token: str):
    """The link in each report's SMS: GET shows the report and one button, POST
    confirms receipt for the level the message went to. No login: the signed token
    is the key (as the call-up's link)."""
    try:
        deadline, person = services.deadline_for_token(token)
    except DomainError as exc:
        return render(request, "duty/report_ack.html", {"invalid": domain_message(exc)}, status=404)
    if request.method == "POST":
        services.report_acknowledge(deadline=deadline, person=person, channel=AckChannel.LINK)
        return redirect("info_report_ack", token=token)
    deadline.refresh_from_db()
    return render(request, "duty/report_ack.html", {"deadline": deadline, "report": deadline.report,
                                                    "person": person})
