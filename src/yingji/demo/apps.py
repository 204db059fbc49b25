from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The embedded demo: no models of its own, only the seed and the `demo` command,
    which gathers the other apps' demo modules (so core imports no app)."""

    name = "yingji.demo"
    label = "demo"
    verbose_name = _("演示 Demo")
