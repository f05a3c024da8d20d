"""Printable forms as A4 PDFs, shared by every app: one HTML template rendered with WeasyPrint.

Each form is a template drawn in the active language (Chinese by default) with the company header
from settings; the fonts (Noto CJK) are embedded by WeasyPrint. Nothing is fetched over the
network: images are data URIs and the fetcher refuses every other URL.
"""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render one form template to PDF bytes (A4, fonts embedded by WeasyPrint)."""
    # Imported here: loading Pango costs ~0.3 s, and only the PDF views need it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(
        template,
        {
            "company": {
                "name": settings.AFTERSALES_COMPANY_NAME,
                "address": getattr(settings, "AFTERSALES_COMPANY_ADDRESS", ""),
                "phone": getattr(settings, "AFTERSALES_COMPANY_PHONE", ""),
            },
            "printed_at": timezone.localtime(),
            **context,
        },
    )
    # Only data: URIs (the signature) may be loaded: no file, no network, whatever the text holds.
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()


def png_data_uri(png: bytes | memoryview | None) -> str:
    """A stored PNG (the customer's signature) as a data URI for <img src>; "" when there is none."""
    if not png:
        return ""
    return "data:image/png;base64," + base64.b64encode(bytes(png)).decode("ascii")
