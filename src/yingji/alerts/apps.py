from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "yingji.alerts"
    label = "alerts"
    verbose_name = _("预警叫应 Warnings and call-up")

    def ready(self):
        from ..messaging.services import register_reply_batch_listener
        from .services import on_replies

        register_reply_batch_listener(on_replies)
