"""The flash-flood demo (山洪演示): a synthetic mountain watershed, placed twice: near
Lin'an (Hangzhou, `LINAN`, seen by the province) and in the hills of Wenling (Taizhou,
`WENLING`, seen by the demo's county and city officers). For each site (`Site`):

What it writes, each step idempotent (a second run changes nothing):

1. a DEM, computed (`valley_elevation`): a valley 6 km long running west → east, its
   floor 300 m wide falling 1% towards the outlet on the east edge and 1% across
   towards the thalweg, between hillsides rising at 25%; 300 × 200 cells of 20 m
   (24 km²), its lower-left corner at the site's origin (Lin'an: 119.60°E 30.30°N,
   north of 太湖源镇; Wenling: 121.24°E 28.40°N, 坞根镇);
2. three rain gauges (hydromet stations) along the valley;
3. five villages (risk points) in two townships, four on the valley floor at
   different heights above the thalweg and one on a hillside, with population,
   households, a responsible person each (core services) and critical rainfall;
4. two sections, mid-valley and at the outlet, with their profiles surveyed from
   the same DEM and warning/critical stages;
5. a 6-hour storm (hourly observations ingested through hydromet, 190 mm at the
   middle gauge, 60 mm in the peak hour): the critical rainfall of the villages is
   crossed and warnings are raised by the floods ticks (run here at once: the demo
   is loaded before the worker starts);
6. a stage gauge at the outlet section (LA-H1) whose hourly readings during the storm
   cross the warning stage, then the critical stage (two observed-stage alerts, by
   the floods stage tick), and a scour velocity for that section;
   a stage forecast at the outlet three hours into the storm, with the rest of the
   storm as forecast rain: the forecast crosses the warning stage;
7. one inundation run on the DEM (observed rain of the first 3 hours plus the same
   forecast, 8 hours): the villages on the valley floor are hit, the hillside one is not;
8. the watershed's design storm table (设计暴雨表, invented but of the size of
   Zhejiang's mountain storms: 100-year 1 h 98 mm, 24 h 400.7 mm), from which
   `yingji design-floods --run ID --duration 6 --as demo-province` computes the
   typical-frequency floods (not run here: five runs of the demo DEM take minutes).

Call :func:`load_flood_demo` (one site, Lin'an by default) or :func:`load_flood_demos`
after the official regions are loaded (`yingji flood-demo` does exactly that). About
10–20 s of CPU per site, most of it the 2-D run.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction

from ..core.models import Person, Region
from . import inundation, selectors, services
from .models import (
    DesignStormTable,
    FloodAlert,
    Forecast,
    InundationRun,
    InundationStatus,
    RiskPoint,
    Section,
)

BEIJING = dt.timezone(dt.timedelta(hours=8))

# The DEM ----------------------------------------------------------------------------
NX, NY, DX = 300, 200, 20.0
OUTLET_Z = 150.0  # m, the thalweg at the outlet (east edge)
THALWEG_SLOPE = 0.01
FLOOR_HALF_WIDTH, FLOOR_CROSS_SLOPE, HILL_SLOPE = 150.0, 0.01, 0.25
THALWEG_Y = NY * DX / 2  # m north of the lower edge
MANNING_N = 0.05


def valley_elevation(x, y):
    """Ground elevation (m) at local coordinates x east, y north of the lower-left
    corner (m): thalweg + rise across the floor + rise up the hillside."""
    d = np.abs(np.asarray(y, float) - THALWEG_Y)
    along = OUTLET_Z + THALWEG_SLOPE * (NX * DX - np.asarray(x, float))
    across = np.where(d <= FLOOR_HALF_WIDTH, FLOOR_CROSS_SLOPE * d,
                      FLOOR_CROSS_SLOPE * FLOOR_HALF_WIDTH + HILL_SLOPE * (d - FLOOR_HALF_WIDTH))
    return along + across


def demo_dem() -> np.ndarray:
    """The DEM at cell centres, row 0 the northernmost (ESRI ASCII order)."""
    x = (np.arange(NX) + 0.5) * DX
    y = (NY - 1 - np.arange(NY) + 0.5) * DX
    return valley_elevation(x[None, :], y[:, None])


def dem_ascii() -> bytes:
    z = demo_dem()
    head = (f"ncols {NX}\nnrows {NY}\nxllcorner 0\nyllcorner 0\ncellsize {DX:g}\nNODATA_value -9999\n")
    return (head + "\n".join(" ".join(f"{v:.2f}" for v in row) for row in z) + "\n").encode()


def lonlat(site: Site, x: float, y: float) -> tuple[float, float]:
    """Lon/lat of local coordinates, through the same projection the run uses."""
    from pyproj import Transformer

    proj = (f"+proj=tmerc +lat_0={site.origin_lat} +lon_0={site.origin_lon} +k=1 +x_0=0 +y_0=0 "
            "+ellps=WGS84 +units=m +no_defs")
    lon, lat = Transformer.from_crs(proj, "EPSG:4326", always_xy=True).transform(x, y)
    return round(float(lon), 6), round(float(lat), 6)


# The places -------------------------------------------------------------------------

@dataclass(frozen=True)
class Village:
    name: str
    town: str
    x: float  # m east of the corner
    offset: float  # m north (+) or south (−) of the thalweg
    population: int
    households: int
    gauge: str
    chief: str
    mobile: str

    @property
    def height(self) -> float:
        """m above the thalweg at its x."""
        return float(valley_elevation(self.x, THALWEG_Y + self.offset) - valley_elevation(self.x, THALWEG_Y))


CRITICAL = [{"window_hours": 1, "prepare_mm": 30, "move_now_mm": 50},
            {"window_hours": 3, "prepare_mm": 60, "move_now_mm": 90}]

GAUGE_X = (1500, 3500, 5500)  # the three gauges, 60 m north of the thalweg
GAUGE_FACTORS = (1.1, 1.0, 0.9)  # more rain up the valley
STORM_START = dt.datetime(2024, 6, 20, 2, 0, tzinfo=BEIJING)
STORM_MM = [10.0, 25.0, 45.0, 60.0, 35.0, 15.0]  # hourly, at the middle gauge
FORECAST_AT_HOURS = 3  # the forecast and the run are made three hours into the storm

SECTION_X = (3000, 5800)  # mid-valley and the outlet; area km², warning, critical stage (m) below
SECTION_FIGURES = ((12.0, 1.0, 1.5), (23.2, 1.0, 1.5))


@dataclass(frozen=True)
class Site:
    """One demo watershed: the same synthetic valley (`demo_dem`) placed in a county,
    with its villages, three gauges and two sections."""

    county: str
    towns: dict  # name → township code
    watershed: str
    dem_name: str
    origin_lon: float  # the DEM's lower-left corner
    origin_lat: float
    villages: tuple
    gauges: tuple  # (code, name), up the valley to the outlet, at GAUGE_X
    sections: tuple  # (name, town), at SECTION_X
    stage_gauge: tuple  # (code, name): the outlet's water-level gauge

    def gauge_factors(self) -> dict:
        return {code: f for (code, _), f in zip(self.gauges, GAUGE_FACTORS)}


# Heights above the thalweg: 0.2, 0.3, 0.4 m (on the floor by the stream), 1.4 m (the
# floor's edge), 63.8 m (the hillside).
LINAN = Site(
    county="330112", towns={"太湖源镇": "330112103", "高虹镇": "330112102"},  # 临安区
    watershed="东坑溪小流域（演示）", dem_name="dongkeng-demo.asc", origin_lon=119.60, origin_lat=30.30,
    villages=(
        Village("东坑村", "太湖源镇", 5510, 20, 620, 198, "LA-R3", "王建国", "13805710001"),
        Village("溪口村", "太湖源镇", 3510, -30, 480, 152, "LA-R2", "李秀英", "13805710002"),
        Village("上坞村", "高虹镇", 1210, 10, 310, 96, "LA-R1", "张卫东", "13805710003"),
        Village("台地村", "太湖源镇", 4510, 140, 260, 81, "LA-R2", "陈丽华", "13805710004"),
        Village("山腰村", "高虹镇", 2510, 405, 150, 47, "LA-R1", "刘志强", "13805710005"),
    ),
    gauges=(("LA-R1", "上坞雨量站（演示）"), ("LA-R2", "溪口雨量站（演示）"), ("LA-R3", "东坑雨量站（演示）")),
    sections=(("溪口断面", "太湖源镇"), ("东坑出口断面", "太湖源镇")),
    stage_gauge=("LA-H1", "东坑出口水位站（演示）"),
)

# The Taizhou watershed, so that the county officer of the demo (demo-wenling) and the
# city (demo-taizhou) see floods too: the same valley in the hills of 坞根镇 and 大溪镇
# of Wenling, villages at the same heights above its stream (names invented).
WENLING = Site(
    county="331081", towns={"坞根镇": "331081110", "大溪镇": "331081101"},  # 温岭市
    watershed="坞根溪小流域（演示）", dem_name="wugen-demo.asc", origin_lon=121.24, origin_lat=28.40,
    villages=(
        Village("溪头村", "坞根镇", 5510, 20, 540, 171, "WL-R3", "林国平", "13805760001"),
        Village("岭下村", "坞根镇", 3510, -30, 430, 137, "WL-R2", "叶美华", "13805760002"),
        Village("坑口村", "大溪镇", 1210, 10, 290, 88, "WL-R1", "郑海军", "13805760003"),
        Village("塘岸村", "坞根镇", 4510, 140, 240, 75, "WL-R2", "潘丽君", "13805760004"),
        Village("岗顶村", "大溪镇", 2510, 405, 130, 41, "WL-R1", "赵志明", "13805760005"),
    ),
    gauges=(("WL-R1", "坑口雨量站（演示）"), ("WL-R2", "岭下雨量站（演示）"), ("WL-R3", "溪头雨量站（演示）")),
    sections=(("岭下断面", "坞根镇"), ("坞根溪出口断面", "坞根镇")),
    stage_gauge=("WL-H1", "坞根溪出口水位站（演示）"),
)
SITES = (LINAN, WENLING)

# The Lin'an site's names, as the tests and the docs know them.
COUNTY, TOWNS, VILLAGES, WATERSHED = LINAN.county, LINAN.towns, list(LINAN.villages), LINAN.watershed


# The outlet's stage gauge and its hourly readings through the storm (m above the
# thalweg, the profile's datum): warning 1.0 m reached at hour 4, critical 1.5 m at 5.
STAGE_GAUGE = LINAN.stage_gauge
STAGE_M = [0.2, 0.5, 0.9, 1.2, 1.6, 1.3]
# m/s: the outlet's own scour velocity, that of a gravel bed (permissible velocities,
# Fortier & Scobey 1926, about 1.2 m/s); the installation's default is 3 m/s.
OUTLET_SCOUR_VELOCITY = 1.2
# Design storms: 1-hour depths per return period and the exponents m of D ∝ t^m per
# duration band (decay exponents n = 1 − m of 0.45, 0.55, 0.62, 0.67: rising, as atlases give).
DESIGN_DURATIONS = [1, 3, 6, 12, 24]
DESIGN_PERIODS = [5, 10, 20, 50, 100]
DESIGN_DEPTHS = [[55, 100.6, 137.5, 178.9, 224.9], [65, 118.9, 162.5, 211.4, 265.8],
                 [75, 137.2, 187.5, 244.0, 306.7], [88, 161.0, 220.0, 286.3, 359.8],
                 [98, 179.3, 245.0, 318.8, 400.7]]


def section_profile(x: float, half_width: float = 400.0, step: float = 20.0) -> list[list[float]]:
    """The surveyed profile across the valley at x: (offset from the left bank m,
    bed elevation m above the thalweg), bank to bank."""
    offsets = np.arange(-half_width, half_width + step / 2, step)
    bed = valley_elevation(x, THALWEG_Y + offsets) - valley_elevation(x, THALWEG_Y)
    return [[round(float(o + half_width), 1), round(float(z), 3)] for o, z in zip(offsets, bed)]


# Loading ----------------------------------------------------------------------------

@dataclass
class DemoReport:
    created: dict = field(default_factory=dict)
    alerts: int = 0
    forecast_peak: float | None = None
    forecast_level: str = ""
    affected: list = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        made = ", ".join(f"{v} {k}" for k, v in self.created.items() if v) or "nothing new"
        hit = "，".join(f"{a.risk_point.name} {a.max_depth_m:.2f} m" for a in self.affected) or "无"
        return (f"{made}; {self.alerts} flood alerts; outlet forecast peak {self.forecast_peak:.2f} m "
                f"({self.forecast_level or 'below warning'}); affected: {hit}; {self.seconds:.1f} s")


def load_flood_demo(site: Site = LINAN) -> DemoReport:
    """Load (or find) everything of one demo watershed; see the module docstring."""
    if not Region.objects.filter(pk=site.county).exists():
        raise RuntimeError("load the official regions first (yingji import-regions)")
    began = time.process_time()
    report = DemoReport()
    report.created["gauges"] = _gauges(site)
    report.created["villages"] = _villages(site)
    report.created["sections"] = _sections(site)
    report.created["observations"] = _storm(site)
    report.created["stage readings"] = _stage(site)
    report.created["design storm tables"] = _design_table(site)
    forecast = _forecast(site)
    report.forecast_peak, report.forecast_level = forecast.peak_stage, forecast.crossing_level
    run = _inundation_run(site, report)
    report.alerts = FloodAlert.objects.filter(region__code__startswith=site.county).count()
    report.affected = list(selectors.affected_places(run))
    report.seconds = time.process_time() - began
    return report


def load_flood_demos() -> list[DemoReport]:
    """Every demo watershed: Lin'an (the province sees it) and Wenling (Taizhou)."""
    return [load_flood_demo(site) for site in SITES]


