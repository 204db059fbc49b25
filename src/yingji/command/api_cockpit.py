"""API of the cockpit (驾驶舱): every panel as JSON, in the caller's scope. The cockpit
page fetches it every 20 seconds; a wall screen or another system may do the same."""

from ninja import Router

from ..core.scope import Scope
from . import selectors_cockpit as selectors

router = Router(tags=["command"])


@router.get("/cockpit")
def cockpit(request):
    """Warnings and response levels in force, call-up progress, orders unconfirmed,
    evacuation counts, open information reports, overdue hazards, today's roster; for an
    enterprise user, their enterprise's open hazards and deadlines. Panels that are not
    the caller's are null."""
    return selectors.summary(scope=Scope.for_user(request.user))
