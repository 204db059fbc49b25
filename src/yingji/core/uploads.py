"""Uploaded documents: what they are by their content, and their thumbnails.

An upload is accepted only when its name's extension is one of the kinds below AND its
first bytes are that kind's signature (magic bytes): a page named photo.png, an .exe
named report.pdf, an SVG (which runs script) or an HTML file are refused, whatever the
browser declared. Office files are the OLE2 compound files of Word/Excel/PowerPoint
97-2003 and WPS, and the ZIP packages of OOXML (docx, xlsx, pptx) and OpenDocument,
told apart from any ZIP by the entries they must hold.

Thumbnails are made with Pillow, which the project depends on: small JPEGs of raster
images, refused for images larger than `MAX_PIXELS` (a decompression bomb).
"""

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from .errors import DomainError

MAX_PIXELS = 40_000_000
THUMB_SIZE = (320, 320)


@dataclass(frozen=True)
class Kind:
    family: str  # image / pdf / office
    label: str


KINDS = {
    ".jpg": Kind("image", "JPEG"), ".jpeg": Kind("image", "JPEG"), ".png": Kind("image", "PNG"),
    ".gif": Kind("image", "GIF"), ".webp": Kind("image", "WebP"), ".heic": Kind("image", "HEIC"),
    ".pdf": Kind("pdf", "PDF"),
    ".doc": Kind("office", "Word"), ".xls": Kind("office", "Excel"), ".ppt": Kind("office", "PowerPoint"),
    ".wps": Kind("office", "WPS 文字"), ".et": Kind("office", "WPS 表格"), ".dps": Kind("office", "WPS 演示"),
    ".docx": Kind("office", "Word"), ".xlsx": Kind("office", "Excel"), ".pptx": Kind("office", "PowerPoint"),
    ".odt": Kind("office", "OpenDocument"), ".ods": Kind("office", "OpenDocument"),
    ".odp": Kind("office", "OpenDocument"),
}
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/gif,image/webp,.heic,application/pdf," + ",".join(
    ext for ext, kind in KINDS.items() if kind.family == "office")

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OOXML_PARTS = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}


def kind_of(name: str) -> Kind | None:
    return KINDS.get(PurePath(name or "").suffix.lower())


def _image_matches(ext: str, head: bytes) -> bool:
    if ext in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext == ".gif":
        return head[:6] in (b"GIF87a", b"GIF89a")
    if ext == ".webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    return head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis")


def _zip_matches(ext: str, file) -> bool:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            if ext in OOXML_PARTS:
                return "[Content_Types].xml" in names and any(n.startswith(OOXML_PARTS[ext]) for n in names)
            return "mimetype" in names and archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument")
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError):
        return False
    finally:
        file.seek(0)


def content_matches(name: str, file) -> bool:
    """Whether the content of the open binary `file` is what the extension of `name` says."""
    ext = PurePath(name or "").suffix.lower()
    if ext not in KINDS:
        return False
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if KINDS[ext].family == "image":
        return _image_matches(ext, head)
    if ext == ".pdf":
        return head.startswith(b"%PDF-")
    if ext in (".doc", ".xls", ".ppt", ".wps", ".et", ".dps"):
        return head.startswith(OLE2)
    return head.startswith(b"PK\x03\x04") and _zip_matches(ext, file)


def check_document(file, *, field: str = "file") -> Kind:
    """The kind of an uploaded document, or a refusal naming the field and the reason."""
    name = getattr(file, "name", "") or ""
    kind = kind_of(name)
    if kind is None:
        raise DomainError(
            "只接受图片（JPG、PNG、GIF、WebP、HEIC）、PDF 和 Office 文档（Word、Excel、PowerPoint、WPS、OpenDocument）",
            "Only images (JPG, PNG, GIF, WebP, HEIC), PDF and office documents (Word, Excel, PowerPoint, WPS, "
            "OpenDocument) are accepted", fields={field: "文件类型不接受 / file type not accepted"})
    if not content_matches(name, file):
        raise DomainError(f"文件内容不是 {kind.label} 文件，与扩展名不符",
                          f"The file's content is not {kind.label}, as its extension says",
                          fields={field: "内容与扩展名不符 / content does not match the extension"})
    return kind


def thumbnail(data: bytes) -> bytes | None:
    """A JPEG thumbnail (at most THUMB_SIZE) of a raster image, or None when the bytes
    are no image Pillow reads or the image is too large to decode safely."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                return None
            image.draft("RGB", THUMB_SIZE)  # JPEG: decode at a reduced scale
            small = ImageOps.exif_transpose(image)
            small.thumbnail(THUMB_SIZE)
            out = io.BytesIO()
            small.convert("RGB").save(out, "JPEG", quality=80)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
