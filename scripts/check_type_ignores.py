#!/usr/bin/env python3
"""Fail when a `# type: ignore` in the package has no error code or no reason (STYLE.md habit 14).

The accepted form is `# type: ignore[code]  # why`, the reason on the same line; mypy itself
(`warn_unused_ignores`, `ignore-without-code`) reports the ignores that are unused or lack a code.
"""

from __future__ import annotations

import io
import re
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "aftersales"
ACCEPTED = re.compile(r"#\s*type:\s*ignore\[[a-z0-9_, -]+\]\s+#\s*\S")
IGNORE = re.compile(r"#\s*type:\s*ignore")


def bad_ignores(path: Path) -> list[tuple[int, str]]:
    found = []
    for token in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
        if token.type == tokenize.COMMENT and IGNORE.search(token.string) and not ACCEPTED.search(token.string):
            found.append((token.start[0], token.string))
    return found


def main() -> int:
    failures = 0
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for line, comment in bad_ignores(path):
            print(f"{path.relative_to(ROOT)}:{line}: type: ignore without a code and a reason: {comment}")
            failures += 1
    if failures:
        print("Write `# type: ignore[code]  # reason` (or fix the type).", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
