"""The cockpit (驾驶舱) and the home panels: what is in force and what is waiting, in
the caller's region scope, read through the other apps' selectors only.

`summary` gathers every panel once; the cockpit's JSON, its page and the role-aware
home page all show exactly this. An enterprise user (scope with an organization)
gets the warnings over their area and their own enterprise's open hazards; the
government's panels (levels, call-ups, orders, evacuation, reports, roster) are none
of theirs."""

import datetime as dt
from collections import Counter

from django.db.models import Q
from django.utils import timezone

from ..alerts import selectors as alerts
from ..alerts.choices import IN_FORCE, LEVEL_RANK, WarningLevel
from ..core import selectors as core
from ..core.choices import Role, ShiftRole
from ..core.scope import Scope
from ..core.ui import label_in_language as say
from ..duty import selectors_desk as desk
from ..duty import selectors_reports as reports
from ..duty.services.roster import desk_day, desk_day_bounds
from ..hazards import selectors as hazards
from ..hazards.lights import light
from ..response import selectors_evacuation as evacuation
from ..response import selectors_levels as levels
from ..response.choices_levels import COLOUR_NAME, RANK, Grade, LevelStatus

LISTED = 20  # rows of a list panel (the counters count them all)
CHIEF_DUTIES = ("county_flood_chief", "township_party_head", "township_government_head", "township_flood_chief")
DUTY_OFFICER_DUTY = "duty_officer"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def warnings_in_force(*, scope: Scope, now: dt.datetime):
    """Warnings over the caller's area whose status is in force and whose expiry, if
    any, is still ahead."""
    return (alerts.warnings_in_scope(scope).filter(status__in=IN_FORCE)
            .filter(Q(expires__isnull=True) | Q(expires__gt=now)).order_by("-effective", "-pk"))


def warnings_panel(*, scope: Scope, now: dt.datetime) -> dict:
    rows = list(warnings_in_force(scope=scope, now=now))
    counts = Counter(w.level for w in rows)
    labels = dict(WarningLevel.choices)
    return {
        "in_force": len(rows),
        "drill": sum(1 for w in rows if w.drill),
        "by_level": [{"level": code, "label": say(labels[code]), "count": counts.get(code, 0)}
                     for code in sorted(labels, key=lambda c: LEVEL_RANK[c])],
        "items": [{"id": w.pk, "headline": w.headline, "type": w.type, "type_label": say(w.get_type_display()),
                   "level": w.level, "level_label": say(w.get_level_display()), "drill": w.drill,
                   "effective": _iso(w.effective), "expires": _iso(w.expires)} for w in rows[:LISTED]],
    }


def levels_panel(*, scope: Scope) -> dict:
    rows = list(levels.level_list(scope=scope, status=LevelStatus.IN_FORCE).order_by("-declared_at", "-pk"))
    counts = Counter(r.grade for r in rows)
    return {
        "in_force": len(rows),
        "drill": sum(1 for r in rows if r.drill),
        "by_grade": [{"grade": g, "label": say(Grade(g).label), "count": counts.get(g, 0)}
                     for g in sorted(RANK, key=lambda g: -RANK[g])],
        "items": [{"id": r.pk, "hazard": r.hazard_id, "hazard_name": r.hazard.name, "grade": r.grade,
                   "grade_label": say(r.get_grade_display()), "colour": COLOUR_NAME[r.grade], "drill": r.drill,
                   "regions": sorted(a.region.full_name for a in r.areas.all()),
                   "declared_at": _iso(r.declared_at)} for r in rows[:LISTED]],
    }


def callups_panel(*, scope: Scope) -> dict:
    progress = alerts.callup_progress(scope=scope)
    waiting = alerts.unanswered_targets(scope=scope, limit=LISTED)
    return {**progress, "unanswered_persons": [
        {"name": t.person.name, "region": t.region_id, "region_name": t.region.full_name,
         "warning": t.callup.warning.headline, "state": t.state, "state_label": say(t.get_state_display()),
         "called_at": _iso(t.created_at)} for t in waiting]}


def evacuation_panel(*, scope: Scope) -> dict:
    figures = evacuation.figures(scope=scope, region="")
    keys = ("planned", "moved", "sheltered", "returned", "planned_households", "moved_households",
            "sheltered_households", "returned_households", "completeness")
    return {k: figures[k] for k in keys}


