"""How a stored photo or video is sent (the API and the pages alike): inline, private, never sniffed."""

from __future__ import annotations

from django.http import FileResponse

from aftersales.service.selectors import AttachmentContent


def attachment_response(content: AttachmentContent) -> FileResponse:
    """Inline (FileResponse's default with a file name), never cached by shared caches, never sniffed."""
    response = FileResponse(content.file, content_type=content.content_type, filename=content.filename)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
