"""A Greek (non-ASCII) password is a wrong password to every sandbox, never a 500."""

import requests

from interop.sandboxes.control import same_secret


def test_same_secret_accepts_non_ascii_and_compares_exactly():
    assert same_secret("κωδικός", "κωδικός")
    assert not same_secret("κωδικός", "kodikos")
    assert not same_secret(None, "x")


def test_ergani_login_with_a_greek_password_is_refused_not_crashed(registry_server):
    response = requests.post(
        f"{registry_server}/sandbox/ergani/api/Authentication",
        json={"Username": "ergani-804773470", "Password": "λάθοςκωδικός", "UserType": "02"},
        timeout=5,
    )

    assert response.status_code == 401


def test_dypa_with_a_greek_token_is_refused_not_crashed(registry_server):
    response = requests.get(
        f"{registry_server}/sandbox/dypa/api/v1/unemployed/15038580948",
        headers={"Authorization": "Bearer κλειδί".encode().decode("latin-1")},
        timeout=5,
    )

    assert response.status_code == 401
