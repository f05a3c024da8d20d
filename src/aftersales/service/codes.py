"""Pure helpers of the fault code list: synonyms and matching (no database)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol, TypeVar

_SEPARATORS = re.compile(r"[\n\r,，;；、]+")


class _Code(Protocol):
    code: str
    name: str
    synonyms: str


C = TypeVar("C", bound=_Code)


def split_synonyms(text: str) -> list[str]:
    """The synonyms of a code, one per line or separated by commas / semicolons, trimmed and unique."""
    out: list[str] = []
    for part in _SEPARATORS.split(text or ""):
        word = part.strip()
        if word and word not in out:
            out.append(word)
    return out


def normalise(text: str) -> str:
    """Compare ignoring case and spaces (full-width ones too)."""
    return re.sub(r"\s+", "", (text or "").replace("\u3000", " ")).casefold()


def matches(code: _Code, query: str) -> bool:
    """The picker's search: the query is part of the code, its name or one of its synonyms."""
    q = normalise(query)
    if not q:
        return True
    return any(q in normalise(word) for word in (code.code, code.name, *split_synonyms(code.synonyms)))


def exact_match(codes: Iterable[C], text: str) -> C | None:
    """The code whose code, name or a synonym is exactly the free text (map_symptoms); None if none or several."""
    t = normalise(text)
    if not t:
        return None
    found = [c for c in codes if t in {normalise(w) for w in (c.code, c.name, *split_synonyms(c.synonyms))}]
    return found[0] if len(found) == 1 else None
