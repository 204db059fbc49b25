"""Pages of the enforcement app: the case list with its lights, a case with its steps,
decisions, evidence and the buttons of the next step, the discretion preview, the
off-site review queue, summons (约谈) with their follow-up, and the figures."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from ..core import tabular
from ..core.choices import WRITER_ROLES
from ..core.errors import DomainError
from ..core.regionpicker import bind_scope
from ..core.scope import Scope
from ..core.ui import domain_message, refuse_or_attach
from ..hazards import selectors as hazard_selectors
from . import discretion, documents, offsite, reports, selectors, services, summons, verification
from .choices import Action, DetectionState, Step, VerificationResult
from .forms import (
    CheckForm,
    DismissForm,
    FactsForm,
    FiguresFilter,
    FollowUpForm,
    StepForm,
    SummonsFilter,
    SummonsForm,
    TransferForm,
    VerificationForm,
    VerificationResultForm,
)


def case_list(request):
    scope = Scope.for_user(request.user)
    g = request.GET
    state = g.get("state", "") if g.get("state") in Step.values else ""
    qs = selectors.case_list(scope=scope, state=state, q=g.get("q", "")[:100])
    page = Paginator(qs, 50).get_page(g.get("page"))
    for case in page:
        case.light = selectors.current_light(case)
    return render(request, "enforcement/case_list.html", {
        "page": page, "states": Step.choices, "state": state, "q": g.get("q", "")[:100],
        "overdue": list(selectors.overdue_steps(scope=scope)[:20])})


def _forms(case, data=None, action=""):
    forms = {}
    for name in services.allowed_actions(case):
        bound = data if name == action else None
        if name == Action.TRANSFER:
            forms[name] = TransferForm(bound, prefix=name)
        elif name == Action.DECIDE:
            forms[name] = FactsForm(bound, prefix=name)
        else:
            forms[name] = StepForm(bound, prefix=name)
    return forms


def case_detail(request, id: int):
    scope = Scope.for_user(request.user)
    case = selectors.case_get(scope=scope, id=id)
    can_write = scope.role in WRITER_ROLES
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "reopening_check":
        return _reopening_check(request, scope, case)
    forms = _forms(case, request.POST if action else None, action)
    if action:
        scope.require_officer()
        if action not in forms:
            raise Http404()
        form = forms[action]
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == Action.DECIDE:
                    services.case_act(by=request.user, case=case, action=action, decided_on=data["decided_on"],
                                      decisions=[form.facts()])
                else:
                    services.case_act(by=request.user, case=case, action=action, note=data.get("note", ""),
                                      agency=data.get("agency", ""))
            except (DomainError, ValidationError) as exc:
                refuse_or_attach(form, exc)
            else:
                return redirect("case_detail", id=case.pk)
    labels = dict(Action.choices)
    return render(request, "enforcement/case_detail.html", {
        "case": case, "light": selectors.current_light(case), "steps": list(case.steps.all()),
        "decisions": [_decision(d) for d in case.decisions.all()], "evidence": list(case.evidence.all()),
        "stop_orders": list(case.stop_orders.all()), "transfer": selectors.transfer_of(case),
        "can_write": can_write, "hazard": case.hazard if case.hazard_id else None,
        "verifications": list(case.verifications.all()),
        "forms": [(name, labels[name], form) for name, form in forms.items()] if can_write else []})


def _reopening_check(request, scope, case):
    """The reopening check (回头看) of one of the case's stop orders, from its small form."""
    scope.require_officer()
    form = CheckForm(request.POST)
    order = case.stop_orders.filter(pk=request.POST.get("order", "")).first() if request.POST.get(
        "order", "").isdigit() else None
    if order is None:
        raise Http404()
    if form.is_valid():
        try:
            services.reopening_check(by=request.user, order=order, outcome=form.cleaned_data["outcome"])
        except DomainError:
            pass  # already checked meanwhile: the page shows the recorded check
    return redirect("case_detail", id=case.pk)


def _decision(row):
    for name, value in discretion.describe(row.provision, row.rule_version, row.tier).items():
        setattr(row, name, value)
    row.measure_labels = [discretion.engine.MEASURES[m][0] for m in row.measures if m in discretion.engine.MEASURES]
    return row


def discretion_preview(request):
    """The discretion rules applied to the facts typed in; nothing is stored."""
    form = FactsForm(request.GET or None)
    result = None
    if request.GET and form.is_valid():
        try:
            (result,) = services.preview(facts=[form.facts()], decided_on=form.cleaned_data["decided_on"])
        except DomainError as exc:
            refuse_or_attach(form, exc)
        else:
            result.measure_labels = [discretion.engine.MEASURES[m][0] for m in result.measures]
    return render(request, "enforcement/preview.html", {"form": form, "result": result})


