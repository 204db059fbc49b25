"""A copy of each audit checkpoint, sent by message to an address out of the
database's reach (settings.YINGJI_AUDIT_CHECKPOINT_TO, "channel:address", e.g.
"email:audit@bureau.example" or "webhook:https://archive.example/yingji").

The core writes checkpoints to its file (core/audit_checkpoints.py) and imports no
app; this tick reads the newest one and puts it in the outbox under a key of its own,
so each checkpoint is sent once however often the tick runs. The receiver keeps the
signed line; `yingji audit verify` against a restored checkpoint file shows a cut.
"""

from django.conf import settings

from ..core import audit_checkpoints
from . import services


def send_latest_checkpoint():
    target = settings.YINGJI_AUDIT_CHECKPOINT_TO
    point = audit_checkpoints.last_checkpoint() if target else None
    if point is None:
        return None
    channel, _, to = target.partition(":")
    return services.send(channel=channel, to=to, subject=f"Yingji 审计检查点 / audit checkpoint {point.seq}",
                         text=f"审计链检查点 / audit chain checkpoint:\n{point.line()}",
                         idempotency_key=f"audit-checkpoint:{point.seq}:{point.hash[:16]}")
