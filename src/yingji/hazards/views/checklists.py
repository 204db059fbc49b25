"""Pages of checklists (检查表) and their items: reference data that every region's
inspections and campaigns use. Government users read them; only administrators
change them (the services say so: a plain 403 for others)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ...core.choices import Role
from ...core.errors import DomainError, Forbidden
from ...core.scope import Scope
from ...core.ui import refuse_or_attach
from .. import selectors, services
from ..forms import ChecklistForm, ChecklistItemForm

CHECKLIST_FIELDS = ("code", "name", "source", "description")
ITEM_FIELDS = ("code", "group", "text", "clause", "category", "major_if_no", "order")


def _scope(request) -> Scope:
    scope = Scope.for_user(request.user)
    if scope.organization_id is not None or scope.is_nobody:
        raise Forbidden("企业用户不能管理检查表", "Enterprise users cannot manage checklists")
    return scope


def _admin(request) -> Scope:
    scope = _scope(request)
    scope.require_admin()
    return scope


def checklist_list(request):
    scope = _scope(request)
    return render(request, "hazards/checklist_list.html", {
        "checklists": selectors.checklist_list(), "can_edit": scope.role == Role.ADMIN})


def checklist_detail(request, id: int):
    scope = _scope(request)
    checklist = selectors.checklist_get(id=id)
    can_edit = scope.role == Role.ADMIN
    form = ChecklistItemForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        scope.require_admin()
        if form.is_valid() and _saved(form, services.checklist_item_save, by=request.user, checklist=checklist):
            messages.success(request, _("Saved."))
            return redirect("hazard_checklist_detail", id=checklist.id)
    return render(request, "hazards/checklist_detail.html", {
        "checklist": checklist, "items": checklist.items.all(), "form": form, "can_edit": can_edit})


def checklist_new(request):
    _admin(request)
    form = ChecklistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        checklist = _saved(form, services.checklist_save, by=request.user)
        if checklist:
            messages.success(request, _("Saved."))
            return redirect("hazard_checklist_detail", id=checklist.id)
    return render(request, "hazards/checklist_form.html", {"form": form, "checklist": None, "item": None})


def checklist_edit(request, id: int):
    _admin(request)
    checklist = selectors.checklist_get(id=id)
    initial = {n: getattr(checklist, n) for n in CHECKLIST_FIELDS}
    form = ChecklistForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and _saved(form, services.checklist_save, by=request.user,
                                                               checklist=checklist):
        messages.success(request, _("Saved."))
        return redirect("hazard_checklist_detail", id=checklist.id)
    return render(request, "hazards/checklist_form.html", {"form": form, "checklist": checklist, "item": None})


def checklist_item_edit(request, id: int, item_id: int):
    _admin(request)
    checklist = selectors.checklist_get(id=id)
    item = selectors.checklist_item_get(checklist=checklist, id=item_id)
    form = ChecklistItemForm(request.POST or None, initial={n: getattr(item, n) for n in ITEM_FIELDS})
    if request.method == "POST" and form.is_valid() and _saved(
            form, services.checklist_item_save, by=request.user, checklist=checklist, item=item):
        messages.success(request, _("Saved."))
        return redirect("hazard_checklist_detail", id=checklist.id)
    return render(request, "hazards/checklist_form.html", {"form": form, "checklist": checklist, "item": item})


@require_POST
def checklist_item_remove(request, id: int, item_id: int):
    _admin(request)
    checklist = selectors.checklist_get(id=id)
    services.checklist_item_remove(by=request.user, item=selectors.checklist_item_get(checklist=checklist,
                                                                                        id=item_id))
    messages.success(request, _("Removed."))
    return redirect("hazard_checklist_detail", id=checklist.id)


def _saved(form, service, **kwargs):
    """Call the service with the form's data; its complaints land on the form."""
    try:
        return service(**kwargs, **form.cleaned_data)
    except (DomainError, ValidationError) as exc:
        refuse_or_attach(form, exc)
        return None
