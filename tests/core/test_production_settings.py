"""Production settings: no DEBUG, a real secret and audit key, the HTTPS switches
behind a proxy, `check --deploy` clean with them on, API docs behind login."""

import os
import subprocess
import sys

import pytest

SECRET = "k3Jx9-Qw7Lm2Zp8Rt5Vn1Bc6Hd4Fg0Sa-Ye7Ui3Oo9Pl2Kk8Jj5Mm1Nn6Bb4"  # 60 characters, not all alike
AUDIT_KEY = "audit-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
PRODUCTION = {"YINGJI_ENV": "production", "SECRET_KEY": SECRET, "YINGJI_AUDIT_KEY": AUDIT_KEY,
              "ALLOWED_HOSTS": "yingji.example.gov.cn"}
HTTPS = {"YINGJI_PROXY_SSL_HEADER": "X-Forwarded-Proto", "YINGJI_SSL_REDIRECT": "1",
         "YINGJI_SECURE_COOKIES": "1", "YINGJI_HSTS_SECONDS": "31536000"}
SHOW = ("import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)")


def _python(args: list[str], env_overrides: dict, tmp_path) -> subprocess.CompletedProcess:
    # Not the test process's environment: tests/browser.py sets DJANGO_ALLOW_ASYNC_UNSAFE,
    # which check --deploy rightly refuses.
    keep = {k: os.environ[k] for k in ("PATH", "PYTHONPATH", "HOME", "LANG") if k in os.environ}
    env = {**keep, "DJANGO_SETTINGS_MODULE": "yingji.settings", "YINGJI_VAR_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **env_overrides}
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


def test_debug_1_does_not_switch_debug_on_in_production(tmp_path):
    result = _python(["-c", SHOW], {**PRODUCTION, "DEBUG": "1"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"


@pytest.mark.parametrize("secret", ["", "short-secret", "x" * 60])
def test_production_refuses_an_empty_short_or_uniform_secret(tmp_path, secret):
    result = _python(["-c", SHOW], {**PRODUCTION, "SECRET_KEY": secret}, tmp_path)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_the_demo_refuses_an_empty_secret_too(tmp_path):
    result = _python(["-c", SHOW], {"SECRET_KEY": ""}, tmp_path)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_an_audit_key(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "YINGJI_AUDIT_KEY"}
    result = _python(["-c", SHOW], env, tmp_path)
    assert result.returncode != 0 and "YINGJI_AUDIT_KEY" in result.stderr


def test_the_https_switches_reach_the_settings(tmp_path):
    result = _python(["-c", SHOW], {**PRODUCTION, **HTTPS}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "('HTTP_X_FORWARDED_PROTO',", "'https')",
                                     "True", "True", "True", "31536000"]


def test_check_deploy_is_clean_with_the_switches_on(tmp_path):
    result = _python(["-m", "django", "check", "--deploy", "--fail-level", "WARNING"], {**PRODUCTION, **HTTPS},
                     tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_names_what_is_missing_without_them(tmp_path):
    result = _python(["-m", "django", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr + result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/docs", "/api/openapi.json"])
def test_api_docs_need_a_login_when_configured(client, settings, path, wenling_officer):
    settings.YINGJI_API_DOCS_LOGIN = True
    response = client.get(path)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(wenling_officer.user)
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_api_docs_are_open_when_not_configured(client, settings):
    settings.YINGJI_API_DOCS_LOGIN = False
    assert client.get("/api/openapi.json").status_code == 200
