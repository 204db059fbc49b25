"""The core's scheduler ticks."""

from django.conf import settings

from .audit_checkpoints import write_checkpoint
from .scheduler import register_tick

# Records deleted after the last checkpoint go unnoticed: the period bounds that window.
register_tick("core.audit_checkpoint", write_checkpoint, every_seconds=settings.YINGJI_AUDIT_CHECKPOINT_SECONDS)