def reports_panel(*, scope: Scope) -> dict:
    open_ = reports.open_reports(scope=scope)
    return {"open": open_.count(), "late": open_.filter(late=True).count(),
            "items": [{"id": r.pk, "title": r.title, "kind": r.kind.name, "region_name": r.region.full_name,
                       "state_label": say(r.get_state_display()), "late": r.late,
                       "learned_at": _iso(r.learned_at)} for r in open_[:LISTED]]}


def hazards_panel(*, scope: Scope, today: dt.date) -> dict:
    return hazards.open_hazard_figures(scope=scope, today=today)


def enterprise_panel(*, scope: Scope, today: dt.date) -> dict:
    rows = hazards.open_hazards_by_deadline(scope=scope, limit=LISTED)
    return {**hazards.open_hazard_figures(scope=scope, today=today), "items": [
        {"id": h.pk, "number": h.number, "description": h.description, "level": h.level,
         "level_label": say(h.get_level_display()), "state_label": say(h.get_state_display()),
         "deadline": h.deadline.isoformat(), "light": str(light(state=h.state, deadline=h.deadline, today=today))}
        for h in rows]}


def home_region(scope: Scope) -> str:
    return scope.region_code or "33"


def roster_panel(*, scope: Scope, now: dt.datetime) -> dict:
    """Today's duty roster of the caller's own desk: who holds it now (core.selectors.on_duty,
    standing duty officers where no shift covers the moment) and the shifts of the duty
    day (from the morning shift change to the next)."""
    region = home_region(scope)
    start, end = desk_day_bounds(desk_day(now))
    shifts = desk.shift_list(scope=scope, region=region, start=start, end=end, exact=True)
    roles = dict(ShiftRole.choices)
    on_duty = [(p, ShiftRole.OFFICER) for p in core.on_duty(region_code=region, at=now)]
    on_duty += [(p, ShiftRole.LEADER) for p in core.on_duty(region_code=region, at=now, roles=(ShiftRole.LEADER,))]
    return {
        "region": region,
        "day": desk_day(now).isoformat(),
        "on_duty": [{"name": p.name, "role": str(role), "role_label": say(roles[role])} for p, role in on_duty],
        "shifts": [{"name": s.person.name, "role": s.role, "role_label": say(s.get_role_display()),
                    "starts_at": _iso(s.starts_at), "ends_at": _iso(s.ends_at), "reinforced": s.reinforced}
                   for s in shifts[:LISTED]],
    }


def summary(*, scope: Scope, now: dt.datetime | None = None) -> dict:
    """Every panel for the caller's scope; panels that are not the caller's are None."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    enterprise = scope.organization_id is not None
    government = not enterprise and not scope.is_nobody
    return {
        "generated_at": _iso(now),
        "region": scope.region_code,
        "role": "enterprise" if enterprise else "government",
        "warnings": warnings_panel(scope=scope, now=now),
        "levels": levels_panel(scope=scope) if government else None,
        "callups": callups_panel(scope=scope) if government else None,
        "orders": levels.task_progress(scope=scope) if government else None,
        "evacuation": evacuation_panel(scope=scope) if government else None,
        "reports": reports_panel(scope=scope) if government else None,
        "hazards": hazards_panel(scope=scope, today=today) if government else None,
        "roster": roster_panel(scope=scope, now=now) if government else None,
        "enterprise": enterprise_panel(scope=scope, today=today) if enterprise else None,
    }


def home_roles(*, person, scope: Scope, now: dt.datetime | None = None) -> set[str]:
    """What the home page puts first for a person: "duty" (on a roster shift now, or
    holding a duty-officer duty), "chief" (a county or township chief), "enterprise"
    (an enterprise user: their safety officer)."""
    if scope.organization_id is not None:
        return {"enterprise"}
    if person is None or scope.is_nobody:
        return set()
    now = now or timezone.now()
    kinds = core.person_duty_kinds(person_id=person.pk)
    roles = set()
    if DUTY_OFFICER_DUTY in kinds or core.person_on_shift(person_id=person.pk, at=now):
        roles.add("duty")
    if kinds & set(CHIEF_DUTIES):
        roles.add("chief")
    if not roles and scope.role in (Role.ADMIN, Role.OFFICER):
        roles.add("officer")  # a bureau officer with no desk of their own: the overview
    return roles
