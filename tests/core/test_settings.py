"""Production refuses the demo secret; the demo needs no configuration at all."""

import os
import subprocess
import sys

CHECK = ("import django; django.setup(); from django.conf import settings; "
         "print(settings.DATABASES['default']['ENGINE'])")


def _run(env_overrides: dict, tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL", "YINGJI_ENV")}
    env.update({"DJANGO_SETTINGS_MODULE": "yingji.settings", "YINGJI_VAR_DIR": str(tmp_path)}, **env_overrides)
    return subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, timeout=60)


def test_production_without_a_secret_refuses_to_start(tmp_path):
    result = _run({"YINGJI_ENV": "production"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_with_a_secret_and_database_url_starts(tmp_path):
    result = _run({"YINGJI_ENV": "production", "SECRET_KEY": "0123456789abcdef" * 4, "YINGJI_AUDIT_KEY": "k" * 32,
                   "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/yingji"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout


def test_demo_defaults_to_sqlite_under_the_var_dir(tmp_path):
    result = _run({}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "sqlite3" in result.stdout
