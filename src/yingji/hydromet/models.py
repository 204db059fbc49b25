"""Stations and their observations.

Observations are the large table: 70 national stations and thousands of local gauges
at 5-minute steps make millions of rows a year. Rows are kept narrow (small-integer
quantity and quality, no per-row source text: the batch's source is in the audit log),
and the one unique index (station, quantity, time) serves both idempotent ingestion
and every time-window query, which always name the station and the quantity.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Quality, Quantity, StationKind


class Station(models.Model):
    """A weather or hydrological station (测站): a rain gauge (雨量站), a water-level
    gauge (水位站) or both, or a weather station. `code` is its id, national ("58665")
    or local ("W1"); `region` is the smallest region known to contain it."""

    scope_region = "region__code"

    code = models.CharField(_("站号"), max_length=20, unique=True)
    name = models.CharField(_("站名"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=StationKind.choices, default=StationKind.RAIN)
    longitude = models.FloatField(_("经度"))
    latitude = models.FloatField(_("纬度"))
    altitude = models.FloatField(_("海拔（米）"), null=True, blank=True)
    region = models.ForeignKey("core.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT,
                               related_name="stations")
    source = models.CharField(_("来源/运维单位"), max_length=100, blank=True)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("测站 Station")
        verbose_name_plural = _("测站 Stations")

    def __str__(self):
        return f"{self.code} {self.name}"


class Observation(models.Model):
    """One observation (观测值) of a station: for rain, the mm that fell in the
    `interval_minutes` ending at `time`; for stage, the water level in m at `time`.
    Suspect values are stored with their flag and reason, never silently."""

    scope_region = "station__region__code"

    # No index of its own: the unique (station, quantity, time) index starts with it.
    station = models.ForeignKey(Station, verbose_name=_("测站"), on_delete=models.PROTECT,
                                related_name="observations", db_index=False)
    quantity = models.PositiveSmallIntegerField(_("要素"), choices=Quantity.choices)
    time = models.DateTimeField(_("时间"))
    value = models.FloatField(_("数值"))
    interval_minutes = models.PositiveSmallIntegerField(_("时段（分钟）"), null=True, blank=True)
    quality = models.PositiveSmallIntegerField(_("质量"), choices=Quality.choices, default=Quality.OK)
    reason = models.CharField(_("可疑原因"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)

    class Meta:
        verbose_name = _("观测 Observation")
        verbose_name_plural = _("观测 Observations")
        constraints = [
            # Also the index of every time-window query (station and quantity first).
            models.UniqueConstraint(fields=["station", "quantity", "time"], name="observation_unique_time"),
        ]

    def __str__(self):
        return f"{self.station_id} {self.get_quantity_display()} {self.time:%Y-%m-%d %H:%M} {self.value}"


class ObservationBatch(models.Model):
    """A batch of newly stored observations (新观测批次), written in the transaction that
    stores them: the hand-off to the apps that act on new data (floods, insurance).
    Each consumer reads the batches after its `ConsumerCursor` (see `handoff`).
    `observations` lists each new row as [station code, quantity, ISO time, quality]."""

    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    observations = models.JSONField(_("新观测"), default=list)

    class Meta:
        verbose_name = _("观测批次 Observation batch")
        verbose_name_plural = _("观测批次 Observation batches")

    def __str__(self):
        return f"{self.pk} {self.source} ({len(self.observations)})"


class ConsumerCursor(models.Model):
    """How far one consumer of observations (floods, insurance, ...) has got: the id of
    the last `ObservationBatch` it has processed. Moved in the transaction of the
    consumer's own work, so the work and the cursor commit or roll back together."""

    consumer = models.CharField(_("使用方"), max_length=40, unique=True)
    position = models.BigIntegerField(_("已处理至批次"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("观测游标 Observation cursor")
        verbose_name_plural = _("观测游标 Observation cursors")

    def __str__(self):
        return f"{self.consumer} @ {self.position}"
