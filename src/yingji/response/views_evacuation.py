"""Pages of evacuation and shelters, phone-first for cadres in the field: figures by
county → township → village with completeness bars, a village's households with big
move / shelter / return buttons, a household's history, shelters with occupancy bars,
the quick-report form. Every read through the selectors' scope, every write through
the services (as the API)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..core import exports, regioncodes
from ..core.errors import DomainError, Forbidden
from ..core.models import Region
from ..core.scope import Scope
from ..core.ui import domain_message, refuse_or_attach
from . import selectors_evacuation as selectors
from .models import HouseholdState, ShelterState
from .services import evacuation as services
from .services import shelters as shelter_services

PAGE_SIZE = 50

HOUSEHOLDS = exports.Export("evacuation-households", "转移户", (
    exports.Column("编号", "id", 8), exports.Column("村（社区）", "region.full_name", 30),
    exports.Column("户主", "head"), exports.Column("人数", "members", 8), exports.Column("老人", "elderly", 8),
    exports.Column("残疾人", "disabled", 8), exports.Column("儿童", "children", 8),
    exports.Column("孕妇", "pregnant", 8), exports.Column("联系电话", "phone"),
    exports.Column("地址", "address", 24), exports.Column("转移路线", "route", 24),
    exports.Column("计划安置场所", "shelter.name", 20), exports.Column("状态", "get_state_display", 10),
    exports.Column("安置于", "sheltered_in.name", 20), exports.Column("状态时间", "state_at", 20)))
FIGURES = exports.Export("evacuation-figures", "转移统计", (
    exports.Column("区划代码", "region", 14), exports.Column("区划", "name", 30),
    exports.Column("计划户数", "planned_households", 10), exports.Column("计划人数", "planned", 10),
    exports.Column("已转移户数", "moved_households", 10), exports.Column("已转移人数", "moved", 10),
    exports.Column("在安置人数", "sheltered", 10), exports.Column("已返回人数", "returned", 10),
    exports.Column("转移率", lambda r: r.get("completeness"), 10)))


def _dict_column(column: exports.Column):
    return column if callable(column.value) else exports.Column(column.header, lambda r, k=column.value: r.get(k),
                                                                column.width)


FIGURES = exports.Export(FIGURES.name, FIGURES.title, tuple(_dict_column(c) for c in FIGURES.columns))


def _scope(request) -> Scope:
    scope = Scope.for_user(request.user)
    if scope.organization_id is not None or scope.is_nobody:
        raise Forbidden("企业用户不能查看人员转移", "Enterprise users cannot read evacuation records")
    return scope


def _names(codes) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=list(codes)).values_list("code", "name"))


def _percent(value) -> int | None:
    return None if value is None else round(value * 100)


def evacuation_home(request):
    scope = _scope(request)
    region = selectors.region_in_scope(scope, request.GET.get("region", "").strip()[:15])
    total = selectors.figures(scope=scope, region=region)
    rows = selectors.figures_by_child(scope=scope, region=region)
    names = _names([r["region"] for r in rows] + regioncodes.prefixes(region))
    for row in rows:
        row["name"] = names.get(row["region"], row["region"])
        row["percent"] = _percent(row["completeness"])
        row["is_village"] = len(row["region"]) == regioncodes.LENGTHS[-2]
    if exports.requested(request):
        return exports.response(request, FIGURES, [{**total, "name": names.get(region, _("All")),
                                                    "region": region}, *rows])
    trail = [(code, names.get(code, code)) for code in regioncodes.prefixes(region)
             if scope.covers_region(code) and code != region]
    return render(request, "response/evacuation_home.html", {
        "region": region, "region_name": names.get(region, _("All regions")), "total": total,
        "percent": _percent(total["completeness"]), "rows": rows, "trail": trail,
        "can_write": scope.can_write})


def evacuation_households(request):
    scope = _scope(request)
    region = selectors.region_in_scope(scope, request.GET.get("region", "").strip()[:15])
    state = request.GET.get("state", "")
    state = state if state in HouseholdState.values else ""
    qs = selectors.household_list(scope=scope, region=region, state=state, q=request.GET.get("q", "").strip()[:50])
    if exports.requested(request):
        return exports.response(request, HOUSEHOLDS, qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    region_row = Region.objects.filter(pk=region).first()
    return render(request, "response/evacuation_households.html", {
        "page": page, "region": region, "region_name": region_row.full_name if region_row else "",
        "state": state, "states": HouseholdState.choices, "figures": selectors.figures(scope=scope, region=region),
        "shelters": _open_shelters(scope, region), "can_write": scope.can_write, "q": request.GET.get("q", "")})


def _open_shelters(scope, region: str):
    near = region[:regioncodes.LENGTH[3]] if len(region) >= 6 else region  # the county's shelters
    return list(selectors.shelter_list(scope=scope, region=near, state=ShelterState.OPEN)[:200])


def household_detail(request, id: int):
    scope = _scope(request)
    household = selectors.household_get(scope=scope, id=id)
    return render(request, "response/evacuation_household.html", {
        "household": household, "history": selectors.household_history(scope=scope, household=household),
        "shelters": _open_shelters(scope, household.region_id), "can_write": scope.can_write})


def household_act(request, id: int):
    """The big buttons: POST action (move / shelter / return) and shelter_id."""
    scope = _scope(request)
    household = selectors.household_get(scope=scope, id=id)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        shelter = request.POST.get("shelter_id", "")
        try:
            services.household_act(by=request.user, household=household, action=action,
                                   shelter_id=int(shelter) if shelter.isdigit() and len(shelter) < 18 else None,
                                   expected_state=request.POST.get("expected_state") or None)
        except DomainError as exc:
            messages.error(request, f"{household.head}：{domain_message(exc)}")
        else:
            messages.success(request, f"{household.head}：{_('Recorded.')}")
    return redirect(back or "evacuation_household", *([] if back else [household.pk]))


class QuickReportForm(forms.Form):
    region = forms.CharField(label=gettext_lazy("Township code"), max_length=9, min_length=9)
    as_of = forms.DateTimeField(label=gettext_lazy("Figures as of"),
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    moved = forms.IntegerField(label=gettext_lazy("Persons moved"), min_value=0, max_value=10_000_000)
    sheltered = forms.IntegerField(label=gettext_lazy("Persons sheltered"), min_value=0, max_value=10_000_000,
                                   initial=0)
    returned = forms.IntegerField(label=gettext_lazy("Persons returned"), min_value=0, max_value=10_000_000,
                                  initial=0)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)


def quick_report(request):
    scope = _scope(request)
    form = QuickReportForm(request.POST or None) if scope.can_write else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.quick_report_create(by=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            refuse_or_attach(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("evacuation_quick_report")
    return render(request, "response/evacuation_quick_report.html", {
        "form": form, "reports": selectors.quick_report_list(scope=scope)[:30]})


def shelter_list(request):
    scope = _scope(request)
    filters = {k: request.GET.get(k, "").strip()[:50] for k in ("region", "q")}
    state = request.GET.get("state", "")
    qs = selectors.shelter_list(scope=scope, region=filters["region"], q=filters["q"],
                                state=state if state in ShelterState.values else "")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for s in page.object_list:
        s.percent = round(100 * s.occupancy / s.capacity) if s.capacity else 0
    return render(request, "response/shelter_list.html", {
        "page": page, "filters": filters, "state": state, "states": ShelterState.choices})


def shelter_detail(request, id: int):
    scope = _scope(request)
    shelter = selectors.shelter_get(scope=scope, id=id)
    if request.method == "POST":
        try:
            moved = shelter_services.shelter_set_state(by=request.user, shelter=shelter,
                                                       state=request.POST.get("state", ""))[1]
        except DomainError as exc:
            messages.error(request, domain_message(exc))
        else:
            messages.success(request, _("Saved."))
            if moved is not None:
                messages.info(request, _("%(n)d households were redirected to other shelters; %(u)d could not "
                                         "be placed.") % {"n": len(moved.moves), "u": len(moved.unplaced)})
        return redirect("shelter_detail", id=shelter.pk)
    return render(request, "response/shelter_detail.html", {
        "shelter": shelter, "percent": round(100 * shelter.occupancy / shelter.capacity) if shelter.capacity else 0,
        "inside": selectors.household_list(scope=scope, shelter=shelter.pk, state=HouseholdState.SHELTERED)[:200],
        "redirects": selectors.shelter_redirects(scope=scope, shelter=shelter)[:10],
        "states": ShelterState.choices, "can_write": scope.can_write})


class HouseholdImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Spreadsheet (.xlsx or .csv)"))


def household_import(request):
    """Households from Excel/CSV with the row report; the refused rows as a file to correct."""
    from django.http import HttpResponse

    from ..core.tabular import CONTENT_TYPES, FileRejected
    from ..core.ui import add_form_errors, in_reader_language
    from . import evacuation_import

    scope = _scope(request)
    scope.require_writer()
    fmt = request.GET.get("template", "")
    if fmt:
        if fmt not in CONTENT_TYPES:
            raise DomainError("不支持的格式（可选 xlsx、csv）", "Unsupported format (xlsx or csv)")
        reply = HttpResponse(evacuation_import.template(fmt), content_type=CONTENT_TYPES[fmt])
        reply["Content-Disposition"] = f'attachment; filename="evacuation-households-template.{fmt}"'
        return reply
    form = HouseholdImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = evacuation_import.import_households(by=request.user, content=upload.read(),
                                                         filename=upload.name or "")
        except FileRejected as exc:
            add_form_errors(form, exc)
        else:
            for error in report.errors:
                error["message"] = in_reader_language(error["message"])
            report.warnings = [in_reader_language(w) for w in report.warnings]
    return render(request, "response/evacuation_import.html", {"form": form, "report": report})