def _gauges(site: Site) -> int:
    from ..hydromet.services import import_stations

    rows = []
    town = next(iter(site.towns.values()))
    for (code, name), x in zip(site.gauges, GAUGE_X):
        lon, lat = lonlat(site, x, THALWEG_Y + 60)
        rows.append({"code": code, "name": name, "longitude": str(lon), "latitude": str(lat),
                     "region_code": town, "kind": "rain", "source": "演示数据（虚构站点）"})
    return import_stations(by=None, rows=rows).created


def _villages(site: Site) -> int:
    made = 0
    for v in site.villages:
        region = site.towns[v.town]
        if RiskPoint.objects.filter(name=v.name, region_id=region).exists():
            continue
        lon, lat = lonlat(site, v.x, THALWEG_Y + v.offset)
        with transaction.atomic():
            chief = _person(v.chief, v.mobile, region)
            point = services.risk_point_create(
                by=None, kind_id="flash_flood_village", name=v.name, region_id=region, longitude=lon, latitude=lat,
                population=v.population, households=v.households, gauges=[v.gauge], responsible=[chief.pk],
                note=f"演示：高出河床 {v.height:.1f} 米")
            services.critical_rainfall_set(by=None, risk_point=point, values=CRITICAL)
        made += 1
    return made


def _person(name: str, mobile: str, region: str) -> Person:
    from ..core.services import person_create

    found = Person.objects.filter(name=name, region_id=region).first()
    return found or person_create(by=None, name=name, mobile=mobile, region_id=region, title="村山洪防御责任人")


