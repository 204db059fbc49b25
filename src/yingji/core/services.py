"""Every write of the core domain. Each runs in a transaction and writes an audit record."""

import csv
from collections.abc import Callable, Iterable
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from . import audit, regioncodes
from .choices import RegionLevel, Role
from .errors import DomainError, Forbidden
from .models import Duty, DutyKind, Organization, Person, Region
from .scope import Scope, fits_database
from .text import check_text_fields

REGION_DATA = Path(__file__).resolve().parent / "data" / "regions"


def save_audited(obj, *, by, action: str, before: dict | None, region_code: str = ""):
    """Validate, save and audit one row; the shared tail of every create/update."""
    obj.full_clean()
    check_text_fields(obj)
    if before is not None and audit.snapshot(obj) == before:
        # Nothing changed: no write (auto_now stamps stay) and no audit record, so
        # re-importing the same file leaves the register and the chain untouched.
        return obj
    obj.save()
    audit.record(actor=by, action=action, obj=obj, region_code=region_code, before=before,
                 after=audit.snapshot(obj))
    return obj


def apply_fields(obj, data: dict, editable: Iterable[str]) -> None:
    """Copy the given keys of `data` onto `obj`; unknown keys are a caller bug."""
    for name, value in data.items():
        if name not in editable:
            raise DomainError(f"字段 {name} 不可修改", f"Field {name} cannot be changed",
                              fields={name: "不可修改 / read-only"})
        setattr(obj, name, value)


# Regions -------------------------------------------------------------------

def region_create(*, by, code: str, name: str, parent_code: str) -> Region:
    """Add a village or a grid under a township or village (cities, counties and
    townships come from the official code list)."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(parent_code)
    parent = Region.objects.filter(pk=parent_code).first()
    if parent is None:
        raise DomainError("上级区划不存在", "Parent region does not exist",
                          fields={"parent": "不存在 / does not exist"})
    if parent.level < RegionLevel.TOWNSHIP:
        raise DomainError("只能在乡镇（街道）或村（社区）下添加区划",
                          "Villages and grids can only be added under townships or villages",
                          fields={"parent": "层级不符 / wrong level"})
    if Region.objects.filter(pk=code).exists():
        raise DomainError("区划代码已存在", "Region code already exists", fields={"code": "重复 / duplicate"})
    region = Region(code=code, name=name, level=parent.level + 1, parent=parent)
    with transaction.atomic():
        return save_audited(region, by=by, action="create", before=None, region_code=code)


def import_local_regions(*, by, rows: Iterable[dict]) -> dict:
    """Add villages and grids from rows of {code, name[, parent]}; the parent defaults
    to the code's prefix (village 12 digits → township 9; grid 15 → village 12). Each
    row stands alone: good rows are kept, bad ones reported by row with the reason, and
    rows already present with the same name are counted as unchanged."""
    report = {"created": 0, "unchanged": 0, "errors": []}
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        code, name = (row.get("code") or "").strip(), (row.get("name") or "").strip()
        parent = (row.get("parent") or "").strip() or _parent_code(code)
        existing = Region.objects.filter(pk=code).first()
        if existing is not None and existing.name == name and existing.parent_id == parent:
            report["unchanged"] += 1
            continue
        try:
            if not name:
                raise DomainError("名称不能为空", "Name is required", fields={"name": "必填 / required"})
            region_create(by=by, code=code, name=name, parent_code=parent)
            report["created"] += 1
        except (DomainError, ValidationError) as exc:
            report["errors"].append({"row": number, "code": code, "message": _reason(exc)})
    return report


def _parent_code(code: str) -> str:
    local = regioncodes.level_of(code) in (RegionLevel.VILLAGE, RegionLevel.GRID)
    return regioncodes.parent(code) if local else ""


def _reason(exc: Exception) -> str:
    if isinstance(exc, DomainError):
        return f"{exc.zh} / {exc.en}"
    return "；".join(f"{k}: {'；'.join(v)}" for k, v in exc.message_dict.items())


def place_region(code: str, lon: float, lat: float) -> bool:
    """Set a region's location, audited; False when it was already there."""
    region = Region.objects.get(pk=code)
    before = audit.snapshot(region)
    region.lon, region.lat = lon, lat
    save_audited(region, by=None, action="update", before=before, region_code=code)
    return audit.snapshot(region) != before


def region_rename(*, by, region: Region, name: str) -> Region:
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(region.code)
    before = audit.snapshot(region)
    region.name = name
    with transaction.atomic():
        save_audited(region, by=by, action="update", before=before, region_code=region.code)
        for child in region.children.all():  # full names of the subtree follow
            _refresh_full_names(child)
    return region


def _refresh_full_names(region: Region) -> None:
    region.save(update_fields=["full_name"])
    for child in region.children.all():
        _refresh_full_names(child)


