"""The insurance demo (巨灾保险演示): the Taizhou 2023 policy, typhoon Lekima and a heavy
rain, so that the policy page shows a typhoon trigger and a rain trigger with claims.

What it writes, each step idempotent (a second run changes nothing):

1. stations: the national stations 58665 洪家 and 58660 临海 (from hydromet's shipped
   list, with the same kind and source as ``yingji import-stations``) and four local
   rain gauges W1, W2 (温岭) and L1, L2 (临海) at plausible, invented positions;
2. the policy of issue 5 (``DEMO_POLICY_YAML``), loaded like ``yingji insurance load-policy``;
3. the CMA best track of 2019 (the archive's ``CH2019BST.txt`` when it is on this
   machine, else the Lekima record below, copied verbatim from that file);
4. Lekima's official fixes replayed, position by position through the live service,
   four years later (2019-08 → 2023-08), so that they fall in the 2023 policy period:
   the real 2019 storm predates the policy and cannot trigger it. The replayed storm's
   name says so. It triggers once at force 16 (52 m/s inside the circle);
5. a synthetic 72-hour rain at gauge W1 (温岭) during the replayed Lekima: 24 h at
   1 mm/h, 24 h at 4 mm/h and 24 h at 1.5 mm/h, 156 mm in all, above the 140 mm
   threshold: Wenling's rain trigger pays RMB 3 m.

Call :func:`load_demo_policy` after the official regions are loaded; ``yingji insurance
demo`` does exactly that.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from ..core.errors import DomainError
from ..core.models import Region
from . import selectors, services
from .choices import TriggerKind
from .models import Policy
from .policy_yaml import parse_policy


def archive_2019() -> Path:
    """The 2019 CMA best-track file of the shared data, where it is installed."""
    return settings.SHARED_DATA_DIR / "typhoon" / "cma-besttrack" / "CH2019BST.txt"


DEMO_POLICY_YAML = """\
name: 台州市巨灾保险 2023
region: "3310"
insured: 台州市人民政府
period: {start: 2023-01-01, end: 2023-12-31}
premium: {typhoon: 16000000, rain: 5000000}
lots:
  - {name: 标段一, insurer: 演示财产保险台州分公司, share: 0.6}
  - {name: 标段二, insurer: 演示人寿财产保险台州中心支公司, share: 0.4}
typhoon:
  center: [121.1167, 28.65]    # lon, lat: 121°07'E 28°39'N
  radius_km: 85
  min_force: 12
  interpolate: false
  payouts: {12: 10000000, 13: 20000000, 14: 40000000, 15: 70000000, 16: 110000000, 17: 175000000}
rain:
  window_hours: 72
  threshold_mm: 140
  stations: {"331081": ["58665", "W1", "W2"], "331082": ["58660", "L1", "L2"]}
  payout_per_county: 3000000
allocation:
  weights: {gdp: 0.3, typhoon_history: 0.3, location: 0.2, area: 0.1, population: 0.1}
  counties:
    "331081": {gdp: 1375, typhoon_history: 12, location: 3, area: 926, population: 142}
    "331082": {gdp: 895, typhoon_history: 9, location: 2, area: 2251, population: 114}
