"""Pages of an inspection (检查) as it is done in a workshop, on a phone: find the
enterprise, choose the checklist, answer item by item; every "no" becomes a hazard
(services.inspection_create). Then the inspection with its answers and hazards, and
the ledger of inspections (检查台账): filtered, paged and exported.
"""

import datetime as dt

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ...core import exports
from ...core.errors import DomainError
from ...core.scope import Scope, fits_database
from ...core.ui import date_input, domain_message
from ...enterprises.selectors import enterprise_get, enterprises_in_scope
from .. import selectors, services
from ..choices import Answer, InspectionKind
from ..exports import INSPECTIONS

MATCHES_SHOWN = 20
PAGE_SIZE = 50
RESULTS = {"found": True, "none": False}


class InspectionFilterForm(forms.Form):
    """The filters of the inspection ledger; each is optional, and an invalid one is
    shown with its error and filters nothing."""

    start = forms.DateField(label=_("Inspected from"), required=False, widget=date_input())
    end = forms.DateField(label=_("Inspected until"), required=False, widget=date_input())
    region = forms.RegexField(label=_("Region"), regex=r"^\d{2,15}$", max_length=15, required=False,
                              widget=forms.TextInput(attrs={"size": 12, "inputmode": "numeric"}))
    q = forms.CharField(label=_("Enterprise"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds")), *InspectionKind.choices])
    result = forms.ChoiceField(label=_("Inspection result"), required=False, choices=[
        ("", _("All results")), ("found", _("Hazards found")), ("none", _("No hazard found"))])
    enterprise = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date is before the start date"))
        return data

    def filters(self) -> dict:
        """Keyword arguments for `selectors.inspection_list` from the valid fields."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if "result" in data:
            data["found"] = RESULTS[data.pop("result")]
        return data


def inspection_list(request):
    scope = Scope.for_user(request.user)
    form = InspectionFilterForm(request.GET)
    qs = selectors.inspection_list(scope=scope, **form.filters())
    if exports.requested(request):
        return exports.response(request, INSPECTIONS, qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hazards/inspection_list.html", {"form": form, "page": page,
                                                            "can_inspect": scope.can_write})


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
