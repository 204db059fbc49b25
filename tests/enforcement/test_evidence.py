"""Evidence: stored with its SHA-256, never changed, verified, exported with custody;
an altered file on disk is detected."""

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT

from yingji.enforcement import services
from yingji.enforcement.models import Evidence

from .conftest import add_evidence, open_case

pytestmark = pytest.mark.django_db


def _upload(client, case, content=b"\x89PNG fake", **extra):
    data = {"kind": "photo", "captured_at": "2026-11-01T09:30:00+08:00", "place": "龙游某纸业仓库",
            "file": SimpleUploadedFile("现场.png", content)} | extra
    return client.post(f"/api/cases/{case.pk}/evidence", data, content_type=MULTIPART_CONTENT)


def test_upload_stores_the_hash_of_the_bytes(api_as, wenling_officer, wenling_enterprise, media_root):
    case = open_case(wenling_officer, wenling_enterprise)
    r = _upload(api_as(wenling_officer), case)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["sha256"] == hashlib.sha256(b"\x89PNG fake").hexdigest()
    assert body["original_name"] == "现场.png" and body["size"] == 9
    item = Evidence.objects.get(pk=body["id"])
    assert Path(media_root, item.file.name).read_bytes() == b"\x89PNG fake"
    detail = api_as(wenling_officer).get(f"/api/cases/{case.pk}").json()
    assert [e["sha256"] for e in detail["evidence"]] == [body["sha256"]]


def test_an_altered_file_is_detected(api_as, wenling_officer, wenling_enterprise, media_root):
    case = open_case(wenling_officer, wenling_enterprise)
    kept, altered = add_evidence(wenling_officer, case, b"one"), add_evidence(wenling_officer, case, b"two")
    client = api_as(wenling_officer)
    assert client.get(f"/api/cases/{case.pk}/evidence/verify").json()["intact"] is True
    Path(media_root, altered.file.name).write_bytes(b"tw0")
    r = client.get(f"/api/cases/{case.pk}/evidence/verify")
    assert r.status_code == 200
    assert r.json()["intact"] is False
    assert {i["id"]: i["intact"] for i in r.json()["items"]} == {kept.pk: True, altered.pk: False}
    export = client.get(f"/api/cases/{case.pk}/evidence/{altered.pk}/file")
    assert export.status_code == 400 and export.json()["error"]["code"] == "evidence_altered"


def test_a_missing_file_is_not_intact(api_as, wenling_officer, wenling_enterprise, media_root):
    case = open_case(wenling_officer, wenling_enterprise)
    item = add_evidence(wenling_officer, case)
    Path(media_root, item.file.name).unlink()
    assert api_as(wenling_officer).get(f"/api/cases/{case.pk}/evidence/verify").json()["intact"] is False


def test_export_gives_the_bytes_and_joins_the_chain_of_custody(api_as, wenling_officer, wenling_enterprise):
    case = open_case(wenling_officer, wenling_enterprise)
    item = add_evidence(wenling_officer, case, b"sensor,1\n")
    client = api_as(wenling_officer)
    r = client.get(f"/api/cases/{case.pk}/evidence/{item.pk}/file")
    assert r.status_code == 200 and r.content == b"sensor,1\n" and r["X-Content-SHA256"] == item.sha256
    client.get(f"/api/cases/{case.pk}/evidence/verify")
    custody = client.get(f"/api/cases/{case.pk}/custody").json()
    assert [(c["action"], c["by"]) for c in custody] == [("added", "t-wenling"), ("exported", "t-wenling"),
                                                         ("verified", "t-wenling")]
    assert custody[-1]["intact"] is True


def test_evidence_is_never_changed(wenling_officer, wenling_enterprise):
    item = add_evidence(wenling_officer, open_case(wenling_officer, wenling_enterprise))
    item.place = "别处"
    with pytest.raises(ValueError):
        item.save()


@pytest.mark.parametrize(("extra", "field"), [
    ({"kind": "rumour"}, "kind"),
    ({"captured_at": "yesterday"}, "captured_at"),
    ({"captured_at": "2099-01-01T00:00:00+08:00"}, "captured_at"),
    ({"file": SimpleUploadedFile("empty.png", b"")}, "file"),
])
def test_bad_uploads_are_refused(api_as, wenling_officer, wenling_enterprise, extra, field):
    case = open_case(wenling_officer, wenling_enterprise)
    r = _upload(api_as(wenling_officer), case, **extra)
    assert r.status_code in (400, 422), r.content
    assert field in r.json()["error"]["fields"]
    assert not Evidence.objects.exists()


def test_upload_size_is_bounded(api_as, wenling_officer, wenling_enterprise, monkeypatch):
    monkeypatch.setattr(services, "MAX_EVIDENCE_BYTES", 10)
    case = open_case(wenling_officer, wenling_enterprise)
    r = _upload(api_as(wenling_officer), case, content=b"x" * 11)
    assert r.status_code == 400 and r.json()["error"]["code"] == "too_large"
    assert not Evidence.objects.exists()


def test_no_evidence_is_added_to_an_ended_case(api_as, wenling_officer, wenling_enterprise):
    case = open_case(wenling_officer, wenling_enterprise)
    services.case_act(by=wenling_officer.user, case=case, action="transfer", agency="公安", note="涉罪")
    r = _upload(api_as(wenling_officer), case)
    assert r.status_code == 409
