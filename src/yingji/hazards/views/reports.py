"""Triage of public reports (举报核查): the region's officers see what the public sent,
reject it with a reason or accept it into a hazard of a named enterprise, and record
the fine that followed; the reporter's reward is then shown.

Enterprise users see no reports: a report may be about their own company and carry
the reporter's contact. Viewers read; the services refuse them any action (403).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ...core import exports
from ...core.choices import WRITER_ROLES
from ...core.errors import DomainError, Forbidden, NotFound
from ...core.scope import Scope
from ...core.ui import domain_message
from ...enterprises.selectors import enterprise_list
from .. import reporting, selectors
from ..choices import HazardCategory, HazardLevel, ReportState
from ..exports import REPORTS
from ..services import deadline_days

ENTERPRISES_OFFERED = 30


def _scope(request) -> Scope:
    scope = Scope.for_user(request.user)
    if scope.organization_id is not None:
        raise Forbidden("企业用户不能查看群众举报", "Enterprise users cannot read public reports")
    return scope


def report_triage(request):
    scope = _scope(request)
    state = request.GET.get("state", ReportState.NEW)
    state = state if state in ReportState.values or state == "all" else ReportState.NEW
    reports = selectors.report_list(scope=scope, state="" if state == "all" else state)
    if exports.requested(request):
        return exports.response(request, REPORTS, reports.order_by("-created_at", "-id"))
    page = Paginator(reports.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "hazards/report_triage.html", {
        "page": page, "state": state, "states": ReportState.choices,
        "pending": selectors.report_list(scope=scope, state=ReportState.NEW).count()})


@require_http_methods(["GET", "POST"])
def report_triage_detail(request, id: int):
    scope = _scope(request)
    report = selectors.report_get(scope=scope, id=id)
    error = ""
    if request.method == "POST":
        try:
            target = _act(request, report)
            return redirect(target)
        except (Forbidden, NotFound):
            raise
        except DomainError as exc:
            error = domain_message(exc)
        except ValidationError as exc:  # the hazard's own validation (e.g. a bad category)
            error = "；".join(exc.messages)
        report = selectors.report_get(scope=scope, id=id)
    return render(request, "hazards/report_triage_detail.html", {
        **_context(request, scope, report), "error": error}, status=400 if error else 200)


def _act(request, report) -> str:
    p, by = request.POST, request.user
    action = p.get("action", "")
    if action == "reject":
        reporting.report_reject(by=by, report=report, reason=p.get("reason", "")[:500])
    elif action == "accept":
        hazard = reporting.report_accept(
            by=by, report=report, enterprise_id=_int(p.get("enterprise_id"), "enterprise_id", "被举报企业"),
            deadline=_date(p.get("deadline")), level=_choice(p.get("level"), HazardLevel, "level"),
            category=_choice(p.get("category"), HazardCategory, "category"),
            description=p.get("description", "")[:5000])
        return reverse("hazard_detail", args=[hazard.pk])
    elif action == "penalty":
        reporting.report_record_penalty(by=by, report=report, fine=_money(p.get("fine")))
    else:
        raise DomainError("未知的操作", "Unknown action", fields={"action": "无效 / invalid"})
    return reverse("hazard_report_triage_detail", args=[report.pk])


def _context(request, scope: Scope, report) -> dict:
    today = timezone.localdate()
    context = {
        "report": report, "can_act": scope.role in WRITER_ROLES,
        "hazard": selectors.hazard_list(scope=scope).filter(report=report).first(),
        "levels": HazardLevel.choices, "categories": HazardCategory.choices,
        "default_deadline": today + dt.timedelta(days=deadline_days(HazardLevel.GENERAL)),
    }
    if report.state == ReportState.NEW:
        q = request.GET.get("q", "")[:100]
        context["q"] = q
        context["enterprises"] = list(enterprise_list(scope=scope, region=report.region_id, q=q)[:ENTERPRISES_OFFERED])
    return context


def _int(text, field: str, label: str) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        raise DomainError(f"请选择{label}", f"Choose the {field}", fields={field: "必填 / required"}) from None


def _date(text) -> dt.date:
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        raise DomainError("整改期限无效", "Invalid deadline", fields={"deadline": "无效 / invalid"}) from None


def _choice(value, choices, field: str) -> str:
    if value not in choices.values:
        raise DomainError("选项无效", f"Invalid {field}", fields={field: "无效 / invalid"})
    return value


def _money(text) -> Decimal:
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        raise DomainError("罚款金额无效", "Invalid fine", fields={"fine": "无效 / invalid"}) from None
    if not value.is_finite() or value > Decimal("9999999999.99"):
        raise DomainError("罚款金额无效", "Invalid fine", fields={"fine": "无效 / invalid"})
    return value.quantize(Decimal("0.01"))
