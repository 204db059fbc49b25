"""The Django admin under the audit rule: every registered admin is read-only or
audited, and what an administrator changes there lands in the audit chain."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from yingji.core import audit
from yingji.core.admin_audit import AuditedAdmin
from yingji.core.models import AuditRecord, Organization
from yingji.enterprises.models import Tag

from ..factories import OrganizationFactory, PersonFactory, UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(username="t-root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def _read_only(model_admin, request) -> bool:
    return not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
                or model_admin.has_delete_permission(request))


@pytest.mark.django_db
def test_every_registered_admin_is_read_only_or_audited(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    neither = [model._meta.label for model, model_admin in admin.site._registry.items()
               if not isinstance(model_admin, AuditedAdmin) and not _read_only(model_admin, request)]
    assert len(admin.site._registry) > 10
    assert neither == []


def _last(action: str, model) -> AuditRecord:
    return AuditRecord.objects.filter(action=action, object_type=model._meta.label_lower).last()


@pytest.mark.django_db
def test_an_organization_changed_in_the_admin_is_audited_with_before_and_after(admin_client, regions):
    org = OrganizationFactory(name="温岭市应急管理局", phone="0576-86000001")
    response = admin_client.post(f"/admin/core/organization/{org.pk}/change/", {
        "name": "温岭市应急管理局", "kind": org.kind, "region": org.region_id, "parent": "", "phone": "0576-86000002"})
    assert response.status_code == 302
    rec = _last("admin-update", Organization)
    assert rec.object_id == str(org.pk) and rec.actor_name == "t-root" and rec.region_code == "331081"
    assert (rec.before["phone"], rec.after["phone"]) == ("0576-86000001", "0576-86000002")
    assert audit.verify().ok


@pytest.mark.django_db
def test_adding_and_bulk_deleting_in_the_admin_are_audited(admin_client):
    assert admin_client.post("/admin/enterprises/tag/add/", {"name": "危化"}).status_code == 302
    tag = Tag.objects.get(name="危化")
    assert _last("admin-create", Tag).after["name"] == "危化"
    response = admin_client.post("/admin/enterprises/tag/", {
        "action": "delete_selected", "_selected_action": [tag.pk], "post": "yes"})
    assert response.status_code == 302 and not Tag.objects.filter(pk=tag.pk).exists()
    assert _last("admin-delete", Tag).before["name"] == "危化"
    assert audit.verify().ok


@pytest.mark.django_db
def test_deleting_a_user_in_the_admin_audits_the_person_it_unlinks(admin_client, regions):
    person = PersonFactory(user=UserFactory(username="t-gone"), region_id="331081")
    user = person.user
    response = admin_client.post(f"/admin/auth/user/{user.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    deleted = _last("admin-delete", get_user_model())
    assert deleted.object_id == str(user.pk) and "(redacted" in deleted.before["password"]
    unlinked = _last("admin-update", type(person))
    assert unlinked.before["user_id"] == user.pk and unlinked.after["user_id"] is None


@pytest.mark.django_db
def test_a_password_set_in_the_admin_is_audited_without_the_hash(admin_client):
    user = UserFactory(username="t-officer")
    old_hash = user.password
    response = admin_client.post(f"/admin/auth/user/{user.pk}/password/", {
        "password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"})
    assert response.status_code == 302
    rec = _last("admin-update", get_user_model())
    assert rec.before["password"] != rec.after["password"]
    user.refresh_from_db()
    assert old_hash not in str(rec.before) and user.password not in str(rec.after)
