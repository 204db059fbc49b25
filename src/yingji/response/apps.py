from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponseConfig(AppConfig):
    """Emergency response (应急响应): declared levels and the orders they carry, risk
    points under control, evacuation (人员转移) and shelters (避灾安置场所)."""

    name = "yingji.response"
    label = "response"
    verbose_name = _("应急响应 Response")
