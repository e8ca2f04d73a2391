"""opske.search: one folding of Greek text for every list search (accents and case ignored)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from opske.search import fold, search_document, search_terms

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text", ["Απασχόληση", "ΑΠΑΣΧΟΛΗΣΗ", "απασχοληση", "ΑΠΑΣΧΌΛΗΣΗ", "απασχόλησΗ"])
def test_accents_and_case_fold_to_one_form(text):
    assert fold(text) == "απασχοληση"


def test_final_sigma_diaeresis_and_spaces():
    assert fold("ΤΕΧΝΙΚΗΣ") == fold("τεχνικής") == "τεχνικησ"
    assert fold("Ϊατρικά  ΠΡΟΪΟΝΤΑ") == "ιατρικα προιοντα"
    assert search_terms("  Δυτικής   ΜΑΚΕΔΟΝΙΑΣ ") == ["δυτικησ", "μακεδονιασ"]
    assert search_document("ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ", None, "", "804773470") == "λιγνιτησ τεχνικη 804773470"


def test_the_search_tests_pass_on_sqlite_too(tmp_path):
    # The folded column makes the search independent of the database: prove it on SQLite.
    if connection.vendor != "postgresql":
        pytest.skip("already running on SQLite")
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'search.sqlite3'}")
    result = subprocess.run(  # noqa: S603 - our own interpreter and test file
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "calls/tests/test_search.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout
