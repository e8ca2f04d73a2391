"""The English catalogue's health: what is untranslated or fuzzy, and whether it matches the sources.

Used by `make messages` (scripts/untranslated_messages.py) and by opske/tests/test_catalogue.py.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def _po(path):
    import polib

    return polib.pofile(str(path))


def problems(path: Path = CATALOGUE) -> list[str]:
    """Every entry that is untranslated, fuzzy, or whose translation drops or adds a placeholder."""
    out = []
    for entry in _po(path):
        if entry.obsolete:
            continue
        where = f"{entry.occurrences[0][0]}:{entry.occurrences[0][1]}" if entry.occurrences else "?"
        if "fuzzy" in entry.flags:
            out.append(f"fuzzy        {where}  {entry.msgid!r}")
        elif not entry.translated():
            out.append(f"untranslated {where}  {entry.msgid!r}")
        else:
            translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
            wanted = sorted(PLACEHOLDER.findall(entry.msgid))
            for text in translations:
                if sorted(PLACEHOLDER.findall(text)) != wanted and not entry.msgid_plural:
                    out.append(f"placeholders {where}  {entry.msgid!r} -> {text!r}")
    return out


def msgids(path: Path) -> set[tuple[str, str]]:
    return {(e.msgctxt or "", e.msgid) for e in _po(path) if not e.obsolete and e.msgid}


def extract_into(workdir: Path) -> Path:
    """Run `makemessages -l en` on a copy of the tracked sources in `workdir`; the fresh .po path."""
    files = subprocess.run(  # noqa: S603 - git on our own tree
        [shutil.which("git") or "git", "ls-files", "*.py", "*.html", "*.txt", "locale/*"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in files:
        target = workdir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, target)
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-v", "0"],
        cwd=workdir,
        check=True,
        capture_output=True,
        env={"DJANGO_SETTINGS_MODULE": "opske.settings.test", "PATH": "/usr/bin:/bin", "HOME": str(workdir)},
    )
    return workdir / "locale" / "en" / "LC_MESSAGES" / "django.po"
