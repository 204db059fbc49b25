import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from yingji.core import audit
from yingji.core.models import AuditRecord


@pytest.mark.django_db
def test_chain_of_fresh_records_verifies():
    for i in range(5):
        audit.record(actor=None, action="test", object_type="x", object_id=i, after={"i": i})
    result = audit.verify()
    assert result.ok and result.checked == AuditRecord.objects.count()


@pytest.mark.django_db
def test_a_row_changed_in_the_database_breaks_the_chain_there():
    recs = [audit.record(actor=None, action="test", object_type="x", object_id=i, after={"i": i})
            for i in range(5)]
    AuditRecord.objects.filter(pk=recs[2].pk).update(after={"i": 99})  # tampering, bypassing save()
    result = audit.verify()
    assert not result.ok and result.broken_seq == recs[2].seq


@pytest.mark.django_db
def test_a_deleted_row_breaks_the_chain():
    recs = [audit.record(actor=None, action="test", object_type="x", object_id=i) for i in range(4)]
    AuditRecord.objects.filter(pk=recs[1].pk)._raw_delete(using="default")
    assert audit.verify().broken_seq == recs[2].seq


@pytest.mark.django_db
def test_audit_records_refuse_save_and_delete_through_the_orm():
    rec = audit.record(actor=None, action="test", object_type="x", object_id=1)
    rec.action = "changed"
    with pytest.raises(ValidationError):
        rec.save()
    with pytest.raises(ValidationError):
        rec.delete()


@pytest.mark.django_db
def test_verify_command_reports_the_first_broken_link():
    recs = [audit.record(actor=None, action="test", object_type="x", object_id=i) for i in range(3)]
    call_command("audit", "verify")
    AuditRecord.objects.filter(pk=recs[1].pk).update(actor_name="mallory")
    with pytest.raises(CommandError, match=f"seq {recs[1].seq}"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_api_has_no_way_to_change_audit_records(api_as, province_admin):
    client = api_as(province_admin)
    audit.record(actor=None, action="test", object_type="x", object_id=1)
    assert client.get("/api/audit").status_code == 200
    for method in (client.post, client.patch, client.delete):
        assert method("/api/audit").status_code == 405


@pytest.mark.django_db
def test_update_through_the_api_records_before_and_after(api_as, wenling_officer, wenling_enterprise):
    api_as(wenling_officer).patch(f"/api/enterprises/{wenling_enterprise.id}", {"risk_grade": "red"})
    rec = AuditRecord.objects.filter(object_type="enterprises.enterprise", action="update").last()
    assert rec.actor_name == wenling_officer.user.username
    assert rec.before["risk_grade"] == "blue" and rec.after["risk_grade"] == "red"
    assert audit.verify().ok


@pytest.mark.django_db
def test_an_update_that_changes_nothing_writes_no_audit_record(wenling_officer, wenling_enterprise):
    from yingji.enterprises.services import enterprise_update

    count = AuditRecord.objects.count()
    enterprise_update(by=wenling_officer.user, enterprise=wenling_enterprise, name=wenling_enterprise.name)
    assert AuditRecord.objects.count() == count