def _sections(site: Site) -> int:
    made = 0
    for (name, town), x, (area, warning, critical) in zip(site.sections, SECTION_X, SECTION_FIGURES):
        if Section.objects.filter(name=name, region_id=site.towns[town]).exists():
            continue
        lon, lat = lonlat(site, x, THALWEG_Y)
        services.section_create(
            by=None, name=name, region_id=site.towns[town], longitude=lon, latitude=lat,
            geometry=section_profile(x), manning_n=MANNING_N, slope=THALWEG_SLOPE, catchment_area_km2=area,
            curve_number=80, lag_hours=1.0, warning_stage=warning, critical_stage=critical,
            gauges=[code for code, _ in site.gauges])
        made += 1
    return made


def _design_table(site: Site) -> int:
    from .services.design_storms import design_table_create

    if DesignStormTable.objects.filter(region_id=site.county, watershed=site.watershed).exists():
        return 0
    design_table_create(by=None, region_id=site.county, watershed=site.watershed,
                        source="演示数据（虚构）", durations_hours=DESIGN_DURATIONS,
                        return_periods=DESIGN_PERIODS, depths_mm=DESIGN_DEPTHS, peak_ratio=0.5)
    return 1


def storm_readings(site: Site = LINAN) -> list[dict]:
    return [{"station": code, "quantity": "rain", "value": round(mm * factor, 1), "interval_minutes": 60,
             "time": (STORM_START + dt.timedelta(hours=k + 1)).isoformat()}
            for code, factor in site.gauge_factors().items() for k, mm in enumerate(STORM_MM)]


