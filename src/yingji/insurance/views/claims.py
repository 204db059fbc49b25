"""The claims ledger (理赔台账): every claim of the policies the caller sees, by status,
paged and exported; each links to its policy, where it is verified and paid."""

from django.core.paginator import Paginator
from django.shortcuts import render

from ...core import exports
from .. import selectors
from ..choices import ClaimStatus
from ..exports import CLAIMS

PAGE_SIZE = 50


def claim_list(request):
    status = request.GET.get("status", "")
    status = status if status in ClaimStatus.values else ""
    qs = selectors.claim_list(scope=selectors.PolicyScope.for_user(request.user), status=status)
    if exports.requested(request):
        return exports.response(request, CLAIMS, qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "insurance/claim_list.html", {"page": page, "status": status,
                                                         "statuses": ClaimStatus.choices})
