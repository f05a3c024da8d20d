#!/usr/bin/env python3
"""Fail when a user-facing string has no Simplified Chinese translation (UI is Chinese first).

With GNU gettext available, the catalogues are first refreshed from the code (makemessages), so a
new string without a translation is caught. Then every zh_Hans entry must be translated and not
fuzzy, and each compiled .mo must hold exactly the .po's translations.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
APPS = ROOT / "src" / "aftersales"
ADMIN = [str(ROOT / ".venv" / "bin" / "aftersales")]


def refresh(app_dir: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "aftersales.settings"}
    # An app nested in another (parts/flow) keeps its own catalogue: the outer app's leaves it out.
    nested = [f"{p.parents[3].relative_to(app_dir)}/*" for p in app_dir.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")]
    ignores = [arg for pattern in nested for arg in ("--ignore", pattern)]
    subprocess.run(
        [*ADMIN, "makemessages", "-l", "zh_Hans", "--no-location", "--no-obsolete", "-v", "0",
         "--ignore", "migrations/*", "--ignore", "tests/*", *ignores],
        cwd=app_dir, check=True, env=env,
    )
    subprocess.run([*ADMIN, "compilemessages", "-v", "0"], cwd=app_dir, check=True, env=env)


def main() -> int:
    problems: list[str] = []
    catalogues = sorted(APPS.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")) + sorted(
        APPS.glob("*/*/locale/zh_Hans/LC_MESSAGES/django.po")
    )
    if shutil.which("xgettext") and "--no-refresh" not in sys.argv:
        for po_path in catalogues:
            refresh(po_path.parents[3])
    for po_path in catalogues:
        po = polib.pofile(str(po_path))
        rel = po_path.relative_to(ROOT)
        for entry in po:
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                problems.append(f"{rel}: fuzzy: {entry.msgid!r}")
            elif entry.msgid_plural and not all(entry.msgstr_plural.values()):
                problems.append(f"{rel}: untranslated: {entry.msgid!r}")
            elif not entry.msgid_plural and not entry.msgstr:
                problems.append(f"{rel}: untranslated: {entry.msgid!r}")
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists():
            problems.append(f"{rel}: no compiled .mo (run make messages)")
            continue
        compiled = {(e.msgctxt, e.msgid): e.msgstr or dict(e.msgstr_plural) for e in polib.mofile(str(mo_path))}
        for entry in po.translated_entries():
            want = entry.msgstr or {int(k): v for k, v in entry.msgstr_plural.items()}
            got = compiled.get((entry.msgctxt, entry.msgid))
            if isinstance(got, dict):
                got = {int(k): v for k, v in got.items()}
            if got != want:
                problems.append(f"{rel}: .mo out of date for {entry.msgid!r} (run make messages)")
                break
    for line in problems[:60]:
        print(line)
    if problems:
        print(f"{len(problems)} translation problem(s)")
        return 1
    print(f"translations complete in {len(catalogues)} catalogue(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
