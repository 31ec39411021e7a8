"""Evidence files: what may be uploaded, and content-addressed storage.

A file's type is decided from its content (``filetype`` reads the signature), and must agree
with its extension: an executable renamed .pdf is refused.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from core.sizes import megabytes

# extension -> the types its content may be detected as (Office formats are zip/OLE inside)
ALLOWED: dict[str, tuple[str, ...]] = {
    "pdf": ("pdf",),
    "doc": ("doc",),
    "xls": ("xls", "doc"),
    "ppt": ("ppt", "doc"),
    "docx": ("docx", "zip"),
    "xlsx": ("xlsx", "zip"),
    "pptx": ("pptx", "zip"),
    "odt": ("odt", "zip"),
    "ods": ("ods", "zip"),
    "odp": ("odp", "zip"),
    "jpg": ("jpg",),
    "jpeg": ("jpg",),
    "png": ("png",),
    "gif": ("gif",),
    "webp": ("webp",),
    "bmp": ("bmp",),
    "tif": ("tif",),
    "tiff": ("tif",),
    "zip": ("zip",),
    "rar": ("rar",),
    "7z": ("7z",),
    "txt": ("text",),
    "csv": ("text",),
}
ZIPPED = {"zip", "docx", "xlsx", "pptx", "odt", "ods", "odp"}
_MIME = {t.extension: t.mime for t in filetype.types}
_BAD_NAME = re.compile(r"[/\\]|\.\.|^\.")


@dataclass
class Upload:
    """A file as received: its name as the person's computer called it, and its bytes."""

    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _detected(data: bytes) -> str | None:
    kind = filetype.guess(data)
    if kind is not None and kind.extension in ZIPPED and not zipfile.is_zipfile(io.BytesIO(data)):
        return None  # a zip's signature in front of anything else: cut off, or a disguise
    if kind is not None:
        return kind.extension
    if b"\x00" not in data[:8192]:
        try:
            data[:65536].decode("utf-8")
            return "text"
        except UnicodeDecodeError:
            try:
                data[:65536].decode("gb18030")
                return "text"
            except UnicodeDecodeError:
                return None
    return None


def check_upload(upload: Upload) -> str:
    """Refuse a bad file with a clear message; return its content type."""
    name = upload.name
    if not name or _BAD_NAME.search(name) or any(unicodedata.category(c)[0] == "C" for c in name):
        raise ValidationError(
            _(
                "“{name}”: a file name may not contain path separators or control characters."
            ).format(name=name.encode("unicode_escape").decode())
        )
    if len(name) > 200:
        raise ValidationError(_("The file name is too long (at most 200 characters)."))
    limit = settings.EVIDENCE_MAX_BYTES
    if len(upload.data) > limit:
        raise ValidationError(
            _("“{name}” is {size} MB; files may be at most {limit} MB.").format(
                name=name, size=megabytes(len(upload.data)), limit=megabytes(limit)
            )
        )
    if not upload.data:
        raise ValidationError(_("“{name}” is empty.").format(name=name))
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    if extension not in ALLOWED:
        raise ValidationError(
            _("“{name}”: this type of file is not accepted. Accepted: {types}.").format(
                name=name, types=", ".join(sorted(ALLOWED))
            )
        )
    detected = _detected(upload.data)
    if detected not in ALLOWED[extension]:
        raise ValidationError(
            _(
                "“{name}” is not really a .{extension} file: its content does not match its name."
            ).format(name=name, extension=extension)
        )
    if detected == "text":
        return "text/plain" if extension == "txt" else "text/csv"
    return _MIME.get(detected, "application/octet-stream")


def storage_name(sha256: str) -> str:
    return f"evidence/{sha256[:2]}/{sha256}"


def store(upload: Upload) -> bool:
    """Write the bytes under their hash; False when the same content was stored already."""
    name = storage_name(upload.sha256)
    if default_storage.exists(name):
        return False
    saved = default_storage.save(name, ContentFile(upload.data))
    if saved != name:  # a race wrote the same content first: keep one copy
        default_storage.delete(saved)
        return False
    return True


def discard(sha256: str) -> None:
    default_storage.delete(storage_name(sha256))
