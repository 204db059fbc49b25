"""Pages of special campaigns (专项整治): the list with each campaign's coverage, and a
campaign with its figures, negative list (负面清单), hazards and the enterprises not
yet inspected.

Enterprise users see no campaign pages: a campaign lists other enterprises.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ...core import exports
from ...core.errors import DomainError, Forbidden
from ...core.scope import Scope
from ...core.ui import refuse_or_attach
from .. import selectors, services
from ..exports import CAMPAIGNS, HAZARDS, NEGATIVE_LIST, NOT_INSPECTED
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


def campaign_detail(request, id: int):
    scope = _scope(request)
    campaign = selectors.campaign_get(scope=scope, id=id)
    if exports.requested(request):
        return _campaign_export(request, scope, campaign)
    today = timezone.localdate()
    hazards = list(selectors.hazard_list(scope=scope, campaign=campaign.pk, today=today)[:HAZARDS_SHOWN])
    for h in hazards:
        h.light = light(state=h.state, deadline=h.deadline, today=today)
    return render(request, "hazards/campaign_detail.html", {
        "campaign": campaign, "figures": selectors.campaign_coverage(campaign),
        "negative": negative_list(scope, campaign),
        "pending": not_inspected(scope, campaign), "hazards": hazards, "hazards_shown": HAZARDS_SHOWN,
        "can_write": scope.can_write,
    })


def _campaign_export(request, scope: Scope, campaign):
    """One of the campaign page's lists, whole: the negative list, the enterprises
    not yet inspected, or the campaign's hazards (the page shows the first 100)."""
    table = request.GET.get("table", "")
    if table == "negative":
        return exports.response(request, NEGATIVE_LIST, negative_list(scope, campaign))
    if table == "pending":
        return exports.response(request, NOT_INSPECTED, not_inspected(scope, campaign))
    if table == "hazards":
        return exports.response(request, HAZARDS, selectors.hazard_list(scope=scope, campaign=campaign.pk))
    raise DomainError("请选择要导出的列表", "Choose the list to export",
                      fields={"table": "negative / pending / hazards"})


def negative_list(scope: Scope, campaign) -> list[dict]:
    """The campaign's negative list, of the enterprises this scope sees."""
    visible = set(scope.filter(selectors.campaign_enterprises(campaign)).values_list("pk", flat=True))
    return [row for row in selectors.campaign_negative_list(campaign) if row["enterprise_id"] in visible]


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