"""

NATIONAL_STATIONS = ("58665", "58660")
LOCAL_GAUGES = [  # invented local gauges at plausible places: town centres of each county
    {"code": "W1", "name": "温岭太平（演示）", "lon": "121.386", "lat": "28.372", "region_code": "331081"},
    {"code": "W2", "name": "温岭石塘（演示）", "lon": "121.596", "lat": "28.262", "region_code": "331081"},
    {"code": "L1", "name": "临海古城（演示）", "lon": "121.145", "lat": "28.858", "region_code": "331082"},
    {"code": "L2", "name": "临海括苍（演示）", "lon": "120.935", "lat": "28.820", "region_code": "331082"},
]
GAUGE_SOURCE = "演示数据（虚构站点）"

REPLAY_CODE = "DEMO-2019-12 (1909)"
REPLAY_NAME = "利奇马 LEKIMA（2019 年路径平移至 2023 年）"
REPLAY_YEAR = 2023

RAIN_STATION = "W1"
RAIN_START = dt.datetime(2023, 8, 8, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
RAIN_PROFILE_MM = [1.0] * 24 + [4.0] * 24 + [1.5] * 24  # hourly, 156 mm in 72 h

# The Lekima record of CH2019BST.txt (lines 274-336), verbatim: the demo works where
# the archive is not installed; a test checks it against the archive where it is.
LEKIMA_CMA = """\
66666 1909   62 0012 1909 0 3 LEKIMA                             20200417
2019080318 1 158 1315 1002      13
2019080400 1 163 1308 1002      13
2019080406 1 169 1304 1000      15
2019080412 2 175 1303  998      18
2019080418 2 177 1302  995      20
2019080500 2 179 1301  995      20
2019080506 2 181 1299  990      23
2019080512 2 183 1298  990      23
2019080518 3 186 1295  985      25
2019080600 3 188 1292  985      25
2019080606 3 192 1289  982      28
2019080612 3 195 1286  980      30
2019080618 4 199 1284  975      33
2019080700 4 204 1281  960      38
2019080706 4 209 1277  950      40
2019080712 5 216 1270  940      50
2019080718 6 221 1264  925      55
2019080800 6 227 1259  925      55
2019080806 6 237 1254  925      55
2019080812 6 244 1250  915      62
2019080818 6 255 1245  920      58
2019080821 6 261 1240  925      55
2019080900 6 265 1234  925      55
2019080903 6 268 1229  930      52
2019080906 5 270 1225  940      48
2019080909 5 273 1222  940      48
2019080912 5 275 1220  940      48
2019080915 5 279 1217  935      50
2019080918 6 283 1214  930      52
2019080921 4 286 1210  960      40
2019081000 4 289 1208  970      33
2019081003 3 294 1206  975      28
2019081006 3 299 1203  975      28
2019081009 3 303 1202  978      25
2019081012 2 307 1202  980      23
2019081015 2 312 1203  980      23
2019081018 2 317 1205  980      23
2019081021 2 326 1206  980      23
2019081100 2 336 1202  980      23
2019081103 2 343 1198  980      23
2019081106 2 348 1199  980      23
2019081109 2 352 1200  980      23
2019081112 2 358 1202  982      23
2019081115 2 365 1199  984      23
2019081118 2 369 1197  984      23
2019081121 2 372 1194  984      23
2019081200 2 373 1191  984      23
2019081203 2 372 1191  984      23
2019081206 2 371 1191  984      23
2019081209 2 370 1191  988      20
2019081212 2 369 1192  990      20
2019081215 2 368 1194  990      20
2019081218 2 368 1196  992      18
2019081221 2 369 1198  992      18
2019081300 1 373 1200  994      15
2019081303 1 377 1203  996      15
2019081306 1 382 1206  998      15
2019081312 1 383 1211 1000      13
2019081318 1 382 1215 1000      13
2019081400 1 380 1219 1000      13
2019081406 1 377 1223 1000      13
2019081412 1 375 1229 1000      13
"""


@dataclass
class DemoReport:
    policy: Policy
    created: bool
    storms: dict
    positions_added: int
    rain_accepted: int
    typhoon_events: int
    rain_events: int

    def summary(self) -> str:
        return (f"保单 / policy {self.policy.pk} {self.policy.name} ({'created' if self.created else 'updated'}); "
                f"台风 / storms {self.storms}; 平移路径点 / replayed positions {self.positions_added}; "
                f"雨量观测 / rain observations {self.rain_accepted}; "
                f"触发事件 / events: typhoon {self.typhoon_events}, rain {self.rain_events}")


def load_demo_policy(*, archive: Path | None = None) -> DemoReport:
    """Write the insurance demo (see the module docstring); safe to run again."""
    _require_regions()
    _stations()
    policy, created = services.policy_load(by=None, spec=parse_policy(DEMO_POLICY_YAML))
    storms = _import_2019(archive)
    added = _replay_lekima()
    accepted = _rain()
    events = selectors.event_list(policy=policy)
    return DemoReport(policy, created, storms, added, accepted,
                      events.filter(kind=TriggerKind.TYPHOON).count(), events.filter(kind=TriggerKind.RAIN).count())


def _require_regions() -> None:
    if Region.objects.filter(pk__in=["3310", "331081", "331082"]).count() < 3:
        raise DomainError("请先导入行政区划（yingji import-regions）",
                          "Load the official regions first (yingji import-regions)")


def _stations() -> None:
    from ..hydromet.choices import StationKind
    from ..hydromet.management.commands.import_stations import SHIPPED
    from ..hydromet.services import import_stations

    with open(SHIPPED, encoding="utf-8-sig", newline="") as f:
        national = [row for row in csv.DictReader(f) if row["site"] in NATIONAL_STATIONS]
    # the same defaults as `yingji import-stations`, so neither undoes the other
    for rows, kind, source in ((national, StationKind.WEATHER, "中国气象局 CMA"),
                               (LOCAL_GAUGES, StationKind.RAIN, GAUGE_SOURCE)):
        report = import_stations(by=None, rows=rows, default_kind=kind, default_source=source)
        if report.errors:
            raise DomainError("演示测站导入失败", f"Demo stations not imported: {report.errors}")


def _import_2019(archive: Path | None) -> dict:
    if archive is not None and archive.is_file():
        report = services.import_tracks(by=None, paths=[archive])
    else:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "CH2019BST.txt"
            path.write_text(LEKIMA_CMA, encoding="ascii")
            report = services.import_tracks(by=None, paths=[path])
    return {k: report[k] for k in ("created", "updated", "unchanged")}


def lekima_fixes():
    """Lekima's official fixes (time UTC, lat, lon, wind m/s, pressure hPa), from the record."""
    from ..kernels.besttrack import parse_lines

    storm = parse_lines(LEKIMA_CMA.splitlines(), "CH2019BST.txt").storms[0]
    times = [dt.datetime.fromisoformat(str(t.astype("datetime64[s]"))).replace(tzinfo=dt.UTC) for t in storm.time]
    return [(t, lat, lon, _value(w), _value(p)) for t, lat, lon, w, p in
            zip(times, storm.lat.tolist(), storm.lon.tolist(), storm.wind.tolist(), storm.pressure.tolist())]


