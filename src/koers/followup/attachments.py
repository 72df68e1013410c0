"""Files attached to a progress update: which kinds and sizes are accepted, adding, removing.

The kinds are a list of extensions in the settings (``KOERS_ATTACHMENT_TYPES``); a
file's first bytes must match its extension, so that a program renamed to .pdf is
refused. Files are stored in ``KOERS_ATTACHMENT_DIR`` and only handed out by a view
that checks the reader may see the update.
"""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from koers.accounts.actor import Actor, attribute
from koers.followup.models import Attachment, ProgressUpdate
from koers.followup.services import may_write

ZIP = (b"PK\x03\x04",)
# What each known kind of file starts with; None: text, which must not be binary.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "docx": ZIP,
    "xlsx": ZIP,
    "pptx": ZIP,
    "odt": ZIP,
    "ods": ZIP,
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "csv": None,
    "txt": None,
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "csv": "text/csv",
    "txt": "text/plain",
}


def allowed_kinds() -> list[str]:
    return [kind.lower().lstrip(".") for kind in settings.KOERS_ATTACHMENT_TYPES]


def check_file(name: str, head: bytes, size: int) -> str:
    """The file's kind, or a ValidationError saying what is wrong with it."""
    kind = PurePath(name).suffix.lower().lstrip(".")
    if kind not in allowed_kinds() or kind not in SIGNATURES:
        raise ValidationError(
            _("Files of type '%(kind)s' cannot be attached; allowed are: %(kinds)s.")
            % {"kind": kind or name, "kinds": ", ".join(allowed_kinds())}
        )
    if size == 0:
        raise ValidationError(_("The file is empty."))
    if size > settings.KOERS_ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; attachments can be at most %(limit)s MB.")
            % {
                "size": round(size / 1024 / 1024, 1),
                "limit": round(settings.KOERS_ATTACHMENT_MAX_BYTES / 1024 / 1024, 1),
            }
        )
    signatures = SIGNATURES[kind]
    looks_right = b"\x00" not in head if signatures is None else head.startswith(tuple(signatures))
    if not looks_right:
        raise ValidationError(
            _("The file is named .%(kind)s but its content is not a %(kind)s file.")
            % {"kind": kind}
        )
    return kind


def content_type(attachment: Attachment) -> str:
    kind = PurePath(attachment.name).suffix.lower().lstrip(".")
    return CONTENT_TYPES.get(kind, "application/octet-stream")


@transaction.atomic
def add_attachment(update: ProgressUpdate, upload, *, actor: Actor) -> Attachment:
    """Store an uploaded file with the update; refuse files of the wrong kind or size."""
    if not may_write(actor.membership, update):
        raise PermissionDenied
    head = upload.read(16)
    upload.seek(0)
    check_file(upload.name, head, upload.size)
    name = get_valid_filename(PurePath(upload.name).name)[:200]
    attachment = Attachment(update=update, name=name, size=upload.size, uploaded_by=actor.user)
    attribute(attachment, actor, _("Attachment added"))
    attachment.file.save(name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def remove_attachment(attachment: Attachment, *, actor: Actor) -> None:
    if not may_write(actor.membership, attachment.update):
        raise PermissionDenied
    attribute(attachment, actor, _("Attachment removed"))
    attachment.delete()  # the file follows after commit (followup/receivers.py)
