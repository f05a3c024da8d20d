"""Photos and short videos the engineer takes of the fault and the repair (issue 13, point 3).

The files live in Django's default storage under MEDIA_ROOT with names the server makes up (never
the uploader's); there is no MEDIA_URL: a file is read only through the views and API endpoints
that check the reader may see the request (service.selectors.access_attachment).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel
from aftersales.service.choices import AttachmentKind, MediaKind


class Attachment(BaseModel):
    """One photo or video on a service request. Photos are stored re-encoded (orientation applied, no
    EXIF: no GPS position) with a small thumbnail; videos as uploaded, checked by their first bytes."""

    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    kind = models.CharField(_("shows"), max_length=8, choices=AttachmentKind.choices, default=AttachmentKind.FAULT)
    media = models.CharField(_("media"), max_length=8, choices=MediaKind.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    file = models.FileField(_("file"), max_length=200)
    thumbnail = models.FileField(_("thumbnail"), max_length=200, blank=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    duration_seconds = models.DecimalField(_("duration (s)"), max_digits=8, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"], name="attachment_request_idx")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_photo(self) -> bool:
        return self.media == MediaKind.PHOTO
