"""Reads of the core domain, always through the caller's scope."""

from django.db.models import Q

from .models import AuditRecord, Duty, DutyKind, Organization, Person, Region
from .scope import Scope


def region_list(*, scope: Scope, parent: str | None = None, level: int | None = None,
                q: str = ""):
    """Children of `parent`; without it, the top of what the caller may see."""
    qs = scope.filter(Region.objects.all())
    if parent:
        qs = qs.filter(parent_id=parent)
    elif not q and level is None:
        qs = qs.filter(code=scope.region_code) if scope.region_code else qs.filter(parent__isnull=True)
    if level is not None:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(full_name__contains=q) | Q(code__startswith=q))
    return qs


def region_get(*, scope: Scope, code: str) -> Region:
    return scope.get(Region.objects.all(), code=code)


def organization_list(*, scope: Scope, region: str = "", kind: str = "", q: str = ""):
    qs = scope.filter(Organization.objects.select_related("region"))
    if region:
        qs = qs.filter(region__code__startswith=region)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(name__contains=q)
    return qs


def organization_get(*, scope: Scope, id: int) -> Organization:
    return scope.get(Organization.objects.select_related("region"), pk=id)


def person_list(*, scope: Scope, region: str = "", duty: str = "", q: str = ""):
    qs = scope.filter(Person.objects.select_related("region", "organization", "user"))
    if region:
        qs = qs.filter(region__code__startswith=region)
    if duty:
        qs = qs.filter(duties__kind_id=duty).distinct()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(mobile__contains=q))
    return qs


def person_get(*, scope: Scope, id: int) -> Person:
    return scope.get(Person.objects.select_related("region", "organization", "user"), pk=id)


def duty_list(*, scope: Scope, person_id: int | None = None, region: str = "", kind: str = ""):
    qs = scope.filter(Duty.objects.select_related("kind", "person", "region"))
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    if region:
        qs = qs.filter(region__code__startswith=region)
    if kind:
        qs = qs.filter(kind_id=kind)
    return qs


def duty_get(*, scope: Scope, id: int) -> Duty:
    return scope.get(Duty.objects.select_related("kind", "person", "region"), pk=id)


def duty_kind_list():
    return DutyKind.objects.all()


def audit_list(*, scope: Scope, object_type: str = "", object_id: str = "", actor: str = "",
               since=None, until=None):
    """The audit log in scope, newest first. `actor` is a login name; `since` and
    `until` are aware datetimes (from inclusive, until exclusive)."""
    # Enterprise users do not read the audit log: it spans other parties' records.
    if scope.organization_id is not None:
        return AuditRecord.objects.none()
    qs = scope.filter(AuditRecord.objects.all()).order_by("-seq")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if actor:
        qs = qs.filter(actor_name=actor)
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lt=until)
    return qs


def audit_object_types(*, scope: Scope) -> list[str]:
    """The kinds of record the caller's part of the log names, for a filter."""
    qs = audit_list(scope=scope).order_by().values_list("object_type", flat=True).distinct()
    return sorted(qs)
