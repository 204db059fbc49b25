"""The claim steps (核定, 登记赔付) as a confirmation page each: the claim restated, the
day the step was taken and, for a payment, the voucher number (凭证号). A single click
on the policy page no longer moves money: it opens this page, and the POST of its form
calls the service, which records and audits what was declared."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ...core.errors import DomainError
from ...core.ui import domain_message, in_reader_language, label_in_language
from .. import selectors, services
from ..choices import ClaimStatus
from ..models import Claim

STEPS = {"verify": ClaimStatus.NOTIFIED, "pay": ClaimStatus.VERIFIED}


@require_http_methods(["GET", "POST"])
def claim_verify(request, id: int):
    return _step(request, id, "verify")


@require_http_methods(["GET", "POST"])
def claim_pay(request, id: int):
    return _step(request, id, "pay")


def _step(request, id: int, step: str):
    claim = selectors.claim_get(scope=selectors.PolicyScope.for_user(request.user), id=id)
    if not services.claim_can_process(by=request.user, claim=claim):
        raise PermissionDenied
    context = {"claim": claim, "step": step, "today": timezone.localdate(), "posted": request.POST,
               "error": "", "field_errors": {}}
    status = 200
    if request.method == "POST":
        try:
            day = _day(request.POST.get("day", ""), "verified_on" if step == "verify" else "paid_on")
            if step == "verify":
                services.claim_verify(by=request.user, claim=claim, verified_on=day,
                                      note=request.POST.get("note", "")[:2000])
                messages.success(request, f"理赔 {claim.pk} 已核定")
            else:
                services.claim_pay(by=request.user, claim=claim, paid_on=day,
                                   voucher=request.POST.get("voucher", "")[:200])
                messages.success(request, f"理赔 {claim.pk} 已登记赔付")
            return redirect(_claims_anchor(claim))
        except DomainError as exc:
            context["error"] = domain_message(exc)
            context["field_errors"] = {k: in_reader_language(v) for k, v in exc.fields.items()}
            status = exc.status
    elif claim.status != STEPS[step]:
        context["error"] = (in_reader_language("该理赔当前状态不能办理此步骤 / This claim is not in the state for "
                                               "this step") + f"：{label_in_language(claim.get_status_display())}")
    return render(request, "insurance/claim_confirm.html", context, status=status)


def _day(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DomainError("请填写有效日期（年-月-日）", "Give a valid date (YYYY-MM-DD)",
                          fields={field: "日期无效 / invalid date"}) from None


def _claims_anchor(claim: Claim) -> str:
    return reverse("policy_detail", args=[claim.event.policy_id]) + "#events"
