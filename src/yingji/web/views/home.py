"""The start page: the officer's region at a glance."""

from django.shortcuts import render

from ...command import selectors_cockpit
from ...core.scope import Scope
from ...enterprises.models import EXPIRING_WITHIN_DAYS
from .. import selectors

EXPIRING_SHOWN = 10


def home(request):
    scope = Scope.for_user(request.user)
    grades = selectors.risk_grade_counts(scope=scope)
    expiring = selectors.licences_expiring(scope=scope)
    # What the person needs first (command/selectors_cockpit.home_roles): the panels
    # above the register's tiles, which stay for everyone as before.
    roles = selectors_cockpit.home_roles(person=getattr(request.user, "person", None), scope=scope)
    return render(request, "web/home.html", {
        "roles": roles,
        "panels": selectors_cockpit.summary(scope=scope) if roles else None,
        "grades": grades,
        "total": sum(g["count"] for g in grades),
        "expiring": expiring[:EXPIRING_SHOWN],
        "expiring_count": expiring.count(),
        "expired_count": selectors.licences_expired_count(scope=scope),
        "within_days": EXPIRING_WITHIN_DAYS,
    })
