"""Regions, organizations, people, duties, API tokens and the audit log.

Scoping: every model that is read through a selector declares where its region code
lives (`scope_region`, a lookup path ending at a Region code) and, where enterprise
users may see it, where its organization lives (`scope_organization`). `core.scope`
reads these; nothing else filters by region.
"""

import datetime as dt
import hashlib
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import regioncodes, text
from .choices import OrganizationKind, RegionLevel, Role, ShiftRole
from .phones import check_phones, validate_mobile, validate_phone

# A mobile or phone number as the API, the forms and the people import accept it:
# digits with an optional leading +, 5 to 19 of them ("abc" is no phone). Empty is allowed
# (a person registered without one); the import requires one, as its key.
MOBILE_PATTERN = r"^(\+?\d{5,19})?$"

# China's bounding box in WGS84 degrees (lon, lat), for region locations.
LON_RANGE = (73.0, 136.0)
LAT_RANGE = (3.0, 54.0)


class Region(models.Model):
    """An administrative region (行政区划): province, city, county, township, village,
    or a grid (网格). The code is the statistical code, and a child's code always
    starts with its parent's, so a region's subtree is a prefix match."""

    scope_region = "code"

    code = models.CharField(_("代码"), max_length=15, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    full_name = models.CharField(_("全称"), max_length=300, editable=False)
    # The name's pinyin initials ("大溪镇" → "dxz"), for the region picker's search.
    initials = models.CharField(_("拼音首字母"), max_length=100, blank=True, editable=False, db_index=True)
    # Where the region is drawn on maps (a village's committee, say), WGS84 degrees.
    # Optional: official codes come without a location. The ranges are China's
    # bounding box, so swapped lon/lat or a lost minus sign is refused, not mapped.
    lon = models.FloatField(_("经度"), null=True, blank=True, validators=[
        MinValueValidator(LON_RANGE[0], _("经度应在 73 至 136 之间 / longitude must be between 73 and 136")),
        MaxValueValidator(LON_RANGE[1], _("经度应在 73 至 136 之间 / longitude must be between 73 and 136"))])
    lat = models.FloatField(_("纬度"), null=True, blank=True, validators=[
        MinValueValidator(LAT_RANGE[0], _("纬度应在 3 至 54 之间 / latitude must be between 3 and 54")),
        MaxValueValidator(LAT_RANGE[1], _("纬度应在 3 至 54 之间 / latitude must be between 3 and 54"))])

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划 Region")
        verbose_name_plural = _("行政区划 Regions")
        indexes = [models.Index(fields=["level", "code"])]

    def __str__(self):
        return self.full_name or self.name

    def clean(self):
        expected = regioncodes.LENGTH.get(self.level)
        if expected and len(self.code) != expected:
            raise ValidationError({"code": _("该层级的代码应为 %(n)d 位") % {"n": expected}})
        if not self.code.isdigit():
            raise ValidationError({"code": _("代码只能包含数字")})
        if self.parent_id is None and self.level != RegionLevel.PROVINCE:
            raise ValidationError({"parent": _("必须指定上级区划")})
        if self.parent_id is not None:
            if not self.code.startswith(self.parent_id):
                raise ValidationError({"code": _("下级区划代码必须以上级代码开头")})
            if self.level != self.parent.level + 1:
                raise ValidationError({"level": _("层级必须比上级低一级")})
        if (self.lon is None) != (self.lat is None):
            raise ValidationError({"lat" if self.lat is None else "lon":
                                   _("经度和纬度须同时填写 / longitude and latitude go together")})

    def save(self, *args, **kwargs):
        self.full_name = (self.parent.full_name if self.parent_id else "") + self.name
        self.initials = text.pinyin_initials(self.name)
        if kwargs.get("update_fields") is not None and "full_name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "initials"}
        super().save(*args, **kwargs)


class Organization(models.Model):
    """An organization (单位): a bureau, a department, a township government, an
    enterprise, an insurer, a rescue team or a technical agency."""

    scope_region = "region__code"
    scope_organization = "pk"

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=OrganizationKind.choices)
    region = models.ForeignKey("core.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    phone = models.CharField(_("电话"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("单位 Organization")
        verbose_name_plural = _("单位 Organizations")

    def __str__(self):
        return self.name

    def clean(self):
        check_phones(self, phone=validate_phone)


class Person(models.Model):
    """A person (人员) known to the platform: an officer, a grid worker, a village
    cadre, an enterprise safety officer. May log in (`user`); sees the subtree of
    `region`, or only their own organization when they are an enterprise user."""

    scope_region = "region__code"
    scope_organization = "organization"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="person",
    )
    name = models.CharField(_("姓名"), max_length=50)
    mobile = models.CharField(_("手机号"), max_length=20, blank=True)
    region = models.ForeignKey("core.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT)
    organization = models.ForeignKey(
        "core.Organization", verbose_name=_("单位"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="people",
    )
    title = models.CharField(_("职务"), max_length=100, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    superior = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="subordinates",
    )
    active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("人员 Person")
        verbose_name_plural = _("人员 People")

    def __str__(self):
        return self.name

    def clean(self):
        check_phones(self, mobile=validate_mobile)
        if self.role == Role.ENTERPRISE and (
            self.organization_id is None or self.organization.kind != OrganizationKind.ENTERPRISE
        ):
            raise ValidationError({"organization": _("企业用户必须属于一个企业单位")})


class DutyKind(models.Model):
    """A kind of position of responsibility (职责), e.g. 防汛责任人, 网格员,
    安全管理员. Data, not code: provinces add their own."""

    code = models.SlugField(_("代码"), max_length=50, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(
        _("适用层级"), choices=RegionLevel.choices, null=True, blank=True,
    )
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("职责类型 Duty kind")
        verbose_name_plural = _("职责类型 Duty kinds")

    def __str__(self):
        return self.name


class Duty(models.Model):
    """A person holding a position of responsibility (职责) in a region, e.g. the
    flood-control chief (防汛责任人) of a village, or the safety officer of an
    enterprise (then `organization` is that enterprise)."""

    scope_region = "region__code"
    scope_organization = "organization"

    person = models.ForeignKey("core.Person", verbose_name=_("人员"), on_delete=models.CASCADE, related_name="duties")
    kind = models.ForeignKey("core.DutyKind", verbose_name=_("职责"), on_delete=models.PROTECT)
    region = models.ForeignKey("core.Region", verbose_name=_("区划"), on_delete=models.PROTECT)
    organization = models.ForeignKey(
        "core.Organization", verbose_name=_("单位"), null=True, blank=True, on_delete=models.CASCADE,
    )

    class Meta:
        ordering = ["region_id", "kind_id"]
        verbose_name = _("职责 Duty")
        verbose_name_plural = _("职责 Duties")
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "region"], name="duty_unique_per_region"),
        ]

    def __str__(self):
        return f"{self.region_id} {self.kind_id} {self.person_id}"


