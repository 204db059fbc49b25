"""The enterprise register: list with filters and export, detail with map, edit, import."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from ...core import exports
from ...core.errors import DomainError
from ...core.regionpicker import bind_scope
from ...core.rejects import rejects_file, rejects_get, rejects_keep
from ...core.scope import Scope
from ...core.selectors import audit_list
from ...core.ui import add_form_errors, refuse_or_attach
from ...enterprises import selectors as enterprise_selectors
from ...enterprises import tabular
from ...enterprises.services import enterprise_create, enterprise_update
from .. import selectors
from ..forms import EnterpriseFilterForm, EnterpriseForm, ImportForm

PAGE_SIZE = 50
AUDIT_SHOWN = 20
EXPORT_FORMATS = {"xlsx", "csv"}


def enterprise_list(request):
    if fmt := exports.requested(request):
        return enterprise_export(request, fmt)
    scope = Scope.for_user(request.user)
    form = bind_scope(EnterpriseFilterForm(request.GET), scope)
    qs = enterprise_selectors.enterprise_list(scope=scope, **form.filters())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": request.GET.urlencode()}
    if _wants_fragment(request):
        template = "web/_enterprise_results.html"
    else:
        template = "web/enterprise_list.html"
        context.update(tag_names=selectors.tag_names(scope=scope))
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])  # a cache must not serve a fragment as the page
    return response


def _wants_fragment(request) -> bool:
    """htmx filtering asks for the results only; a plain request (no JS), and htmx
    restoring a page from history, get the whole page."""
    headers = request.headers
    return bool(headers.get("HX-Request") and not headers.get("HX-History-Restore-Request")
                and not headers.get("HX-Boosted"))


def enterprise_export(request, fmt: str):
    """The register as the list filters it, in the layout that imports back (the
    shared export's bound and audit apply as to every list)."""
    if fmt not in EXPORT_FORMATS:
        raise DomainError("不支持的格式", "Unsupported format")
    scope = Scope.for_user(request.user)
    form = bind_scope(EnterpriseFilterForm(request.GET), scope)
    qs = enterprise_selectors.enterprise_list(scope=scope, **form.filters())
    count = qs.count()
    exports.check_bound(count)
    content = tabular.export_enterprises(qs, fmt)
    exports.record(request, name="enterprises", fmt=fmt, count=count)
    return exports.file_response(content, fmt, "enterprises")


def enterprise_detail(request, id: int):
    scope = Scope.for_user(request.user)
    enterprise = enterprise_selectors.enterprise_get(scope=scope, id=id)
    audit = audit_list(scope=scope, object_type="enterprises.enterprise", object_id=str(enterprise.id))
    return render(request, "web/enterprise_detail.html", {
        "enterprise": enterprise,
        "licences": [(lic, lic.status()) for lic in enterprise.licences.all()],
        "audit": audit[:AUDIT_SHOWN],
        "can_edit": scope.can_write,
        "tile_url": settings.YINGJI_TILE_URL,
        "city_code": enterprise.region_id[:4],
    })


def enterprise_edit(request, id: int):
    scope = Scope.for_user(request.user)
    scope.require_writer()
    enterprise = enterprise_selectors.enterprise_get(scope=scope, id=id)
    self_service = scope.organization_id is not None
    initial = EnterpriseForm.initial_for(enterprise)
    form = bind_scope(EnterpriseForm(request.POST or None, initial=initial, self_service=self_service), scope)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise_update(by=request.user, enterprise=enterprise, **form.service_kwargs())
        except (DomainError, ValidationError) as exc:
            refuse_or_attach(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("enterprise_detail", id=enterprise.id)
    return render(request, "web/enterprise_form.html", {"enterprise": enterprise, "form": form})


def enterprise_new(request):
    """新增企业: one enterprise through the same service (and checks) as the API."""
    scope = Scope.for_user(request.user)
    scope.require_officer()
    form = bind_scope(EnterpriseForm(request.POST or None), scope)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = enterprise_create(by=request.user, **form.service_kwargs())
        except (DomainError, ValidationError) as exc:
            refuse_or_attach(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("enterprise_detail", id=enterprise.id)
    return render(request, "web/enterprise_form.html", {"enterprise": None, "form": form})


def enterprise_import(request):
    Scope.for_user(request.user).require_officer()
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = tabular.import_enterprises(by=request.user, content=upload.read(), filename=upload.name)
        except tabular.FileRejected as exc:
            add_form_errors(form, exc)
    rejected = report and rejects_keep(by=request.user, name="enterprises-rejected", title="待修改的行",
                                       header=tabular.EXPORT_HEADERS, rows=tabular.rejected_rows(report))
    return render(request, "web/enterprise_import.html", {"form": form, "report": report, "rejected": rejected})


def import_rejects(request, token, fmt: str):
    """The rows an import refused, as a file to correct and import again (core.rejects)."""
    if fmt not in EXPORT_FORMATS:
        raise DomainError("不支持的格式", "Unsupported format")
    rejected = rejects_get(by=request.user, token=token)
    return exports.file_response(rejects_file(rejected, fmt), fmt, rejected.name)
