from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandConfig(AppConfig):
    """Command views (一图展现 · 一键指挥): one map over every module's layers, the cockpit for
    the big screen and the role-aware home panels. It reads other apps through their
    selectors and their `map_layers` modules; it owns no records of its own."""

    name = "yingji.command"
    label = "command"
    verbose_name = _("指挥 Command")
