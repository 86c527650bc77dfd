"""What an uploaded file really is, decided from its bytes, never from its name or the browser.

Only the kinds a case file needs are kept: PDF, images (PNG, JPEG, GIF) and Word documents
(.docx, and the older .doc). The name's extension must agree with the content, so an HTML page
renamed "report.pdf" is refused rather than stored.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Content type -> the extensions a file of that type may carry.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    DOCX: (".docx",),
    "application/msword": (".doc",),
}
ACCEPTED = ", ".join(sorted({ext for exts in EXTENSIONS.values() for ext in exts}))


@dataclass(frozen=True)
class Sniffed:
    content_type: str


def _is_docx(stream: IO[bytes]) -> bool:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        stream.seek(0)
    return "word/document.xml" in names and "[Content_Types].xml" in names


def sniff(stream: IO[bytes]) -> str | None:
    """The content type of the file from its first bytes (and, for Word, its structure)."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"PK\x03\x04") and _is_docx(stream):
        return DOCX
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/msword"
    return None


def extension_fits(name: str, content_type: str) -> bool:
    lowered = name.lower()
    return any(lowered.endswith(ext) for ext in EXTENSIONS.get(content_type, ()))
