"""Photos and short videos of the fault and the repair, attached on the phone (issue 13, point 3; S9).

The engineer on the job (or a dispatcher for them) attaches them until the customer signs the
repair order, which prints the photos; the uploader may delete their own until then. What a file
is comes from its content (service.media), the limits from policy (S9.photo_max_mb,
S9.photo_max_edge_px, S9.video_max_mb, S9.video_max_seconds, S9.attachments_max). A refused
upload stores nothing. Adding a photo does not bump the request's version: it overwrites nothing,
and the other forms on the phone page stay valid while photos are added beside them.
"""

from __future__ import annotations

import os
import re
import uuid
from decimal import Decimal
from typing import IO, Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.access import Actor
from aftersales.core.errors import PermissionDenied, ValidationFailed
from aftersales.core.events import event_record
from aftersales.policies.selectors import policy_get
from aftersales.service import events, media
from aftersales.service.choices import ENDED_STATES, AttachmentKind, MediaKind, RequestState
from aftersales.service.errors import ServiceConflict, ServiceErrorCode
from aftersales.service.models import Attachment, ServiceRequest
from aftersales.service.selectors import access_attachment
from aftersales.service.services.common import request_lock, require_own_job

MB = 1024 * 1024
EXTENSIONS = {
    "image/jpeg": "jpg",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/webm": "webm",
}
# The repair order prints the photos when the customer signs it: after that they are part of the record.
CLOSED_TO_ATTACHMENTS = ENDED_STATES | {RequestState.SIGNED}
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")


def _file_error(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"file": [message]})


def _require_open_job(request: ServiceRequest) -> None:
    if request.state in CLOSED_TO_ATTACHMENTS:
        raise ServiceConflict(
            _("Photos and videos can be changed only until the customer signs the repair order."),
            code=ServiceErrorCode.ATTACHMENTS_CLOSED,
        )


def _clean_name(name: str) -> str:
    base = _UNSAFE_NAME.sub("_", os.path.basename((name or "").replace("\\", "/"))).strip()
    return base[-200:] or "upload"


def _size_mb(size: int) -> str:
    return f"{Decimal(size) / MB:.1f}"


def _storage_name(request: ServiceRequest, content_type: str, suffix: str = "") -> str:
    day = request.received_at.strftime("%Y/%m")
    return f"service/attachments/{day}/{request.number}/{uuid.uuid4().hex}{suffix}.{EXTENSIONS[content_type]}"


@transaction.atomic
def attachment_add(*, actor: Actor, number: str, upload: Any, kind: str = AttachmentKind.FAULT) -> Attachment:
    """Attach one photo or video (an UploadedFile or any file object with .name and .size). Rule: S9.

    Raises: PermissionDenied, NotFound, ValidationFailed (kind, not a photo or video, too large,
    too long, too many), Conflict (signed or ended). Events: servicerequest.attachment_added.
    """
    actor.require_perm("service.work_servicerequest")
    request = request_lock(actor, number)
    require_own_job(actor, request)
    _require_open_job(request)
    if kind not in AttachmentKind.values:
        message = _("Choose what the photo or video shows.")
        raise ValidationFailed(message, fields={"kind": [message]})
    if upload is None:
        raise _file_error(_("Choose a photo or video."))
    limit = policy_get("S9.attachments_max").value
    if request.attachments.count() >= limit:
        raise _file_error(
            _("This request already has %(n)s photos and videos, the most allowed; delete one first.") % {"n": limit}
        )
    stream: IO[bytes] = upload
    stream.seek(0)
    head = stream.read(media.HEAD_BYTES)
    stream.seek(0)
    try:
        sniffed = media.sniff(head)
    except media.NotMedia:
        raise _file_error(
            _("Only photos (JPEG, PNG, WebP) and videos (MP4, WebM, MOV) can be attached; this file is neither.")
        ) from None
    size = int(upload.size or 0)
    if sniffed.media == MediaKind.PHOTO:
        return _photo_add(actor, request, upload, kind, size)
    return _video_add(actor, request, upload, kind, size, sniffed.content_type)


