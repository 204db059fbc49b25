"""Evidence an officer can see before accepting a rectification (issue 15, item 2):
only images, PDF and office documents are accepted, judged by their content; images
get thumbnails (made with Pillow, cached, served through the scope) on the hazard
page, and every file opens in a viewer page."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from yingji.core.errors import DomainError
from yingji.hazards import services
from yingji.hazards.models import Evidence, evidence_storage

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    evidence_storage.cache_clear()
    yield tmp_path
    evidence_storage.cache_clear()


def _jpeg(size=(1200, 800), colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("evil.exe", "MZ")
    return out.getvalue()


def _upload(person, hazard, name, content):
    return services.evidence_add(by=person.user, hazard=hazard, file=SimpleUploadedFile(name, content))


def _client(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


@pytest.mark.parametrize("name, content", [("after.jpg", _jpeg()), ("report.pdf", PDF), ("ledger.xls", OLE2),
                                           ("plan.docx", _docx())])
def test_images_pdf_and_office_documents_are_accepted(wenling_officer, general, name, content):
    row = _upload(wenling_officer, general, name, content)
    assert row.file.name.endswith(name.rsplit(".", 1)[1])


@pytest.mark.parametrize("name, content, reason", [
    ("page.html", b"<html></html>", "文件类型不接受"),
    ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "文件类型不接受"),
    ("setup.exe", b"MZ\x90\x00", "文件类型不接受"),
    ("trick.png", b"<html><script>alert(1)</script></html>", "内容与扩展名不符"),
    ("report.pdf", b"MZ\x90\x00 an executable", "内容与扩展名不符"),
    ("plan.docx", _plain_zip(), "内容与扩展名不符"),
    ("photo.jpg", PDF, "内容与扩展名不符"),
])
def test_anything_else_is_refused_by_content_with_the_field_and_reason(wenling_officer, general, name, content,
                                                                       reason):
    with pytest.raises(DomainError) as err:
        _upload(wenling_officer, general, name, content)
    assert reason in err.value.fields["file"] and " / " in err.value.fields["file"]
    assert not Evidence.objects.exists()


def test_the_page_upload_refuses_with_a_message_in_the_readers_language(wenling_officer, general):
    r = _client(wenling_officer).post(f"/hazards/{general.pk}/", {
        "action": "upload", "file": SimpleUploadedFile("x.svg", b"<svg/>")})
    page = r.content.decode()
    assert r.status_code == 200 and "只接受图片" in page  # the reader's language only (hazards pages)
    assert not Evidence.objects.exists()


def test_the_hazard_page_shows_a_thumbnail_that_pillow_made_and_the_cache_keeps(wenling_officer, general, media):
    row = _upload(wenling_officer, general, "after.jpg", _jpeg((1200, 800)))
    client = _client(wenling_officer)
    page = client.get(f"/hazards/{general.pk}/").content.decode()
    assert f'src="/hazards/evidence/{row.pk}/thumb"' in page and f'href="/hazards/evidence/{row.pk}/"' in page
    r = client.get(f"/hazards/evidence/{row.pk}/thumb")
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg" and r["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(r.content)) as thumb:
        # 1200 × 800 fitted into 320 × 320 keeps the 3:2 shape: 320 × 213.
        assert thumb.size == (320, 213)
        red, green, blue = thumb.getpixel((160, 100))
        assert red > 150 and green < 80 and blue < 80
    cached = Path(row.file.storage.path(row.thumb_name))
    assert cached.exists()
    cached.write_bytes(_jpeg((10, 10), (0, 0, 255)))  # the cache answers the next request
    with Image.open(io.BytesIO(client.get(f"/hazards/evidence/{row.pk}/thumb").content)) as again:
        assert again.size == (10, 10)


def test_a_pdf_has_no_thumbnail_but_a_labelled_link(wenling_officer, general):
    row = _upload(wenling_officer, general, "report.pdf", PDF)
    client = _client(wenling_officer)
    page = client.get(f"/hazards/{general.pk}/").content.decode()
    assert f"/hazards/evidence/{row.pk}/thumb" not in page and '<span class="evidence-file">PDF</span>' in page
    assert client.get(f"/hazards/evidence/{row.pk}/thumb").status_code == 404


def test_an_unreadable_image_gets_a_placeholder_not_a_failed_request(wenling_officer, general):
    row = _upload(wenling_officer, general, "broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    r = _client(wenling_officer).get(f"/hazards/evidence/{row.pk}/thumb")
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(r.content)) as thumb:
        assert thumb.size == (64, 64)


def test_the_viewer_pages_through_the_hazards_evidence(wenling_officer, general):
    first = _upload(wenling_officer, general, "before.jpg", _jpeg())
    second = _upload(wenling_officer, general, "report.pdf", PDF)
    client = _client(wenling_officer)
    page = client.get(f"/hazards/evidence/{first.pk}/").content.decode()
    assert f'<img src="/hazards/evidence/{first.pk}/file"' in page and "1/2" in page
    assert f'href="/hazards/evidence/{second.pk}/" rel="next"' in page and 'rel="prev"' not in page
    page = client.get(f"/hazards/evidence/{second.pk}/").content.decode()
    assert "<img" not in page.split('class="evidence-viewer"')[1].split("</div>")[0]
    assert f'href="/hazards/evidence/{second.pk}/file"' in page and 'rel="prev"' in page
    assert "<script>" not in page  # no inline script (CSP)


def test_another_countys_officer_gets_404_for_viewer_thumbnail_and_file(wenling_officer, linhai_officer, general):
    row = _upload(wenling_officer, general, "after.jpg", _jpeg())
    client = _client(linhai_officer)
    for path in (f"/hazards/evidence/{row.pk}/", f"/hazards/evidence/{row.pk}/thumb",
                 f"/hazards/evidence/{row.pk}/file"):
        assert client.get(path).status_code == 404, path
