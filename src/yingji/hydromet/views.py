"""Pages of stations (测站): list, detail with the latest readings, create and edit,
through the hydromet services and the selectors' scope."""

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
from .choices import StationKind
from .forms import StationForm

PAGE_SIZE = 50
ALIASES = {"region_id": "region_code", "region": "region_code"}


def _scope(request) -> Scope:
    scope = Scope.for_user(request.user)
    if scope.organization_id is not None or scope.is_nobody:
        raise Forbidden("企业用户不能查看测站", "Enterprise users cannot read stations")
    return scope


def station_list(request):
    scope = _scope(request)
    filters = {k: request.GET.get(k, "").strip()[:100] for k in ("region", "kind", "q")}
    if filters["kind"] not in StationKind.values:
        filters["kind"] = ""
    page = Paginator(selectors.station_list(scope=scope, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hydromet/station_list.html", {
        "page": page, "filters": filters, "kinds": StationKind.choices, "can_write": scope.can_write})


def station_detail(request, code: str):
    scope = _scope(request)
    station = selectors.station_get(scope=scope, code=code)
    return render(request, "hydromet/station_detail.html", {
        "station": station, "latest": selectors.latest(scope=scope, station=station).values(),
        "can_write": scope.can_write,
        "audit": audit_list(scope=scope, object_type="hydromet.station", object_id=str(station.pk))[:20],
    })


def station_new(request):
    return _form(request, None)


def station_edit(request, code: str):
    return _form(request, selectors.station_get(scope=_scope(request), code=code))


def _form(request, station):
    scope = _scope(request)
    scope.require_officer()
    form = StationForm(request.POST or None, scope=scope, station=station)
    if request.method == "POST" and form.is_valid():
        try:
            if station is None:
                station = services.station_create(by=request.user, **form.service_kwargs())
            else:
                station = services.station_update(by=request.user, station=station, **form.service_kwargs())
        except (DomainError, ValidationError) as exc:
            refuse_or_attach(form, exc, aliases=ALIASES)
        else:
            messages.success(request, _("Saved."))
            return redirect("station_detail", code=station.code)
    return render(request, "hydromet/station_form.html", {"form": form, "station": station})
