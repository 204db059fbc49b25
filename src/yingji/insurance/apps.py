from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsuranceConfig(AppConfig):
    name = "yingji.insurance"
    label = "insurance"
    verbose_name = _("巨灾保险 Catastrophe insurance")
