"""Dispatch (调度指令): one order sending a rescue team, supplies or both to a
destination, stepped forward by the team leader from a phone, every step a timed row."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices_dispatch import DestinationKind, DispatchState, StepChannel
from .teams import LAT_ERROR, LAT_RANGE, LON_ERROR, LON_RANGE


def _lat(**kw):
    return models.FloatField(validators=[MinValueValidator(LAT_RANGE[0], LAT_ERROR),
                                         MaxValueValidator(LAT_RANGE[1], LAT_ERROR)], **kw)


def _lon(**kw):
    return models.FloatField(validators=[MinValueValidator(LON_RANGE[0], LON_ERROR),
                                         MaxValueValidator(LON_RANGE[1], LON_ERROR)], **kw)


class Dispatch(models.Model):
    """A dispatch order (调度指令): a team and/or supplies sent to an incident, a risk
    point, a shelter or a position, with the task; its state moves only forward
    (requested → acknowledged → departed → arrived → completed, or cancelled), each
    time stamped here and kept as a `DispatchStep` row. Unacknowledged at `ack_due_at`
    it is escalated once (the timer is this row: `ack_due_at`, `escalated_at`)."""

    team = models.ForeignKey("resources.Team", verbose_name=_("救援队伍"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="dispatches")
    # Who sees it: the region of the destination and the region the resources come from
    # (the team's, or the first warehouse's for supplies alone).
    region = models.ForeignKey("core.Region", verbose_name=_("目的地区划"), on_delete=models.PROTECT,
                               related_name="+")
    source_region = models.ForeignKey("core.Region", verbose_name=_("派出区划"), on_delete=models.PROTECT,
                                      related_name="+")
    destination_kind = models.CharField(_("目的地类型"), max_length=12, choices=DestinationKind.choices,
                                        default=DestinationKind.POSITION)
    report = models.ForeignKey("duty.InfoReport", verbose_name=_("突发事件"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    risk_point = models.ForeignKey("floods.RiskPoint", verbose_name=_("风险点"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    shelter = models.ForeignKey("response.Shelter", verbose_name=_("避灾安置场所"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    destination = models.CharField(_("目的地"), max_length=200)
    lat = _lat(verbose_name=_("目的地纬度"))
    lon = _lon(verbose_name=_("目的地经度"))
    task = models.CharField(_("任务"), max_length=500)
    drill = models.BooleanField(_("演练"), default=False)
    state = models.CharField(_("状态"), max_length=12, choices=DispatchState.choices,
                             default=DispatchState.REQUESTED, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("下达人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    leader = models.ForeignKey("core.Person", verbose_name=_("带队负责人"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("下达时间"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    departed_at = models.DateTimeField(_("出发时间"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("到达时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    arrived_lat = _lat(verbose_name=_("到达纬度"), null=True, blank=True)
    arrived_lon = _lon(verbose_name=_("到达经度"), null=True, blank=True)
    ack_due_at = models.DateTimeField(_("接收时限"))
    escalated_at = models.DateTimeField(_("催办时间"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["state", "ack_due_at"], name="resources_dispatch_due")]
        verbose_name = _("调度指令 Dispatch")
        verbose_name_plural = _("调度指令 Dispatches")

    def __str__(self):
        return f"{self.destination}: {self.task[:40]}"

    @staticmethod
    def scope_q(region_code: str, organization_id: int | None) -> Q:
        """Seen where the destination or the sending region lies in the caller's
        subtree; never by enterprise accounts."""
        if organization_id is not None:
            return Q(pk__in=[])
        if not region_code:
            return Q()
        return Q(region__code__startswith=region_code) | Q(source_region__code__startswith=region_code)

    def seconds_between(self, start: str, end: str) -> int | None:
        a, b = getattr(self, start), getattr(self, end)
        return int((b - a).total_seconds()) if a and b else None


class DispatchStep(models.Model):
    """One step of a dispatch (who, when, where from, by which channel): the timeline,
    never overwritten."""

    dispatch = models.ForeignKey("resources.Dispatch", on_delete=models.CASCADE, related_name="steps")
    state = models.CharField(_("状态"), max_length=12, choices=DispatchState.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    person = models.ForeignKey("core.Person", verbose_name=_("报告人"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(_("渠道"), max_length=8, choices=StepChannel.choices, default=StepChannel.LOGIN)
    lat = _lat(verbose_name=_("纬度"), null=True, blank=True)
    lon = _lon(verbose_name=_("经度"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [models.UniqueConstraint(fields=["dispatch", "state"], name="resources_dispatchstep_once")]
        verbose_name = _("调度步骤 Dispatch step")
        verbose_name_plural = _("调度步骤 Dispatch steps")


class DispatchSupply(models.Model):
    """One line of supplies sent with a dispatch, and the ledger's issue movement it
    made (出库), so the ledger and the order can be matched."""

    dispatch = models.ForeignKey("resources.Dispatch", on_delete=models.CASCADE, related_name="supplies")
    warehouse = models.ForeignKey("resources.Warehouse", verbose_name=_("仓库"), on_delete=models.PROTECT,
                                  related_name="+")
    kind = models.ForeignKey("resources.SupplyKind", verbose_name=_("物资品类"), on_delete=models.PROTECT,
                             related_name="+")
    quantity = models.PositiveBigIntegerField(_("数量"))
    movement = models.ForeignKey("resources.StockMovement", verbose_name=_("出库记录"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]
        verbose_name = _("调度物资 Dispatched supply")
        verbose_name_plural = _("调度物资 Dispatched supplies")
