"""The duty log (值班日志) and its handovers (交接班).

The roster itself is `core.RosterShift` (the call-up reads it through
core.selectors.on_duty); the duty app edits it and keeps the log beside it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices_desk import HandoverState, LogSource, LogState


class LogEntry(models.Model):
    """One call or event the duty desk took in (值班日志条目): when, from whom, what,
    what was done, and whether it is still open. Never deleted: a correction is a new
    version (`replaces` points to the entry it corrects, which is then `superseded`)."""

    scope_region = "region__code"

    region = models.ForeignKey("core.Region", verbose_name=_("区划"), on_delete=models.PROTECT)
    occurred_at = models.DateTimeField(_("时间"))
    source = models.CharField(_("来源"), max_length=16, choices=LogSource.choices, default=LogSource.PHONE)
    caller = models.CharField(_("来电人/单位"), max_length=100, blank=True)
    caller_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    summary = models.CharField(_("事由"), max_length=500)
    actions = models.TextField(_("处理情况"), max_length=4000, blank=True)
    state = models.CharField(_("状态"), max_length=8, choices=LogState.choices, default=LogState.OPEN)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closing_note = models.CharField(_("办结说明"), max_length=500, blank=True)
    recorded_by = models.ForeignKey("core.Person", verbose_name=_("记录人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    replaces = models.OneToOneField("self", verbose_name=_("更正的条目"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="replaced_by")
    superseded = models.BooleanField(_("已被更正"), default=False)
    correction_note = models.CharField(_("更正说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("值班日志 Duty log entry")
        verbose_name_plural = _("值班日志 Duty log entries")
        indexes = [models.Index(fields=["region", "occurred_at"], name="dutylog_region_time"),
                   models.Index(fields=["region", "state"], name="dutylog_region_state")]

    def __str__(self):
        return f"{self.region_id} {self.occurred_at:%Y-%m-%d %H:%M} {self.summary[:20]}"


class Handover(models.Model):
    """A handover at shift change (交接班): the outgoing officer hands the desk over with
    notes and the open entries (carried over: they stay open); the incoming officer
    accepts. The leader on duty then signs off the log of the shift that ended
    (`signed_off_*`, a sign-off with its time)."""

    scope_region = "region__code"

    region = models.ForeignKey("core.Region", verbose_name=_("区划"), on_delete=models.PROTECT)
    period_start = models.DateTimeField(_("本班开始"))
    handed_at = models.DateTimeField(_("交班时间"))
    outgoing = models.ForeignKey("core.Person", verbose_name=_("交班人"), on_delete=models.PROTECT,
                                 related_name="+")
    incoming = models.ForeignKey("core.Person", verbose_name=_("接班人"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("交接事项"), max_length=4000, blank=True)
    carried = models.ManyToManyField(LogEntry, verbose_name=_("移交的未办结事项"), blank=True,
                                     related_name="handovers")
    entries = models.PositiveIntegerField(_("本班日志条数"), default=0)
    state = models.CharField(_("状态"), max_length=10, choices=HandoverState.choices,
                             default=HandoverState.HANDED)
    accepted_at = models.DateTimeField(_("接班时间"), null=True, blank=True)
    signed_off_by = models.ForeignKey("core.Person", verbose_name=_("带班领导签字"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    signed_off_at = models.DateTimeField(_("签字时间"), null=True, blank=True)
    sign_off_note = models.CharField(_("带班领导意见"), max_length=500, blank=True)

    class Meta:
        ordering = ["-handed_at", "-pk"]
        verbose_name = _("交接班 Handover")
        verbose_name_plural = _("交接班 Handovers")
        indexes = [models.Index(fields=["region", "handed_at"], name="handover_region_time")]
        constraints = [models.CheckConstraint(condition=models.Q(handed_at__gte=models.F("period_start")),
                                              name="handover_after_period_start")]

    def __str__(self):
        return f"{self.region_id} {self.handed_at:%Y-%m-%d %H:%M}"