def _storm(site: Site) -> int:
    """The storm through hydromet; exact duplicates are ignored, so a second load
    stores nothing and raises nothing."""
    from ..hydromet.services import ingest

    accepted = ingest(by=None, readings=storm_readings(site), source="flood-demo",
                      now=STORM_START + dt.timedelta(days=1)).accepted
    services.evaluate_new_observations()
    services.issue_pending_warnings()
    return accepted


def _stage(site: Site) -> int:
    """The outlet's stage gauge, linked to its section with a scour velocity, and its
    readings through hydromet; the floods stage tick raises the observed-stage alerts."""
    from ..hydromet.services import import_stations, ingest

    code, name = site.stage_gauge
    (section_name, town), x = site.sections[1], SECTION_X[1]
    lon, lat = lonlat(site, x, THALWEG_Y)
    import_stations(by=None, rows=[{"code": code, "name": name, "longitude": str(lon), "latitude": str(lat),
                                    "region_code": site.towns[town], "kind": "stage",
                                    "source": "演示数据（虚构站点）"}])
    section = Section.objects.get(name=section_name, region_id=site.towns[town])
    if section.stage_station_id is None:
        services.section_levels_set(by=None, section=section, warning_stage=section.warning_stage,
                                    critical_stage=section.critical_stage, scour_velocity=OUTLET_SCOUR_VELOCITY,
                                    stage_station=code)
    readings = [{"station": code, "quantity": "stage", "value": m,
                 "time": (STORM_START + dt.timedelta(hours=k + 1)).isoformat()} for k, m in enumerate(STAGE_M)]
    accepted = ingest(by=None, readings=readings, source="flood-demo", now=STORM_START + dt.timedelta(days=1)).accepted
    services.evaluate_new_stage()
    services.issue_pending_warnings()
    return accepted


