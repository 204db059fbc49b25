"""Regional figures and ranking (晾晒): hazards found and closed, rectification rate,
overdue, major hazards, supervision, inspections and coverage, for one region and
period, and the composite index that ranks its child regions.

All counting is done by the database, whatever the number of child regions: sums
of the daily counts of hazards found (DailyHazardCount), counts of the hazards still
pending on the day the figures are taken, of the period's inspections and of the
enterprises (figures_by_prefix).

Definitions (as of `min(end, today)`):
- found: hazards found in the period; closed: those of them closed by then;
- rectification rate = closed / found; overdue: found, open then, past deadline;
- major found / closed likewise; supervised: found and ever listed (挂牌督办);
- inspections: inspections dated in the period; coverage = distinct enterprises
  inspected in the period / enterprises registered in the region now.

The ranking also shows each child region's enforcement figures of the period (cases
opened, fines, confiscations, stop-production orders, transfers to the police, 一案三罚),
read through `enforcement.selectors.figures`. They are displayed columns only, not a
component of the composite index: more cases or fines is not plainly better or worse
work, and weighting them would move every existing ranking.
"""

import datetime as dt
import math
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ..core.errors import DomainError, Forbidden, NotFound
from ..core.models import Region
from ..core.scope import SYSTEM, Scope
from ..enforcement import selectors as enforcement_selectors
from ..enterprises.selectors import enterprise_counts_by_region
from . import daily_counts
from .choices import HazardLevel
from .models import DailyHazardCount, Hazard, IndexWeight, Inspection, MonthlyHazardCount
from .selectors import _in_region, region_range

# The summons list (约谈名单): at most DEFAULT_BOTTOM units, and never more than
# DEFAULT_SUMMONS_SHARE of the units ranked, so that it names a minority (a city of
# nine counties summons at most three). Settings HAZARD_SUMMONS_BOTTOM and
# HAZARD_SUMMONS_SHARE change them; the share is held within (0, 1/2].
DEFAULT_BOTTOM = 3
DEFAULT_SUMMONS_SHARE = 1 / 3
# Used when the weights table is empty (the data migration fills it).
DEFAULT_WEIGHTS = {"rectification_rate": 0.4, "on_time": 0.2, "major_closure": 0.2, "coverage": 0.2}


@dataclass
class Figures:
    found: int = 0
    closed: int = 0
    overdue: int = 0
    major_found: int = 0
    major_closed: int = 0
    supervised: int = 0
    inspections: int = 0
    inspected_enterprises: int = 0
    enterprises: int = 0

    @property
    def rectification_rate(self) -> float | None:
        return self.closed / self.found if self.found else None

    @property
    def coverage(self) -> float | None:
        return self.inspected_enterprises / self.enterprises if self.enterprises else None

    def components(self) -> dict[str, float]:
        """Each in [0, 1], higher is better. A region with nothing to count on a
        component (no hazards found, no enterprises) scores 1 there: it has nothing
        left undone, and coverage still separates idle regions from busy ones."""
        def ratio(part, whole, invert=False):
            if not whole:
                return 1.0
            return 1 - part / whole if invert else part / whole

        return {
            "rectification_rate": ratio(self.closed, self.found),
            "on_time": ratio(self.overdue, self.found, invert=True),
            "major_closure": ratio(self.major_closed, self.major_found),
            "coverage": ratio(self.inspected_enterprises, self.enterprises),
        }

    def as_dict(self) -> dict:
        return {**asdict(self), "rectification_rate": self.rectification_rate, "coverage": self.coverage}


def weights() -> dict[str, float]:
    rows = {w.component: w.weight for w in IndexWeight.objects.all()}
    return rows or dict(DEFAULT_WEIGHTS)


def composite_index(figures: Figures, weights_: dict[str, float]) -> float:
    """The weighted mean of the components, 0–100."""
    components = figures.components()
    total = sum(w for k, w in weights_.items() if k in components)
    if total <= 0:
        return 0.0
    return round(100 * sum(components[k] * w for k, w in weights_.items() if k in components) / total, 2)


def _check_access(scope: Scope, code: str) -> Region:
    if scope.organization_id is not None:
        raise Forbidden("企业用户不能查看区域统计", "Enterprise users cannot read regional figures")
    region = Region.objects.filter(pk=code).first()
    if region is None or not scope.covers_region(code):
        raise NotFound()
    return region


def _check_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise DomainError("结束日期不能早于开始日期", "'to' cannot be before 'from'", fields={"to": "无效 / invalid"})


