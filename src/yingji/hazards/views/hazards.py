"""Pages of the hazards app: the list with lights and filters, the hazard with its
timeline and the actions this person may take, the public report form, the ranking."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_http_methods

from ...core import exports, uploads
from ...core.choices import WRITER_ROLES, RegionLevel
from ...core.errors import DomainError
from ...core.limits import plausible_year
from ...core.paging import page_rows
from ...core.regionpicker import RegionField, bind_scope
from ...core.scope import Scope
from ...core.ui import date_input, domain_message, in_reader_language
from ...enforcement import verification as enforcement
from .. import indexes, reporting, selectors, services
from ..api import HAZARD_COUNT_LIMIT, client_ip
from ..choices import HazardLevel, HazardState, Light
from ..exports import HAZARDS
from ..lights import light
from ..models import TreatmentPlan


class CappedPaginator(Paginator):
    """Counts at most `api.HAZARD_COUNT_LIMIT` rows, as the list API does
    (core.paging): the province's list would otherwise count millions of hazards for
    every page shown."""

    @cached_property
    def _counted(self) -> int:
        return self.object_list.order_by().select_related(None)[:HAZARD_COUNT_LIMIT + 1].count()

    @property
    def count(self) -> int:
        return min(self._counted, HAZARD_COUNT_LIMIT)

    @property
    def count_exact(self) -> bool:
        return self._counted <= HAZARD_COUNT_LIMIT

    def _get_page(self, object_list, number, paginator):
        # The page's ids first, then its rows, as the list API (core.paging.page_rows).
        return super()._get_page(LoadedPage(self.object_list, object_list), number, paginator)


class LoadedPage(list):
    """The rows of a slice `object_list[bottom:top]` of a query, read ids first."""

    def __init__(self, queryset, sliced):
        low, high = sliced.query.low_mark, sliced.query.high_mark
        super().__init__(page_rows(queryset, low, high, ids_first=True))


class RegionFilterForm(forms.Form):
    """The region of a list's filters, from the region picker (a bad one filters nothing)."""

    region = RegionField(label="区划", required=False)

    def code(self, default: str = "") -> str:
        return (self.cleaned_data.get("region") if self.is_valid() else "") or default


def hazard_list(request):
    scope = Scope.for_user(request.user)
    g = request.GET
    region_form = bind_scope(RegionFilterForm(g), scope)
    qs = selectors.hazard_list(scope=scope, region=region_form.code(), state=_choice(g, "state", HazardState),
                               level=_choice(g, "level", HazardLevel), light=_choice(g, "light", Light),
                               q=g.get("q", "")[:100])
    if exports.requested(request):
        return exports.response(request, HAZARDS, qs)
    page = CappedPaginator(qs, 50).get_page(g.get("page"))
    today = timezone.localdate()
    for h in page:
        h.light = light(state=h.state, deadline=h.deadline, today=today)
    return render(request, "hazards/hazard_list.html", {
        "page": page, "states": HazardState.choices, "levels": HazardLevel.choices, "lights": Light.choices,
        "filters": g, "region_form": region_form,
        # Links only to what this user may open: the figures, campaigns and reports are
        # the government's (enterprise users get 403 there), inspecting needs a writer.
        "can_inspect": scope.can_write, "oversees": scope.organization_id is None})


def _choice(params, name, choices) -> str:
    value = params.get(name, "")
    return value if value in choices.values else ""


class PlanForm(forms.ModelForm):
    """The treatment plan (治理方案) of a major hazard, as the hazard page asks for it;
    labels are the model's Chinese ones, and the service does the saving."""

    class Meta:
        model = TreatmentPlan
        fields = list(services.PLAN_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in
                   ("goal", "measures", "materials", "people", "safety_measures", "contingency_plan")}
        widgets["deadline"] = date_input()


def _field_errors(errors_by_field: dict) -> dict[str, str]:
    """Each field's errors (ValidationErrors by field, as `form.errors.as_data()`) in
    the reader's language (a service's "中文 / English" reason included)."""
    return {name: "；".join(in_reader_language(m) for e in errors for m in e.messages)
            for name, errors in errors_by_field.items()}


def _upload_evidence(request, hazard) -> None:
    """A photo or file (or a note) for the next submission, as the API's evidence upload."""
    from ..api import MAX_EVIDENCE_BYTES

    file = request.FILES.get("file")
    if file is not None and file.size > MAX_EVIDENCE_BYTES:
        raise DomainError("文件超过 20 MB", "The file is larger than 20 MB", fields={"file": "太大 / too large"})
    services.evidence_add(by=request.user, hazard=hazard, file=file, text=request.POST.get("text", "")[:5000])


