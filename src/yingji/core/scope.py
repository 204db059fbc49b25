"""Access by region: the one place that decides what a caller may see and change.

A `Scope` is derived from the logged-in user: a region subtree (by code prefix), and
for enterprise users additionally their own organization. Selectors pass every
queryset through `Scope.filter`; services call `Scope.require_*` before writing.
Models declare where their region code (`scope_region`) and organization
(`scope_organization`) live, so this module never needs to know them; a model
reached by several paths declares `scope_q(region_code, organization_id) -> Q`.
"""

from dataclasses import dataclass

from . import regioncodes
from .choices import WRITER_ROLES, Role
from .errors import Forbidden, NotFound


@dataclass(frozen=True)
class Scope:
    region_code: str  # "" = the whole system
    organization_id: int | None = None  # set for enterprise users
    role: str = Role.VIEWER
    username: str = ""

    @classmethod
    def for_user(cls, user) -> "Scope":
        if user is None:
            return SYSTEM
        if not user.is_authenticated or not user.is_active:
            return NOBODY
        person = getattr(user, "person", None)
        if person is None or not person.active:
            if user.is_superuser:
                return cls(region_code="", role=Role.ADMIN, username=user.username)
            return NOBODY
        org_id = person.organization_id if person.role == Role.ENTERPRISE else None
        return cls(region_code=person.region_id, organization_id=org_id, role=person.role,
                   username=user.username)

    @property
    def is_nobody(self) -> bool:
        return self.region_code is None

    @property
    def can_write(self) -> bool:
        return self.role in WRITER_ROLES or self.role == Role.ENTERPRISE

    def covers_region(self, code: str | None) -> bool:
        if self.region_code is None or code is None:
            return False
        return regioncodes.in_subtree(code, self.region_code)

    def filter(self, queryset):
        """Limit any scoped queryset to what this caller may see."""
        if self.region_code is None:
            return queryset.none()
        model = queryset.model
        scope_q = getattr(model, "scope_q", None)
        if scope_q is not None:
            # A model whose rows are reached by more than one path (a hazard at an
            # enterprise or at a risk point) says itself who sees them.
            return queryset.filter(scope_q(self.region_code, self.organization_id))
        if self.region_code:
            queryset = queryset.filter(**{f"{model.scope_region}__startswith": self.region_code})
        if self.organization_id is not None:
            org_path = getattr(model, "scope_organization", None)
            if org_path:
                queryset = queryset.filter(**{org_path: self.organization_id})
        return queryset

    def get(self, queryset, **lookup):
        """One row in scope, or NotFound (the same answer whether it exists elsewhere or not)."""
        if not all(fits_database(v) for v in lookup.values()):
            raise NotFound()  # an id no database column can hold cannot exist
        row = self.filter(queryset).filter(**lookup).first()
        if row is None:
            raise NotFound()
        return row

    def require_writer(self) -> None:
        if not self.can_write:
            raise Forbidden("您的账号只有查看权限", "Your account may only read")

    def require_officer(self) -> None:
        """Government work (registering, creating): officers and admins, not enterprises."""
        if self.role not in WRITER_ROLES:
            raise Forbidden("只有监管部门工作人员可以执行此操作",
                            "Only government officers may do this")

    def require_admin(self) -> None:
        if self.role != Role.ADMIN:
            raise Forbidden("只有管理员可以执行此操作", "Only administrators may do this")

    def require_region(self, code: str | None) -> None:
        """Writing into a region needs that region inside the caller's subtree."""
        if not self.covers_region(code):
            raise Forbidden("该区划不在您的管辖范围内", "That region is outside your jurisdiction",
                            fields={"region": "不在管辖范围内 / outside your jurisdiction"})


def fits_database(value) -> bool:
    """Whether an integer fits a 64-bit column; PostgreSQL and SQLite both fail
    loudly (a 500) on larger ones instead of finding nothing."""
    return not isinstance(value, int) or -(2**63) <= value < 2**63


# The system itself (CLI, scheduled tasks): everything, with write rights.
SYSTEM = Scope(region_code="", role=Role.ADMIN, username="system")
# The public forms' view of the region tree: every region, read only. Region names and
# codes are official public data; only the region picker of public forms (the report
# form) uses this scope, and only for regions, never for any other record.
PUBLIC_REGIONS = Scope(region_code="", role=Role.VIEWER, username="public")
# An anonymous or unattached user sees nothing.
NOBODY = Scope(region_code=None, role=Role.VIEWER)  # type: ignore[arg-type]
