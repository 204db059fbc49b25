"""Parametric catastrophe policies (巨灾保险), their triggers, storms, trigger events and claims.

Money is RMB yuan in DecimalFields (to the fen). Scoping: a policy lives in the insured
region (the city, e.g. 3310); every row below a policy is scoped through it. Storms
and their positions are not regional data: any logged-in user may read them.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ClaimStatus, DistanceMethod, ForceRule, TrackSource, TriggerKind

MONEY = {"max_digits": 15, "decimal_places": 2}


class Policy(models.Model):
    """A parametric catastrophe insurance policy (巨灾保险保单) bought by a government for
    its region, split into lots (标段) among insurers. ``source_yaml`` keeps the file it
    was loaded from, verbatim, so that what was agreed can be replayed."""

    scope_region = "region__code"

    name = models.CharField(_("名称"), max_length=200, unique=True)
    insured = models.ForeignKey("core.Organization", verbose_name=_("被保险人"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="insured_policies")
    region = models.ForeignKey("core.Region", verbose_name=_("承保区域"), on_delete=models.PROTECT)
    period_start = models.DateField(_("保险期间起"))
    period_end = models.DateField(_("保险期间止"))
    premium_typhoon = models.DecimalField(_("台风保费"), default=Decimal(0), **MONEY)
    premium_rain = models.DecimalField(_("降雨保费"), default=Decimal(0), **MONEY)
    allocation_weights = models.JSONField(_("分摊权重"), default=dict, blank=True)
    contacts = models.JSONField(_("被保险人联系方式"), default=list, blank=True,
                                help_text="[{channel, to}]: where trigger notices to the insured go")
    source_yaml = models.TextField(_("保单文件原文"), blank=True)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["-period_start", "name"]
        verbose_name = _("巨灾保单 Policy")
        verbose_name_plural = _("巨灾保单 Policies")

    def __str__(self):
        return self.name

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("结束日期早于开始日期")})


class PolicyLot(models.Model):
    """A lot (标段) of a policy: the insurer that carries it and its share of the risk."""

    scope_region = "policy__region__code"

    policy = models.ForeignKey(Policy, verbose_name=_("保单"), on_delete=models.CASCADE, related_name="lots")
    name = models.CharField(_("标段"), max_length=100)
    insurer = models.ForeignKey("core.Organization", verbose_name=_("保险机构"), on_delete=models.PROTECT,
                                related_name="policy_lots")
    share = models.DecimalField(_("份额"), max_digits=7, decimal_places=6,
                                validators=[MinValueValidator(0), MaxValueValidator(1)])
    contacts = models.JSONField(_("保险机构联系方式"), default=list, blank=True)

    class Meta:
        ordering = ["policy_id", "name"]
        verbose_name = _("标段 Lot")
        verbose_name_plural = _("标段 Lots")
        constraints = [models.UniqueConstraint(fields=["policy", "name"], name="lot_unique_name")]

    def __str__(self):
        return f"{self.policy} {self.name}"


class TyphoonTrigger(models.Model):
    """A typhoon trigger (台风触发): the centre entering a circle (巨灾框) at or above a
    wind force; the payout by the force that counts, from a table."""

    scope_region = "policy__region__code"

    policy = models.ForeignKey(Policy, verbose_name=_("保单"), on_delete=models.CASCADE,
                               related_name="typhoon_triggers")
    center_lon = models.FloatField(_("中心经度"), validators=[MinValueValidator(-180), MaxValueValidator(360)])
    center_lat = models.FloatField(_("中心纬度"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    radius_km = models.FloatField(_("半径 km"), validators=[MinValueValidator(0)])
    min_force = models.PositiveSmallIntegerField(_("最低风力"), default=12, validators=[MaxValueValidator(18)])
    interpolate = models.BooleanField(_("按时间插值路径"), default=False)
    force_rule = models.CharField(_("计算风力"), max_length=10, choices=ForceRule.choices, default=ForceRule.MAX)
    distance_method = models.CharField(_("距离算法"), max_length=10, choices=DistanceMethod.choices,
                                       default=DistanceMethod.SPHERE)
    payouts = models.JSONField(_("赔付表"), help_text='{"12": 10000000, ...}: force -> RMB')

    class Meta:
        verbose_name = _("台风触发条件 Typhoon trigger")
        verbose_name_plural = _("台风触发条件 Typhoon triggers")

    def __str__(self):
        return f"{self.policy}: {self.radius_km:g} km ≥ {self.min_force}"


class RainTrigger(models.Model):
    """A heavy-rain trigger (强降雨触发): any window of ``window_hours`` at a designated
    station reaching ``threshold_mm`` triggers the station's county, once per event."""

    scope_region = "policy__region__code"

    policy = models.ForeignKey(Policy, verbose_name=_("保单"), on_delete=models.CASCADE,
                               related_name="rain_triggers")
    window_hours = models.FloatField(_("累计时长 h"), default=72, validators=[MinValueValidator(0.1)])
    threshold_mm = models.FloatField(_("阈值 mm"), default=140, validators=[MinValueValidator(0.1)])
    payout_per_county = models.DecimalField(_("每县赔付"), null=True, blank=True, **MONEY)
    payout_table = models.JSONField(_("按雨量赔付表"), null=True, blank=True,
                                    help_text='{"140": 1000000, "200": 3000000}: mm reached -> RMB')

    class Meta:
        verbose_name = _("降雨触发条件 Rain trigger")
        verbose_name_plural = _("降雨触发条件 Rain triggers")

    def __str__(self):
        return f"{self.policy}: {self.window_hours:g} h ≥ {self.threshold_mm:g} mm"