def figures_by_prefix(code: str, length: int, start: dt.date, end: dt.date,
                      today: dt.date | None = None) -> dict[str, Figures]:
    """Figures of every region whose code is `length` long under `code`, keyed by code.

    Hazards found, major and supervised are summed from the monthly counts of the
    whole months in the period and the daily counts of the days around them
    (daily_counts.py); those closed by `as_of` are the found ones less the ones
    still pending then, which are the only hazards read: open now, or closed after
    `as_of` (index 0006). So a city or the province costs its open hazards, not its
    millions of closed ones. Additive counts are grouped by the stored region code,
    which needs no expression per row, and summed into the child regions here."""
    as_of = min(end, today or timezone.localdate())
    result: dict[str, Figures] = {}

    def row(region_id):
        return result.setdefault(region_id[:length], Figures())

    def by_region(qs):
        return qs.filter(_in_region("region_id", code), found_on__range=(start, end)).values("region_id").order_by()

    days, months = daily_counts.split_period(start, end)
    counted = [DailyHazardCount.objects.filter(found_on__range=r) for r in days]
    if months:
        counted.append(MonthlyHazardCount.objects.filter(month__range=months))
    for qs in counted:
        for r in qs.filter(_in_region("region_id", code)).values("region_id").order_by().annotate(
                n=Sum("found"), m=Sum("major_found"), s=Sum("supervised")):
            f = row(r["region_id"])
            f.found += r["n"]
            f.major_found += r["m"]
            f.supervised += r["s"]
    # Two ranges of closed_on rather than one OR, so that each is read from the index alone.
    for pending_then in (Q(closed_on__isnull=True), Q(closed_on__gt=as_of)):
        for r in by_region(Hazard.objects.filter(pending_then)).annotate(
                n=Count("*"), m=Count("level", filter=Q(level=HazardLevel.MAJOR)),
                late=Count("deadline", filter=Q(deadline__lt=as_of))):
            f = row(r["region_id"])
            f.closed -= r["n"]
            f.major_closed -= r["m"]
            f.overdue += r["late"]
    for f in result.values():
        f.closed += f.found
        f.major_closed += f.major_found
    for part, visits, firms in _inspections_by_prefix(code, length, start, end):
        f = result.setdefault(part, Figures())
        f.inspections, f.inspected_enterprises = visits, firms
    for region_id, n in enterprise_counts_by_region(scope=SYSTEM, region=code).items():
        row(region_id).enterprises += n
    return result


def _inspections_by_prefix(code: str, length: int, start: dt.date, end: dt.date) -> list[tuple[str, int, int]]:
    """(child region, inspections, distinct enterprises inspected). The inner query
    counts each (region, enterprise) pair's visits in index order (0007); the outer
    one counts each enterprise once per child region, even one inspected under two
    of its townships (an enterprise that moved)."""
    table = connection.ops.quote_name(Inspection._meta.db_table)
    bounds = region_range(code)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT SUBSTR(region_id, 1, %s), SUM(n), COUNT(DISTINCT enterprise_id) FROM ("
            f"SELECT region_id, enterprise_id, COUNT(*) AS n FROM {table} WHERE region_id >= %s AND region_id <= %s "
            f"AND date >= %s AND date <= %s GROUP BY region_id, enterprise_id) visits "
            f"GROUP BY SUBSTR(region_id, 1, %s)",
            [length, bounds["gte"], bounds["lte"], start, end, length])
        return [(part, int(n), int(e)) for part, n, e in cursor.fetchall()]


def found_and_closed_by_month(code: str, start: dt.date, end: dt.date,
                              today: dt.date | None = None) -> list[dict]:
    """For each calendar month touching [start, end]: hazards of the region found in
    it (inside the period) and how many of them were closed by `as_of`, the same
    day the figures are taken, so that the months add up to the figures' found and
    closed. Read like the figures: found from the counts, closed as found less pending."""
    as_of = min(end, today or timezone.localdate())
    months: dict[dt.date, dict] = {}
    month = start.replace(day=1)
    while month <= end:
        months[month] = {"month": month.strftime("%Y-%m"), "found": 0, "closed": 0}
        month = daily_counts._next_month(month)
    days, whole = daily_counts.split_period(start, end)
    counted = [DailyHazardCount.objects.filter(found_on__range=r).annotate(m=TruncMonth("found_on")) for r in days]
    if whole:
        counted.append(MonthlyHazardCount.objects.filter(month__range=whole).annotate(m=F("month")))
    for qs in counted:
        for r in qs.filter(_in_region("region_id", code)).values("m").order_by().annotate(n=Sum("found")):
            months[_as_date(r["m"])]["found"] += r["n"]
    for pending_then in (Q(closed_on__isnull=True), Q(closed_on__gt=as_of)):
        for r in (Hazard.objects.filter(pending_then, _in_region("region_id", code), found_on__range=(start, end))
                  .annotate(m=TruncMonth("found_on")).values("m").order_by().annotate(n=Count("*"))):
            months[_as_date(r["m"])]["closed"] -= r["n"]
    for m in months.values():
        m["closed"] += m["found"]
    return list(months.values())


def _as_date(value) -> dt.date:
    # TruncMonth gives a date on PostgreSQL and may give a datetime or text elsewhere.
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def chart_data(result: dict, start: dt.date, end: dt.date, today: dt.date | None = None) -> dict:
    """What the ranking page's charts draw (ECharts, json_script): found and closed
    by month for the region, and the children's composite index, best first."""
    return {"months": found_and_closed_by_month(result["region"], start, end, today),
            "ranking": [{"region": i["region"], "name": i["name"], "index": i["index"]} for i in result["items"]]}


