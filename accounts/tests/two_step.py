"""The staff login as a person does it through the pages, for tests: the password, then the
authenticator code (enrolling at the first login with the key the page shows)."""

from __future__ import annotations

import re
import time
from base64 import b32decode

from django_otp.oath import TOTP

PASSWORD = "correct-horse-42"  # accounts.tests.factories.UserFactory's


def code_for(key_b32: str, *, step_offset: int = 0) -> str:
    totp = TOTP(b32decode(key_b32.replace(" ", "")))
    totp.time = time.time() + 30 * step_offset
    return f"{totp.token():06d}"


def key_on_page(html: str) -> str:
    match = re.search(r'id="otp-key"[^>]*>([A-Z2-7 ]+)<', html)
    assert match, "the enrolment page shows no key"
    return match.group(1).replace(" ", "")


def password_step(client, username: str, password: str = PASSWORD, next_url: str = ""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/staff/login/", data, follow=True)


def two_step_login(client, username: str, password: str = PASSWORD):
    """Both steps; returns (the page landed on, the key the authenticator holds)."""
    page = password_step(client, username, password)
    assert page.wsgi_request.path == "/accounts/staff/otp/enrol/", page.wsgi_request.path
    key = key_on_page(page.content.decode())
    landed = client.post(
        "/accounts/staff/otp/enrol/", {"code": code_for(key), "next": "/accounts/dashboard/"}, follow=True
    )
    return landed, key
