"""Evidence files (整改佐证) served through the caller's scope, their thumbnails, and
the viewer page that shows one piece of evidence with its neighbours.

Uploaded files are never public static files: another county's evidence, a missing
row and a row whose file is gone all answer the same 404. Whatever a file holds, it
never runs in the platform's origin: raster images are shown inline with their image
type and `nosniff`; everything else (PDF, office files, and whatever older uploads
hold) is a download of `application/octet-stream`. The site's Content-Security-Policy
(core/csp.py) applies as to every response. Uploads are checked by content when they
arrive (core.uploads); this view does not trust that check alone.

Thumbnails are made on first request with Pillow and cached in the evidence storage
(`Evidence.thumb_name`); they are served by the same scoped view (`variant="thumb"`).
"""

import os
import tempfile
from functools import cache
from pathlib import Path

from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ...core import uploads
from ...core.errors import NotFound
from ...core.scope import Scope
from .. import selectors
from ..models import Evidence

# By the stored name's extension, never by what the uploader declared: an HTML file named
# x.png is sent as image/png with nosniff, which no browser runs as a page.
INLINE_IMAGES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
                 ".webp": "image/webp"}


@require_safe
def evidence_file(request, id: int, variant: str = "file"):
    row = selectors.evidence_get(scope=Scope.for_user(request.user), id=id)
    if not row.file:
        raise NotFound()
    if variant == "thumb":
        return _thumbnail(row)
    try:
        handle = row.file.open("rb")
    except FileNotFoundError as exc:
        raise NotFound() from exc
    name = Path(row.file.name).name
    image_type = INLINE_IMAGES.get(Path(name).suffix.lower())
    response = FileResponse(handle, as_attachment=image_type is None, filename=name,
                            content_type=image_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _thumbnail(row: Evidence) -> HttpResponse:
    """The cached thumbnail, made on first request; a grey square for an image Pillow
    cannot read (so that the page shows no broken image and the request does not fail)."""
    if not row.is_image:
        raise NotFound()
    storage = row.file.storage
    try:
        if storage.get_modified_time(row.thumb_name) < storage.get_modified_time(row.file.name):
            raise FileNotFoundError  # a file replaced under the same name: make it again
        with storage.open(row.thumb_name, "rb") as cached:
            data = cached.read()
    except FileNotFoundError:
        try:
            with row.file.open("rb") as original:
                made = uploads.thumbnail(original.read())
        except FileNotFoundError as exc:
            raise NotFound() from exc
        if made is None:
            data = _placeholder()
        else:
            data = made
            _store(storage, row.thumb_name, made)
    response = HttpResponse(data, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=86400"
    return response


def _store(storage, name: str, data: bytes) -> None:
    """Write the thumbnail under its fixed name, atomically: two first requests at once
    both write the same bytes, and neither reader sees half a file."""
    path = Path(storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, path)


@cache
def _placeholder() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 64), (221, 221, 221)).save(out, "JPEG")
    return out.getvalue()


@require_safe
def evidence_view(request, id: int):
    """The viewer: one piece of evidence large, with the previous and next of its hazard."""
    scope = Scope.for_user(request.user)
    row = selectors.evidence_get(scope=scope, id=id)
    hazard = selectors.hazard_get(scope=scope, id=row.hazard_id)
    siblings = [e for e in hazard.evidence.all() if e.file]
    index = next((n for n, e in enumerate(siblings) if e.pk == row.pk), None)
    return render(request, "hazards/evidence_view.html", {
        "row": row, "hazard": hazard, "position": (index or 0) + 1, "total": len(siblings),
        "previous": siblings[index - 1] if index else None,
        "next": siblings[index + 1] if index is not None and index + 1 < len(siblings) else None})


__all__ = ["evidence_file", "evidence_view"]
