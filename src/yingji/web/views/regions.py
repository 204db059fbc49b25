"""The region browser: a region's children with enterprise counts, and adding
villages and grids under a township or village."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ...accidents import selectors as accident_selectors
from ...core import selectors as core_selectors
from ...core.choices import RegionLevel
from ...core.errors import DomainError, NotFound
from ...core.scope import Scope
from ...core.services import region_create
from ...core.ui import add_form_errors
from .. import selectors
from ..forms import SubRegionForm


def region_root(request):
    """The top of what the caller may see (the whole province for a system admin)."""
    scope = Scope.for_user(request.user)
    top = core_selectors.region_list(scope=scope).first()
    if top is None:
        raise NotFound()
    return redirect("region_detail", code=top.code)


def region_detail(request, code: str):
    scope = Scope.for_user(request.user)
    region = core_selectors.region_get(scope=scope, code=code)
    form = None
    if SubRegionForm.allowed_under(region) and scope.organization_id is None and scope.can_write:
        form = SubRegionForm(request.POST or None, parent=region)
        if request.method == "POST" and _add_child(request, form):
            return redirect("region_detail", code=region.code)
    children = list(core_selectors.region_list(scope=scope, parent=region.code))
    counts = selectors.enterprise_counts_by_child(scope=scope, region=region, children=children)
    grades = selectors.risk_grade_counts(scope=scope, region=region.code)
    return render(request, "web/region_detail.html", {
        "region": region,
        "ancestors": selectors.ancestors_in_scope(scope=scope, region=region),
        "children": [(c, counts.get(c.code, 0)) for c in children],
        "grades": grades,
        "total": sum(g["count"] for g in grades),
        "form": form,
        "adds_village": region.level == RegionLevel.TOWNSHIP,
        **_accident_panel(scope, region),
    })


def _accident_panel(scope: Scope, region) -> dict:
    """This year's accidents and deaths of the region and its children (the figures of
    the accidents app), for the panel and its chart; none for enterprise users."""
    if scope.organization_id is not None:
        return {}
    today = timezone.localdate()
    figures = accident_selectors.figures(scope=scope, region=region.code, start=dt.date(today.year, 1, 1),
                                         end=today, group_by="region")
    items = [{"name": i["name"], "accidents": i["accidents"], "deaths": i["deaths"]} for i in figures["items"]]
    return {"accidents": figures, "accident_chart": {"items": items if any(i["accidents"] for i in items) else [],
                                                     "months": []}}


def _add_child(request, form: SubRegionForm) -> bool:
    if not form.is_valid():
        return False
    try:
        child = region_create(by=request.user, code=form.code(), name=form.cleaned_data["name"],
                              parent_code=form.parent.code)
    except (DomainError, ValidationError) as exc:
        add_form_errors(form, exc, aliases={"code": "suffix"})
        return False
    messages.success(request, _("Added %(name)s (%(code)s).") % {"name": child.name, "code": child.code})
    return True