def region_figures(*, scope: Scope, code: str, start: dt.date, end: dt.date,
                   today: dt.date | None = None) -> dict:
    region = _check_access(scope, code)
    _check_period(start, end)
    figures = figures_by_prefix(code, len(code), start, end, today).get(code, Figures())
    return {"region": code, "name": region.full_name, "from": start, "to": end, **figures.as_dict()}


def ranking(*, scope: Scope, code: str, start: dt.date, end: dt.date, bottom: int | None = None,
            today: dt.date | None = None) -> dict:
    """The child regions ranked by the composite index, best first (ties by code),
    and the bottom `bottom` of them (default `default_bottom()`), worst first, for
    summons (约谈): a real minority (`summons_list`)."""
    bottom = default_bottom() if bottom is None else bottom
    region = _check_access(scope, code)
    _check_period(start, end)
    children = list(Region.objects.filter(parent_id=code).order_by("code"))
    if not children:
        return {"region": code, "name": region.full_name, "weights": weights(), "items": [], "bottom": []}
    length = len(children[0].code)
    figures = figures_by_prefix(code, length, start, end, today)
    w = weights()
    items = []
    enforcement = enforcement_by_region(scope=scope, code=code, start=start, end=end)
    for child in children:
        f = figures.get(child.code, Figures())
        items.append({"region": child.code, "name": child.name, "index": composite_index(f, w), **f.as_dict(),
                      "enforcement": enforcement.get(child.code, dict(NO_ENFORCEMENT))})
    items.sort(key=lambda i: (-i["index"], i["region"]))
    for rank, item in enumerate(items, start=1):
        item["rank"] = rank
    worst = summons_list(items, bottom)
    return {"region": code, "name": region.full_name, "weights": w, "items": items, "bottom": worst,
            "bottom_limit": summons_size(len(items), bottom), "summons_share": summons_share()}


def enforcement_by_region(*, scope: Scope, code: str, start: dt.date, end: dt.date) -> dict[str, dict]:
    """The period's enforcement figures of each child region of `code`, keyed by code."""
    result = enforcement_selectors.figures(scope=scope, region=code, start=start, end=end)
    return {item["region"]: {k: item[k] for k in ENFORCEMENT_KEYS} for item in result["items"]}


def summons_share() -> float:
    share = float(getattr(settings, "HAZARD_SUMMONS_SHARE", DEFAULT_SUMMONS_SHARE))
    return min(max(share, 0.0), 0.5)


def default_bottom() -> int:
    return int(getattr(settings, "HAZARD_SUMMONS_BOTTOM", DEFAULT_BOTTOM))


def summons_size(ranked: int, requested: int) -> int:
    """How many of `ranked` units the summons list may name: `requested`, but at most
    the share (rounded down), so never all of them, and none of one or two units."""
    return max(0, min(requested, math.floor(ranked * summons_share() + 1e-9)))


def summons_list(items: list[dict], requested: int) -> list[dict]:
    """The worst units, worst first, for summons (约谈): `summons_size` of them, less
    those tied with the first unit left out. A tie at the cut is not broken by region
    code: a unit is summoned for its index, so when all units score the same, no one is."""
    ordered = sorted(items, key=lambda i: (i["index"], i["region"]))
    size = summons_size(len(items), requested)
    if size < len(ordered):
        cut = ordered[size]["index"]
        return [i for i in ordered[:size] if i["index"] < cut]
    return ordered[:size]


RANKING_COLUMNS = [
    ("rank", "排名"), ("region", "区划代码"), ("name", "名称"), ("index", "综合指数"), ("found", "发现隐患"),
    ("closed", "已整改"), ("rectification_rate", "整改率"), ("overdue", "逾期"), ("major_found", "重大隐患"),
    ("major_closed", "重大隐患销号"), ("supervised", "挂牌督办"), ("inspections", "检查次数"),
    ("inspected_enterprises", "检查企业数"), ("enterprises", "企业总数"), ("coverage", "覆盖率"),
    ("enforcement.cases", "执法立案数"), ("enforcement.fines", "罚款（元）"),
    ("enforcement.confiscated", "没收违法所得（元）"), ("enforcement.stop_orders", "责令停产停业"),
    ("enforcement.transfers", "移送公安"), ("enforcement.three_penalties", "一案三罚"),
]
ENFORCEMENT_KEYS = ("cases", "fines", "confiscated", "stop_orders", "transfers", "three_penalties")
NO_ENFORCEMENT = {"cases": 0, "fines": Decimal("0.00"), "confiscated": Decimal("0.00"), "stop_orders": 0,
                  "transfers": 0, "three_penalties": 0}


def _column(item: dict, key: str):
    group, _, name = key.partition(".")
    return item.get(group, {}).get(name) if name else item.get(key)


def ranking_xlsx(result: dict) -> bytes:
    """The ranking as an Excel workbook with Chinese headers (names written as text)."""
    from ..core import tabular

    rows = [[label for _, label in RANKING_COLUMNS],
            *([_column(item, key) for key, _ in RANKING_COLUMNS] for item in result["items"])]
    return tabular.xlsx([tabular.Sheet("排名", rows)])
