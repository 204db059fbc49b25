"""Supplies (应急物资): warehouses, the catalogue of supply kinds, stock as a ledger.

Stock is never a number someone types over: every change is a `StockMovement` row
(receipt 入库, issue 出库, transfer out/in 调拨 as a linked pair, approved adjustment
盘点调整), never edited or deleted. `StockBalance` holds the quantity now, one row per
warehouse × kind × batch (perishables carry a batch and its expiry), changed only in the
transaction that writes the movement, by a conditional UPDATE that refuses to go below
zero, so concurrent issues can never overdraw it; the sum of a balance's movements
always equals it. An adjustment (found more or less at a count) is a request that a
second person approves before it becomes a movement. Reserve standards (储备标准) say
how much of a kind a region should hold; the shortfalls are standards minus the stock
of the warehouses in the region's subtree.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yingji.core.errors import DomainError

MAX_QUANTITY = 1_000_000_000


class WarehouseLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇级")


class SupplyCategory(models.TextChoices):
    RESCUE = "rescue", _("抢险救援")
    FLOOD = "flood", _("防汛排涝")
    SHELTER = "shelter", _("安置生活")
    POWER = "power", _("电力照明")
    FOOD = "food", _("食品饮水")
    MEDICAL = "medical", _("医疗防疫")
    OTHER = "other", _("其他")


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("入库")
    ISSUE = "issue", _("出库")
    TRANSFER_OUT = "transfer_out", _("调出")
    TRANSFER_IN = "transfer_in", _("调入")
    ADJUSTMENT = "adjustment", _("盘点调整")


class AdjustmentState(models.TextChoices):
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class Warehouse(models.Model):
    """A reserve warehouse (物资储备库) of a province, city, county or township."""

    scope_region = "region__code"

    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey("core.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT,
                               related_name="warehouses")
    level = models.CharField(_("级别"), max_length=10, choices=WarehouseLevel.choices,
                             default=WarehouseLevel.COUNTY)
    manager = models.ForeignKey("core.Person", verbose_name=_("负责人"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="managed_warehouses")
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True,
                            validators=[MinValueValidator(3), MaxValueValidator(54)])
    lon = models.FloatField(_("经度"), null=True, blank=True,
                            validators=[MinValueValidator(73), MaxValueValidator(136)])
    active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["region_id", "name", "id"]
        verbose_name = _("物资仓库 Warehouse")
        verbose_name_plural = _("物资仓库 Warehouses")
        indexes = [models.Index(fields=["lat", "lon"], name="warehouse_position")]

    def __str__(self):
        return self.name


class SupplyKind(models.Model):
    """A kind of supply in the catalogue (物资品类): its code, name, unit of count and
    category; perishables (饮用水, 方便食品, 药品) carry a shelf life and are stocked by
    batch with an expiry date."""

    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    unit = models.CharField(_("单位"), max_length=10)
    category = models.CharField(_("类别"), max_length=10, choices=SupplyCategory.choices,
                                default=SupplyCategory.OTHER)
    perishable = models.BooleanField(_("有保质期"), default=False)
    shelf_life_days = models.PositiveIntegerField(_("保质期（天）"), null=True, blank=True,
                                                  validators=[MaxValueValidator(36500)])
    sort = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("物资品类 Supply kind")
        verbose_name_plural = _("物资品类 Supply kinds")

    def __str__(self):
        return f"{self.name}（{self.unit}）"


class StockBalance(models.Model):
    """The quantity on hand of one kind (and batch) in one warehouse. Changed only
    together with a `StockMovement`, by conditional updates (never below zero)."""

    scope_region = "warehouse__region__code"

    warehouse = models.ForeignKey(Warehouse, verbose_name=_("仓库"), on_delete=models.PROTECT,
                                  related_name="balances")
    supply_kind = models.ForeignKey(SupplyKind, verbose_name=_("物资"), on_delete=models.PROTECT,
                                    related_name="balances")
    batch = models.CharField(_("批次"), max_length=40, blank=True, default="")
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    quantity = models.BigIntegerField(_("数量"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["warehouse_id", "supply_kind__sort", "supply_kind_id", "expires_on", "batch"]
        verbose_name = _("库存 Stock balance")
        verbose_name_plural = _("库存 Stock balances")
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "supply_kind", "batch"], name="stock_balance_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="stock_balance_not_negative"),
        ]
        indexes = [models.Index(fields=["supply_kind", "expires_on"], name="stock_balance_expiry")]


class StockMovement(models.Model):
    """One entry of the ledger (出入库台账). `delta` is the signed change to the
    balance of (warehouse, kind, batch); a transfer is two rows linked by `pair`.
    Written once, never edited or deleted."""

    scope_region = "warehouse__region__code"

    kind = models.CharField(_("类型"), max_length=12, choices=MovementKind.choices)
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("仓库"), on_delete=models.PROTECT,
                                  related_name="movements")
    supply_kind = models.ForeignKey(SupplyKind, verbose_name=_("物资"), on_delete=models.PROTECT,
                                    related_name="movements")
    batch = models.CharField(_("批次"), max_length=40, blank=True, default="")
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    delta = models.BigIntegerField(_("变动数量"))
    balance_after = models.BigIntegerField(_("变动后结存"))
    reason = models.CharField(_("事由"), max_length=300)
    reference = models.CharField(_("关联单号"), max_length=100, blank=True)
    pair = models.OneToOneField("self", verbose_name=_("对应调拨"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="paired")
    # Set on rows written by an import (one per file row): the same row imported again
    # finds its key taken and adds nothing.
    idempotency_key = models.CharField(_("幂等键"), max_length=80, null=True, blank=True, unique=True)
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    by_name = models.CharField(_("经办人"), max_length=150, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("出入库记录 Stock movement")
        verbose_name_plural = _("出入库记录 Stock movements")
        indexes = [
            models.Index(fields=["warehouse", "-at"], name="movement_warehouse_at"),
            models.Index(fields=["supply_kind", "-at"], name="movement_kind_at"),
        ]
        constraints = [models.CheckConstraint(condition=~Q(delta=0), name="movement_not_zero")]

    @property
    def quantity(self) -> int:
        return abs(self.delta)

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise DomainError("出入库记录不可修改", "A stock movement cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DomainError("出入库记录不可删除", "A stock movement cannot be deleted")


class StockAdjustment(models.Model):
    """A count's correction (盘点调整): requested by one person, approved or rejected
    by another; only the approval writes the movement and touches the balance."""

    scope_region = "warehouse__region__code"

    warehouse = models.ForeignKey(Warehouse, verbose_name=_("仓库"), on_delete=models.PROTECT,
                                  related_name="adjustments")
    supply_kind = models.ForeignKey(SupplyKind, verbose_name=_("物资"), on_delete=models.PROTECT,
                                    related_name="adjustments")
    batch = models.CharField(_("批次"), max_length=40, blank=True, default="")
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    delta = models.BigIntegerField(_("调整数量"))
    reason = models.CharField(_("事由"), max_length=300)
    state = models.CharField(_("状态"), max_length=10, choices=AdjustmentState.choices,
                             default=AdjustmentState.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_by_name = models.CharField(_("申请人"), max_length=150, blank=True)
    requested_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_by_name = models.CharField(_("审批人"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True)
    movement = models.OneToOneField(StockMovement, verbose_name=_("出入库记录"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="adjustment")

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("盘点调整 Stock adjustment")
        verbose_name_plural = _("盘点调整 Stock adjustments")
        constraints = [models.CheckConstraint(condition=~Q(delta=0), name="adjustment_not_zero")]


class ReserveStandard(models.Model):
    """How much of a kind a region should hold in reserve (储备标准), counted over the
    warehouses of the region's subtree."""

    scope_region = "region__code"

    region = models.ForeignKey("core.Region", verbose_name=_("区划"), on_delete=models.PROTECT,
                               related_name="reserve_standards")
    supply_kind = models.ForeignKey(SupplyKind, verbose_name=_("物资"), on_delete=models.PROTECT,
                                    related_name="standards")
    quantity = models.PositiveBigIntegerField(_("储备定额"), validators=[MaxValueValidator(MAX_QUANTITY)])
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        ordering = ["region_id", "supply_kind__sort", "supply_kind_id"]
        verbose_name = _("储备标准 Reserve standard")
        verbose_name_plural = _("储备标准 Reserve standards")
        constraints = [models.UniqueConstraint(fields=["region", "supply_kind"], name="reserve_standard_unique")]
