"""The audit log (审计日志), read-only: filters by record type, actor and dates,
scoped as GET /api/audit is (the caller's region; enterprise users see none)."""

from django.core.paginator import Paginator
from django.shortcuts import render

from ...core import selectors as core_selectors
from ..forms_manage import AuditFilterForm
from .people import government_scope

PAGE_SIZE = 50


def audit_list(request):
    scope = government_scope(request)
    form = AuditFilterForm(request.GET or None,
                           object_types=core_selectors.audit_object_types(scope=scope))
    # The actor's person names the row (yingji_web's `actor`): one query, not one a row.
    qs = core_selectors.audit_list(scope=scope, **form.filters()).select_related("actor__person")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/audit_list.html", {"form": form, "page": page})
