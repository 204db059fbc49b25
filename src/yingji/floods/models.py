"""Flash-flood risk points, critical rainfall, sections, forecasts, events and alerts.

A risk point (风险点) is watched by rain: its gauges' running totals against its
critical rainfall (临界雨量). A section (断面) is watched by stage: forecast from rain
through the catchment model (`kernels.runoff`) against its warning and critical
stages. Either opens a flood event (山洪过程) when a level is reached, and each level
raises one alert per event, which the database enforces.
"""

from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import AlertLevel, AlertSource, Window


class RiskPointKind(models.Model):
    """A category of risk point (风险点类别) of the risk lists (风险清单): flash-flood
    village, geo-hazard point, reservoir or pond, ... Data, not code: provinces add
    their own (the defaults are shipped by a data migration)."""

    code = models.SlugField(_("代码"), max_length=40, primary_key=True)
    name = models.CharField(_("名称"), max_length=60)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("风险点类别 Risk point kind")
        verbose_name_plural = _("风险点类别 Risk point kinds")

    def __str__(self):
        return self.name


class RiskPoint(models.Model):
    """A risk point (风险点): a flash-flood village or danger zone (危险区), a
    geo-hazard point, a reservoir, ... with the people exposed, the persons
    responsible (责任人) and the rain gauges its critical rainfall is checked against."""

    scope_region = "region__code"

    kind = models.ForeignKey(RiskPointKind, verbose_name=_("类别"), on_delete=models.PROTECT)
    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey("core.Region", verbose_name=_("所在区划（村/乡镇）"), on_delete=models.PROTECT,
                               related_name="risk_points")
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    population = models.PositiveIntegerField(_("人口"), default=0)
    households = models.PositiveIntegerField(_("户数"), default=0)
    responsible = models.ManyToManyField("core.Person", verbose_name=_("责任人"), blank=True,
                                         related_name="flood_risk_points")
    gauges = models.ManyToManyField("hydromet.Station", verbose_name=_("关联雨量站"), blank=True,
                                    related_name="flood_risk_points")
    note = models.CharField(_("备注"), max_length=300, blank=True)
    # The risk lists (风险清单): who answers for the point when no registered person is
    # linked (a name and phone from the county's spreadsheet), and how it is controlled.
    responsible_name = models.CharField(_("责任人姓名"), max_length=50, blank=True)
    responsible_phone = models.CharField(_("责任人电话"), max_length=30, blank=True)
    control_measures = models.TextField(_("管控措施"), max_length=2000, blank=True)
    active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["region_id", "name"]
        # The one map's viewport queries (command): longitude range first, latitude checked in the index.
        indexes = [models.Index(fields=["longitude", "latitude"], name="riskpoint_position")]
        verbose_name = _("风险点 Risk point")
        verbose_name_plural = _("风险点 Risk points")

    def __str__(self):
        return self.name


class CriticalRainfall(models.Model):
    """Critical rainfall (临界雨量) of a risk point for one window: the rain in that
    many hours at which people prepare to move (准备转移) and move now (立即转移)."""

    scope_region = "risk_point__region__code"

    risk_point = models.ForeignKey(RiskPoint, verbose_name=_("风险点"), on_delete=models.CASCADE,
                                   related_name="critical_rainfalls")
    window_hours = models.PositiveSmallIntegerField(_("时段（小时）"), choices=Window.choices)
    prepare_mm = models.FloatField(_("准备转移雨量（毫米）"))
    move_now_mm = models.FloatField(_("立即转移雨量（毫米）"))

    class Meta:
        ordering = ["risk_point_id", "window_hours"]
        verbose_name = _("临界雨量 Critical rainfall")
        verbose_name_plural = _("临界雨量 Critical rainfall")
        constraints = [
            models.UniqueConstraint(fields=["risk_point", "window_hours"], name="critical_rain_one_per_window"),
            models.CheckConstraint(condition=Q(prepare_mm__gt=0) & Q(move_now_mm__gte=F("prepare_mm")),
                                   name="critical_rain_levels_ordered"),
        ]

    def __str__(self):
        return f"{self.risk_point_id} {self.window_hours}h {self.prepare_mm}/{self.move_now_mm}"