@require_http_methods(["GET", "POST"])
def hazard_detail(request, id: int):
    scope = Scope.for_user(request.user)
    hazard = selectors.hazard_get(scope=scope, id=id)
    error, plan_form, plan_errors, action = "", PlanForm(), {}, ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "upload":
                _upload_evidence(request, hazard)
                return redirect("hazard_detail", id=id)
            plan = None
            if action == "plan":
                plan_form = PlanForm(request.POST)
                if not plan_form.is_valid():
                    plan_errors = _field_errors(plan_form.errors.as_data())
                    raise DomainError("治理方案填写有误，请按提示修改", "The plan has errors; see the fields")
                plan = plan_form.cleaned_data
            services.hazard_act(by=request.user, hazard=hazard, action=action,
                                reason=request.POST.get("reason", "")[:2000],
                                evidence_text=request.POST.get("evidence_text", "")[:5000], plan=plan)
            if request.headers.get("HX-Request"):
                # htmx swaps fragments; after a step the whole page (timeline, buttons) changes.
                return HttpResponse(status=204, headers={"HX-Redirect": reverse("hazard_detail", args=[id])})
            return redirect("hazard_detail", id=id)
        except DomainError as exc:
            error = domain_message(exc)
            plan_errors = plan_errors or {k: in_reader_language(v) for k, v in exc.fields.items()
                                          if k in services.PLAN_FIELDS}
        except ValidationError as exc:  # the model's own checks, run again by the service
            error = domain_message(DomainError("治理方案填写有误，请按提示修改", "The plan has errors; see the fields"))
            plan_errors = _field_errors({k: [ValidationError(v) for v in vs] for k, vs in exc.message_dict.items()}
                                        if hasattr(exc, "error_dict") else {"__all__": [exc]})
        hazard = selectors.hazard_get(scope=scope, id=id)
    actions = services.actions_for(hazard, scope)
    return render(request, "hazards/hazard_detail.html", {
        "hazard": hazard, "light": light(state=hazard.state, deadline=hazard.deadline),
        # Enforcement's cases and verification checks of this hazard, read through its selector.
        "enforcement": enforcement.of_hazard(scope=scope, hazard_id=hazard.pk) if hazard.enterprise_id else None,
        "can_verify": (scope.role in WRITER_ROLES and hazard.level == HazardLevel.MAJOR
                       and hazard.state in enforcement.VERIFIABLE_STATES),
        "is_officer": scope.role in WRITER_ROLES,
        "can_open_risk_point": scope.organization_id is None,
        "actions": actions, "events": hazard.events.select_related("actor__person"), "error": error,
        # The step form shows only when there is a step to take, and only the boxes its steps read.
        "step_actions": [a for a in actions if a != "plan"],
        "takes_reason": any(a in REASON_ACTIONS for a in actions),
        "takes_evidence": any(a in EVIDENCE_ACTIONS for a in actions),
        "pending_evidence": [e for e in hazard.evidence.all() if e.event_id is None],
        "can_upload": hazard.is_open and scope.can_write,
        "accept_files": uploads.ACCEPT_ATTRIBUTE,
        "plan_fields": [(plan_form[name], plan_errors.get(name, "")) for name in services.PLAN_FIELDS],
        # A refused plan is told in the plan's own section (the part htmx swaps) while there is one.
        "plan_errors": plan_errors, "plan_error": error if action == "plan" and "plan" in actions else ""})


# The steps that read the form's "reason" and "evidence_text" boxes (services.hazard_act).
REASON_ACTIONS = {"accept", "return", "report", "supervise", "delist", "escalate", "downgrade"}
EVIDENCE_ACTIONS = {"fix_on_spot", "submit"}


def ranking(request):
    scope = Scope.for_user(request.user)
    today = timezone.localdate()
    region_form = bind_scope(RegionFilterForm(request.GET), scope)
    code = region_form.code(default=scope.region_code or "33")
    start = _date(request.GET.get("from"), today.replace(month=1, day=1))
    end = _date(request.GET.get("to"), today)
    wanted = request.GET.get("bottom", "")
    bottom = min(int(wanted), 1000) if wanted.isdigit() and len(wanted) < 5 else None
    result = indexes.ranking(scope=scope, code=code, start=start, end=end, bottom=bottom)
    if not region_form.errors:  # the box shows the region ranked, by name
        region_form = bind_scope(RegionFilterForm(initial={"region": code}), scope)
    return render(request, "hazards/ranking.html", {"result": result, "start": start, "end": end,
                                                    "region_form": region_form,
                                                    "charts": indexes.chart_data(result, start, end)})


def _date(text, default: dt.date) -> dt.date:
    try:
        value = dt.date.fromisoformat(text or "")
    except ValueError:
        return default
    return value if plausible_year(value) else default


class ReportPlaceForm(forms.Form):
    """Where a reported hazard is, by name: the public picks a county, township or
    village from the whole region tree (no codes asked of citizens)."""

    region = RegionField(label="隐患所在地", public=True, levels=(RegionLevel.COUNTY, RegionLevel.VILLAGE),
                         help_text="逐级选择县（市、区）、乡镇（街道）、村（社区），或输入地名查找，如“温岭市大溪镇”")


@require_http_methods(["GET", "POST"])
def report_form(request):
    """The public report form: no login, no captcha, rate-limited per address."""
    place = ReportPlaceForm(request.POST if request.method == "POST" else None)
    context = {"done": None, "error": "", "data": request.POST, "place": place}
    if request.method == "POST":
        p = request.POST
        if not place.is_valid():
            context["error"] = "请填写隐患所在地 / Say where the hazard is"
            return render(request, "hazards/report_form.html", context, status=400)
        try:
            context["done"] = reporting.report_create(
                ip=client_ip(request), region_code=place.cleaned_data["region"],
                description=p.get("description", "")[:5000],
                enterprise_name=p.get("enterprise_name", "")[:200], address=p.get("address", "")[:300],
                contact=p.get("contact", "")[:100])
        except DomainError as exc:
            context["error"] = domain_message(exc)
            status = exc.status
            return render(request, "hazards/report_form.html", context, status=status)
        except Exception as exc:  # model validation (e.g. an empty description)
            from django.core.exceptions import ValidationError

            if not isinstance(exc, ValidationError):
                raise
            context["error"] = "；".join(exc.messages)
            return render(request, "hazards/report_form.html", context, status=400)
    return render(request, "hazards/report_form.html", context)
