import pytest
from django.test import Client


@pytest.mark.django_db
def test_token_from_username_and_password_authenticates(wenling_officer):
    c = Client()
    r = c.post("/api/auth/token", {"username": "t-wenling", "password": "pw"}, content_type="application/json")
    assert r.status_code == 200
    token = r.json()["token"]
    me = c.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["region_code"] == "331081"


@pytest.mark.django_db
def test_wrong_password_is_a_clear_401_style_error(wenling_officer):
    r = Client().post("/api/auth/token", {"username": "t-wenling", "password": "nope"},
                      content_type="application/json")
    assert r.status_code == 400
    assert "用户名或密码错误" in r.json()["error"]["message"]


@pytest.mark.django_db
def test_no_token_is_401_with_error_shape():
    r = Client().get("/api/enterprises")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthenticated"


@pytest.mark.django_db
def test_bad_token_is_401():
    r = Client().get("/api/enterprises", headers={"Authorization": "Bearer nonsense"})
    assert r.status_code == 401


@pytest.mark.django_db
def test_missing_fields_are_named_in_both_languages(api_as, wenling_officer):
    r = api_as(wenling_officer).post("/api/enterprises", {"name": "x"})
    assert r.status_code == 422
    fields = r.json()["error"]["fields"]
    assert "必填" in fields["uscc"] and "required" in fields["uscc"]
