from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "yingji.messaging"
    label = "messaging"
    verbose_name = _("消息 Messaging")
