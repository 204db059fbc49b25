from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazchemConfig(AppConfig):
    """Hazardous chemicals (危化品全生命周期): the 2015 catalogue and the explosive
    precursors, the enterprises' licences, their inbound and outbound flows, and the
    reconciliation of every flow into work orders (工单) for the responsible region."""

    name = "yingji.hazchem"
    label = "hazchem"
    verbose_name = _("危险化学品 Hazardous chemicals")