class DesignatedStation(models.Model):
    """A designated weather station (指定气象站) whose rainfall counts for a county."""

    scope_region = "trigger__policy__region__code"

    trigger = models.ForeignKey(RainTrigger, verbose_name=_("降雨触发条件"), on_delete=models.CASCADE,
                                related_name="stations")
    county = models.ForeignKey("core.Region", verbose_name=_("县（市、区）"), on_delete=models.PROTECT)
    station_code = models.CharField(_("站号"), max_length=30)

    class Meta:
        ordering = ["county_id", "station_code"]
        verbose_name = _("指定站点 Designated station")
        verbose_name_plural = _("指定站点 Designated stations")
        constraints = [models.UniqueConstraint(fields=["trigger", "station_code"], name="station_once_per_trigger")]


class PremiumShare(models.Model):
    """A county's share of the premium (保费分摊) and so of the payouts: the typhoon share
    from weighted indicators (GDP, typhoon history, location, area, resident
    population), the rain share equal among counties."""

    scope_region = "policy__region__code"

    policy = models.ForeignKey(Policy, verbose_name=_("保单"), on_delete=models.CASCADE,
                               related_name="premium_shares")
    county = models.ForeignKey("core.Region", verbose_name=_("县（市、区）"), on_delete=models.PROTECT)
    gdp = models.FloatField(_("GDP"), default=0)
    typhoon_history = models.FloatField(_("历史台风"), default=0)
    location = models.FloatField(_("地理位置"), default=0)
    area = models.FloatField(_("面积"), default=0)
    population = models.FloatField(_("常住人口"), default=0)
    typhoon_share = models.DecimalField(_("台风份额"), max_digits=9, decimal_places=8)
    rain_share = models.DecimalField(_("降雨份额"), max_digits=9, decimal_places=8)

    class Meta:
        ordering = ["policy_id", "county_id"]
        verbose_name = _("保费分摊 Premium share")
        verbose_name_plural = _("保费分摊 Premium shares")
        constraints = [models.UniqueConstraint(fields=["policy", "county"], name="share_once_per_county")]


