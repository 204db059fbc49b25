"""The start page: the officer's region at a glance."""

from django.shortcuts import render

from ...core.scope import Scope
from ...enterprises.models import EXPIRING_WITHIN_DAYS
from .. import selectors

EXPIRING_SHOWN = 10


def home(request):
    scope = Scope.for_user(request.user)
    grades = selectors.risk_grade_counts(scope=scope)
    expiring = selectors.licences_expiring(scope=scope)
    return render(request, "web/home.html", {
        "grades": grades,
        "total": sum(g["count"] for g in grades),
        "expiring": expiring[:EXPIRING_SHOWN],
        "expiring_count": expiring.count(),
        "expired_count": selectors.licences_expired_count(scope=scope),
        "within_days": EXPIRING_WITHIN_DAYS,
    })
