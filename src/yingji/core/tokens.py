"""API tokens end: at their expiry, on logout, when their owner revokes them, when the
owner's password changes and when the account (or its person) is deactivated.

The last two are signals on the user and the person: not a workflow but the
invalidation of a credential derived from the password and the account, which must
happen however the change was made (the UI, the admin, `changepassword`).
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from . import audit
from .errors import NotFound
from .models import ApiToken, Person

# Write the last use at most once a minute: a busy client must not turn every read
# into a write.
TOUCH_SECONDS = 60


def issue(*, user) -> str:
    """A new token for `user` (who has just given their password)."""
    with transaction.atomic():
        key = ApiToken.issue(user)
        row = ApiToken.objects.get(key_hash=ApiToken.hash(key))
        audit.record(actor=user, action="issue_token", obj=row, region_code=_region(user),
                     after={"expires_at": row.expires_at.isoformat()})
    return key


def live(key: str, *, now: dt.datetime | None = None) -> ApiToken | None:
    """The token with this key if it may still be used, its last use noted."""
    now = now or timezone.now()
    row = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(key), expires_at__gt=now).first()
    if row is None or not row.user.is_active:
        return None
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > TOUCH_SECONDS:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row


def token_list(*, user, now: dt.datetime | None = None):
    """The user's own tokens that can still be used, newest first."""
    return ApiToken.objects.filter(user=user, expires_at__gt=now or timezone.now()).order_by("-created_at")


def token_get(*, user, id: int) -> ApiToken:
    """One of the user's own tokens; anyone else's is not found."""
    row = ApiToken.objects.filter(user=user, pk=id).first()
    if row is None:
        raise NotFound()
    return row


def revoke(*, by, token: ApiToken, reason: str = "revoked") -> None:
    with transaction.atomic():
        audit.record(actor=by, action="revoke_token", obj=token, region_code=_region(token.user),
                     before={"expires_at": token.expires_at.isoformat()}, after={"reason": reason})
        token.delete()


def revoke_all(*, user, reason: str) -> int:
    ids = list(ApiToken.objects.filter(user=user).values_list("pk", flat=True))
    if ids:
        with transaction.atomic():
            ApiToken.objects.filter(pk__in=ids).delete()
            audit.record(actor=None, action="revoke_tokens", object_type="core.apitoken",
                         object_id=f"user:{user.pk}", region_code=_region(user),
                         after={"reason": reason, "ids": sorted(ids)})
    return len(ids)


def _region(user) -> str:
    person = Person.objects.filter(user=user).only("region_id").first()
    return person.region_id if person else ""


# Invalidation -------------------------------------------------------------------------

@receiver(pre_save, sender=get_user_model(), dispatch_uid="tokens.user_before")
@receiver(pre_save, sender=Person, dispatch_uid="tokens.person_before")
def _remember(sender, instance, **kwargs):
    """What the row was before this save (one read; none for a new row)."""
    fields = ("password", "is_active") if sender is get_user_model() else ("active",)
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not set(fields) & set(update_fields):
        instance._tokens_before = None  # e.g. last_login on every login: nothing to compare
        return
    old = sender.objects.filter(pk=instance.pk).values(*fields).first() if instance.pk else None
    instance._tokens_before = old


@receiver(post_save, sender=get_user_model(), dispatch_uid="tokens.user_after")
def _user_changed(sender, instance, created, **kwargs):
    old = getattr(instance, "_tokens_before", None)
    if old is None:
        return
    if old["password"] != instance.password:
        revoke_all(user=instance, reason="password changed")
    elif old["is_active"] and not instance.is_active:
        revoke_all(user=instance, reason="account deactivated")


@receiver(post_save, sender=Person, dispatch_uid="tokens.person_after")
def _person_changed(sender, instance, created, **kwargs):
    old = getattr(instance, "_tokens_before", None)
    if old is not None and old["active"] and not instance.active and instance.user_id:
        revoke_all(user=instance.user, reason="person deactivated")
