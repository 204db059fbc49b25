"""The rows an import refused, as a file to correct and import again.

An import reports its bad rows by row number; an officer with 40 bad rows out of
3,000 then has to find each in the original file. Instead the import hands its bad
rows here, in its own template layout with a last column saying why (in Chinese),
and the report page offers them as .xlsx or CSV (written by the shared safe writer,
core.exports): the officer fixes the cells and imports that file. Every import
ignores the reason column (`REASON_HEADER`).

The rows are kept as a `RejectedRows` row that only the person who imported may
fetch, for `KEEP_DAYS`; older ones are deleted when new ones are kept.
"""

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone

from .errors import NotFound
from .models import RejectedRows

REASON_HEADER = "错误原因"
KEEP_DAYS = 7


def rejects_keep(*, by, name: str, title: str, header: list[str], rows: list[list]) -> RejectedRows | None:
    """Keep `rows` (each ending with its reason) for `by` to download; None when
    there are none. Values must be JSON (text, numbers, booleans; dates as text)."""
    if not rows:
        return None
    with transaction.atomic():
        RejectedRows.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=KEEP_DAYS)).delete()
        return RejectedRows.objects.create(created_by=by, name=name[:60], title=title[:31],
                                           header=[*header, REASON_HEADER], rows=[_json(r) for r in rows])


def rejects_get(*, by, token: uuid.UUID | str) -> RejectedRows:
    """The kept rows of `token`, only for the person who imported them."""
    found = RejectedRows.objects.filter(token=token, created_by_id=getattr(by, "pk", None),
                                        created_at__gte=timezone.now() - dt.timedelta(days=KEEP_DAYS)).first()
    if found is None:
        raise NotFound("未通过的行已过期或不存在，请重新导入", "The rejected rows have expired or do not exist")
    return found


def rejects_file(rejected: RejectedRows, fmt: str) -> bytes:
    from .exports import write

    return write(fmt, rejected.title, [rejected.header, *rejected.rows],
                 widths=[max(10, min(len(str(h)) * 2 + 2, 40)) for h in rejected.header])


def reason_zh(message: str) -> str:
    """The Chinese half of a "中文 / English" message."""
    return message.split(" / ")[0].strip()


def _json(row: list) -> list:
    return [_cell(v) for v in row]


def _cell(value):
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
