from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccidentsConfig(AppConfig):
    """Production-safety accidents (生产安全事故): the figures and grade of each, their
    versions (补报), the investigation, accountability (一案三查, 双说明, 补课), the
    hazards found afterwards, and the year's figures against the control targets."""

    name = "yingji.accidents"
    label = "accidents"
    verbose_name = _("生产安全事故 Accidents")
