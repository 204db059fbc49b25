"""Named constants of the core domain: region levels, organization kinds, roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.IntegerChoices):
    """Levels of the administrative tree; the number is the depth (province = 1)."""

    PROVINCE = 1, _("省")
    CITY = 2, _("市")
    COUNTY = 3, _("县（市、区）")
    TOWNSHIP = 4, _("乡镇（街道）")
    VILLAGE = 5, _("村（社区）")
    GRID = 6, _("网格")


class OrganizationKind(models.TextChoices):
    BUREAU = "bureau", _("应急管理部门")
    DEPARTMENT = "department", _("其他政府部门")
    GOVERNMENT = "government", _("乡镇/村级组织")
    ENTERPRISE = "enterprise", _("企业")
    INSURER = "insurer", _("保险机构")
    RESCUE_TEAM = "rescue_team", _("救援队伍")
    AGENCY = "agency", _("技术服务机构")


class Role(models.TextChoices):
    """What a person may do inside their scope."""

    ADMIN = "admin", _("管理员")
    OFFICER = "officer", _("工作人员")
    VIEWER = "viewer", _("只读")
    ENTERPRISE = "enterprise", _("企业用户")


WRITER_ROLES = {Role.ADMIN, Role.OFFICER}


class ShiftRole(models.TextChoices):
    """Who a roster shift puts on the duty desk (值班表): the duty officer takes the calls,
    the leader on duty (带班领导) answers for the shift, the backup (备班) stands in."""

    OFFICER = "officer", _("值班员 Duty officer")
    LEADER = "leader", _("带班领导 Leader on duty")
    BACKUP = "backup", _("备班 Backup")
