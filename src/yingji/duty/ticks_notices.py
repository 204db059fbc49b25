"""The notices' reply-by timer: remind the regions whose deadline has come, once."""

from functools import partial

from yingji.core.scheduler import register_tick

from .services.notices import remind_overdue

register_tick("duty.notices.remind_overdue", partial(remind_overdue, limit=500), every_seconds=30)