class Storm(models.Model):
    """A tropical cyclone (热带气旋), from the CMA best track or followed live."""

    code = models.CharField(_("编号"), max_length=40, unique=True,
                            help_text="CMA: '2019-12 (1909)' (season, order, CN number); live: free")
    name = models.CharField(_("名称"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(_("年份"))
    cn_id = models.CharField(_("中国编号"), max_length=20, blank=True)
    intl_id = models.CharField(_("国际编号"), max_length=10, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=TrackSource.choices, default=TrackSource.LIVE)

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("台风 Storm")
        verbose_name_plural = _("台风 Storms")

    def __str__(self):
        return f"{self.code} {self.name}".strip()


class TrackPosition(models.Model):
    """A position of a storm's centre (路径点) at a time (UTC stored as aware)."""

    storm = models.ForeignKey(Storm, verbose_name=_("台风"), on_delete=models.CASCADE, related_name="positions")
    time = models.DateTimeField(_("时间"))
    lat = models.FloatField(_("纬度"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.FloatField(_("经度"), validators=[MinValueValidator(0), MaxValueValidator(360)])
    wind = models.FloatField(_("最大风速 m/s"), null=True, blank=True, validators=[MinValueValidator(0)])
    pressure = models.FloatField(_("中心气压 hPa"), null=True, blank=True, validators=[MinValueValidator(0)])
    grade = models.SmallIntegerField(_("等级"), null=True, blank=True)

    class Meta:
        ordering = ["storm_id", "time"]
        verbose_name = _("路径点 Track position")
        verbose_name_plural = _("路径点 Track positions")
        constraints = [models.UniqueConstraint(fields=["storm", "time"], name="position_once_per_time")]


class TriggerEvent(models.Model):
    """A trigger event (触发事件): one policy trigger met by one storm, or by one county's
    rain event. Unique per policy, trigger and event, so re-evaluating the same data
    updates it and never creates a second. ``inputs`` holds everything needed to
    recompute it (the trigger's terms and the track or the station series);
    ``evidence`` what was found (positions inside with distances and forces, or the
    window and its total); ``allocation`` the payout per county by premium share."""

    scope_region = "policy__region__code"

    policy = models.ForeignKey(Policy, verbose_name=_("保单"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("类型"), max_length=10, choices=TriggerKind.choices)
    trigger_id = models.PositiveIntegerField(_("触发条件编号"))
    event_key = models.CharField(_("事件键"), max_length=80,
                                 help_text="typhoon: the storm code; rain: county and the start of its event")
    storm = models.ForeignKey(Storm, verbose_name=_("台风"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="events")
    county = models.ForeignKey("core.Region", verbose_name=_("县（市、区）"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(_("触发时间"), help_text="first position inside / end of the rain window")
    force = models.SmallIntegerField(_("风力"), null=True, blank=True)
    min_distance_km = models.FloatField(_("最近距离 km"), null=True, blank=True)
    station_code = models.CharField(_("站号"), max_length=30, blank=True)
    total_mm = models.FloatField(_("累计雨量 mm"), null=True, blank=True)
    payout = models.DecimalField(_("赔付金额"), **MONEY)
    allocation = models.JSONField(_("分配"), default=dict, help_text="{county code: RMB}")
    evidence = models.JSONField(_("证据"), default=dict)
    inputs = models.JSONField(_("计算输入"), default=dict)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "id"]
        verbose_name = _("触发事件 Trigger event")
        verbose_name_plural = _("触发事件 Trigger events")
        constraints = [models.UniqueConstraint(fields=["policy", "kind", "trigger_id", "event_key"],
                                               name="event_once_per_trigger")]

    def __str__(self):
        return f"{self.policy} {self.kind} {self.event_key}"


class Claim(models.Model):
    """A claim (理赔) following a trigger event: notified → verified → paid, each with its
    time and who, so "paid within 6 hours of the notice" is a query."""

    scope_region = "event__policy__region__code"

    event = models.OneToOneField(TriggerEvent, verbose_name=_("触发事件"), on_delete=models.PROTECT,
                                 related_name="claim")
    status = models.CharField(_("状态"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.NOTIFIED)
    amount = models.DecimalField(_("金额"), **MONEY)
    notified_at = models.DateTimeField(_("通知时间"))
    verified_at = models.DateTimeField(_("核定时间"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("核定人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    paid_at = models.DateTimeField(_("赔付时间"), null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("赔付登记人"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    # What the person confirming a step declares (the *_at stamps are when it was recorded):
    # the day the claim was verified, with a note; the day it was paid and the voucher.
    verified_on = models.DateField(_("核定日期"), null=True, blank=True)
    verify_note = models.TextField(_("核定意见"), blank=True)
    paid_on = models.DateField(_("赔付日期"), null=True, blank=True)
    voucher = models.CharField(_("赔付凭证号"), max_length=100, blank=True)

    class Meta:
        ordering = ["-notified_at"]
        verbose_name = _("理赔 Claim")
        verbose_name_plural = _("理赔 Claims")

    def __str__(self):
        return f"{self.event} {self.status}"
