"""Organizations (单位): bureaus, departments, township governments, rescue teams.
List, detail with the people who belong to it, create and edit through core.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ...core import selectors as core_selectors
from ...core import services
from ...core.choices import OrganizationKind
from ...core.errors import DomainError
from ...core.ui import refuse_or_attach
from ..forms_manage import OrganizationForm
from .people import government_scope

PAGE_SIZE = 50
ALIASES = {"region_id": "region", "parent_id": "parent"}


def organization_list(request):
    scope = government_scope(request)
    filters = {k: request.GET.get(k, "").strip()[:100] for k in ("region", "kind", "q")}
    if filters["kind"] not in OrganizationKind.values:
        filters["kind"] = ""
    page = Paginator(core_selectors.organization_list(scope=scope, **filters), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "web/organization_list.html", {
        "page": page, "filters": filters, "kinds": OrganizationKind.choices, "can_write": scope.can_write})


def organization_detail(request, id: int):
    scope = government_scope(request)
    org = core_selectors.organization_get(scope=scope, id=id)
    return render(request, "web/organization_detail.html", {
        "organization": org,
        "people": core_selectors.person_list(scope=scope).filter(organization=org)[:200],
        "children": core_selectors.organization_list(scope=scope).filter(parent=org),
        "audit": core_selectors.audit_list(scope=scope, object_type="core.organization", object_id=str(org.id))[:20],
        "can_write": scope.can_write,
    })


def organization_new(request):
    return _form(request, None)


def organization_edit(request, id: int):
    scope = government_scope(request)
    return _form(request, core_selectors.organization_get(scope=scope, id=id))


def _form(request, org):
    scope = government_scope(request)
    scope.require_officer()
    form = OrganizationForm(request.POST or None, scope=scope, organization=org)
    if request.method == "POST" and form.is_valid():
        try:
            if org is None:
                org = services.organization_create(by=request.user, **form.service_kwargs())
            else:
                services.organization_update(by=request.user, organization=org, **form.service_kwargs())
        except (DomainError, ValidationError) as exc:
            refuse_or_attach(form, exc, aliases=ALIASES)
        else:
            messages.success(request, _("Saved."))
            return redirect("organization_detail", id=org.id)
    return render(request, "web/organization_form.html", {"form": form, "organization": org})
