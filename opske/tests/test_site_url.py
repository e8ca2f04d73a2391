"""One address for the portal: SITE_URL and INTEROP_BASE_URL follow PORT (issue 10 item 14)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from opske.siteurl import interop_base_url_from_env, site_url_from_env

ROOT = Path(__file__).resolve().parents[2]


def test_site_url_defaults_to_port_8000():
    assert site_url_from_env({}) == "http://127.0.0.1:8000"


def test_site_url_follows_port():
    assert site_url_from_env({"PORT": "8123"}) == "http://127.0.0.1:8123"


def test_explicit_site_url_wins_over_port():
    assert (
        site_url_from_env({"PORT": "8123", "SITE_URL": "https://opske.example.gr/"})
        == "https://opske.example.gr"
    )


def test_bad_port_is_refused_clearly():
    with pytest.raises(ValueError, match="PORT"):
        site_url_from_env({"PORT": "80x"})


def test_interop_base_url_follows_site_url_unless_set():
    assert interop_base_url_from_env({}, "http://127.0.0.1:8123") == "http://127.0.0.1:8123/sandbox"
    assert interop_base_url_from_env({"INTEROP_BASE_URL": "https://ksp.gov.gr/"}, "x") == "https://ksp.gov.gr"


def _settings_under(env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "INTEROP_BASE_URL", "PORT"}}
    env.update(env_overrides, DJANGO_SETTINGS_MODULE="opske.settings.local")
    code = (
        "import django; django.setup();"
        "from django.conf import settings; from interop.aade import AadeRegistryClient;"
        "print(settings.SITE_URL); print(settings.INTEROP_BASE_URL); print(AadeRegistryClient().base_url)"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return out.stdout.split()


def test_every_process_started_with_port_uses_it():
    # given the port `make run PORT=8123` exports to the demo loader, tick and runserver
    # when each of them loads the settings
    site_url, interop, aade = _settings_under({"PORT": "8123"})
    # then the portal and the registry clients' base both use :8123, not :8000
    assert site_url == "http://127.0.0.1:8123"
    assert interop == "http://127.0.0.1:8123/sandbox"
    assert aade == "http://127.0.0.1:8123/sandbox/aade"


def test_makefile_exports_port_to_every_recipe():
    # `make -n` prints the recipes; the port is exported, so no recipe spells its own URL
    makefile = (ROOT / "Makefile").read_text()
    assert "export PORT" in makefile
    assert ":8000" not in makefile.replace("PORT ?= 8000", "")
