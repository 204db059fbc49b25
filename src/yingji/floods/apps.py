from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FloodsConfig(AppConfig):
    name = "yingji.floods"
    label = "floods"
    verbose_name = _("山洪 Flash floods")

    def ready(self):
        # Critical rainfall is checked on every new rain observation. Guarded so that
        # the floods app also loads where hydromet is not installed.
        try:
            from ..hydromet.services import register_listener
        except ImportError:
            return
        from .services import on_new_observations

        register_listener(on_new_observations)
