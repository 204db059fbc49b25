"""Named constants of the hazardous-chemical app."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class LicenceKind(models.TextChoices):
    PRODUCTION = "production", _("生产许可")
    TRADING = "trading", _("经营许可")
    USE = "use", _("使用许可")


# The licences under which an enterprise may sell a chemical (a producer sells its own).
SELLING_KINDS = (LicenceKind.TRADING, LicenceKind.PRODUCTION)
# The licences under which an enterprise may use a chemical that needs a permit.
USING_KINDS = (LicenceKind.USE, LicenceKind.PRODUCTION, LicenceKind.TRADING)


class Direction(models.TextChoices):
    IN = "in", _("入库（购入）")
    OUT = "out", _("出库（售出）")


class Unit(models.TextChoices):
    TONNE = "t", _("吨")
    KILOGRAM = "kg", _("千克")


# Kilograms per unit: quantities are compared and summed in kilograms.
KG_PER_UNIT = {Unit.TONNE: Decimal(1000), Unit.KILOGRAM: Decimal(1)}


class FindingKind(models.TextChoices):
    UNLICENSED_SELLER = "unlicensed_seller", _("销售方无经营许可")
    QUANTITY_MISMATCH = "quantity_mismatch", _("购销数量不一致")
    USE_OUTSIDE_PERMIT = "use_outside_permit", _("超许可范围使用")
    MANY_NEW_BUYERS = "many_new_buyers", _("短期内向多家新买方销售")


class WorkOrderState(models.TextChoices):
    OPEN = "open", _("待处理")
    ACCEPTED = "accepted", _("已受理")
    CASE_REQUESTED = "case_requested", _("已申请立案")
    CASE_OPENED = "case_opened", _("已立案")
    CLOSED = "closed", _("已办结")


# The states in which a work order waits for an officer, so that passing `due_at`
# makes it overdue (a case requested or opened is enforcement's to time).
OVERDUE_STATES = (WorkOrderState.OPEN, WorkOrderState.ACCEPTED)


# A chemical needs a use permit when it carries any of these flags (rule as data;
# settings.HAZCHEM_PERMIT_FLAGS overrides).
PERMIT_FLAGS = ("highly_toxic", "explosive_precursor")
