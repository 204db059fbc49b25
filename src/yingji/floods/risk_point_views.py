"""Pages of the risk lists (风险清单): risk points with their kind, people exposed,
rain gauges, responsible persons and critical rainfall. List, detail, create and edit,
all through the floods services (as POST /api/risk-points) and the selectors' scope."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..core.errors import DomainError, Forbidden
from ..core.scope import Scope
from ..core.selectors import audit_list
from ..core.ui import refuse_or_attach
from . import selectors, services
from .forms import CriticalRainfallForm, RiskPointForm

PAGE_SIZE = 50
ALIASES = {"region_id": "region", "kind_id": "kind"}


def _scope(request) -> Scope:
    scope = Scope.for_user(request.user)
    if scope.organization_id is not None or scope.is_nobody:
        raise Forbidden("企业用户不能查看风险清单", "Enterprise users cannot read the risk lists")
    return scope



def risk_point_list(request):
    scope = _scope(request)
    filters = {k: request.GET.get(k, "").strip()[:100] for k in ("region", "kind", "q")}
    page = Paginator(selectors.risk_point_list(scope=scope, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "floods/risk_point_list.html", {
        "page": page, "filters": filters, "kinds": selectors.risk_point_kinds(), "can_write": scope.can_write})


def risk_point_detail(request, id: int):
    scope = _scope(request)
    point = selectors.risk_point_get(scope=scope, id=id)
    form = CriticalRainfallForm(request.POST or None) if scope.can_write else None
    if request.method == "POST":
        scope.require_officer()
        if form.is_valid():
            try:
                services.critical_rainfall_set(by=request.user, risk_point=point, values=[form.cleaned_data])
            except (DomainError, ValidationError) as exc:
                refuse_or_attach(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("risk_point_detail", id=point.id)
    return render(request, "floods/risk_point_detail.html", {
        "point": point, "form": form, "can_write": scope.can_write,
        "critical": sorted(point.critical_rainfalls.all(), key=lambda c: c.window_hours),
        "audit": audit_list(scope=scope, object_type="floods.riskpoint", object_id=str(point.id))[:20],
    })


def risk_point_new(request):
    return _form(request, None)


def risk_point_edit(request, id: int):
    return _form(request, selectors.risk_point_get(scope=_scope(request), id=id))


def _form(request, point):
    scope = _scope(request)
    scope.require_officer()
    form = RiskPointForm(request.POST or None, scope=scope, point=point)
    if request.method == "POST" and form.is_valid():
        try:
            if point is None:
                point = services.risk_point_create(by=request.user, **form.service_kwargs())
            else:
                services.risk_point_update(by=request.user, risk_point=point, **form.service_kwargs())
        except (DomainError, ValidationError) as exc:
            refuse_or_attach(form, exc, aliases=ALIASES)
        else:
            messages.success(request, _("Saved."))
            return redirect("risk_point_detail", id=point.id)
    return render(request, "floods/risk_point_form.html", {"form": form, "point": point})
