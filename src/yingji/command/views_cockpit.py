"""The cockpit page (驾驶舱) for the big screen: the panels of `selectors_cockpit`
rendered once by the server, then refreshed in place by command/cockpit.js from
GET /api/cockpit (no reload)."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..core.scope import Scope
from . import selectors_cockpit as selectors

REFRESH_SECONDS = 20


def chart_labels() -> dict:
    """The words the charts draw (series and axis names), in the page's language."""
    return {
        "answered": pgettext("call-up", "Answered"), "unanswered": _("Not answered"),
        "confirmed": _("Confirmed"), "unconfirmed": _("Unconfirmed"),
        "planned": _("To move"), "moved": _("Moved"), "sheltered": _("Sheltered"), "returned": _("Returned"),
        "persons": _("Persons"), "count": _("Count"),
        "overdue": _("Overdue"), "due_soon": _("Due soon"), "open": pgettext("hazard", "Open"),
    }


def cockpit(request):
    scope = Scope.for_user(request.user)
    return render(request, "command/cockpit/page.html", {
        "data": selectors.summary(scope=scope),
        "labels": chart_labels(),
        "refresh_ms": REFRESH_SECONDS * 1000,
    })