def forecast_time() -> dt.datetime:
    return STORM_START + dt.timedelta(hours=FORECAST_AT_HOURS)


def forecast_rain() -> dict:
    """The rest of the storm at the middle gauge, cumulative for the next 1 and 3 h."""
    rest = STORM_MM[FORECAST_AT_HOURS:]
    return {"1": rest[0], "3": sum(rest[:3])}


def _forecast(site: Site) -> Forecast:
    name, town = site.sections[1]
    section = Section.objects.get(name=name, region_id=site.towns[town])
    found = section.forecasts.filter(issued_at=forecast_time()).first()
    if found is not None:
        return found
    forecast = services.forecast_section(section=section, now=forecast_time(), forecast_rain=forecast_rain())
    services.issue_pending_warnings()
    return forecast


def _inundation_run(site: Site, report: DemoReport) -> InundationRun:
    run = InundationRun.objects.filter(watershed=site.watershed, region_id=site.county,
                                       status=InundationStatus.DONE).first()
    if run is not None:
        return run
    run = inundation.inundation_create(
        by=None, watershed=site.watershed, region_id=site.county, dem_name=site.dem_name, dem_data=dem_ascii(),
        start=STORM_START, observed_hours=FORECAST_AT_HOURS, gauges=[code for code, _ in site.gauges],
        forecast_rain_mm=STORM_MM[FORECAST_AT_HOURS:], duration_hours=len(STORM_MM) + 2, manning_n=MANNING_N,
        crs="local", origin_lon=site.origin_lon, origin_lat=site.origin_lat)
    run.refresh_from_db()
    if run.status == InundationStatus.QUEUED:  # a broker is configured: the demo wants it now
        from .tasks import run_inundation

        run_inundation.apply(args=[run.pk])
        run.refresh_from_db()
    report.created["inundation runs"] = 1
    return run
