"""Writes of the duty roster (值班表): shifts created, edited and removed by the
officers whose jurisdiction covers the region, a quick reinforcement for a response
(联合值班), all audited.

A shift is `core.RosterShift` (the call-up's duty-officer notice reads it through
core.selectors.on_duty). One person cannot hold two overlapping shifts, whatever the
region or role: a person is on one desk at a time.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ...core import audit
from ...core.choices import ShiftRole
from ...core.errors import DomainError, NotFound
from ...core.models import Person, Region, RosterShift
from ...core.scope import Scope, fits_database
from ...core.services import save_audited

# When the desk changes hands (交接班) and how long a regular shift lasts: data with a
# default, the common practice of a 24-hour shift from 08:30.
SHIFT_CHANGE = dt.time(8, 30)
SHIFT_HOURS = 24
MAX_SHIFT_HOURS = 72  # longer is a typing error (a month for a day)
EDITABLE = ("person", "role", "starts_at", "ends_at", "reinforced", "note")


def desk_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The regular shift of `day`: from the shift change of that day to the next one."""
    start = timezone.make_aware(dt.datetime.combine(day, SHIFT_CHANGE)).astimezone(dt.UTC)
    return start, start + dt.timedelta(hours=SHIFT_HOURS)


def desk_day(at: dt.datetime) -> dt.date:
    """The duty day `at` falls in (before the morning shift change: the day before)."""
    local = timezone.localtime(at)
    return local.date() - dt.timedelta(days=1) if local.time() < SHIFT_CHANGE else local.date()


def _region(scope: Scope, code: str) -> Region:
    if not isinstance(code, str) or not code or not Region.objects.filter(pk=code).exists():
        raise DomainError("区划不存在", "Region does not exist", fields={"region": "不存在 / not found"})
    scope.require_officer()
    scope.require_region(code)
    return Region.objects.get(pk=code)


def region_person(*, region_code: str, person_id) -> Person:
    """A person of the region (its subtree) who may stand on its roster, or a field error."""
    if not isinstance(person_id, int) or not fits_database(person_id):
        raise DomainError("人员不存在", "Person not found", fields={"person": "不存在 / not found"})
    person = Person.objects.filter(pk=person_id, region__code__startswith=region_code, active=True).first()
    if person is None:
        raise DomainError("该人员不属于本区划或已不在岗", "That person is not an active member of this region",
                          fields={"person": "不属于本区划 / not of this region"})
    return person


def _check(shift: RosterShift) -> None:
    if shift.role not in ShiftRole.values:
        raise DomainError("岗位应为 值班员、带班领导 或 备班", "Role must be officer, leader or backup",
                          fields={"role": "officer / leader / backup"})
    if shift.starts_at is None or shift.ends_at is None or shift.ends_at <= shift.starts_at:
        raise DomainError("结束时间必须晚于开始时间", "A shift must end after it starts",
                          fields={"ends_at": "须晚于开始 / must be after the start"})
    if shift.ends_at - shift.starts_at > dt.timedelta(hours=MAX_SHIFT_HOURS):
        raise DomainError(f"一个班次不能超过 {MAX_SHIFT_HOURS} 小时", f"A shift cannot exceed {MAX_SHIFT_HOURS} hours",
                          fields={"ends_at": f"超过 {MAX_SHIFT_HOURS} 小时 / over {MAX_SHIFT_HOURS} h"})
    clash = (RosterShift.objects.filter(person_id=shift.person_id, starts_at__lt=shift.ends_at,
                                        ends_at__gt=shift.starts_at)
             .exclude(pk=shift.pk).select_related("region").first())
    if clash is not None:
        when = f"{timezone.localtime(clash.starts_at):%Y-%m-%d %H:%M}–{timezone.localtime(clash.ends_at):%m-%d %H:%M}"
        raise DomainError(f"{shift.person.name} 在 {when} 已有班次（{clash.region.name}），班次不能重叠",
                          f"{shift.person.name} already has a shift at {when} ({clash.region.name}); "
                          f"shifts of one person cannot overlap",
                          fields={"starts_at": "与已有班次重叠 / overlaps another shift"}, code="overlap")


def shift_create(*, by, region_code: str, person_id: int, role: str = ShiftRole.OFFICER,
                 starts_at: dt.datetime, ends_at: dt.datetime, reinforced: bool = False,
                 note: str = "") -> RosterShift:
    scope = Scope.for_user(by)
    region = _region(scope, region_code)
    person = region_person(region_code=region.code, person_id=person_id)
    shift = RosterShift(region=region, person=person, role=role, starts_at=starts_at, ends_at=ends_at,
                        reinforced=reinforced, note=note or "")
    with transaction.atomic():
        _check(shift)
        return save_audited(shift, by=by, action="create", before=None, region_code=region.code)


def shift_get(*, scope: Scope, id: int) -> RosterShift:
    return scope.get(RosterShift.objects.select_related("person", "region"), pk=id)


def shift_update(*, by, shift: RosterShift, **changes) -> RosterShift:
    scope = Scope.for_user(by)
    _region(scope, shift.region_id)
    before = audit.snapshot(shift)
    for name, value in changes.items():
        if name not in EDITABLE:
            raise DomainError(f"字段 {name} 不可修改", f"Field {name} cannot be changed",
                              fields={name: "不可修改 / read-only"})
        if name == "person":
            shift.person = region_person(region_code=shift.region_id, person_id=value)
        else:
            setattr(shift, name, value if name != "note" else (value or ""))
    with transaction.atomic():
        _check(shift)
        return save_audited(shift, by=by, action="update", before=before, region_code=shift.region_id)


def shift_remove(*, by, shift: RosterShift) -> None:
    scope = Scope.for_user(by)
    _region(scope, shift.region_id)
    with transaction.atomic():
        audit.record(actor=by, action="delete", obj=shift, region_code=shift.region_id,
                     before=audit.snapshot(shift))
        shift.delete()


def shifts_create(*, by, items: list[dict]) -> list[RosterShift]:
    """Several shifts at once, all or none: the first refusal names its item (`items.N`)."""
    created = []
    with transaction.atomic():
        for index, item in enumerate(items):
            try:
                created.append(shift_create(by=by, **item))
            except DomainError as exc:
                exc.fields = {f"items.{index}.{k}": v for k, v in exc.fields.items()} or {f"items.{index}": exc.en}
                raise
    return created


def reinforce(*, by, region_code: str, person_ids: list[int], role: str = ShiftRole.OFFICER,
              now: dt.datetime | None = None, note: str = "") -> list[RosterShift]:
    """Reinforce today's desk (联合值班): each person joins from now to the next shift
    change, as a shift marked `reinforced`. All or none."""
    now = now or timezone.now()
    _start, end = desk_day_bounds(desk_day(now))
    if not person_ids:
        raise DomainError("请选择加强值班人员", "Choose the people who reinforce the desk",
                          fields={"person": "必填 / required"})
    items = [{"region_code": region_code, "person_id": pid, "role": role, "starts_at": now, "ends_at": end,
              "reinforced": True, "note": note or "联合值班"} for pid in person_ids]
    return shifts_create(by=by, items=items)


def region_people(*, scope: Scope, region_code: str):
    """The people the roster page offers for a region's desk (the picker): the active
    people registered at that region itself (its bureau's staff), not the thousands of
    village and grid people below it. A shift may still name anyone of the subtree
    (a township head reinforcing the county desk) through the API or an import."""
    if not scope.covers_region(region_code):
        raise NotFound()
    return scope.filter(Person.objects.filter(region_id=region_code, active=True)
                        .exclude(role="enterprise")).order_by("name", "pk")
