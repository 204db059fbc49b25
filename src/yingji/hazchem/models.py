"""Hazardous chemicals: the catalogue, licences, flows and work orders."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import (
    KG_PER_UNIT,
    OVERDUE_STATES,
    PERMIT_FLAGS,
    Direction,
    FindingKind,
    LicenceKind,
    Unit,
    WorkOrderState,
)


class Chemical(models.Model):
    """An entry of the hazardous-chemical catalogue (危险化学品目录 2015版), with its
    highly-toxic (剧毒) flag and, where listed, its explosive-precursor entry (易制爆
    危险化学品名录 2017年版). Reference data, the same for every region."""

    serial_no = models.PositiveIntegerField(_("目录序号"), null=True, blank=True, unique=True)
    name = models.CharField(_("品名"), max_length=200)
    aliases = models.CharField(_("别名"), max_length=500, blank=True, help_text=_("多个别名以“；”分隔"))
    cas = models.CharField(_("CAS号"), max_length=200, blank=True, db_index=True, help_text=_("多个以“;”分隔"))
    highly_toxic = models.BooleanField(_("剧毒"), default=False)
    explosive_precursor = models.BooleanField(_("易制爆"), default=False)
    precursor_serial = models.CharField(_("易制爆名录序号"), max_length=10, blank=True)
    precursor_class = models.CharField(_("易制爆危险性类别"), max_length=100, blank=True)

    class Meta:
        ordering = [models.F("serial_no").asc(nulls_last=True), "id"]
        verbose_name = _("危险化学品 Chemical")
        verbose_name_plural = _("危险化学品 Chemicals")

    def __str__(self):
        return self.name

    @property
    def cas_list(self) -> list[str]:
        return [c for c in self.cas.split(";") if c]

    @property
    def alias_list(self) -> list[str]:
        return [a for a in self.aliases.split("；") if a]

    @property
    def requires_use_permit(self) -> bool:
        """Whether buying it for use needs a licence covering it: the flags named in
        settings.HAZCHEM_PERMIT_FLAGS (default: highly toxic or explosive precursor)."""
        flags = getattr(settings, "HAZCHEM_PERMIT_FLAGS", PERMIT_FLAGS)
        return any(getattr(self, flag, False) for flag in flags)


class HazchemLicence(models.Model):
    """A hazardous-chemical licence (危险化学品安全生产/经营/使用许可证) of an
    enterprise: its kind, number, the chemicals it covers (or all listed ones where the
    licence reads so), validity and issuing authority."""

    scope_region = "enterprise__region__code"
    scope_organization = "enterprise__organization"

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("持证企业"), on_delete=models.PROTECT,
                                   related_name="hazchem_licences")
    kind = models.CharField(_("许可类型"), max_length=20, choices=LicenceKind.choices)
    number = models.CharField(_("许可证编号"), max_length=60)
    all_listed = models.BooleanField(_("许可范围为全部列名品种"), default=False)
    chemicals = models.ManyToManyField(Chemical, verbose_name=_("许可范围"), blank=True, related_name="licences")
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期至"))
    authority = models.CharField(_("发证机关"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["enterprise_id", "valid_from", "id"]
        verbose_name = _("危化品许可证 Hazchem licence")
        verbose_name_plural = _("危化品许可证 Hazchem licences")
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="hazchem_licence_unique_number")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("有效期至不能早于有效期起")})


class Flow(models.Model):
    """One inbound (购入) or outbound (售出) movement of a chemical recorded by an
    enterprise, naming its counterparty by USCC, with the quantity and the amount paid."""

    scope_region = "enterprise__region__code"
    scope_organization = "enterprise__organization"

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("记录企业"), on_delete=models.PROTECT,
                                   related_name="hazchem_flows")
    direction = models.CharField(_("方向"), max_length=3, choices=Direction.choices)
    date = models.DateField(_("日期"))
    chemical = models.ForeignKey(Chemical, verbose_name=_("品名"), on_delete=models.PROTECT, related_name="flows")
    quantity = models.DecimalField(_("数量"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("单位"), max_length=3, choices=Unit.choices)
    counterparty_uscc = models.CharField(_("对方统一社会信用代码"), max_length=18, db_index=True)
    counterparty = models.ForeignKey("enterprises.Enterprise", verbose_name=_("对方企业"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    amount = models.DecimalField(_("金额（元）"), max_digits=16, decimal_places=2)
    import_key = models.CharField(max_length=80, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("危化品流向 Flow")
        verbose_name_plural = _("危化品流向 Flows")
        indexes = [models.Index(fields=["counterparty_uscc", "chemical", "date"]),
                   models.Index(fields=["enterprise", "chemical", "date"])]
        constraints = [models.UniqueConstraint(fields=["enterprise", "import_key"], condition=~Q(import_key=""),
                                               name="hazchem_flow_unique_import_key")]

    def __str__(self):
        return f"{self.get_direction_display()} {self.chemical_id} {self.quantity}{self.unit}"

    @property
    def kilograms(self) -> Decimal:
        return self.quantity * KG_PER_UNIT[self.unit]

    def clean(self):
        errors = {}
        if self.quantity is not None and self.quantity <= 0:
            errors["quantity"] = _("数量必须大于0")
        if self.amount is not None and self.amount < 0:
            errors["amount"] = _("金额不能为负")
        if errors:
            raise ValidationError(errors)


class WorkOrder(models.Model):
    """A work order (工单) from the reconciliation of flows: what was found, against
    whom, for which chemical, the evidence (the flow rows) and the computed illegal
    gains, sent to the region of the enterprise at fault. One open order per
    finding key (kind, party, chemical ...): later findings update it."""

    scope_region = "region__code"
    scope_organization = "party__organization"

    kind = models.CharField(_("问题类型"), max_length=30, choices=FindingKind.choices)
    key = models.CharField(max_length=120)
    state = models.CharField(_("状态"), max_length=20, choices=WorkOrderState.choices, default=WorkOrderState.OPEN)
    region = models.ForeignKey("core.Region", verbose_name=_("责任区划"), on_delete=models.PROTECT)
    party = models.ForeignKey("enterprises.Enterprise", verbose_name=_("责任企业"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    party_uscc = models.CharField(_("责任方统一社会信用代码"), max_length=18)
    chemical = models.ForeignKey(Chemical, verbose_name=_("品名"), on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(_("摘要"), max_length=500)
    illegal_gains = models.DecimalField(_("违法所得（元）"), max_digits=16, decimal_places=2, default=0)
    quantity_t = models.DecimalField(_("数量（吨）"), max_digits=16, decimal_places=3, default=0)
    evidence = models.ManyToManyField(Flow, verbose_name=_("证据（流向记录）"), blank=True, related_name="work_orders")
    due_at = models.DateTimeField(_("办理期限"))
    # Set by the overdue tick (hazchem.timers) when it has told the region's officers
    # that the order passed `due_at`: they are told once.
    overdue_notified_at = models.DateTimeField(_("超期提醒时间"), null=True, blank=True)
    close_reason = models.CharField(_("办结理由"), max_length=500, blank=True)
    # The hand-off to enforcement: who asked for a case (the case is filed in their
    # name), and the case's number once enforcement has claimed the request.
    case_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请立案人"), null=True,
                                          blank=True, on_delete=models.SET_NULL, related_name="+")
    case_number = models.CharField(_("案件编号"), max_length=40, blank=True)
    case_note = models.CharField(_("立案情况"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("危化品工单 Work order")
        verbose_name_plural = _("危化品工单 Work orders")
        constraints = [models.UniqueConstraint(fields=["key"], condition=~Q(state="closed"),
                                               name="hazchem_one_live_work_order_per_key")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.party_uscc}"

    def is_overdue(self, now=None) -> bool:
        """Still to be handled (open or accepted) and past its deadline: a red light."""
        return self.state in OVERDUE_STATES and self.due_at <= (now or timezone.now())