def _read_csv(name: str) -> list[dict]:
    with open(REGION_DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def official_regions() -> list[tuple[str, str, int, str | None]]:
    """The shipped Zhejiang tree as (code, name, level, parent code), parents first."""
    rows = [("33", "浙江省", RegionLevel.PROVINCE, None)]
    rows += [(r["code"], r["name"], RegionLevel.CITY, r["provinceCode"]) for r in _read_csv("cities_33.csv")]
    rows += [(r["code"], r["name"], RegionLevel.COUNTY, r["cityCode"]) for r in _read_csv("counties_33.csv")]
    rows += [(r["code"], r["name"], RegionLevel.TOWNSHIP, r["areaCode"]) for r in _read_csv("townships_33.csv")]
    return rows


def import_official_regions(*, progress: Callable[[int, int], None] | None = None) -> dict:
    """Load (or refresh) the official region tree. Idempotent: a second run changes
    nothing and writes no audit records."""
    rows = official_regions()
    existing = {r.code: r for r in Region.objects.all()}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for i, (code, name, level, parent_code) in enumerate(rows, 1):
            region = existing.get(code)
            if region is None:
                region = Region(code=code, name=name, level=level, parent_id=parent_code)
                region.parent = existing.get(parent_code)
                region.save()
                existing[code] = region
                audit.record(actor=None, action="import", obj=region, region_code=code,
                             after=audit.snapshot(region))
                counts["created"] += 1
            elif region.name != name or region.level != level or region.parent_id != parent_code:
                before = audit.snapshot(region)
                region.name, region.level, region.parent_id = name, level, parent_code
                region.parent = existing.get(parent_code)
                region.save()
                audit.record(actor=None, action="import", obj=region, region_code=code,
                             before=before, after=audit.snapshot(region))
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
            if progress:
                progress(i, len(rows))
    return counts


# Organizations and people ------------------------------------------------------

ORGANIZATION_FIELDS = {"name", "kind", "region_id", "parent_id", "phone"}
PERSON_FIELDS = {"name", "mobile", "region_id", "organization_id", "title", "role", "superior_id", "active"}


def organization_create(*, by, **data) -> Organization:
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(data.get("region_id"))
    org = Organization()
    apply_fields(org, data, ORGANIZATION_FIELDS)
    _check_refs_in_scope(scope, org)
    with transaction.atomic():
        return save_audited(org, by=by, action="create", before=None, region_code=org.region_id)


def organization_update(*, by, organization: Organization, **data) -> Organization:
    scope = Scope.for_user(by)
    scope.require_officer()
    before = audit.snapshot(organization)
    apply_fields(organization, data, ORGANIZATION_FIELDS)
    scope.require_region(organization.region_id)
    _check_refs_in_scope(scope, organization, before=before)
    with transaction.atomic():
        return save_audited(organization, by=by, action="update", before=before,
                            region_code=organization.region_id)


def person_create(*, by, username: str = "", password: str = "", **data) -> Person:
    """Register a person; with a username, also a login account."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(data.get("region_id"))
    _forbid_role_escalation(scope, data.get("role"))
    person = Person()
    apply_fields(person, data, PERSON_FIELDS)
    _check_refs_in_scope(scope, person)
    with transaction.atomic():
        if username:
            person.user = _create_user(username, password)
        return save_audited(person, by=by, action="create", before=None, region_code=person.region_id)


def person_update(*, by, person: Person, **data) -> Person:
    scope = Scope.for_user(by)
    scope.require_officer()
    _forbid_role_escalation(scope, data.get("role"))
    before = audit.snapshot(person)
    apply_fields(person, data, PERSON_FIELDS)
    scope.require_region(person.region_id)
    _check_refs_in_scope(scope, person, before=before)
    with transaction.atomic():
        return save_audited(person, by=by, action="update", before=before, region_code=person.region_id)


def duty_assign(*, by, person: Person, kind_code: str, region_code: str,
                organization: Organization | None = None) -> Duty:
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(region_code)
    kind = DutyKind.objects.filter(pk=kind_code).first()
    if kind is None:
        raise DomainError("职责类型不存在", "Unknown duty kind", fields={"kind": "不存在 / unknown"})
    duty = Duty(person=person, kind=kind, region_id=region_code, organization=organization)
    with transaction.atomic():
        return save_audited(duty, by=by, action="create", before=None, region_code=region_code)


def duty_remove(*, by, duty: Duty) -> None:
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(duty.region_id)
    with transaction.atomic():
        audit.record(actor=by, action="delete", obj=duty, region_code=duty.region_id,
                     before=audit.snapshot(duty))
        duty.delete()


def _create_user(username: str, password: str):
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise DomainError("登录名已被使用", "Username is taken", fields={"username": "重复 / taken"})
    if not password:
        raise DomainError("请设置密码", "A password is required", fields={"password": "必填 / required"})
    return User.objects.create_user(username=username, password=password)


def _forbid_role_escalation(scope: Scope, role: str | None) -> None:
    if role == Role.ADMIN and scope.role != Role.ADMIN:
        raise Forbidden("只有管理员可以授予管理员角色", "Only administrators may grant the admin role",
                        fields={"role": "无权授予 / not allowed"})


def _check_refs_in_scope(scope: Scope, obj, before: dict | None = None) -> None:
    """Foreign keys given by id must point inside the caller's scope too: otherwise a
    county officer could attach a person to another county's superior. A reference
    the update leaves as it was is not checked: a county bureau's parent is the city
    bureau, outside the county, and the county officer may still edit its own bureau."""
    refs = {"organization": Organization, "superior": Person, "parent": Organization}
    for name, model in refs.items():
        ref_id = getattr(obj, f"{name}_id", None)
        if ref_id is None or (before is not None and before.get(f"{name}_id") == ref_id):
            continue
        if not fits_database(ref_id) or not scope.filter(model.objects.filter(pk=ref_id)).exists():
            raise DomainError("引用的记录不存在或不在管辖范围内", "Referenced record not found in your jurisdiction",
                              fields={name: "不存在 / not found"})
    region_id = getattr(obj, "region_id", None)
    if region_id is not None and not Region.objects.filter(pk=region_id).exists():
        raise DomainError("区划不存在", "Region does not exist", fields={"region": "不存在 / not found"})


