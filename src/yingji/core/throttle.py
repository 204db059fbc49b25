"""Login throttling: django-axes, weighed our way, with a lockout message that says
when it ends and an audit record of every lockout.

Both the login page and `POST /api/auth/token` authenticate through Django with the
request, so axes counts the failures of both in its tables (SQLite and PostgreSQL
alike) and AxesMiddleware swaps the answer for `lockout_response` once locked.
"""

import datetime as dt
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

from . import audit
from .errors import bilingual, error_json


class LoginThrottle(AxesDatabaseHandler):
    """Failures by account and by address, each against its own limit. axes compares
    one number with one limit (AXES_FAILURE_LIMIT, the account's), so an address's
    failures are scaled to it: the address reaches the limit exactly when it has
    failed YINGJI_LOGIN_ADDRESS_LIMIT times. The attempts come in the order of
    AXES_LOCKOUT_PARAMETERS: by username, then by address."""

    def get_failures(self, request, credentials=None) -> int:
        by_account, by_address = (q.aggregate(n=Sum("failures_since_start"))["n"] or 0
                                  for q in self.get_user_attempts(request, credentials))
        scaled = by_address * settings.YINGJI_LOGIN_ACCOUNT_LIMIT // settings.YINGJI_LOGIN_ADDRESS_LIMIT
        return max(by_account, scaled)


def client_address(request) -> str | None:
    """REMOTE_ADDR, or behind YINGJI_PROXY_COUNT proxies the address the first of them
    saw: a client can prepend anything to X-Forwarded-For, but not append."""
    count = settings.YINGJI_PROXY_COUNT
    if count:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")


def locked_until(now: dt.datetime | None = None) -> dt.datetime:
    """A lockout lasts the cool-off after the last failure; a locked-out try is a
    failure too, so it ends that long after this one."""
    return (now or timezone.now()) + dt.timedelta(minutes=settings.YINGJI_LOGIN_LOCKOUT_MINUTES)


def lockout_message(until: dt.datetime) -> tuple[str, str]:
    local = timezone.localtime(until)
    minutes = math.ceil((until - timezone.now()).total_seconds() / 60)
    return (f"登录失败次数过多，已暂时锁定，请于 {local:%H:%M}（约 {minutes} 分钟后）再试",
            f"Too many failed logins: locked until {local:%H:%M} (in about {minutes} minutes)")


def lockout_response(request, original_response=None, credentials=None):
    zh, en = lockout_message(locked_until())
    if request.path.startswith("/api/"):
        return error_json(429, "locked_out", bilingual(zh, en))
    from django.contrib.auth.forms import AuthenticationForm

    # Unbound: a bound form would authenticate again when the template reads its errors.
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    return render(request, "registration/login.html", {"form": form, "lockout": bilingual(zh, en)}, status=429)


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs):
    audit.record(actor=None, action="login_lockout", object_type="auth.user", object_id=(username or "")[:60],
                 after={"username": username, "address": ip_address,
                        "until": locked_until().isoformat(), "path": request.path})
