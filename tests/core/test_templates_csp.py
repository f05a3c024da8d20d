"""Every page template keeps to the Content-Security-Policy (issue 12, point 8): no style attribute,
no inline event handler, no javascript: URL and no inline script without the request's nonce. The
browser tests catch what a page they visit breaks; this catches it on every page. PDF templates are
rendered by WeasyPrint, not by a browser, and are left out."""

from __future__ import annotations

import re
from pathlib import Path

import aftersales

ROOT = Path(aftersales.__file__).parent
FORBIDDEN = [
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"<script(?![^>]*\b(src|nonce)=)[^>]*>", re.I), "inline script without the nonce"),
]


def page_templates() -> list[Path]:
    return sorted(p for p in ROOT.glob("*/templates/**/*.html") if "pdf" not in p.relative_to(ROOT).parts)


def test_page_templates_are_found() -> None:
    assert len(page_templates()) > 50


def test_no_page_template_needs_unsafe_inline() -> None:
    problems = [
        f"{path.relative_to(ROOT)}:{number}: {what}"
        for path in page_templates()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for pattern, what in FORBIDDEN
        if pattern.search(line)
    ]

    assert problems == []
