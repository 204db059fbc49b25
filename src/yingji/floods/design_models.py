"""Design storms (设计暴雨) and the typical-frequency floods (典型频率洪水) computed from
them before any storm: a depth–duration–frequency table per region or watershed, and
the inundation runs of its return periods. Imported by `models` (the app's models)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DesignStormTable(models.Model):
    """A depth–duration–frequency table (暴雨频率表 / 设计暴雨表) of a region, or of one
    watershed (小流域) of it: for each return period (重现期, years) the rain depth (mm)
    of each duration (历时, hours), with where it comes from (an atlas, a study) and the
    peak ratio (雨峰位置系数 r) of its design storms. Checked by `kernels.hyetograph`."""

    scope_region = "region__code"

    region = models.ForeignKey("core.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT,
                               related_name="design_storm_tables")
    watershed = models.CharField(_("小流域"), max_length=100, blank=True,
                                 help_text=_("空：适用于整个区划"))
    source = models.CharField(_("出处"), max_length=200, blank=True,
                              help_text=_("如《浙江省短历时暴雨》或某流域设计洪水报告"))
    durations_hours = models.JSONField(_("历时（小时）"))
    return_periods = models.JSONField(_("重现期（年）"))
    depths_mm = models.JSONField(_("设计雨量（毫米，每个重现期一行）"))
    peak_ratio = models.FloatField(_("雨峰位置系数 r"), default=0.5)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("修改时间"), default=timezone.now)

    class Meta:
        ordering = ["region_id", "watershed", "id"]
        verbose_name = _("设计暴雨表 Design storm table")
        verbose_name_plural = _("设计暴雨表 Design storm tables")
        constraints = [
            models.UniqueConstraint(fields=["region", "watershed"], name="design_storm_table_one_per_watershed"),
        ]

    def __str__(self):
        return f"{self.region_id} {self.watershed or '*'}"

    def clean(self):
        from ..kernels.hyetograph import DdfTable, TableError

        try:
            DdfTable.checked(self.durations_hours, self.return_periods, self.depths_mm)
        except TableError as exc:
            raise ValidationError({exc.field: f"{exc.zh} / {exc.en}"}) from exc
        if self.peak_ratio is None or not 0 <= self.peak_ratio <= 1:
            raise ValidationError({"peak_ratio": _("雨峰位置系数应在 0–1 之间")})

    def table(self):
        """The checked `kernels.hyetograph.DdfTable`."""
        from ..kernels.hyetograph import DdfTable

        return DdfTable.checked(self.durations_hours, self.return_periods, self.depths_mm)


class DesignFlood(models.Model):
    """A typical-frequency flood (典型频率洪水): the inundation run of one watershed
    under the design storm of one return period and duration, built from a table
    and computed before any storm, so that the map of the 20-year flood is at hand
    when a 20-year storm is forecast."""

    scope_region = "run__region__code"

    run = models.OneToOneField("floods.InundationRun", verbose_name=_("淹没模拟"), on_delete=models.CASCADE,
                               related_name="design")
    table = models.ForeignKey(DesignStormTable, verbose_name=_("设计暴雨表"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="floods")
    base_run = models.ForeignKey("floods.InundationRun", verbose_name=_("高程来源模拟"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    return_period = models.PositiveIntegerField(_("重现期（年）"))
    duration_hours = models.PositiveSmallIntegerField(_("暴雨历时（小时）"))
    depth_mm = models.FloatField(_("设计雨量（毫米）"))
    peak_ratio = models.FloatField(_("雨峰位置系数 r"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["run__watershed", "duration_hours", "return_period", "-created_at", "-id"]
        verbose_name = _("典型频率洪水 Design flood")
        verbose_name_plural = _("典型频率洪水 Design floods")

    def __str__(self):
        return f"{self.run_id} {self.return_period}y {self.duration_hours}h"
