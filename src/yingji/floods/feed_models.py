"""Forecast rain from the weather bureau's feed (预报雨量): per station or per grid
cell, cumulative mm for the next 1/3/6/24 hours from an issue time, and the batches
a scheduler tick evaluates against critical rainfall and section stages. Imported
by `models` (the app's models)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

RAIN_FIELDS = {1: "rain_1h", 3: "rain_3h", 6: "rain_6h", 24: "rain_24h"}


class RainForecastBatch(models.Model):
    """One delivery of forecast rain (预报雨量批次): the forecasts a push or a file
    brought for one issue time, and the timer of their evaluation (a row with
    `due_at`, claimed by the `floods.rain_forecasts` tick; None once done or given
    up). A repeated delivery stores nothing new and makes no batch."""

    scope_region = "region__code"

    issued_at = models.DateTimeField(_("预报发布时间"))
    source = models.CharField(_("来源"), max_length=100, blank=True)
    # The pusher's region (None: the system's feed folder, province-wide).
    region = models.ForeignKey("core.Region", verbose_name=_("区划"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("推送人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("接收时间"), default=timezone.now)
    stations = models.JSONField(_("涉及测站"), default=list)
    cells = models.PositiveIntegerField(_("网格数"), default=0)
    due_at = models.DateTimeField(_("计划计算时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    last_error = models.TextField(_("错误"), blank=True)
    result = models.JSONField(_("计算结果"), default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("预报雨量批次 Rain forecast batch")
        verbose_name_plural = _("预报雨量批次 Rain forecast batches")
        indexes = [models.Index(fields=["due_at", "id"], condition=Q(due_at__isnull=False),
                                name="rain_forecast_batch_due_idx")]

    def __str__(self):
        return f"{self.issued_at:%Y-%m-%d %H:%M} {self.source}"


class RainForecast(models.Model):
    """Forecast rain (降雨预报) of one station or one grid cell (网格, its centre and size
    in degrees) issued at `issued_at`: cumulative mm over the next 1, 3, 6 and 24
    hours, any of them. A cell's forecast serves the gauges, risk points and sections
    inside it and inside its region (the whole province when none)."""

    scope_region = "region__code"

    batch = models.ForeignKey(RainForecastBatch, verbose_name=_("批次"), on_delete=models.CASCADE,
                              related_name="forecasts")
    issued_at = models.DateTimeField(_("预报发布时间"))
    station = models.ForeignKey("hydromet.Station", verbose_name=_("测站"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="rain_forecasts")
    cell_lon = models.FloatField(_("网格中心经度"), null=True, blank=True)
    cell_lat = models.FloatField(_("网格中心纬度"), null=True, blank=True)
    cell_deg = models.FloatField(_("网格大小（度）"), null=True, blank=True)
    region = models.ForeignKey("core.Region", verbose_name=_("区划"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    rain_1h = models.FloatField(_("未来1小时雨量（毫米）"), null=True, blank=True)
    rain_3h = models.FloatField(_("未来3小时雨量（毫米）"), null=True, blank=True)
    rain_6h = models.FloatField(_("未来6小时雨量（毫米）"), null=True, blank=True)
    rain_24h = models.FloatField(_("未来24小时雨量（毫米）"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "id"]
        verbose_name = _("降雨预报 Rain forecast")
        verbose_name_plural = _("降雨预报 Rain forecasts")
        constraints = [
            models.UniqueConstraint(fields=["station", "issued_at"], condition=Q(station__isnull=False),
                                    name="rain_forecast_once_per_station"),
            models.UniqueConstraint(fields=["cell_lon", "cell_lat", "cell_deg", "issued_at", "region"],
                                    condition=Q(station__isnull=True, region__isnull=False),
                                    name="rain_forecast_once_per_cell"),
            models.UniqueConstraint(fields=["cell_lon", "cell_lat", "cell_deg", "issued_at"],
                                    condition=Q(station__isnull=True, region__isnull=True),
                                    name="rain_forecast_once_per_province_cell"),
            models.CheckConstraint(
                condition=Q(station__isnull=False) | Q(cell_lon__isnull=False, cell_lat__isnull=False,
                                                       cell_deg__gt=0),
                name="rain_forecast_station_or_cell"),
        ]

    def __str__(self):
        where = self.station_id or f"{self.cell_lon},{self.cell_lat}"
        return f"{where} {self.issued_at:%Y-%m-%d %H:%M}"

    def cumulative(self) -> dict[int, float]:
        """{hours: mm} of the windows given."""
        return {h: getattr(self, name) for h, name in RAIN_FIELDS.items() if getattr(self, name) is not None}

    def contains(self, lon: float | None, lat: float | None) -> bool:
        """Whether a point lies in this forecast's cell (edges included)."""
        if self.station_id is not None or lon is None or lat is None:
            return False
        half = self.cell_deg / 2
        return abs(lon - self.cell_lon) <= half and abs(lat - self.cell_lat) <= half
