"""The nb catalogue is complete: every interface string in the code has a bokmål translation."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_translations_nb_catalogue_is_complete(tmp_path: Path) -> None:
    # Extract the strings from a copy of the sources, so the check never rewrites the real catalogue.
    for name in ("ehelsenord", "templates", "config", "locale"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nb", "--no-obsolete", "-v0"],
        cwd=tmp_path,
        env={"DEBUG": "True", "PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings"},
        check=True,
    )
    catalogue = str(tmp_path / "locale/nb/LC_MESSAGES/django.po")
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", catalogue], capture_output=True, text=True, check=True
    ).stdout
    fuzzy = subprocess.run(["msgattrib", "--only-fuzzy", catalogue], capture_output=True, text=True, check=True).stdout
    missing = [line for line in untranslated.splitlines() if line.startswith("msgid") and line != 'msgid ""']
    assert missing == []
    assert fuzzy == ""
