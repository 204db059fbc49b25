from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "yingji.core"
    label = "core"
    verbose_name = _("基础 Core")

    def ready(self):
        # Create the Celery app with Django, so @shared_task binds to it everywhere.
        from .. import celery  # noqa: F401

        # Signal receivers: tokens end with the password; lockouts are audited.
        from . import (  # noqa: F401
            checks,  # noqa: F401  (registers the system checks)
            throttle,
            tokens,
        )
