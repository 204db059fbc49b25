"""Pages of an inspection (检查) as it is done in a workshop, on a phone: find the
enterprise, choose the checklist, answer item by item; every "no" becomes a hazard
(services.inspection_create). Then the inspection with its answers and hazards.
"""

import datetime as dt

from django.shortcuts import redirect, render
from django.utils import timezone

from ...core.errors import DomainError
from ...core.scope import Scope, fits_database
from ...core.ui import domain_message
from ...enterprises.selectors import enterprise_get, enterprises_in_scope
from .. import selectors, services
from ..choices import Answer, InspectionKind

MATCHES_SHOWN = 20


def inspection_new(request):
    scope = Scope.for_user(request.user)
    scope.require_writer()
    source = request.POST if request.method == "POST" else request.GET
    enterprise = _enterprise(scope, source.get("enterprise", ""))
    template = _checklist(source.get("template", ""))
    if enterprise is None:
        q = request.GET.get("q", "").strip()[:100]
        found = enterprises_in_scope(scope=scope).filter(name__contains=q).order_by("name")
        matches = found[:MATCHES_SHOWN] if q else []
        return render(request, "hazards/inspection_find.html", {"q": q, "matches": matches})
    kinds = [k for k in InspectionKind.choices if scope.organization_id is None or k[0] == InspectionKind.SELF]
    context = {"enterprise": enterprise, "template": template, "checklists": selectors.checklist_list(),
               "kinds": kinds, "answers": Answer.choices, "today": timezone.localdate(), "posted": source,
               "items": [(i, source.get(f"answer-{i.code}", ""), source.get(f"note-{i.code}", ""))
                         for i in (template.items.all() if template else [])]}
    if request.method == "POST" and template is not None:
        try:
            inspection = services.inspection_create(
                by=request.user, enterprise_id=enterprise.pk, kind=source.get("kind", ""),
                date=_date(source.get("date", "")), template_code=template.code,
                answers=_answers(template, source), note=source.get("note", "")[:2000])
            return redirect("hazard_inspection_detail", id=inspection.pk)
        except DomainError as exc:
            context["error"] = domain_message(exc)
    return render(request, "hazards/inspection_form.html", context)


def _enterprise(scope: Scope, value: str):
    if not value.isdigit() or not fits_database(int(value)):
        return None
    # Outside the scope reads as not found, as everywhere (core.scope).
    return enterprise_get(scope=scope, id=int(value))


def _checklist(code: str):
    return next((t for t in selectors.checklist_list() if t.code == code), None) if code else None


def _date(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise DomainError("检查日期无效", "Invalid inspection date", fields={"date": "无效 / invalid"}) from None
    if day > timezone.localdate():
        raise DomainError("检查日期不能晚于今天", "The inspection date cannot be in the future",
                          fields={"date": "晚于今天 / in the future"})
    return day


def _answers(template, source) -> list[dict]:
    """The items answered (an item left blank is not recorded), as the service takes them."""
    rows = []
    for item in template.items.all():
        answer = source.get(f"answer-{item.code}", "")
        if answer:
            rows.append({"item": item.code, "answer": answer, "note": source.get(f"note-{item.code}", "")[:500]})
    return rows


def inspection_detail(request, id: int):
    inspection = selectors.inspection_get(scope=Scope.for_user(request.user), id=id)
    return render(request, "hazards/inspection_detail.html", {"inspection": inspection})
