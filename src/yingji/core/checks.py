"""System checks of the core's settings (`yingji check`, shown at every start)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def audit_key_check(app_configs, **kwargs):
    if settings.YINGJI_AUDIT_KEY:
        return []
    return [checks.Warning(
        "YINGJI_AUDIT_KEY 未设置：审计链的 HMAC 密钥由 SECRET_KEY 派生 / "
        "YINGJI_AUDIT_KEY is not set: the audit chain's HMAC key is derived from SECRET_KEY",
        hint="Set YINGJI_AUDIT_KEY to a random secret kept apart from the database (required in production).",
        id="yingji.W001",
    )]
