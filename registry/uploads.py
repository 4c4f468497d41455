"""Checks for uploaded documents (certificates now, application documents later): type and size.

The type is judged from the file's first bytes, not its name, so a renamed executable is refused.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# Leading bytes of each accepted format, by extension.
_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
ACCEPTED_EXTENSIONS = tuple(_SIGNATURES)
CONTENT_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def validate_document_upload(upload) -> None:
    """Refuse anything but a PDF, PNG or JPEG no larger than settings.UPLOAD_MAX_BYTES."""
    name = (upload.name or "").lower()
    extension = name[name.rfind("."):] if "." in name else ""
    if extension not in _SIGNATURES:
        raise ValidationError(
            _("Upload a PDF, PNG or JPEG file; “%(name)s” is not one of those."), params={"name": upload.name},
            code="file_type",
        )
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the largest accepted is %(max)s."),
            params={"size": filesizeformat(upload.size), "max": filesizeformat(settings.UPLOAD_MAX_BYTES)},
            code="file_size",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    if not any(head.startswith(sig) for sig in _SIGNATURES[extension]):
        raise ValidationError(
            _("The file’s content is not a real %(kind)s document."), params={"kind": extension[1:].upper()},
            code="file_content",
        )
