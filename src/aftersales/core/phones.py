"""Phone numbers as the hotline receives them: spaces, dashes, brackets, +86 / 0086 prefixes (C6)."""

from __future__ import annotations

import re

_NON_DIGITS = re.compile(r"\D+")
MIN_LOOKUP_DIGITS = 7  # a full number (or a long suffix) to store and look up
# The hotline also finds a file by the last few digits the caller's display shows (C6): from this many
# digits a query of digits only is also matched as a phone suffix (besides a name or number fragment).
MIN_SUFFIX_DIGITS = 4


def phone_digits(raw: str) -> str:
    """The national form of a Chinese phone number: digits only, country code removed.

    "+86 138-0013-8000" → "13800138000"; "+86 21 6234 5678" → "02162345678";
    "(021) 6234-5678" → "02162345678".
    """
    digits = _NON_DIGITS.sub("", raw or "")
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) >= 12 and (raw or "").lstrip().startswith(("+", "86")):
        digits = digits[2:]
    else:
        return digits
    # International form drops the trunk 0 of landline area codes; mobiles start with 1.
    return digits if digits.startswith(("1", "0")) else "0" + digits


def looks_like_phone(query: str, *, min_digits: int = MIN_LOOKUP_DIGITS) -> bool:
    """Only phone characters (digits, spaces, dashes, +, brackets, dots) and at least `min_digits` digits."""
    stripped = (query or "").strip()
    return (
        bool(stripped) and not re.search(r"[^\d\s\-+()（）.]", stripped) and len(phone_digits(stripped)) >= min_digits
    )
