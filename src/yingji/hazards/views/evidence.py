"""Evidence files (整改佐证) served through the caller's scope.

Uploaded files are never public static files: another county's evidence, a missing
row and a row whose file is gone all answer the same 404. Whatever a file holds, it
never runs in the platform's origin: raster images are shown inline with their image
type and `nosniff`; everything else (HTML, SVG, PDF, office files) is a download of
`application/octet-stream`. The site's Content-Security-Policy (core/csp.py) applies as
to every response.
"""

from pathlib import Path

from django.http import FileResponse
from django.views.decorators.http import require_safe

from ...core.errors import NotFound
from ...core.scope import Scope
from .. import selectors

# By the stored name's extension, never by what the uploader declared: an HTML file named
# x.png is sent as image/png with nosniff, which no browser runs as a page.
INLINE_IMAGES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
                 ".webp": "image/webp"}


@require_safe
def evidence_file(request, id: int):
    row = selectors.evidence_get(scope=Scope.for_user(request.user), id=id)
    if not row.file:
        raise NotFound()
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
