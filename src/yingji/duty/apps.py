from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    """The duty desk (值班值守): rosters, the duty log and its handovers, consultations
    and notices sent down, and emergency information reports (信息报送) passed up."""

    name = "yingji.duty"
    label = "duty"
    verbose_name = _("值班值守 Duty desk")

    def ready(self):
        from ..messaging.services import register_reply_batch_listener
        from .services.reports import on_replies

        # A "1" or "收到" replied to an information report's SMS confirms receipt.
        register_reply_batch_listener(on_replies)
