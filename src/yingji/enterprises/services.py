"""Every write of the enterprise register, each audited."""

from django.db import transaction

from ..core import audit
from ..core.choices import OrganizationKind
from ..core.errors import DomainError, Forbidden
from ..core.models import Organization
from ..core.scope import Scope
from ..core.services import apply_fields, save_audited
from .models import Enterprise, Licence, Tag

ENTERPRISE_FIELDS = {
    "name", "uscc", "address", "longitude", "latitude", "region_id", "industry", "scale",
    "risk_grade", "legal_representative", "contact_phone", "employees",
}
# An enterprise keeps its own contact details up to date; the rest is the regulator's.
SELF_SERVICE_FIELDS = {"address", "longitude", "latitude", "legal_representative", "contact_phone", "employees"}
LICENCE_FIELDS = {"kind", "number", "valid_from", "valid_to"}


def enterprise_create(*, by, tags: list[str] | None = None, **data) -> Enterprise:
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(data.get("region_id"))
    enterprise = Enterprise()
    apply_fields(enterprise, data, ENTERPRISE_FIELDS)
    _check_uscc_free(enterprise)
    with transaction.atomic():
        save_audited(enterprise, by=by, action="create", before=None, region_code=enterprise.region_id)
        if tags:
            _set_tags(enterprise, tags, by=by, before=audit.snapshot(enterprise))
    return enterprise


def enterprise_update(*, by, enterprise: Enterprise, tags: list[str] | None = None, **data) -> Enterprise:
    scope = Scope.for_user(by)
    scope.require_writer()
    if scope.organization_id is not None:
        _require_self_service(data, tags)
    before = audit.snapshot(enterprise)
    apply_fields(enterprise, data, ENTERPRISE_FIELDS)
    scope.require_region(enterprise.region_id)
    _check_uscc_free(enterprise)
    with transaction.atomic():
        save_audited(enterprise, by=by, action="update", before=before, region_code=enterprise.region_id)
        if tags is not None:
            _set_tags(enterprise, tags, by=by, before=audit.snapshot(enterprise))
    return enterprise


def enterprise_organization(*, by, enterprise: Enterprise) -> Organization:
    """The organization that enterprise users belong to; created when first needed."""
    if enterprise.organization_id:
        return enterprise.organization
    scope = Scope.for_user(by)
    scope.require_officer()
    with transaction.atomic():
        org = save_audited(
            Organization(name=enterprise.name, kind=OrganizationKind.ENTERPRISE, region_id=enterprise.region_id),
            by=by, action="create", before=None, region_code=enterprise.region_id,
        )
        before = audit.snapshot(enterprise)
        enterprise.organization = org
        save_audited(enterprise, by=by, action="update", before=before, region_code=enterprise.region_id)
    return org


def licence_add(*, by, enterprise: Enterprise, **data) -> Licence:
    Scope.for_user(by).require_officer()
    licence = Licence(enterprise=enterprise)
    apply_fields(licence, data, LICENCE_FIELDS)
    with transaction.atomic():
        return save_audited(licence, by=by, action="create", before=None, region_code=enterprise.region_id)


def licence_update(*, by, licence: Licence, **data) -> Licence:
    Scope.for_user(by).require_officer()
    before = audit.snapshot(licence)
    apply_fields(licence, data, LICENCE_FIELDS)
    with transaction.atomic():
        return save_audited(licence, by=by, action="update", before=before,
                            region_code=licence.enterprise.region_id)


def licence_remove(*, by, licence: Licence) -> None:
    Scope.for_user(by).require_officer()
    with transaction.atomic():
        audit.record(actor=by, action="delete", obj=licence, region_code=licence.enterprise.region_id,
                     before=audit.snapshot(licence))
        licence.delete()


def _set_tags(enterprise: Enterprise, names: list[str], *, by, before: dict) -> None:
    clean = sorted({n.strip() for n in names if n and n.strip()})
    if any(len(n) > 50 for n in clean):
        raise DomainError("标签不能超过 50 个字", "A tag has at most 50 characters", fields={"tags": "太长 / too long"})
    tags = [Tag.objects.get_or_create(name=n)[0] for n in clean]
    enterprise.tags.set(tags)
    after = audit.snapshot(enterprise)
    if after != before:
        audit.record(actor=by, action="update", obj=enterprise, region_code=enterprise.region_id,
                     before=before, after=after)


def _check_uscc_free(enterprise: Enterprise) -> None:
    from . import uscc

    try:
        enterprise.uscc = uscc.validate(enterprise.uscc or "")
    except uscc.USCCError as exc:
        raise DomainError(exc.zh, exc.en, fields={"uscc": str(exc)}) from exc
    clash = Enterprise.objects.filter(uscc=enterprise.uscc).exclude(pk=enterprise.pk).exists()
    if clash:
        raise DomainError("该统一社会信用代码已登记", "An enterprise with this USCC is already registered",
                          fields={"uscc": "重复 / duplicate"}, code="duplicate")


def _require_self_service(data: dict, tags) -> None:
    locked = set(data) - SELF_SERVICE_FIELDS
    if locked or tags is not None:
        names = ", ".join(sorted(locked | ({"tags"} if tags is not None else set())))
        raise Forbidden(f"企业用户不能修改：{names}", f"Enterprise users cannot change: {names}",
                        fields={n: "只读 / read-only" for n in locked})
