"""Reads of the core domain, always through the caller's scope."""

from django.db.models import Q

from . import regioncodes
from .choices import RegionLevel
from .errors import DomainError
from .models import AuditRecord, Duty, DutyKind, Organization, Person, Region, RosterShift
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


# The region picker: search and resolution of what a person typed ---------------

SEARCH_LIMIT = 20
_SEARCH_POOL = 200  # rows ranked in Python for one search
_CANDIDATES_SHOWN = 8


def region_label_base(*, scope: Scope) -> str:
    """What every label in this scope starts with and may leave out: the full name of
    the region above the caller's (a Wenling officer reads "温岭市大溪镇", the province
    "浙江省台州市温岭市大溪镇")."""
    above = regioncodes.parent(scope.region_code or "")
    if not above:
        return ""
    return Region.objects.filter(code=above).values_list("full_name", flat=True).first() or ""


def region_label(region: Region, base: str) -> str:
    full = region.full_name or region.name
    return full[len(base):] if base and full.startswith(base) and len(full) > len(base) else full


def region_search(*, scope: Scope, q: str, levels: tuple[int, int] = (1, 6),
                  limit: int = SEARCH_LIMIT) -> list[Region]:
    """Regions in scope matching `q`: a code prefix (digits), pinyin initials (Latin
    letters: "dxz" finds 大溪镇) or part of the name or the full name. Exact names
    first, then names that start with `q`, then wider regions before narrower."""
    q = "".join(q.split())
    if not q:
        return []
    qs = scope.filter(Region.objects.all()).filter(level__gte=levels[0], level__lte=levels[1])
    if q.isdigit():
        qs = qs.filter(code__startswith=q)
    elif q.isascii() and q.isalpha():
        qs = qs.filter(Q(initials__startswith=q.lower()) | Q(name__icontains=q))
    else:
        qs = qs.filter(Q(name__contains=q) | Q(full_name__contains=q))
    pool = list(qs.order_by("level", "code")[:_SEARCH_POOL])
    pool.sort(key=lambda r: (r.name != q, not r.name.startswith(q), r.level, r.code))
    return pool[:limit]


def region_children(*, scope: Scope, parent: str, levels: tuple[int, int] = (1, 6)) -> list[Region]:
    """The regions directly under `parent` that the caller may see; without `parent`,
    the caller's own region (the whole system: the provinces)."""
    qs = scope.filter(Region.objects.all()).filter(level__gte=levels[0], level__lte=levels[1])
    if parent:
        return list(qs.filter(parent_id=parent).order_by("code"))
    if scope.region_code:
        return list(qs.filter(code=scope.region_code))
    return list(qs.filter(parent__isnull=True).order_by("code"))


def region_resolve(*, scope: Scope, text: str, levels: tuple[int, int] = (1, 6)) -> Region:
    """The one region that `text` names, inside the caller's scope: a code, a name
    ("大溪镇") or a name qualified by the regions above it ("温岭市大溪镇", "浙江省台州市
    温岭市大溪镇"). Raises DomainError saying why not: no such region, outside the
    caller's jurisdiction, the wrong level, or several candidates (listed)."""
    text = "".join(text.split())
    if not text:
        raise DomainError("请选择或输入区划", "Choose or type a region")
    candidates = _named(text)
    if not candidates:
        if text.isdigit():
            raise DomainError(f"区划代码 {text} 不存在", f"No region has the code {text}")
        raise DomainError(f"找不到名为“{text}”的区划", f"No region is named '{text}'")
    inside = [r for r in candidates if scope.covers_region(r.code)]
    if not inside:
        r = candidates[0]
        raise DomainError(f"{r.full_name}（{r.code}）不在您的管辖范围内",
                          f"{r.full_name} ({r.code}) is outside your jurisdiction")
    fitting = [r for r in inside if levels[0] <= r.level <= levels[1]]
    if not fitting:
        r = inside[0]
        wanted = "、".join(str(RegionLevel(n).label) for n in range(levels[0], levels[1] + 1))
        raise DomainError(f"{r.full_name}是{r.get_level_display()}，这里应选择{wanted}",
                          f"{r.full_name} is level {r.level}; choose a region of level {levels[0]}–{levels[1]}")
    if len(fitting) > 1:
        shown = "、".join(f"{r.full_name}（{r.code}）" for r in fitting[:_CANDIDATES_SHOWN])
        more = f"等 {len(fitting)} 处" if len(fitting) > _CANDIDATES_SHOWN else ""
        raise DomainError(f"“{text}”不唯一，请从中选择或填写代码：{shown}{more}",
                          f"'{text}' names {len(fitting)} regions; choose one or give its code: {shown}")
    return fitting[0]


def _named(text: str) -> list[Region]:
    """Every region `text` could name, wherever it is (scope is applied after, so that
    a region outside the caller's jurisdiction is reported as such)."""
    regions = Region.objects.all()
    if text.isdigit():
        return list(regions.filter(code=text))
    for lookup in ({"name": text}, {"full_name": text}):
        found = list(regions.filter(**lookup).order_by("code")[:_SEARCH_POOL])
        if found:
            return found
    # "温岭市大溪镇": whole names of the regions above, then the name ("岭市大溪镇" is none).
    found = list(regions.filter(full_name__endswith=text).order_by("code")[:_SEARCH_POOL])
    above = {a for r in found for a in regioncodes.ancestors(r.code)}
    whole = {""} | set(Region.objects.filter(code__in=above).values_list("full_name", flat=True))
    return [r for r in found if r.full_name[:len(r.full_name) - len(text)] in whole and len(text) > len(r.name)]


def on_duty(*, region_code: str, at, roles: tuple[str, ...] = ("officer",)) -> list[Person]:
    """Who holds the duty desk of one region at `at`: the active people on a roster shift
    of those roles covering that moment. A region with no roster that moment falls back
    to its standing duty officers (Duty of kind `duty_officer`), as before rosters existed.
    Not scoped: the caller decides whose desk it needs (a report goes up to a desk the
    reporter cannot read)."""
    shifts = (RosterShift.objects.filter(region_id=region_code, role__in=roles, starts_at__lte=at, ends_at__gt=at,
                                         person__active=True)
              .select_related("person").order_by("role", "starts_at", "person_id"))
    people = list(dict.fromkeys(s.person for s in shifts))
    if people or "officer" not in roles:
        return people
    duties = Duty.objects.filter(kind_id="duty_officer", region_id=region_code, person__active=True)
    return [d.person for d in duties.select_related("person").order_by("person_id")]


def person_on_shift(*, person_id: int, at, roles: tuple[str, ...] = ("officer", "leader")) -> bool:
    """Whether a person is on a roster shift (any region) of those roles at `at`."""
    return RosterShift.objects.filter(person_id=person_id, role__in=roles, starts_at__lte=at,
                                      ends_at__gt=at).exists()


def person_duty_kinds(*, person_id: int) -> set[str]:
    """The duty kinds a person holds (not scoped: a person's own duties, for their home page)."""
    return set(Duty.objects.filter(person_id=person_id).values_list("kind_id", flat=True))
