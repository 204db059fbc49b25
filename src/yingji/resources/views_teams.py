"""Pages of teams and stations: the resources overview (/resources/), the team list
(filters, Excel/CSV export), a team with its members and equipment (added and removed
by officers), the regions short of the manpower standards, and the stations with the
15-minute map and the villages left outside. Government users only; every read through
the selectors' scope, every write through the services (as the API)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import pgettext, pgettext_lazy

from ..core import exports
from ..core.errors import DomainError, Forbidden
from ..core.scope import Scope
from ..core.selectors import person_list
from ..core.ui import domain_message, refuse_or_attach
from . import coverage
from . import selectors_teams as selectors
from .models.teams import EquipmentState, Readiness
from .services import teams as services

PAGE_SIZE = 50

TEAMS = exports.Export("resources-teams", "救援队伍", (
    exports.Column("编号", "id", 8), exports.Column("名称", "name", 28), exports.Column("类型", "kind.name", 16),
    exports.Column("所属区划", "region.full_name", 30), exports.Column("队长", "leader.name", 10),
    exports.Column("值班电话", "phone"), exports.Column("人数", "member_count", 8),
    exports.Column("战备状态", "get_readiness_display", 10), exports.Column("驻地纬度", "base_lat", 10),
    exports.Column("驻地经度", "base_lon", 10), exports.Column("在册", lambda t: "是" if t.active else "否", 6)))
SHORTFALLS = exports.Export("resources-shortfalls", "队伍配备不足", (
    exports.Column("区划代码", lambda r: r["region"], 14), exports.Column("区划", lambda r: r["full_name"], 30),
    exports.Column("队伍类型", lambda r: r["kind_name"], 16), exports.Column("标准人数", lambda r: r["minimum"], 10),
    exports.Column("现有最多人数", lambda r: r["best"], 12),
    exports.Column("原因", lambda r: "无队伍" if r["reason"] == "none" else "人数不足", 10)))
OUTSIDE = exports.Export("resources-outside-villages", "15分钟救援圈外村庄", (
    exports.Column("区划代码", lambda r: r["region"], 14), exports.Column("村（社区）", lambda r: r["full_name"], 30),
    exports.Column("纬度", lambda r: r["lat"], 10), exports.Column("经度", lambda r: r["lon"], 10),
    exports.Column("最近站点", lambda r: r["nearest_station_name"], 20),
    exports.Column("距离（米）", lambda r: r["distance_m"], 12)))


def _scope(request) -> Scope:
    scope = Scope.for_user(request.user)
    if scope.organization_id is not None or scope.is_nobody:
        raise Forbidden("企业用户不能查看救援队伍和站点", "Enterprise users cannot read rescue teams and stations")
    return scope


def _region(request) -> str:
    code = request.GET.get("region", "").strip()[:15]
    return code if code.isdigit() else ""


def resources_home(request):
    scope = _scope(request)
    teams = selectors.team_list(scope=scope, active=True)
    result = selectors.village_coverage(scope=scope)
    return render(request, "resources/teams/home.html", {
        "teams": teams.count(), "readiness": [(label, selectors.readiness_counts(scope=scope)[value])
                                              for value, label in Readiness.choices],
        "stations": selectors.station_list(scope=scope, active=True).count(),
        "shortfalls": len(selectors.shortfalls(scope=scope)), "coverage": result,
        "minutes": coverage.MINUTES})


def team_list(request):
    scope = _scope(request)
    f = {"kind": request.GET.get("kind", "")[:30], "region": _region(request),
         "readiness": request.GET.get("readiness", "") if request.GET.get("readiness") in Readiness.values else "",
         "q": request.GET.get("q", "").strip()[:50]}
    qs = selectors.team_list(scope=scope, **f)
    if exports.requested(request):
        return exports.response(request, TEAMS, qs)
    return render(request, "resources/teams/team_list.html", {
        "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")), "filters": f,
        "kinds": selectors.kinds(), "readiness_choices": Readiness.choices,
        "can_write": scope.can_write})


class MemberForm(forms.Form):
    person = forms.TypedChoiceField(label=pgettext_lazy("teams", "Person"), coerce=int)
    role = forms.CharField(label=pgettext_lazy("teams", "Role in the team"), max_length=50, required=False)


class EquipmentForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("teams", "Equipment"), max_length=100)
    quantity = forms.IntegerField(label=pgettext_lazy("teams", "Quantity"), min_value=0, max_value=1_000_000, initial=1)
    unit = forms.CharField(label=pgettext_lazy("teams", "Unit"), max_length=20, required=False)
    state = forms.ChoiceField(label=pgettext_lazy("teams", "Equipment state"), choices=EquipmentState.choices)


def _member_form(scope: Scope, team, data=None) -> MemberForm:
    form = MemberForm(data)
    taken = set(selectors.members(team).values_list("person_id", flat=True))
    county = team.region_id[:6]
    people = person_list(scope=scope, region=county).filter(active=True)[:500]
    form.fields["person"].choices = [(p.pk, f"{p.name} · {p.region.name}") for p in people if p.pk not in taken]
    return form


def team_detail(request, id: int):
    scope = _scope(request)
    team = selectors.team_get(scope=scope, id=id)
    member_form, equipment_form = _member_form(scope, team), EquipmentForm()
    if request.method == "POST":
        what = request.POST.get("what", "")
        try:
            if what == "member":
                member_form = _member_form(scope, team, request.POST)
                if member_form.is_valid():
                    services.member_add(by=request.user, team=team, person_id=member_form.cleaned_data["person"],
                                        role=member_form.cleaned_data["role"])
                    return redirect("team_detail", id=team.pk)
            elif what == "equipment":
                equipment_form = EquipmentForm(request.POST)
                if equipment_form.is_valid():
                    services.equipment_add(by=request.user, team=team, **equipment_form.cleaned_data)
                    return redirect("team_detail", id=team.pk)
            elif what == "remove_member":
                member = selectors.member_get(scope=scope, team=team, id=_int(request.POST.get("id")))
                services.member_remove(by=request.user, member=member)
                messages.success(request, pgettext("teams", "Member removed."))
                return redirect("team_detail", id=team.pk)
            elif what == "remove_equipment":
                item = selectors.equipment_get(scope=scope, team=team, id=_int(request.POST.get("id")))
                services.equipment_remove(by=request.user, item=item)
                messages.success(request, pgettext("teams", "Equipment removed."))
                return redirect("team_detail", id=team.pk)
            elif what == "readiness":
                services.team_update(by=request.user, team=team, readiness=request.POST.get("readiness", ""))
                return redirect("team_detail", id=team.pk)
        except (DomainError, ValidationError) as exc:
            target = member_form if what == "member" else equipment_form if what == "equipment" else None
            if target is not None:
                refuse_or_attach(target, exc)
            else:
                if isinstance(exc, Forbidden):
                    raise
                text = domain_message(exc) if isinstance(exc, DomainError) else "；".join(exc.messages)
                messages.error(request, text)
                return redirect("team_detail", id=team.pk)
    return render(request, "resources/teams/team_detail.html", {
        "team": team, "members": selectors.members(team), "equipment": selectors.equipment(team),
        "member_form": member_form, "equipment_form": equipment_form, "readiness_choices": Readiness.choices,
        "can_write": scope.can_write, "stations": team.stations.all()})


def _int(raw) -> int:
    raw = str(raw or "")
    return int(raw) if raw.isdigit() and len(raw) < 18 else 0


def shortfall_list(request):
    scope = _scope(request)
    region = _region(request)
    rows = selectors.shortfalls(scope=scope, region=region)
    if exports.requested(request):
        return exports.response(request, SHORTFALLS, rows)
    return render(request, "resources/teams/shortfalls.html", {
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")), "region": region,
        "standards": selectors.standards(), "count": len(rows)})


def station_list(request):
    scope = _scope(request)
    region = _region(request)
    result = selectors.village_coverage(scope=scope, region=region)
    if exports.requested(request):
        return exports.response(request, OUTSIDE, result.outside)
    stations = list(selectors.station_list(scope=scope, region=region)[:500])
    for s in stations:
        s.radius = round(selectors.station_radius_m(s))
    return render(request, "resources/teams/stations.html", {
        "stations": stations, "coverage": result, "outside": result.outside[:500], "region": region,
        "minutes": coverage.MINUTES, "tile_url": settings.YINGJI_TILE_URL})


def station_map(request):
    """The stations page's map: stations with their radius (m) and the villages outside."""
    scope = _scope(request)
    region = _region(request)
    result = selectors.village_coverage(scope=scope, region=region)
    stations = [{"id": s.pk, "name": s.name, "lat": s.lat, "lon": s.lon, "radius": selectors.station_radius_m(s),
                 "active": s.active} for s in selectors.station_list(scope=scope, region=region)[:2000]]
    villages = [{"code": v["region"], "name": v["full_name"], "lat": v["lat"], "lon": v["lon"],
                 "distance": v["distance_m"]} for v in result.outside[:5000]]
    return JsonResponse({"stations": stations, "outside": villages, "minutes": coverage.MINUTES})
