"""Issue 11 pieces: `load_demo` never runs under the production settings; pages of a signed-in user
are not stored by browsers or proxies (they carry personal data); public pages stay cacheable."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.tests.factories import UserFactory


@pytest.mark.django_db
def test_load_demo_refuses_the_production_settings_and_writes_nothing(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError) as exc:
        call_command("load_demo", stdout=io.StringIO())
    assert "παραγωγής" in str(exc.value)
    assert not User.objects.filter(username__in=["admin", "payer", "supervisor"]).exists()


@pytest.mark.django_db
def test_a_signed_in_users_pages_are_no_store_and_public_ones_are_not(client):
    public = client.get("/")
    assert "no-store" not in public.get("Cache-Control", "")

    client.force_login(UserFactory())
    for url in ("/", "/accounts/dashboard/", "/inbox/"):
        answer = client.get(url)
        assert answer.status_code in (200, 302), url
        assert "no-store" in answer["Cache-Control"], url


@pytest.mark.django_db
def test_pages_carry_a_csp_that_allows_no_inline_script(client):
    header = client.get("/").get("Content-Security-Policy", "")
    directives = dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval', no host
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "Content-Security-Policy" not in client.get("/api/docs/")  # its UI comes from a CDN


def test_no_template_has_an_inline_script_or_handler():
    """What the policy would refuse at run time, found in the sources: every <script> has a src and
    no element carries an on…= handler (PDF templates, never served as pages, may style inline)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offending = []
    for path in root.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offending.append(f"{path.relative_to(root)}: {tag}")
        offending += [f"{path.relative_to(root)}: {h}" for h in re.findall(r"\son[a-z]+=\"", text)]
    assert offending == []
