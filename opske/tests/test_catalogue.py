"""English mode: every message of the portal is translated, and the catalogue matches the sources."""

import shutil
import subprocess

import pytest

from opske.i18n_check import CATALOGUE, extract_into, msgids, problems


def test_every_message_is_translated_without_fuzzy_or_broken_placeholders():
    assert problems(CATALOGUE) == []


def test_the_catalogue_compiles_cleanly():
    if not shutil.which("msgfmt"):
        pytest.skip("msgfmt (gettext) is not installed")
    result = subprocess.run(  # noqa: S603 - gettext on our own catalogue
        [shutil.which("msgfmt"), "--check", "-o", "/dev/null", str(CATALOGUE)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_the_catalogue_is_in_sync_with_the_sources(tmp_path):
    # given a fresh extraction of every {% translate %} and gettext() in the tracked sources
    if not shutil.which("xgettext"):
        pytest.skip("xgettext (gettext) is not installed")
    fresh = extract_into(tmp_path)
    # then the committed catalogue has exactly those messages (run `make messages` when it fails)
    committed = msgids(CATALOGUE)
    extracted = msgids(fresh)
    assert sorted(extracted - committed) == [], "new messages: run `make messages` and translate them"
    assert sorted(committed - extracted) == [], "messages no longer in the sources: run `make messages`"


def test_english_mode_shows_the_portal_words_in_english(client, db):
    # the calls list's phase filter and the header, in English
    client.post("/i18n/setlang/", {"language": "en", "next": "/calls/"})
    page = client.get("/calls/").content.decode()
    assert "Upcoming" in page or "Open" in page
    assert "Προσεχώς" not in page
