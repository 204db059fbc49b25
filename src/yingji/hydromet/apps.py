from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HydrometConfig(AppConfig):
    name = "yingji.hydromet"
    label = "hydromet"
    verbose_name = _("水文气象 Hydromet")
