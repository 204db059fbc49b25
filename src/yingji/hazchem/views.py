"""Pages of the hazchem app: the flows (an enterprise records and imports its own; an
officer reads its region's), the work orders with their detail and actions, the
licences (an officer registers them; an enterprise reads its own)."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ..core import exports
from ..core.choices import WRITER_ROLES
from ..core.errors import DomainError, Forbidden
from ..core.scope import Scope
from ..core.tabular import FileRejected
from ..core.ui import refuse_or_attach
from . import flows_import, selectors, services
from .choices import WorkOrderState
from .exports import FLOWS
from .forms import ActionForm, FlowForm, ImportForm, LicenceFilterForm, LicenceForm


def home(request):
    scope = Scope.for_user(request.user)
    return redirect("hazchem_flows" if scope.organization_id is not None else "hazchem_work_orders")


def flows(request):
    scope = Scope.for_user(request.user)
    qs = selectors.flow_list(scope=scope, q=request.GET.get("q", "")[:100])
    if exports.requested(request):
        return exports.response(request, FLOWS, qs)
    is_enterprise = scope.organization_id is not None
    form = FlowForm(request.POST or None) if is_enterprise else None
    findings = []
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            _flow, findings = services.flow_record(by=request.user, **form.cleaned_data)
        except DomainError as exc:
            refuse_or_attach(form, exc)
        else:
            if not findings:
                return redirect("hazchem_flows")
            form = FlowForm()
    return render(request, "hazchem/flows.html", {
        "page": Paginator(qs, 50).get_page(request.GET.get("page")), "form": form, "findings": findings,
        "q": request.GET.get("q", "")[:100], "is_enterprise": is_enterprise})


def flows_import_page(request):
    scope = Scope.for_user(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = flows_import.import_flows(by=request.user, content=upload.read(), filename=upload.name)
        except FileRejected as exc:
            refuse_or_attach(form, exc)
    return render(request, "hazchem/flows_import.html", {"form": form, "report": report,
                                                         "is_enterprise": scope.organization_id is not None})


def work_orders(request):
    scope = Scope.for_user(request.user)
    state = request.GET.get("state", "")
    state = state if state in WorkOrderState.values else ""
    qs = selectors.work_order_list(scope=scope, state=state)
    return render(request, "hazchem/work_orders.html", {
        "page": Paginator(qs, 50).get_page(request.GET.get("page")), "states": WorkOrderState.choices,
        "state": state})


def work_order_detail(request, id: int):
    scope = Scope.for_user(request.user)
    order = selectors.work_order_get(scope=scope, id=id)
    form = ActionForm(request.POST or None)
    action = request.POST.get("action", "")
    if request.method == "POST" and action not in ("accept", "close", "open_case"):
        # A form sent without one of its buttons (Enter in the reason field of an old browser).
        form.is_valid()
        form.add_error(None, _("Choose what to do with the work order: accept, close or open a case."))
    elif request.method == "POST" and form.is_valid():
        try:
            services.work_order_act(by=request.user, order=order, action=action, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            refuse_or_attach(form, exc)
        else:
            return redirect("hazchem_work_order", id=order.pk)
    return render(request, "hazchem/work_order_detail.html", {
        "order": order, "evidence": selectors.work_order_evidence(order=order), "form": form,
        "can_act": scope.role in ("admin", "officer") and scope.covers_region(order.region_id)})


def licences(request):
    scope = Scope.for_user(request.user)
    can_create = scope.role in WRITER_ROLES
    if request.method == "POST" and not can_create:
        raise Forbidden("只有执法人员可以登记许可证", "Only officers register licences")
    form = LicenceForm(request.POST or None) if can_create else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            data["chemical_ids"] = selectors.chemicals_named(scope=scope, text=data["chemical_ids"])
            licence = services.licence_create(by=request.user, **data)
        except DomainError as exc:
            refuse_or_attach(form, exc)
        else:
            return redirect(f"{request.path}?q={licence.enterprise.uscc}")
    filters = LicenceFilterForm(request.GET)
    wanted = filters.cleaned_data if filters.is_valid() else {}
    today = timezone.localdate()
    qs = selectors.licence_page_list(scope=scope, q=wanted.get("q", ""), kind=wanted.get("kind", ""),
                                     validity=wanted.get("validity", ""), today=today)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [(licence, selectors.licence_standing(licence, today)) for licence in page]
    return render(request, "hazchem/licences.html", {
        "page": page, "rows": rows, "form": form, "filters": filters, "query": _without_page(request.GET),
        "is_enterprise": scope.organization_id is not None})


def _without_page(params) -> str:
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()
