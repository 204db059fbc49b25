"""What a PDF made by core.pdf draws, as text, for tests to read back."""

import base64
import re
import zlib


def drawn_text(data: bytes) -> str:
    """The text of every Tj in the page streams (ReportLab's ASCII85 + Flate, UCS-2 strings),
    joined by newlines. Enough to assert that a figure or a name is on the page."""
    parts = []
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", data, flags=re.S):
        try:
            stream = zlib.decompress(base64.a85decode(raw.strip(), adobe=True))
        except ValueError:
            continue  # not ASCII85 (an image, a font): no text in it
        except zlib.error:
            continue
        for literal in re.findall(rb"\((.*?)\) Tj", stream, flags=re.S):
            parts.append(_ucs2(literal))
    return "\n".join(parts)


def _ucs2(literal: bytes) -> str:
    """A PDF string literal with backslash escapes, as the UCS-2 text it holds."""
    raw = re.sub(rb"\\([0-7]{1,3}|.)", lambda m: _unescape(m.group(1)), literal, flags=re.S)
    return raw.decode("utf-16-be", errors="replace")


def _unescape(code: bytes) -> bytes:
    if code.isdigit():
        return bytes([int(code, 8)])
    return {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(code, code)
