"""The audit of map reads: who looked at which layer, where, and how much they saw.

A map pans, zooms and refreshes every 30 seconds, each time once per switched-on layer:
a record per request would be dozens a minute per open map, each taking the audit
chain's head lock (core.audit) and burying the records of changes. So reads are audited
the way the project audits repeated machine events and reads (one record per batch,
`notice.read` once per reader): ONE record when a person opens a layer, and again only
after READ_WINDOW of not having one. The record names the layer, the first viewport and
how many features it held; the scope (the person's region) bounds every later viewport
of the window, so nothing outside what was recorded as visible to them can be read.
"""

import datetime as dt

from django.utils import timezone

from ...core import audit
from ...core.models import AuditRecord
from ...core.scope import Scope

READ_WINDOW = dt.timedelta(minutes=30)
ACTION = "map_view"
OBJECT_TYPE = "map.layer"


def record_read(*, user, scope: Scope, layer: str, bbox, total: int, clustered: bool,
                now: dt.datetime | None = None) -> bool:
    """Audit the read unless this person read this layer within READ_WINDOW; True when
    a record was written. The lookup uses the (object_type, object_id) index."""
    now = now or timezone.now()
    object_id = f"{layer}:{user.pk}"[:60]
    if AuditRecord.objects.filter(object_type=OBJECT_TYPE, object_id=object_id, at__gte=now - READ_WINDOW).exists():
        return False
    audit.record(actor=user, action=ACTION, object_type=OBJECT_TYPE, object_id=object_id,
                 region_code=scope.region_code or "",
                 after={"layer": layer, "bbox": list(bbox) if bbox else None, "features": total,
                        "clustered": clustered})
    return True