class Section(models.Model):
    """A river cross-section (断面) where stage is forecast from rain, with no measured
    rating curve: its surveyed profile, Manning's n and slope give stage from
    discharge; the catchment above it (area, curve number, lag) gives discharge from
    rain. Warned at the warning stage (警戒水位) and the critical stage (危急水位), by
    forecast and by the readings of its stage gauge (in the profile's datum), and at
    the scour velocity (冲刷流速) by forecast."""

    scope_region = "region__code"

    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey("core.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT,
                               related_name="flood_sections")
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    geometry = models.JSONField(_("断面（起点距 m, 河底高程 m）"),
                                help_text=_("[[起点距, 高程], ...] 从左岸到右岸"))
    manning_n = models.FloatField(_("糙率 n"), default=0.04)
    slope = models.FloatField(_("比降"))
    catchment_area_km2 = models.FloatField(_("集水面积（平方公里）"))
    curve_number = models.FloatField(_("径流曲线数 CN"), default=75)
    lag_hours = models.FloatField(_("流域滞时（小时）"), default=1.0)
    route_k_hours = models.FloatField(_("河道演进时间 K（小时）"), default=0.0)
    route_x = models.FloatField(_("马斯京根 X"), default=0.2)
    baseflow_m3s = models.FloatField(_("基流（立方米/秒）"), default=0.0)
    warning_stage = models.FloatField(_("警戒水位（米）"))
    critical_stage = models.FloatField(_("危急水位（米）"))
    # Empty: the installation's default (settings.YINGJI_SCOUR_VELOCITY).
    scour_velocity = models.FloatField(_("冲刷流速阈值（米/秒）"), null=True, blank=True,
                                       help_text=_("预报流速达到此值时发布冲刷预警；空则用系统默认值"))
    stage_station = models.ForeignKey("hydromet.Station", verbose_name=_("水位站"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="flood_sections")
    gauges = models.ManyToManyField("hydromet.Station", verbose_name=_("流域雨量站"), blank=True,
                                    related_name="flood_catchments")
    risk_points = models.ManyToManyField(RiskPoint, verbose_name=_("下游风险点"), blank=True,
                                         related_name="sections")
    calibration_nse = models.FloatField(_("率定纳什效率系数"), null=True, blank=True)
    calibrated_at = models.DateTimeField(_("率定时间"), null=True, blank=True)

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("断面 Section")
        verbose_name_plural = _("断面 Sections")

    def __str__(self):
        return self.name

    @property
    def scour_threshold(self) -> float:
        """The scour velocity in force here (m/s): its own, else the installation's default."""
        return float(self.scour_velocity if self.scour_velocity is not None else settings.YINGJI_SCOUR_VELOCITY)

    def stage_level(self, stage: float) -> str | None:
        """The level a stage (m) reaches here: move now at or above the critical
        stage, prepare at or above the warning stage, else None."""
        if stage >= self.critical_stage:
            return AlertLevel.MOVE_NOW
        if stage >= self.warning_stage:
            return AlertLevel.PREPARE
        return None

    def clean(self):
        from ..kernels.section import CrossSection

        try:
            CrossSection(self.geometry)
        except (ValueError, TypeError) as exc:
            raise ValidationError({"geometry": _("断面数据无效：%(e)s") % {"e": exc}}) from exc
        if self.warning_stage is not None and self.critical_stage is not None \
                and self.critical_stage < self.warning_stage:
            raise ValidationError({"critical_stage": _("危急水位不能低于警戒水位")})
        checks = {"manning_n": self.manning_n > 0, "slope": self.slope > 0,
                  "catchment_area_km2": self.catchment_area_km2 > 0,
                  "curve_number": 0 < self.curve_number <= 100, "lag_hours": self.lag_hours >= 0,
                  "route_k_hours": self.route_k_hours >= 0, "route_x": 0 <= self.route_x <= 0.5,
                  "scour_velocity": self.scour_velocity is None or 0 < self.scour_velocity <= 50}
        bad = {name: _("数值超出允许范围") for name, ok in checks.items() if not ok}
        if bad:
            raise ValidationError(bad)


class Forecast(models.Model):
    """A stage forecast (水位预报) at a section: observed rain plus forecast rain for
    the next 1/3/6/24 h, the predicted discharge, stage and velocity per step, and the first
    crossing of the warning or critical stage with its lead time (预见期)."""

    scope_region = "section__region__code"

    section = models.ForeignKey(Section, verbose_name=_("断面"), on_delete=models.CASCADE, related_name="forecasts")
    issued_at = models.DateTimeField(_("预报时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                   on_delete=models.SET_NULL)
    forecast_rain = models.JSONField(_("预报雨量（毫米，按时段累计）"))
    step_minutes = models.PositiveSmallIntegerField(_("步长（分钟）"))
    times = models.JSONField(_("时刻"))
    discharges = models.JSONField(_("流量（立方米/秒）"))
    stages = models.JSONField(_("水位（米）"))
    velocities = models.JSONField(_("流速（米/秒）"), default=list)  # Q / A at each step's stage
    peak_velocity = models.FloatField(_("最大流速（米/秒）"), null=True, blank=True)
    peak_velocity_at = models.DateTimeField(_("最大流速时间"), null=True, blank=True)
    horizon_stages = models.JSONField(_("各预见期最高水位"), default=dict)
    peak_stage = models.FloatField(_("最高水位（米）"))
    peak_at = models.DateTimeField(_("最高水位时间"))
    crossing_level = models.CharField(_("超限级别"), max_length=10, choices=AlertLevel.choices, blank=True)
    crossing_at = models.DateTimeField(_("超限时间"), null=True, blank=True)
    lead_minutes = models.PositiveIntegerField(_("预见期（分钟）"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("水位预报 Forecast")
        verbose_name_plural = _("水位预报 Forecasts")

    def __str__(self):
        return f"{self.section_id} {self.issued_at:%Y-%m-%d %H:%M}"


class FloodEvent(models.Model):
    """A flood event (山洪过程) at a risk point or a section: open from the first time a
    level is reached until everything is below the prepare level again. Each level
    warns once per event."""

    scope_region = "region__code"

    source = models.CharField(_("来源"), max_length=10, choices=AlertSource.choices)
    risk_point = models.ForeignKey(RiskPoint, verbose_name=_("风险点"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="events")
    section = models.ForeignKey(Section, verbose_name=_("断面"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="events")
    region = models.ForeignKey("core.Region", verbose_name=_("区划"), on_delete=models.PROTECT)
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    peak_level = models.CharField(_("最高级别"), max_length=10, choices=AlertLevel.choices)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("山洪过程 Flood event")
        verbose_name_plural = _("山洪过程 Flood events")
        constraints = [
            # At most one open event per risk point / section: two concurrent batches
            # cannot both open one (the second insert fails and is retried as an update).
            models.UniqueConstraint(fields=["risk_point"], condition=Q(ended_at__isnull=True, risk_point__isnull=False),
                                    name="flood_event_one_open_per_risk_point"),
            # Per source: a section's forecast, observed-stage and scour events run side by side.
            models.UniqueConstraint(fields=["section", "source"],
                                    condition=Q(ended_at__isnull=True, section__isnull=False),
                                    name="flood_event_one_open_per_section_source"),
            models.CheckConstraint(condition=Q(risk_point__isnull=False) | Q(section__isnull=False),
                                   name="flood_event_has_subject"),
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.risk_point or self.section} {self.started_at:%Y-%m-%d %H:%M}"


class FloodAlert(models.Model):
    """A flash-flood alert (山洪预警): one level reached in one event, at a risk point
    (critical rainfall) or a section (forecast stage), with the evidence, and the
    warning it issued through `alerts`."""

    scope_region = "region__code"

    event = models.ForeignKey(FloodEvent, verbose_name=_("山洪过程"), on_delete=models.CASCADE, related_name="alerts")
    level = models.CharField(_("级别"), max_length=10, choices=AlertLevel.choices)
    source = models.CharField(_("来源"), max_length=10, choices=AlertSource.choices)
    risk_point = models.ForeignKey(RiskPoint, verbose_name=_("风险点"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="alerts")
    section = models.ForeignKey(Section, verbose_name=_("断面"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="alerts")
    forecast = models.ForeignKey(Forecast, verbose_name=_("预报"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="alerts")
    region = models.ForeignKey("core.Region", verbose_name=_("区划"), on_delete=models.PROTECT)
    observed_at = models.DateTimeField(_("数据时间"))
    headline = models.CharField(_("标题"), max_length=200)
    evidence = models.JSONField(_("依据"), default=dict)
    crossing_at = models.DateTimeField(_("预计超限时间"), null=True, blank=True)
    lead_minutes = models.PositiveIntegerField(_("预见期（分钟）"), null=True, blank=True)
    description = models.TextField(_("预警内容"), blank=True)
    # The alert is the row the warning step claims: raised with `warning_pending`, its
    # warning (and call-up) issued by the `floods.issue_pending_warnings` tick.
    warning = models.ForeignKey("alerts.Warning", verbose_name=_("预警"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="flood_alerts")
    warning_pending = models.BooleanField(_("预警待发布"), default=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("山洪预警 Flood alert")
        verbose_name_plural = _("山洪预警 Flood alerts")
        constraints = [
            models.UniqueConstraint(fields=["event", "level"], name="flood_alert_once_per_event_level"),
        ]

    def __str__(self):
        return self.headline


# Inundation runs (二维淹没模拟) -------------------------------------------------------

@cache
def inundation_storage() -> FileSystemStorage:
    """DEMs and result grids live under MEDIA_ROOT (./var/media by default)."""
    root = getattr(settings, "MEDIA_ROOT", "") or (settings.VAR_DIR / "media")
    return FileSystemStorage(location=root, base_url=getattr(settings, "MEDIA_URL", "") or "/media/")


class InundationStatus(models.TextChoices):
    """Where an inundation run stands."""

    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("计算中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class InundationRun(models.Model):
    """An inundation run (淹没模拟) of one watershed (小流域): its DEM and where it lies,
    Manning's n, the hourly areal rain (observed at chosen gauges, then forecast), the
    simulated duration, and the outcome: grids of maximum depth, arrival time and
    duration (files), and the risk points deeper than `depth_threshold` (AffectedPlace).

    Georeference: `crs` "local" means the grid's own coordinates are metres on a
    transverse-Mercator plane whose origin (x = xllcorner, y = yllcorner) lies at
    (`origin_lon`, `origin_lat`); otherwise `crs` is an EPSG code of a projected CRS in
    metres (e.g. "EPSG:32650", UTM zone 50N, WGS 84) and the grid's corner is read as is."""

    scope_region = "region__code"

    watershed = models.CharField(_("小流域"), max_length=100)
    region = models.ForeignKey("core.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT,
                               related_name="inundation_runs")
    # A path under `inundation_storage()`, not a FileField: the audit snapshot holds
    # plain values, and a DEM is written once and never replaced.
    dem_path = models.CharField(_("数字高程模型文件"), max_length=200)
    nrows = models.PositiveIntegerField(_("行数"))
    ncols = models.PositiveIntegerField(_("列数"))
    cellsize = models.FloatField(_("网格尺寸（米）"))
    xllcorner = models.FloatField(_("左下角 X（米）"))
    yllcorner = models.FloatField(_("左下角 Y（米）"))
    crs = models.CharField(_("坐标系"), max_length=20, default="local",
                           help_text=_("local（以左下角经纬度为原点的平面米制坐标）或 EPSG:326xx 等投影坐标系"))
    origin_lon = models.FloatField(_("左下角经度"), null=True, blank=True)
    origin_lat = models.FloatField(_("左下角纬度"), null=True, blank=True)
    manning_n = models.FloatField(_("糙率 n"), default=0.05)
    gauges = models.ManyToManyField("hydromet.Station", verbose_name=_("雨量站"), blank=True,
                                    related_name="inundation_runs")
    start = models.DateTimeField(_("模拟起始时间"))
    observed_hours = models.PositiveIntegerField(_("实测雨量时段（小时）"), default=0)
    hourly_rain_mm = models.JSONField(_("逐时面雨量（毫米，实测+预报）"), default=list)
    forecast_hours = models.PositiveIntegerField(_("预报雨量时段（小时）"), default=0)
    duration_hours = models.FloatField(_("模拟时长（小时）"))
    depth_threshold = models.FloatField(_("受影响水深阈值（米）"), default=0.3)
    status = models.CharField(_("状态"), max_length=10, choices=InundationStatus.choices,
                              default=InundationStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    error = models.TextField(_("错误"), blank=True)
    result_dir = models.CharField(_("结果目录"), max_length=200, blank=True)
    bounds = models.JSONField(_("经纬度范围 [[南, 西], [北, 东]]"), null=True, blank=True)
    max_depth_m = models.FloatField(_("最大水深（米）"), null=True, blank=True)
    flooded_area_m2 = models.FloatField(_("超过阈值的淹没面积（平方米）"), null=True, blank=True)
    mass_error = models.FloatField(_("水量平衡相对误差"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始计算时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("淹没模拟 Inundation run")
        verbose_name_plural = _("淹没模拟 Inundation runs")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="inundation_progress_percent"),
        ]

    def __str__(self):
        return f"{self.watershed} {self.start:%Y-%m-%d %H:%M}"

    def clean(self):
        checks = {"cellsize": self.cellsize > 0, "manning_n": 0 < self.manning_n <= 1,
                  "duration_hours": 0 < self.duration_hours <= 240,
                  "depth_threshold": 0 < self.depth_threshold <= 20}
        bad = {name: _("数值超出允许范围") for name, ok in checks.items() if not ok}
        if self.crs == "local" and (self.origin_lon is None or self.origin_lat is None):
            bad["origin_lon"] = _("本地坐标系需要左下角经纬度")
        if bad:
            raise ValidationError(bad)


class AffectedPlace(models.Model):
    """A risk point hit by an inundation run (受影响风险点): its cell was deeper than the
    run's threshold; with the people exposed at the time of the run, the maximum depth,
    and when the water first reached the threshold there (到达时间) and for how long."""

    scope_region = "run__region__code"

    run = models.ForeignKey(InundationRun, verbose_name=_("淹没模拟"), on_delete=models.CASCADE,
                            related_name="affected")
    risk_point = models.ForeignKey(RiskPoint, verbose_name=_("风险点"), on_delete=models.CASCADE,
                                   related_name="inundations")
    population = models.PositiveIntegerField(_("人口"))
    households = models.PositiveIntegerField(_("户数"))
    row = models.PositiveIntegerField(_("行"))
    col = models.PositiveIntegerField(_("列"))
    max_depth_m = models.FloatField(_("最大水深（米）"))
    arrival_s = models.FloatField(_("到达时间（秒，自模拟起始）"))
    arrival_at = models.DateTimeField(_("到达时刻"))
    duration_s = models.FloatField(_("淹没历时（秒）"))

    class Meta:
        ordering = ["run_id", "arrival_s", "id"]
        verbose_name = _("受影响风险点 Affected place")
        verbose_name_plural = _("受影响风险点 Affected places")
        constraints = [
            models.UniqueConstraint(fields=["run", "risk_point"], name="affected_place_once_per_run"),
        ]

    def __str__(self):
        return f"{self.run_id} {self.risk_point_id} {self.max_depth_m:.2f} m"

    @property
    def duration_hours(self) -> float:
        return self.duration_s / 3600


# Design storms and the forecast-rain feed live in their own modules (flood-storms).
from .design_models import DesignFlood, DesignStormTable  # noqa: E402, F401
from .feed_models import RainForecast, RainForecastBatch  # noqa: E402, F401
