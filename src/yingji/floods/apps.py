from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FloodsConfig(AppConfig):
    name = "yingji.floods"
    label = "floods"
    verbose_name = _("山洪 Flash floods")