class RosterShift(models.Model):
    """One person's shift on a bureau's duty roster (值班表): who holds the desk of a
    region from `starts_at` to `ends_at`, and in which role. A roster is the set of
    shifts of one region; during a response it is reinforced (联合值班) with extra
    shifts marked `reinforced`. The call-up's duty-officer step and the public reach
    whoever is on shift now (core.selectors.on_duty), so the shifts live beside the
    duties they stand for; the duty app edits, imports and publishes them."""

    scope_region = "region__code"

    region = models.ForeignKey("core.Region", verbose_name=_("区划"), on_delete=models.PROTECT)
    person = models.ForeignKey("core.Person", verbose_name=_("人员"), on_delete=models.PROTECT,
                               related_name="shifts")
    role = models.CharField(_("岗位"), max_length=16, choices=ShiftRole.choices, default=ShiftRole.OFFICER)
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    reinforced = models.BooleanField(_("加强值班"), default=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["region_id", "starts_at", "role"]
        verbose_name = _("值班班次 Roster shift")
        verbose_name_plural = _("值班班次 Roster shifts")
        indexes = [models.Index(fields=["region", "ends_at", "starts_at"], name="shift_region_now")]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="shift_ends_after_start"),
            models.UniqueConstraint(fields=["region", "person", "role", "starts_at"], name="shift_unique"),
        ]

    def __str__(self):
        return f"{self.region_id} {self.role} {self.person_id} {self.starts_at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored: a leaked database
    does not leak working tokens. It ends at `expires_at` (YINGJI_TOKEN_TTL_HOURS after
    it was issued), and is deleted on logout, by its owner, on a password change and
    when the account is deactivated (core/tokens.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), db_index=True)

    class Meta:
        verbose_name = _("API 令牌 API token")
        verbose_name_plural = _("API 令牌 API tokens")

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user) -> str:
        key = secrets.token_urlsafe(32)
        ttl = dt.timedelta(hours=settings.YINGJI_TOKEN_TTL_HOURS)
        cls.objects.create(user=user, key_hash=cls.hash(key), expires_at=timezone.now() + ttl)
        return key


class AuditHead(models.Model):
    """The single row holding the chain's last hash. Writers lock it, so that two
    concurrent changes cannot both link to the same predecessor."""

    last_hash = models.CharField(max_length=64, default="0" * 64)
    last_seq = models.BigIntegerField(default=0)


class AuditRecord(models.Model):
    """One audited change (审计记录): who did what to which record, with the state
    before and after, linked to the previous record by hash so tampering shows."""

    scope_region = "region_code"

    seq = models.BigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
        on_delete=models.SET_NULL, db_constraint=False,
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150)
    action = models.CharField(_("操作"), max_length=60)
    object_type = models.CharField(_("对象类型"), max_length=60)
    object_id = models.CharField(_("对象编号"), max_length=60)
    region_code = models.CharField(_("区划代码"), max_length=15, blank=True, db_index=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # HMAC(YINGJI_AUDIT_KEY, hash): re-hashing the chain needs a key the database lacks.
    mac = models.CharField(max_length=64, default="")

    class Meta:
        ordering = ["seq"]
        verbose_name = _("审计记录 Audit record")
        verbose_name_plural = _("审计记录 Audit records")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("审计记录不可修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("审计记录不可删除"))


class RejectedRows(models.Model):
    """The rows an import refused (导入未通过的行), in the import's own template layout
    with a column saying why, kept for the person who imported them to download,
    correct and import again (core/rejects.py). Only that person may fetch them, and
    they are deleted after `rejects.KEEP_DAYS`."""

    token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    name = models.CharField(max_length=60)  # the download's file name, before the date
    title = models.CharField(max_length=31)  # the worksheet's title
    header = models.JSONField(default=list)
    rows = models.JSONField(default=list)

    class Meta:
        verbose_name = _("导入未通过的行 Rejected import rows")
        verbose_name_plural = _("导入未通过的行 Rejected import rows")
