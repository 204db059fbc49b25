"""Evidence files on the hazard page: served through the caller's scope, as a download
unless they are a raster image, and never as a page of the platform's origin."""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from yingji.hazards import services
from yingji.hazards.models import Evidence

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _client(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def _upload(officer, hazard, name: str, content: bytes):
    return services.evidence_add(by=officer.user, hazard=hazard, file=SimpleUploadedFile(name, content))


def _stored(hazard, name: str, content: bytes) -> Evidence:
    """A row whose file the upload check would refuse today (an upload from before the
    check, or written by other means): the serving view must stay safe on its own."""
    return Evidence.objects.create(hazard=hazard, file=ContentFile(content, name=name))


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_link_on_the_hazard_page_opens_the_file(wenling_officer, general):
    _upload(wenling_officer, general, "photo.png", PNG)
    client = _client(wenling_officer)
    page = client.get(f"/hazards/{general.pk}/").content.decode()
    links = re.findall(r'href="([^"]*evidence/\d+/file)"', page)
    assert len(links) == 1 and "/media/" not in links[0]
    response = client.get(links[0])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline") and _body(response) == PNG


@pytest.mark.parametrize("name", ["page.html", "drawing.svg", "photo.PNG.html", "notes.txt"])
def test_anything_but_a_raster_image_is_a_download(wenling_officer, general, name):
    row = _stored(general, name, b"<script>alert(1)</script>")
    response = _client(wenling_officer).get(f"/hazards/evidence/{row.pk}/file")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_file_whose_name_says_png_is_still_sent_as_an_image_with_nosniff(wenling_officer, general):
    row = _stored(general, "trick.png", b"<html><script>alert(1)</script></html>")
    response = _client(wenling_officer).get(f"/hazards/evidence/{row.pk}/file")
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"


def test_a_missing_file_answers_404(wenling_officer, general):
    row = _upload(wenling_officer, general, "gone.png", PNG)
    row.file.storage.delete(row.file.name)
    assert _client(wenling_officer).get(f"/hazards/evidence/{row.pk}/file").status_code == 404


def test_anonymous_callers_are_sent_to_the_login(wenling_officer, general):
    row = _upload(wenling_officer, general, "photo.png", PNG)
    response = Client().get(f"/hazards/evidence/{row.pk}/file")
    assert response.status_code == 302 and "login" in response["Location"]
