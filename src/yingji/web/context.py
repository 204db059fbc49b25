"""Template context every page needs: who is logged in and which region they serve."""

from ..core.scope import Scope


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = Scope.for_user(user)
    person = getattr(user, "person", None)
    return {
        "nav_person": person,
        "nav_region": person.region if person else None,
        "nav_can_write": scope.can_write and scope.organization_id is None,
    }
