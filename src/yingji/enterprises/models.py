"""The register of enterprises and sites (企业/场所), their tags and licences."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..core.choices import RegionLevel
from ..core.phones import check_phones, validate_phone
from . import uscc
from .choices import Industry, LicenceKind, LicenceStatus, RiskGrade, Scale

# A licence within this many days of its end shows as expiring (default; per-site
# policy would move this to configuration once a bureau asks).
EXPIRING_WITHIN_DAYS = 30


def validate_uscc(value: str) -> None:
    try:
        uscc.validate(value)
    except uscc.USCCError as exc:
        raise ValidationError(str(exc), code="uscc") from exc


class Tag(models.Model):
    """A free label on enterprises (标签), e.g. 锂电池, 一厂多租, 危化品使用:
    campaigns select enterprises by these."""

    name = models.CharField(_("名称"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("标签 Tag")
        verbose_name_plural = _("标签 Tags")

    def __str__(self):
        return self.name


class Enterprise(models.Model):
    """An enterprise or site (企业/场所) under work-safety supervision, identified by
    its unified social credit code (统一社会信用代码) and located in a township."""

    scope_region = "region__code"
    scope_organization = "organization"

    name = models.CharField(_("企业名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc])
    address = models.CharField(_("地址"), max_length=300, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True,
                                  validators=[MinValueValidator(73), MaxValueValidator(136)])
    latitude = models.FloatField(_("纬度"), null=True, blank=True,
                                 validators=[MinValueValidator(3), MaxValueValidator(54)])
    region = models.ForeignKey("core.Region", verbose_name=_("所属乡镇（街道）"), on_delete=models.PROTECT)
    industry = models.CharField(_("行业"), max_length=30, choices=Industry.choices, default=Industry.OTHER)
    scale = models.CharField(_("规模"), max_length=10, choices=Scale.choices, default=Scale.SMALL)
    risk_grade = models.CharField(_("风险等级"), max_length=10, choices=RiskGrade.choices, default=RiskGrade.BLUE)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    employees = models.PositiveIntegerField(_("从业人数"), null=True, blank=True)
    tags = models.ManyToManyField("enterprises.Tag", verbose_name=_("标签"), blank=True, related_name="enterprises")
    organization = models.OneToOneField(
        "core.Organization", verbose_name=_("对应单位"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="enterprise",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("企业 Enterprise")
        verbose_name_plural = _("企业 Enterprises")
        indexes = [models.Index(fields=["risk_grade"]), models.Index(fields=["industry"])]

    def __str__(self):
        return self.name

    def clean(self):
        self.uscc = uscc.normalise(self.uscc or "")
        check_phones(self, contact_phone=validate_phone)
        if self.region_id and self.region.level < RegionLevel.TOWNSHIP:
            raise ValidationError({"region": _("企业必须登记到乡镇（街道）或以下")})
        if (self.longitude is None) != (self.latitude is None):
            raise ValidationError({"latitude": _("经度和纬度必须同时填写")})


class Licence(models.Model):
    """A licence (许可证) held by an enterprise, with its validity period."""

    scope_region = "enterprise__region__code"
    scope_organization = "enterprise__organization"

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="licences")
    kind = models.CharField(_("许可证类型"), max_length=30, choices=LicenceKind.choices)
    number = models.CharField(_("编号"), max_length=60)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期至"))

    class Meta:
        ordering = ["valid_to"]
        verbose_name = _("许可证 Licence")
        verbose_name_plural = _("许可证 Licences")
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="licence_unique_number")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("有效期至不能早于有效期起")})

    def status(self, today: dt.date | None = None) -> LicenceStatus:
        today = today or timezone.localdate()
        if self.valid_to < today:
            return LicenceStatus.EXPIRED
        if (self.valid_to - today).days <= EXPIRING_WITHIN_DAYS:
            return LicenceStatus.EXPIRING
        return LicenceStatus.VALID
