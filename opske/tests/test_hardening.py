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
