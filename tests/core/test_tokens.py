"""API tokens end: at their expiry, on logout, on a password change, on deactivation,
and when their owner revokes them on the tokens page. Nobody revokes anyone else's."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from yingji.core.models import ApiToken, AuditRecord

from ..conftest import ApiClient


def _token(username="t-wenling", password="pw") -> str:
    r = Client().post("/api/auth/token", {"username": username, "password": password},
                      content_type="application/json")
    assert r.status_code == 200, r.content
    return r.json()["token"]


def _me(token: str) -> int:
    return Client().get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code


@pytest.mark.django_db
def test_a_token_ends_after_the_configured_hours(wenling_officer, settings):
    settings.YINGJI_TOKEN_TTL_HOURS = 2
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        r = Client().post("/api/auth/token", {"username": "t-wenling", "password": "pw"},
                          content_type="application/json")
        token = r.json()["token"]
        assert r.json()["expires_in"] == 2 * 3600
        traveller.move_to(start + dt.timedelta(hours=2) - dt.timedelta(seconds=1))
        assert _me(token) == 200
        traveller.move_to(start + dt.timedelta(hours=2))
        assert _me(token) == 401


@pytest.mark.django_db
def test_a_password_change_ends_every_token_of_the_account(wenling_officer, taizhou_officer):
    token, other_token = _token(), _token("t-taizhou")
    user = wenling_officer.user
    user.set_password("new-secret")
    user.save()
    assert _me(token) == 401
    assert _me(other_token) == 200  # the control: someone else's token lives on
    assert _me(_token(password="new-secret")) == 200
    assert AuditRecord.objects.filter(action="revoke_tokens", after__reason="password changed").exists()


@pytest.mark.django_db
def test_deactivating_the_account_ends_its_tokens_for_good(wenling_officer):
    token = _token()
    user = wenling_officer.user
    user.is_active = False
    user.save()
    user.is_active = True
    user.save()
    assert _me(token) == 401


@pytest.mark.django_db
def test_deactivating_the_person_through_the_api_ends_their_tokens(api_as, wenling_officer, taizhou_officer):
    token = _token()
    r = api_as(taizhou_officer).patch(f"/api/people/{wenling_officer.pk}", {"active": False})
    assert r.status_code == 200, r.content
    assert ApiToken.objects.filter(user=wenling_officer.user).count() == 0
    assert _me(token) == 401


@pytest.mark.django_db
def test_logout_ends_only_the_token_it_was_sent_with(wenling_officer):
    first, second = _token(), _token()
    r = Client().post("/api/auth/logout", headers={"Authorization": f"Bearer {first}"})
    assert r.status_code == 204
    assert _me(first) == 401
    assert _me(second) == 200


@pytest.mark.django_db
def test_logout_without_a_token_is_401(regions):
    assert Client().post("/api/auth/logout").status_code == 401


@pytest.mark.django_db
def test_the_tokens_page_lists_and_revokes_only_ones_own(wenling_officer, linhai_officer):
    mine, theirs = _token(), _token("t-linhai")
    client = Client()
    client.force_login(wenling_officer.user)
    page = client.get("/account/tokens/")
    assert page.status_code == 200
    own = ApiToken.objects.get(user=wenling_officer.user)
    other = ApiToken.objects.get(user=linhai_officer.user)
    assert f"/account/tokens/{own.pk}/revoke/" in page.content.decode()
    assert f"/account/tokens/{other.pk}/revoke/" not in page.content.decode()
    assert client.post(f"/account/tokens/{other.pk}/revoke/").status_code == 404
    assert _me(theirs) == 200
    assert client.post(f"/account/tokens/{own.pk}/revoke/").status_code == 302
    assert _me(mine) == 401
    assert AuditRecord.objects.filter(action="revoke_token", object_id=str(own.pk)).exists()


@pytest.mark.django_db
def test_tokens_issued_by_the_test_client_expire_too(wenling_officer):
    """ApiToken.issue, the one way a token is made, always sets an end."""
    client = ApiClient(wenling_officer)
    row = ApiToken.objects.get(key_hash=ApiToken.hash(client.token))
    assert row.expires_at > timezone.now()


@pytest.mark.django_db
def test_logout_with_the_web_session_ends_the_session(wenling_officer):
    client = Client()
    client.force_login(wenling_officer.user)
    token = _token()
    assert client.post("/api/auth/logout").status_code == 204
    assert client.get("/api/auth/me").status_code == 401
    assert _me(token) == 200  # a session's logout leaves the account's tokens alone
