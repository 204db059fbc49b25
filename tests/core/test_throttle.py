"""Login throttling: an account is locked after YINGJI_LOGIN_ACCOUNT_LIMIT failures, an
address after YINGJI_LOGIN_ADDRESS_LIMIT, for YINGJI_LOGIN_LOCKOUT_MINUTES after the
last failure; on the login page and on POST /api/auth/token alike, with a message that
says until when, and an audit record."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from yingji.core.models import AuditRecord

from ..factories import UserFactory


@pytest.fixture(autouse=True)
def limits(settings):
    settings.YINGJI_LOGIN_ACCOUNT_LIMIT = settings.AXES_FAILURE_LIMIT = 3
    settings.YINGJI_LOGIN_ADDRESS_LIMIT = 6
    settings.YINGJI_LOGIN_LOCKOUT_MINUTES = 15
    settings.AXES_COOLOFF_TIME = 0.25


def _api_login(username, password, address="10.0.0.1"):
    return Client(REMOTE_ADDR=address).post("/api/auth/token", {"username": username, "password": password},
                                            content_type="application/json")


@pytest.mark.django_db
def test_an_account_is_locked_after_the_limit_even_with_the_right_password(wenling_officer):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as traveller:
        for address in ("10.0.0.1", "10.0.0.2"):  # from anywhere: per account
            assert _api_login("t-wenling", "wrong", address).status_code == 400
        # The failure that reaches the limit is answered with the lockout already.
        assert _api_login("t-wenling", "wrong", "10.0.0.3").status_code == 429
        r = _api_login("t-wenling", "pw", "10.0.0.4")
        assert r.status_code == 429
        message = r.json()["error"]["message"]
        until = timezone.localtime(start + dt.timedelta(minutes=15))
        assert f"{until:%H:%M}" in message and "锁定" in message and "locked until" in message
        assert AuditRecord.objects.filter(action="login_lockout", object_id="t-wenling").exists()

        traveller.move_to(start + dt.timedelta(minutes=16))
        assert _api_login("t-wenling", "pw").status_code == 200


@pytest.mark.django_db
def test_failures_below_the_limit_do_not_lock(wenling_officer):
    for _ in range(2):
        assert _api_login("t-wenling", "wrong").status_code == 400
    assert _api_login("t-wenling", "pw").status_code == 200


@pytest.mark.django_db
def test_an_address_is_locked_after_its_own_higher_limit(regions):
    for n in range(5):  # five accounts, each under the account limit
        UserFactory(username=f"u{n}")
        assert _api_login(f"u{n}", "wrong").status_code == 400
    assert _api_login("u0", "wrong").status_code == 429  # the address's sixth failure
    UserFactory(username="innocent")
    assert _api_login("innocent", "pw").status_code == 429
    assert _api_login("innocent", "pw", address="10.9.9.9").status_code == 200


@pytest.mark.django_db
def test_the_login_page_locks_too_and_says_until_when(wenling_officer):
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(2):
        assert client.post("/login/", {"username": "t-wenling", "password": "wrong"}).status_code == 200
    assert client.post("/login/", {"username": "t-wenling", "password": "wrong"}).status_code == 429
    r = client.post("/login/", {"username": "t-wenling", "password": "pw"})
    assert r.status_code == 429
    assert "锁定" in r.content.decode() and "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(regions, settings):
    settings.YINGJI_PROXY_COUNT = 1
    UserFactory(username="victim")
    for n in range(6):
        UserFactory(username=f"u{n}")
        r = Client(REMOTE_ADDR="10.0.0.1").post(
            "/api/auth/token", {"username": f"u{n}", "password": "wrong"}, content_type="application/json",
            headers={"X-Forwarded-For": f"1.2.3.{n}, 203.0.113.5"})  # a spoofed hop, then the real client
        assert r.status_code == (429 if n == 5 else 400)
    locked = Client(REMOTE_ADDR="10.0.0.1").post(
        "/api/auth/token", {"username": "victim", "password": "pw"}, content_type="application/json",
        headers={"X-Forwarded-For": "203.0.113.5"})
    assert locked.status_code == 429
    other = Client(REMOTE_ADDR="10.0.0.1").post(
        "/api/auth/token", {"username": "victim", "password": "pw"}, content_type="application/json",
        headers={"X-Forwarded-For": "203.0.113.6"})
    assert other.status_code == 200


@pytest.mark.django_db
def test_a_body_declared_multipart_but_not_is_refused_before_any_password_is_tried(wenling_officer):
    """django-ninja reads the JSON whatever the declared type; the throttle reads the
    form and failed on it, before counting the failure: an unthrottled way to guess."""
    client = Client(REMOTE_ADDR="10.0.0.8", raise_request_exception=False)
    for _ in range(4):
        r = client.post("/api/auth/token", '{"username": "t-wenling", "password": "wrong"}',
                        content_type="multipart/form-data")
        assert r.status_code == 400 and "Malformed form data" in r.json()["error"]["message"]
    assert _api_login("t-wenling", "pw", "10.0.0.8").status_code == 200
