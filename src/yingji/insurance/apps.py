from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsuranceConfig(AppConfig):
    name = "yingji.insurance"
    label = "insurance"
    verbose_name = _("巨灾保险 Catastrophe insurance")

    def ready(self):
        # Live rain: evaluate the rain triggers whenever hydromet stores observations.
        # Guarded so that the insurance app also runs where hydromet is not installed.
        try:
            from ..hydromet.services import register_listener
        except ImportError:
            return
        from .services import on_new_observations

        register_listener(on_new_observations)