def case_document(request, id: int, kind: str):
    """立案审批表, 行政处罚告知书, 行政处罚决定书, 移送书 or 责令限期整改指令书 as PDF, from
    the record (each once the record holds what it states)."""
    case = selectors.case_get(scope=Scope.for_user(request.user), id=id)
    if kind == "filing":
        content = documents.filing_form(case)
    elif kind == "decision" and case.decisions.exists():
        content = documents.decision_document(case)
    elif kind == "notice" and case.decisions.exists():
        content = documents.notice_document(case)
    elif kind == "transfer" and selectors.transfer_of(case) is not None:
        content = documents.transfer_document(case, selectors.transfer_of(case))
    elif kind == "rectification":
        content = documents.rectification_order(case=case, deadline=_deadline(request))
    else:
        raise Http404()
    return _pdf(content, f"{kind}-{case.pk}.pdf")


def hazard_rectification_order(request, id: int):
    """The order to rectify within a deadline (责令限期整改指令书) for a hazard at an
    enterprise, without a case: its deadline, or the day given as `?deadline=`."""
    hazard = hazard_selectors.hazard_get(scope=Scope.for_user(request.user), id=id)
    if hazard.enterprise_id is None:
        raise Http404()
    return _pdf(documents.rectification_order(hazard=hazard, deadline=_deadline(request)),
                f"rectification-{hazard.number}.pdf")


def _deadline(request) -> dt.date | None:
    """The `?deadline=yyyy-mm-dd` the officer named (anything else: none named)."""
    raw = request.GET.get("deadline", "")[:10]
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _named(raw: str, get, scope):
    """The row a form field names by id through its selector `get`, or None (not an id,
    or not one the scope sees)."""
    return get(scope=scope, id=int(raw)) if raw.isdigit() and len(raw) < 12 else None


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    # A download, as the other documents: the officer files it (and a browser's PDF viewer is not needed).
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def verifications_page(request):
    """Verification checks (验证式执法): the checks in scope with their lights and, on each
    one due, the form that records its result (a failed one opens a case); with
    `?hazard=<id>`, the form that schedules a check of that hazard."""
    scope = Scope.for_user(request.user)
    can_write = scope.role in WRITER_ROLES
    # The hazard to schedule a check of: the page's, or the one a refused schedule form named.
    raw = request.GET.get("hazard", "") or request.POST.get("hazard_id", "")
    hazard = _named(raw, hazard_selectors.hazard_get, scope)
    schedule, failed = VerificationForm(initial={"hazard_id": hazard.pk if hazard else None}), {}
    if request.method == "POST":
        scope.require_officer()
        if request.POST.get("action") == "result":
            done, failed = _record_result(request, scope)
        else:
            done, schedule = _schedule(request)
        if done is not None:
            return done
    rows = verification.verification_list(scope=scope, hazard_id=hazard.pk if hazard else None).order_by(
        "-result", "due_at", "id")  # "pending" sorts after "failed" and "passed": descending puts it first
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for row in page:
        row.form = failed.get(row.pk) or VerificationResultForm(prefix=f"v{row.pk}")
    return render(request, "enforcement/verifications.html", {
        "page": page, "hazard": hazard, "schedule": schedule, "can_write": can_write,
        "pending": VerificationResult.PENDING})


def _schedule(request):
    form = VerificationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            verification.verification_schedule(by=request.user, hazard_id=data["hazard_id"], due_at=data["due_at"],
                                               note=data["note"])
        except (DomainError, ValidationError) as exc:
            refuse_or_attach(form, exc, aliases={"hazard_id": "__all__"})
        else:
            return redirect(f"{reverse('case_verifications')}?hazard={data['hazard_id']}"), form
    return None, form


def _record_result(request, scope):
    raw = request.POST.get("verification", "")
    row = _named(raw, verification.verification_get, scope)
    if row is None:
        raise Http404()
    form = VerificationResultForm(request.POST, request.FILES, prefix=f"v{row.pk}")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload is not None and upload.size > services.MAX_EVIDENCE_BYTES:
                raise DomainError("文件太大", "The file is too large", fields={"file": "太大 / too large"})
            row = verification.verification_record(
                by=request.user, verification=row, result=form.cleaned_data["result"],
                findings=form.cleaned_data["findings"], evidence=upload.read() if upload else None,
                evidence_name=upload.name if upload else "")
        except (DomainError, ValidationError) as exc:
            refuse_or_attach(form, exc)
        else:
            return (redirect("case_detail", id=row.case_id) if row.case_id else redirect("case_verifications")), {}
    return None, {row.pk: form}


