from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    """Administrative enforcement (行政执法): cases from any source through their steps
    and deadlines, penalty decisions with the discretion rules that applied, evidence
    with its hashes and chain of custody, transfers to the police and stop-production
    orders with their reopening checks."""

    name = "yingji.enforcement"
    label = "enforcement"
    verbose_name = _("行政执法 Enforcement")
