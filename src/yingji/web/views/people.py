"""People and their duties (人员与职责): the register the call-up dials. List with
filters, detail with duties, create and edit forms, and the bulk import from Excel.
Every write goes through core.services, as the API's does."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ...core import people_import, services
from ...core import selectors as core_selectors
from ...core.errors import DomainError, Forbidden
from ...core.rejects import rejects_keep
from ...core.scope import Scope
from ...core.tabular import CONTENT_TYPES, FileRejected
from ...core.ui import add_form_errors, refuse_or_attach
from ..forms_manage import DutyForm, ImportForm, PersonForm

PAGE_SIZE = 50
AUDIT_SHOWN = 20


def government_scope(request) -> Scope:
    """Management pages are for government users; an enterprise user gets a 403 in plain words."""
    scope = Scope.for_user(request.user)
    if scope.organization_id is not None or scope.is_nobody:
        raise Forbidden("企业用户不能查看此页面", "Enterprise users cannot open this page")
    return scope


def person_list(request):
    scope = government_scope(request)
    filters = {k: request.GET.get(k, "").strip()[:100] for k in ("region", "duty", "q")}
    qs = core_selectors.person_list(scope=scope, **filters).prefetch_related("duties__kind")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/person_list.html", {
        "page": page, "filters": filters, "duty_kinds": core_selectors.duty_kind_list(),
        "can_write": scope.can_write,
    })


def person_detail(request, id: int):
    scope = government_scope(request)
    person = core_selectors.person_get(scope=scope, id=id)
    form = DutyForm(request.POST or None, scope=scope, person=person) if scope.can_write else None
    if request.method == "POST":
        scope.require_officer()
        if form.is_valid():
            try:
                services.duty_assign(by=request.user, person=person, kind_code=form.cleaned_data["kind"],
                                     region_code=form.cleaned_data["region"])
            except (DomainError, ValidationError) as exc:
                refuse_or_attach(form, exc, aliases={"region_id": "region", "person": "kind"})
            else:
                messages.success(request, _("Duty added."))
                return redirect("person_detail", id=person.id)
    return render(request, "web/person_detail.html", {
        "person": person, "duties": core_selectors.duty_list(scope=scope, person_id=person.id),
        "subordinates": core_selectors.person_list(scope=scope).filter(superior=person),
        "audit": core_selectors.audit_list(scope=scope, object_type="core.person",
                                           object_id=str(person.id))[:AUDIT_SHOWN],
        "form": form, "can_write": scope.can_write,
    })


@require_POST
def duty_remove(request, id: int):
    scope = government_scope(request)
    scope.require_officer()
    duty = core_selectors.duty_get(scope=scope, id=id)
    services.duty_remove(by=request.user, duty=duty)
    messages.success(request, _("Duty removed."))
    return redirect("person_detail", id=duty.person_id)


def person_new(request):
    scope = government_scope(request)
    scope.require_officer()
    form = PersonForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(by=request.user, **form.service_kwargs())
        except (DomainError, ValidationError) as exc:
            refuse_or_attach(form, exc, aliases=PERSON_ALIASES)
        else:
            messages.success(request, _("Saved."))
            return redirect("person_detail", id=person.id)
    return render(request, "web/person_form.html", {"form": form, "person": None})


def person_edit(request, id: int):
    scope = government_scope(request)
    scope.require_officer()
    person = core_selectors.person_get(scope=scope, id=id)
    form = PersonForm(request.POST or None, scope=scope, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(by=request.user, person=person, **form.service_kwargs())
        except (DomainError, ValidationError) as exc:
            refuse_or_attach(form, exc, aliases=PERSON_ALIASES)
        else:
            messages.success(request, _("Saved."))
            return redirect("person_detail", id=person.id)
    return render(request, "web/person_form.html", {"form": form, "person": person})


PERSON_ALIASES = {"region_id": "region", "organization_id": "organization", "superior": "superior_mobile",
                  "superior_id": "superior_mobile"}



def people_import_page(request):
    government_scope(request).require_officer()
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = people_import.import_people(by=request.user, content=upload.read(), filename=upload.name)
        except FileRejected as exc:
            add_form_errors(form, exc)
    rejected = report and rejects_keep(by=request.user, name="people-rejected", title="待修改的行",
                                       header=[c.header for c in people_import.COLUMNS], rows=report.rejected_rows)
    return render(request, "web/people_import.html", {"form": form, "report": report, "rejected": rejected})


def people_template(request, fmt: str):
    government_scope(request)
    if fmt not in CONTENT_TYPES:
        raise DomainError("不支持的格式（可选 xlsx、csv）", "Unsupported format (xlsx or csv)")
    response = HttpResponse(people_import.people_template(fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="people-template.{fmt}"'
    return response
