"""The admin shows hazards and floods rows but changes none: every change goes
through the services and the audit log."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

READ_ONLY_APPS = ("hazards", "floods", "messaging")
REGISTERED = sorted((m._meta.app_label, m._meta.model_name) for m in admin.site._registry
                    if m._meta.app_label in READ_ONLY_APPS)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """admin_user gets a password; the default hasher costs a second each here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_hazards_and_floods_have_admin_pages():
    apps = {label for label, _ in REGISTERED}
    assert {"hazards", "floods"} <= apps
    assert ("hazards", "hazard") in REGISTERED and ("floods", "inundationrun") in REGISTERED


@pytest.mark.parametrize("app_label, model_name", REGISTERED)
def test_the_list_shows_and_nothing_can_be_added(app_label, model_name, admin_client):
    assert admin_client.get(reverse(f"admin:{app_label}_{model_name}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:{app_label}_{model_name}_add")).status_code == 403


@pytest.mark.parametrize("app_label, model_name", REGISTERED)
def test_no_row_can_be_changed_or_deleted(app_label, model_name, rf, admin_user):
    model_admin = next(a for m, a in admin.site._registry.items()
                       if (m._meta.app_label, m._meta.model_name) == (app_label, model_name))
    request = rf.get("/")
    request.user = admin_user
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