def _photo_add(actor: Actor, request: ServiceRequest, upload: Any, kind: str, size: int) -> Attachment:
    max_mb = policy_get("S9.photo_max_mb").value
    if size > max_mb * MB:
        raise _file_error(
            _("A photo may be at most %(max)s MB; this one is %(size)s MB.") % {"max": max_mb, "size": _size_mb(size)}
        )
    try:
        photo = media.photo_prepare(upload, max_edge=policy_get("S9.photo_max_edge_px").value)
    except media.NotMedia:
        raise _file_error(_("The photo cannot be read; take it again.")) from None
    return _store(
        actor,
        request,
        upload,
        kind=kind,
        media_kind=MediaKind.PHOTO,
        content_type="image/jpeg",
        content=ContentFile(photo.data),
        thumbnail=ContentFile(photo.thumbnail),
        extra={"width": photo.width, "height": photo.height},
    )


def _video_add(
    actor: Actor, request: ServiceRequest, upload: Any, kind: str, size: int, content_type: str
) -> Attachment:
    max_mb = policy_get("S9.video_max_mb").value
    if size > max_mb * MB:
        raise _file_error(
            _("A video may be at most %(max)s MB; this one is %(size)s MB.") % {"max": max_mb, "size": _size_mb(size)}
        )
    duration = media.video_duration(upload) if content_type != "video/webm" else None
    upload.seek(0)
    max_seconds = policy_get("S9.video_max_seconds").value
    if duration is not None and duration > max_seconds:
        raise _file_error(
            _("A video may be at most %(max)s seconds long; this one is %(length)s seconds.")
            % {"max": max_seconds, "length": duration}
        )
    return _store(
        actor,
        request,
        upload,
        kind=kind,
        media_kind=MediaKind.VIDEO,
        content_type=content_type,
        content=File(upload),
        thumbnail=None,
        extra={"duration_seconds": duration},
    )


def _store(
    actor: Actor,
    request: ServiceRequest,
    upload: Any,
    *,
    kind: str,
    media_kind: str,
    content_type: str,
    content: File[Any],
    thumbnail: File[Any] | None,
    extra: dict[str, Any],
) -> Attachment:
    """Write the file(s), then the row and the event; a failure removes the files written."""
    saved: list[str] = []
    try:
        saved.append(default_storage.save(_storage_name(request, content_type), content))
        if thumbnail is not None:
            saved.append(default_storage.save(_storage_name(request, "image/jpeg", "-thumb"), thumbnail))
        attachment = Attachment.objects.create(
            request=request,
            kind=kind,
            media=media_kind,
            uploaded_by=actor.user,
            original_name=_clean_name(getattr(upload, "name", "")),
            content_type=content_type,
            size=default_storage.size(saved[0]),
            file=saved[0],
            thumbnail=saved[1] if len(saved) > 1 else "",
            **extra,
        )
        event_record(
            subject=request,
            action=events.ATTACHMENT_ADDED,
            actor=actor,
            rule="S9",
            data=_event_data(attachment),
        )
    except BaseException:
        for name in saved:
            default_storage.delete(name)
        raise
    return attachment


def _event_data(attachment: Attachment) -> dict[str, Any]:
    return {
        "attachment": attachment.pk,
        "name": attachment.original_name,
        "kind": attachment.kind,
        "media": attachment.media,
        "content_type": attachment.content_type,
        "size": attachment.size,
    }


@transaction.atomic
def attachment_delete(*, actor: Actor, attachment_id: int) -> ServiceRequest:
    """The uploader deletes their photo or video until the customer signs. Rule: S9.

    Raises: NotFound (not visible), PermissionDenied (someone else's), Conflict (signed or ended).
    Events: servicerequest.attachment_deleted. The files go once the deletion is committed.
    """
    attachment = access_attachment(actor, attachment_id)
    request = request_lock(actor, attachment.request.number)
    if attachment.uploaded_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who attached a photo or video may delete it."))
    _require_open_job(request)
    names = [n for n in (attachment.file.name, attachment.thumbnail.name) if n]
    data = _event_data(attachment)
    attachment.delete()
    event_record(subject=request, action=events.ATTACHMENT_DELETED, actor=actor, rule="S9", data=data)
    transaction.on_commit(lambda: _files_delete(names))
    return request


def _files_delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
