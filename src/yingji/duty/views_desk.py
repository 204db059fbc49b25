"""Pages of the duty desk, phone-first: the desk now (who is on duty here and above,
today's log with a quick add, the open items, the handover), the roster by week or
month (edit, reinforce, import, export), the log with filters, one entry, one handover.
Every write goes through the services, every read through the selectors' scope."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..core import exports, regioncodes
from ..core.choices import ShiftRole
from ..core.errors import DomainError, Forbidden
from ..core.models import Region
from ..core.rejects import rejects_keep
from ..core.scope import Scope
from ..core.tabular import CONTENT_TYPES, FileRejected
from ..core.ui import add_form_errors, refuse_or_attach
from . import forms_desk as forms
from . import selectors_desk as selectors
from .choices_desk import HandoverState, LogSource, LogState
from .services import log, roster, roster_import

PAGE_SIZE = 50

SHIFTS = exports.Export("duty-roster", "值班表", (
    exports.Column("日期", lambda s: roster.desk_day(s.starts_at).isoformat(), 12),
    exports.Column("开始", lambda s: timezone.localtime(s.starts_at).strftime("%H:%M"), 8),
    exports.Column("结束", lambda s: timezone.localtime(s.ends_at).strftime("%H:%M"), 8),
    exports.Column("岗位", lambda s: dict(ShiftRole.choices)[s.role].split(" ")[0], 10),
    exports.Column("姓名", "person.name", 10),
    exports.Column("手机", "person.mobile", 14),
    exports.Column("区划", "region_id", 12),
    exports.Column("备注", lambda s: ("联合值班 " if s.reinforced else "") + s.note, 20),
))
LOG = exports.Export("duty-log", "值班日志", (
    exports.Column("时间", lambda e: timezone.localtime(e.occurred_at).strftime("%Y-%m-%d %H:%M"), 17),
    exports.Column("区划", "region.name", 12),
    exports.Column("来源", lambda e: dict(LogSource.choices)[e.source].split(" ")[0], 10),
    exports.Column("来电人/单位", "caller", 14),
    exports.Column("联系电话", "caller_phone", 14),
    exports.Column("事由", "summary", 40),
    exports.Column("处理情况", "actions", 40),
    exports.Column("状态", lambda e: "已办结" if e.state == LogState.CLOSED else "未办结", 8),
    exports.Column("记录人", "recorded_by.name", 10),
    exports.Column("版本", "version", 6),
))


def _scope(request) -> Scope:
    scope = Scope.for_user(request.user)
    if scope.organization_id is not None or scope.is_nobody:
        raise Forbidden("企业用户不能查看值班值守", "Enterprise users cannot use the duty desk")
    return scope


def _desk_regions(scope: Scope) -> list[Region]:
    """The desks the caller can pick: their own and those one level below (county and up)."""
    code = scope.region_code or "33"
    regions = [Region.objects.get(pk=code)]
    if len(regioncodes.prefixes(code)) < 3:
        regions += list(Region.objects.filter(parent_id=code).order_by("code"))
    return regions


def _region(request, scope: Scope) -> str:
    return selectors.home_region(scope, request.GET.get("region", "").strip()[:15])


def _back(name: str, region: str, **extra) -> str:
    return reverse(name) + "?" + urlencode({"region": region, **extra})


# The desk now --------------------------------------------------------------------------

def duty_home(request):
    scope = Scope.for_user(request.user)
    if scope.organization_id is not None and not scope.is_nobody:
        return _enterprise_home(request, scope)
    scope = _scope(request)
    region = _region(request, scope)
    now = timezone.now()
    me = getattr(request.user, "person", None)
    entry_form = forms.EntryForm(request.POST or None, prefix="entry") if scope.can_write else None
    people = roster.region_people(scope=scope, region_code=region)
    handover_form = forms.HandoverForm(people=[p for p in people if p != me], prefix="handover")
    if request.method == "POST" and request.POST.get("action") == "entry" and entry_form is not None:
        if entry_form.is_valid():
            try:
                log.entry_create(by=request.user, region_code=region, **entry_form.cleaned_data)
            except (DomainError, ValidationError) as exc:
                refuse_or_attach(entry_form, exc)
            else:
                messages.success(request, pgettext("duty desk", "Logged."))
                return redirect(_back("duty_home", region))
    start, _end = roster.desk_day_bounds(roster.desk_day(now))
    pending = selectors.handover_list(scope=scope, region=region).filter(region_id=region,
                                                                          state=HandoverState.HANDED).first()
    unsigned = (selectors.handover_list(scope=scope, region=region)
                .filter(region_id=region, signed_off_at__isnull=True).exclude(state=HandoverState.HANDED)[:3])
    return render(request, "duty/home.html", {
        "region": Region.objects.get(pk=region), "regions": _desk_regions(scope), "now": now,
        "desks": selectors.desks_up(scope=scope, region_code=region, at=now),
        "today_log": selectors.log_list(scope=scope, region=region, start=start).filter(region_id=region)[:50],
        "open_items": selectors.open_items(scope=scope, region=region)[:50],
        "entry_form": entry_form, "handover_form": handover_form if scope.can_write else None,
        "pending": pending, "unsigned": unsigned, "me": me, "can_write": scope.can_write,
    })


def _enterprise_home(request, scope: Scope):
    """An enterprise sees whom to call: the county's desk and those above it (an
    accident is reported to the county bureau within the hour), nothing of the log."""
    now = timezone.now()
    county = scope.region_code[:6]
    return render(request, "duty/home.html", {
        "region": Region.objects.get(pk=county), "regions": [], "now": now, "enterprise": True,
        "desks": selectors.desks_up(scope=scope, region_code=county, at=now)})


# The roster ------------------------------------------------------------------------------

def _anchor(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("date", "")[:10])
    except ValueError:
        return selectors.today()


def roster_page(request):
    scope = _scope(request)
    region = _region(request, scope)
    view = "month" if request.GET.get("view") == "month" else "week"
    anchor = _anchor(request)
    first, last = selectors.period(view, anchor)
    if exports.requested(request):
        start, end = roster.desk_day_bounds(first)[0], roster.desk_day_bounds(last)[1]
        shifts = selectors.shift_list(scope=scope, region=region, start=start, end=end, exact=True)
        return exports.response(request, SHIFTS, shifts)
    people = list(roster.region_people(scope=scope, region_code=region))
    can_edit = scope.can_write and scope.role != "enterprise" and scope.covers_region(region)
    action = request.POST.get("action") if request.method == "POST" else ""
    form = forms.ShiftForm(request.POST if action == "add" else None, people=people, initial={"day": anchor},
                           prefix="shift")
    reinforce_form = forms.ReinforceForm(request.POST if action == "reinforce" else None, people=people,
                                         prefix="reinforce")
    if request.method == "POST" and can_edit:
        done = _roster_post(request, region, form, reinforce_form)
        if done:
            return redirect(_back("duty_roster", region, view=view, date=anchor.isoformat()))
    step = dt.timedelta(days=31 if view == "month" else 7)
    return render(request, "duty/roster.html", {
        "region": Region.objects.get(pk=region), "regions": _desk_regions(scope), "view": view,
        "first": first, "last": last, "days": selectors.roster_table(scope=scope, region=region, first=first,
                                                                    last=last),
        "roles": forms.role_choices(), "form": form, "reinforce_form": reinforce_form, "can_edit": can_edit,
        "prev": (first - dt.timedelta(days=1)).isoformat(), "next": (last + dt.timedelta(days=1)).isoformat(),
        "step": step, "today": selectors.today(),
    })


def _roster_post(request, region: str, form, reinforce_form) -> bool:
    action = request.POST.get("action")
    try:
        if action == "add" and form.is_valid():
            data = form.cleaned_data
            starts_at = timezone.make_aware(dt.datetime.combine(data["day"], data["start"]))
            ends_at = timezone.make_aware(dt.datetime.combine(data["day"], data["end"]))
            if ends_at <= starts_at:
                ends_at += dt.timedelta(days=1)
            roster.shift_create(by=request.user, region_code=region, person_id=data["person"], role=data["role"],
                                starts_at=starts_at, ends_at=ends_at, reinforced=data["reinforced"],
                                note=data["note"])
            messages.success(request, pgettext("duty desk", "Shift added."))
            return True
        if action == "reinforce" and reinforce_form.is_valid():
            roster.reinforce(by=request.user, region_code=region, person_ids=reinforce_form.cleaned_data["people"],
                             note=reinforce_form.cleaned_data["note"])
            messages.success(request, pgettext("duty desk", "Today's desk is reinforced."))
            return True
        if action == "remove":
            try:
                shift_id = int(request.POST.get("shift", ""))
            except ValueError:
                raise DomainError("班次不存在", "No such shift") from None
            roster.shift_remove(by=request.user, shift=roster.shift_get(scope=Scope.for_user(request.user),
                                                                          id=shift_id))
            messages.success(request, pgettext("duty desk", "Shift removed."))
            return True
    except (DomainError, ValidationError) as exc:
        refuse_or_attach(reinforce_form if action == "reinforce" else form, exc,
                         aliases={"starts_at": "start", "ends_at": "end"})
    return False


def roster_import_page(request):
    scope = _scope(request)
    scope.require_officer()
    form = forms.RosterFileForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = roster_import.import_roster(by=request.user, content=upload.read(), filename=upload.name)
        except FileRejected as exc:
            add_form_errors(form, exc)
    rejected = report and rejects_keep(by=request.user, name="roster-rejected", title="待修改的行",
                                       header=[c.header for c in roster_import.COLUMNS], rows=report.rejected_rows)
    return render(request, "duty/roster_import.html", {"form": form, "report": report, "rejected": rejected})


def roster_template(request):
    _scope(request)
    response = HttpResponse(roster_import.roster_template(), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = 'attachment; filename="roster-template.xlsx"'
    return response


# The log ------------------------------------------------------------------------------------

def _day(text: str, upper: bool = False) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat(text[:10])
    except ValueError:
        return None
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1 if upper else 0), dt.time()))


def log_list(request):
    scope = _scope(request)
    filters = {k: request.GET.get(k, "").strip()[:100] for k in ("region", "state", "source", "from", "to", "q")}
    if filters["state"] not in ("", *LogState.values):
        filters["state"] = ""
    if filters["source"] not in ("", *LogSource.values):
        filters["source"] = ""
    if filters["region"] and not scope.covers_region(filters["region"]):
        filters["region"] = scope.region_code
    qs = selectors.log_list(scope=scope, region=filters["region"], state=filters["state"], source=filters["source"],
                            start=_day(filters["from"]), end=_day(filters["to"], upper=True), q=filters["q"])
    if exports.requested(request):
        return exports.response(request, LOG, qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "duty/log_list.html", {"page": page, "filters": filters,
                                                  "sources": forms.source_choices(),
                                                  "regions": _desk_regions(scope)})


def log_detail(request, id: int):
    scope = _scope(request)
    entry = selectors.log_get(scope=scope, id=id)
    close_form = forms.CloseForm(request.POST or None, prefix="close")
    correct_form = forms.CorrectForm(request.POST or None, prefix="correct", initial={
        f: getattr(entry, f) for f in ("summary", "source", "caller", "caller_phone", "actions")})
    if request.method == "POST":
        action = request.POST.get("action")
        form = close_form if action == "close" else correct_form
        if form.is_valid():
            try:
                if action == "close":
                    log.entry_close(by=request.user, entry=entry, note=form.cleaned_data["note"])
                    target = entry
                else:
                    data = dict(form.cleaned_data)
                    target = log.entry_correct(by=request.user, entry=entry, note=data.pop("note"), **data)
            except (DomainError, ValidationError) as exc:
                refuse_or_attach(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("duty_log_detail", id=target.pk)
    return render(request, "duty/log_detail.html", {
        "entry": entry, "versions": selectors.entry_versions(entry), "close_form": close_form,
        "correct_form": correct_form, "can_write": scope.can_write and scope.covers_region(entry.region_id),
        "handovers": entry.handovers.order_by("handed_at")})


# Handovers ------------------------------------------------------------------------------------

def handover_new(request):
    scope = _scope(request)
    region = _region(request, scope)
    if request.method != "POST":
        return redirect(_back("duty_home", region))
    me = getattr(request.user, "person", None)
    people = [p for p in roster.region_people(scope=scope, region_code=region) if p != me]
    form = forms.HandoverForm(request.POST, people=people, prefix="handover")
    if form.is_valid():
        try:
            handover = log.handover_create(by=request.user, region_code=region, notes=form.cleaned_data["notes"],
                                           incoming_id=form.cleaned_data["incoming"])
        except DomainError as exc:
            if isinstance(exc, Forbidden) and not exc.fields:
                raise
            messages.error(request, _refusal(exc))
        else:
            messages.success(request, pgettext("duty desk", "Handed over."))
            return redirect("duty_handover", id=handover.pk)
    return redirect(_back("duty_home", region))


def _refusal(exc: DomainError) -> str:
    from ..core.ui import domain_message

    return domain_message(exc)


def handover_detail(request, id: int):
    scope = _scope(request)
    handover = selectors.handover_get(scope=scope, id=id)
    sign_form = forms.SignOffForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                log.handover_accept(by=request.user, handover=handover)
                messages.success(request, pgettext("duty desk", "Accepted."))
            elif action == "sign" and sign_form.is_valid():
                log.handover_sign_off(by=request.user, handover=handover, note=sign_form.cleaned_data["note"])
                messages.success(request, pgettext("duty desk", "Signed off."))
        except DomainError as exc:
            messages.error(request, _refusal(exc))
        return redirect("duty_handover", id=handover.pk)
    me = getattr(request.user, "person", None)
    return render(request, "duty/handover.html", {
        "handover": handover, "carried": handover.carried.filter(superseded=False).order_by("occurred_at"),
        "entries": log.entries_of_shift(handover).filter(superseded=False).order_by("occurred_at"),
        "sign_form": sign_form, "me": me, "can_write": scope.can_write,
        "leaders": selectors.desk_now(region_code=handover.region_id, at=handover.handed_at
                                      - dt.timedelta(seconds=1)).leaders})