def _value(v: float) -> float | None:
    return None if math.isnan(v) else v


def _replay_lekima() -> int:
    """Post Lekima's fixes, shifted to 2023, through the live service (which evaluates
    the policy after each one); fixes already posted are skipped."""
    storm = (selectors.storm_list(scope=selectors.PolicyScope.for_user(None), q=REPLAY_CODE)
             .filter(code=REPLAY_CODE).first())
    if storm is None:
        storm = services.storm_create(by=None, code=REPLAY_CODE, name=REPLAY_NAME, year=REPLAY_YEAR)
    stored = set(selectors.storm_positions(storm=storm).values_list("time", flat=True))
    added = 0
    for time, lat, lon, wind, pressure in lekima_fixes():
        shifted = time.replace(year=REPLAY_YEAR)
        if shifted in stored:
            continue
        services.position_add(by=None, storm=storm, time=shifted, lat=lat, lon=lon, wind=wind, pressure=pressure)
        added += 1
    return added


def rain_readings() -> list[dict]:
    return [{"station": RAIN_STATION, "quantity": "rain", "value": mm, "interval_minutes": 60,
             "time": (RAIN_START + dt.timedelta(hours=h + 1)).isoformat()}
            for h, mm in enumerate(RAIN_PROFILE_MM)]


def _rain() -> int:
    """Ingest the synthetic rain, then evaluate it now, as the worker's tick would
    (`insurance.rain_triggers`): the demo is seeded before the worker starts."""
    from ..hydromet.services import ingest

    report = ingest(by=None, readings=rain_readings(), source="insurance demo (synthetic rain)")
    services.evaluate_new_rain()
    return report.accepted