def detection_queue(request):
    """The officer's review queue of off-site detections: accept (a case) or dismiss
    with a reason; the form that failed stays on the page with its error."""
    scope = Scope.for_user(request.user)
    failed = {}
    if request.method == "POST":
        scope.require_officer()
        raw = request.POST.get("detection", "")
        detection = offsite.detection_get(scope=scope, id=int(raw)) if raw.isdigit() else None
        if detection is None:
            raise Http404()
        form = DismissForm(request.POST) if request.POST.get("action") == "dismiss" else None
        try:
            if form is None:
                offsite.detection_accept(by=request.user, detection=detection)
            elif form.is_valid():
                offsite.detection_dismiss(by=request.user, detection=detection, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form = form or DismissForm()
            refuse_or_attach(form, exc)
        if form is None or not form.errors:
            return redirect("case_detections")
        failed[detection.pk] = form
    rows = list(offsite.detection_list(scope=scope, state=DetectionState.PENDING)[:200])
    labels = {kind: rule["label_zh"] for kind, rule in offsite.rules().items()}
    for row in rows:
        row.label = labels.get(row.kind, row.kind)
        row.coordinates = offsite.coordinates_text(row)
        row.form = failed.get(row.pk) or DismissForm()
    return render(request, "enforcement/detections.html", {"rows": rows, "can_write": scope.role in WRITER_ROLES})


def summons_page(request):
    """Summons (约谈): the list with its filters and follow-up lights, the form that
    records one, and on each open one the form that closes its follow-up."""
    scope = Scope.for_user(request.user)
    can_write = scope.role in WRITER_ROLES and scope.organization_id is None
    record, failed = SummonsForm(prefix="new"), {}
    if request.method == "POST":
        scope.require_officer()
        if request.POST.get("action") == "follow_up":
            done, failed = _follow_up(request, scope)
        else:
            done, record = _record(request, scope)
        if done:
            return redirect("case_summons")
    filters = bind_scope(SummonsFilter(request.GET or None), scope)
    given = filters.cleaned_data if filters.is_valid() else {}
    qs = summons.summons_list(scope=scope, region=given.get("region", ""), reason=given.get("reason", ""),
                              open_only=given.get("status") == "open", done_only=given.get("status") == "done")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for row in page:
        row.form = failed.get(row.pk) or FollowUpForm(prefix=f"f{row.pk}")
    return render(request, "enforcement/summons.html", {
        "page": page, "filters": filters, "record": bind_scope(record, scope), "can_write": can_write,
        "query": _without_page(request.GET) if filters.is_valid() else ""})


def _without_page(params) -> str:
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


def _record(request, scope):
    form = bind_scope(SummonsForm(request.POST, prefix="new"), scope)
    if form.is_valid():
        try:
            summons.summons_record(by=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            refuse_or_attach(form, exc)
        else:
            return True, form
    return False, form


def _follow_up(request, scope):
    raw = request.POST.get("summons", "")
    row = _named(raw, summons.summons_get, scope)
    if row is None:
        raise Http404()
    form = FollowUpForm(request.POST, prefix=f"f{row.pk}")
    if form.is_valid():
        try:
            summons.summons_follow_up(by=request.user, summons=row, outcome=form.cleaned_data["outcome"])
        except (DomainError, ValidationError) as exc:
            refuse_or_attach(form, exc)
        else:
            return True, {}
    return False, {row.pk: form}


def figures_page(request, fmt: str = ""):
    """Cases, fines, confiscations, stop-production orders, transfers and 一案三罚 by
    child region over a period; `fmt` "xlsx" gives the same as a workbook."""
    scope = Scope.for_user(request.user)
    form = bind_scope(FiguresFilter(request.GET or None), scope)
    given = form.cleaned_data if form.is_valid() else {}
    region = given.get("region") or scope.region_code or "33"
    end = given.get("end") or timezone.localdate()
    start = given.get("start") or dt.date(end.year, 1, 1)
    result, error = None, ""
    try:
        result = selectors.figures(scope=scope, region=region, start=start, end=end)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        error = domain_message(exc)
    if fmt == "xlsx" and result is not None and not form.errors:
        reply = HttpResponse(reports.figures_xlsx(result), content_type=tabular.CONTENT_TYPES["xlsx"])
        reply["Content-Disposition"] = f'attachment; filename="enforcement-{region}-{start}-{end}.xlsx"'
        return reply
    return render(request, "enforcement/figures.html", {
        "form": form, "result": result, "error": error, "query": request.GET.urlencode()})
