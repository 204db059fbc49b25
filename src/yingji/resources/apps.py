from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    """Emergency resources (应急资源): rescue teams and their equipment, rescue stations,
    warehouses and the supplies ledger, dispatch of teams and supplies, and the video-dispatch
    drills that measure the three rates."""

    name = "yingji.resources"
    label = "resources"
    verbose_name = _("应急资源 Resources")
