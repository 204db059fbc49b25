"""Pages of special campaigns (专项整治): the list with each campaign's coverage, and a
campaign with its figures, negative list (负面清单: the one officers keep, beside the
rules' suggestion), each enterprise's outcome (一企一策), hazards and the enterprises
not yet inspected. Officers add to and remove from the kept list and set outcomes on
the campaign page itself (POST with an `action`); viewers read.

Enterprise users see no campaign pages: a campaign lists other enterprises.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ...core import exports
from ...core.choices import WRITER_ROLES
from ...core.errors import DomainError, Forbidden, NotFound
from ...core.scope import Scope
from ...core.ui import domain_message, refuse_or_attach
from .. import selectors, services
from ..choices import CampaignOutcomeKind
from ..exports import CAMPAIGNS, HAZARDS, NEGATIVE_LIST, NOT_INSPECTED, OUTCOMES
from ..forms import CampaignForm
from ..lights import light

HAZARDS_SHOWN = 100


def _scope(request) -> Scope:
    scope = Scope.for_user(request.user)
    if scope.organization_id is not None:
        raise Forbidden("企业用户不能查看专项整治", "Enterprise users cannot read campaigns")
    return scope


def campaign_list(request):
    scope = _scope(request)
    if exports.requested(request):
        return exports.response(request, CAMPAIGNS, selectors.campaign_list(scope=scope))
    page = Paginator(selectors.campaign_list(scope=scope), 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for campaign in page:
        campaign.figures = selectors.campaign_coverage(campaign)
        campaign.running = campaign.start <= today <= campaign.end
    return render(request, "hazards/campaign_list.html", {"page": page, "can_write": scope.can_write})


@require_http_methods(["GET", "POST"])
def campaign_detail(request, id: int):
    scope = _scope(request)
    campaign = selectors.campaign_get(scope=scope, id=id)
    if exports.requested(request):
        return _campaign_export(request, scope, campaign)
    error = ""
    if request.method == "POST":
        try:
            _act(request, scope, campaign)
        except (Forbidden, NotFound):
            raise
        except DomainError as exc:
            error = domain_message(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("hazard_campaign_detail", id=campaign.id)
    today = timezone.localdate()
    hazards = list(selectors.hazard_list(scope=scope, campaign=campaign.pk, today=today)[:HAZARDS_SHOWN])
    for h in hazards:
        h.light = light(state=h.state, deadline=h.deadline, today=today)
    kept = list(selectors.negative_entries(scope=scope, campaign=campaign))
    current = [e for e in kept if e.removed_at is None]
    listed = {e.enterprise_id for e in current}
    negative = negative_list(scope, campaign)
    for row in negative:
        row["kept"] = row["enterprise_id"] in listed
        row["reason_text"] = _rule_reason(row)
    return render(request, "hazards/campaign_detail.html", {
        "campaign": campaign, "figures": selectors.campaign_coverage(campaign),
        "negative": negative, "kept": current, "removed": [e for e in kept if e.removed_at is not None],
        "outcomes": list(selectors.campaign_outcomes(scope=scope, campaign=campaign)),
        "outcome_kinds": CampaignOutcomeKind.choices, "post": request.POST if error else {}, "error": error,
        "pending": not_inspected(scope, campaign), "hazards": hazards, "hazards_shown": HAZARDS_SHOWN,
        "can_write": scope.can_write, "can_act": scope.role in WRITER_ROLES,
    }, status=400 if error else 200)


def _rule_reason(row: dict) -> str:
    reasons = []
    if row["open_major"]:
        reasons.append(_("Open major hazard"))
    if row["repeated"]:
        reasons.append(_("The same problem found again"))
    return "；".join(str(r) for r in reasons)


def _act(request, scope: Scope, campaign) -> None:
    """One write from the campaign page, through the services (as the API)."""
    p, by = request.POST, request.user
    action = p.get("action", "")
    if action == "negative_add":
        services.negative_entry_add(by=by, campaign=campaign, enterprise_id=_enterprise(p, scope, campaign),
                                    reason=p.get("reason", "")[:1000])
    elif action == "negative_remove":
        entry = selectors.negative_entry_get(scope=scope, campaign=campaign,
                                             id=_int(p.get("entry"), "entry", "负面清单条目"))
        services.negative_entry_remove(by=by, entry=entry, reason=p.get("reason", "")[:1000])
    elif action == "outcome_set":
        services.campaign_outcome_set(
            by=by, campaign=campaign, enterprise_id=_enterprise(p, scope, campaign), outcome=p.get("outcome", ""),
            measures=p.get("measures", "")[:6000], responsible=p.get("responsible", "")[:200],
            due_at=_date(p.get("due_at"), "due_at"))
    elif action == "outcome_done":
        outcome = selectors.campaign_outcome_get(scope=scope, campaign=campaign,
                                                 id=_int(p.get("outcome"), "outcome", "整治结果"))
        services.campaign_outcome_complete(by=by, outcome=outcome, done_on=_date(p.get("done_on"), "done_on"),
                                           note=p.get("note", "")[:1000])
    else:
        raise DomainError("未知的操作", "Unknown action", fields={"action": "无效 / invalid"})


def _enterprise(post, scope: Scope, campaign) -> int:
    """The enterprise a form names: by id (a suggestion's button) or by name or USCC."""
    if post.get("enterprise_id"):
        return _int(post.get("enterprise_id"), "enterprise_id", "企业")
    found = selectors.campaign_enterprise_find(scope=scope, campaign=campaign, text=post.get("enterprise", "")[:200])
    if found is None:
        raise DomainError("未找到该企业：请输入整治区域内企业的全称或统一社会信用代码",
                          "No such enterprise: give the full name or USCC of an enterprise in the campaign's area",
                          fields={"enterprise": "未找到 / not found"})
    return found.pk


def _int(text, field: str, label: str) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        raise DomainError(f"请选择{label}", f"Choose the {field}", fields={field: "必填 / required"}) from None


def _date(text, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        raise DomainError("日期无效（格式 YYYY-MM-DD）", "Invalid date (YYYY-MM-DD)",
                          fields={field: "无效 / invalid"}) from None


def _campaign_export(request, scope: Scope, campaign):
    """One of the campaign page's lists, whole: the negative list (kept and
    suggested), the outcomes, the enterprises not yet inspected, or the campaign's
    hazards (the page shows the first 100)."""
    table = request.GET.get("table", "")
    if table == "negative":
        return exports.response(request, NEGATIVE_LIST, negative_rows(scope, campaign))
    if table == "outcomes":
        return exports.response(request, OUTCOMES, selectors.campaign_outcomes(scope=scope, campaign=campaign))
    if table == "pending":
        return exports.response(request, NOT_INSPECTED, not_inspected(scope, campaign))
    if table == "hazards":
        return exports.response(request, HAZARDS, selectors.hazard_list(scope=scope, campaign=campaign.pk))
    raise DomainError("请选择要导出的列表", "Choose the list to export",
                      fields={"table": "negative / outcomes / pending / hazards"})


def negative_list(scope: Scope, campaign) -> list[dict]:
    """The campaign's negative list as the rules suggest it, of the enterprises this scope sees."""
    return selectors.campaign_negative_list(campaign, scope=scope)


def negative_rows(scope: Scope, campaign) -> list[dict]:
    """The export's rows: every kept entry (removed ones too, with who and why), then
    the suggestions not on the list now."""
    kept = list(selectors.negative_entries(scope=scope, campaign=campaign))
    listed = {e.enterprise_id for e in kept if e.removed_at is None}
    rows = [{"entry": e, "name": e.enterprise.name, "uscc": e.enterprise.uscc, "region": e.enterprise.region_id}
            for e in kept]
    return rows + [row for row in negative_list(scope, campaign) if row["enterprise_id"] not in listed]


def not_inspected(scope: Scope, campaign) -> list:
    """The campaign's enterprises without an inspection under it in its period (the
    complement of the coverage figure's numerator)."""
    inspected = set(selectors.inspection_list(scope=scope, campaign=campaign.pk)
                    .filter(date__range=(campaign.start, campaign.end)).values_list("enterprise_id", flat=True))
    selected = scope.filter(selectors.campaign_enterprises(campaign)).select_related("region")
    return [e for e in selected.order_by("region_id", "name", "id") if e.pk not in inspected]


def campaign_new(request):
    return _campaign_form(request, None)


def campaign_edit(request, id: int):
    return _campaign_form(request, selectors.campaign_get(scope=_scope(request), id=id))


def _campaign_form(request, campaign):
    """Create or change a campaign through the services (as POST /api/campaigns)."""
    scope = _scope(request)
    scope.require_officer()
    form = CampaignForm(request.POST or None, scope=scope, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            if campaign is None:
                campaign = services.campaign_create(by=request.user, **form.service_kwargs())
            else:
                services.campaign_update(by=request.user, campaign=campaign, **form.service_kwargs())
        except (DomainError, ValidationError) as exc:
            refuse_or_attach(form, exc, aliases={"region_id": "region", "template_id": "template"})
        else:
            messages.success(request, _("Saved."))
            return redirect("hazard_campaign_detail", id=campaign.id)
    return render(request, "hazards/campaign_form.html", {"form": form, "campaign": campaign})
