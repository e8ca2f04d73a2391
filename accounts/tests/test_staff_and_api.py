"""Staff login and dashboards per role, staff role management, validators, the /api/v1/me/ endpoint."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import services
from accounts.models import Role, RoleAssignment, User
from accounts.tests.factories import MembershipFactory, TaxisnetUserFactory, UserFactory
from accounts.tests.two_step import two_step_login
from accounts.validators import validate_afm, validate_amka
from opske.errors import Conflict, PermissionDenied
from opske.models import AuditEvent

pytestmark = pytest.mark.django_db

STAFF_ROLES = [r for r in Role if r != Role.API_CLIENT]


@pytest.mark.parametrize("role", STAFF_ROLES, ids=[r.value for r in STAFF_ROLES])
def test_staff_login_lands_on_the_dashboard_of_the_role(client, role):
    user = UserFactory(roles=[role])

    response, _ = two_step_login(client, user.username)

    page = response.content.decode()
    assert response.wsgi_request.user == user
    assert f'id="role-{role.value}"' in page
    assert role.label in page


def test_staff_login_with_wrong_password_shows_a_greek_error(client):
    user = UserFactory(roles=[Role.EVALUATOR])

    response = client.post("/accounts/staff/login/", {"username": user.username, "password": "nope"})

    assert "Λάθος όνομα χρήστη ή κωδικός πρόσβασης." in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_taxisnet_user_cannot_use_the_staff_login(client):
    user = TaxisnetUserFactory()

    response = client.post(
        "/accounts/staff/login/", {"username": user.username, "password": "correct-horse-42"}
    )

    assert "Ο λογαριασμός αυτός συνδέεται μόνο μέσω TAXISnet." in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_dashboard_requires_login(client):
    response = client.get("/accounts/dashboard/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_login_page_offers_taxisnet_and_staff_login(client):
    page = client.get("/accounts/login/").content.decode()

    assert "Σύνδεση μέσω TAXISnet" in page and "/accounts/staff/login/" in page


def test_programme_admin_grants_and_revokes_roles_with_audit():
    admin = UserFactory(roles=[Role.PROGRAMME_ADMIN])
    user = UserFactory()

    services.role_grant(actor=admin, user=user, role=Role.VERIFIER)
    assert User.objects.get(pk=user.pk).has_role(Role.VERIFIER)
    services.role_revoke(actor=admin, user=user, role=Role.VERIFIER, reason="μετακίνηση")

    assert not RoleAssignment.objects.filter(user=user).exists()
    assert list(AuditEvent.objects.order_by("seq").values_list("action", flat=True)) == [
        "role.granted",
        "role.revoked",
    ]


def test_only_a_programme_admin_grants_roles_and_the_last_admin_stays():
    evaluator = UserFactory(roles=[Role.EVALUATOR])
    admin = UserFactory(roles=[Role.PROGRAMME_ADMIN])

    with pytest.raises(PermissionDenied):
        services.role_grant(actor=evaluator, user=evaluator, role=Role.PROGRAMME_ADMIN)
    with pytest.raises(Conflict):
        services.role_revoke(actor=admin, user=admin, role=Role.PROGRAMME_ADMIN)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12345", "Ο ΑΦΜ πρέπει να έχει 9 ψηφία."),
        ("123456789", "Ο ΑΦΜ δεν είναι έγκυρος (λάθος ψηφίο ελέγχου)."),
    ],
)
def test_afm_validator_messages(value, message):
    with pytest.raises(ValidationError) as exc:
        validate_afm(value)
    assert exc.value.messages == [message]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1503858094", "Ο ΑΜΚΑ πρέπει να έχει 11 ψηφία."),
        ("15038580940", "Ο ΑΜΚΑ δεν είναι έγκυρος (ημερομηνία γέννησης ή ψηφίο ελέγχου)."),
    ],
)
def test_amka_validator_messages(value, message):
    with pytest.raises(ValidationError) as exc:
        validate_amka(value)
    assert exc.value.messages == [message]


def test_valid_demo_identifiers_pass_the_validators():
    validate_afm("804773470")
    validate_afm("EL 804773470")
    validate_amka("15038580948")


def test_me_endpoint_for_a_business_user_lists_businesses_and_roles():
    membership = MembershipFactory()
    api = APIClient()
    api.force_authenticate(membership.user)

    response = api.get("/api/v1/me/")

    body = response.json()
    assert response.status_code == 200
    assert body["kind"] == "taxisnet" and body["afm"] == membership.user.afm
    assert body["businesses"][0]["afm"] == membership.business.afm
    assert body["businesses"][0]["my_roles"] == ["coordinator"]
    assert body["businesses"][0]["activities"][0]["code"] == "43210000"


def test_api_client_authenticates_with_a_token():
    user = UserFactory(kind=User.Kind.API_CLIENT, roles=[Role.API_CLIENT])
    token = Token.objects.create(user=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = api.get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json()["roles"] == ["api_client"]


def test_an_unknown_token_or_an_inactive_user_is_401():
    user = UserFactory(kind=User.Kind.API_CLIENT, roles=[Role.API_CLIENT])
    token = Token.objects.create(user=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key[:-1]}x")

    unknown = api.get("/api/v1/me/")
    User.objects.filter(pk=user.pk).update(is_active=False)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    inactive = api.get("/api/v1/me/")

    assert unknown.status_code == 401 and inactive.status_code == 401
    assert unknown.json()["code"] == inactive.json()["code"] == "authentication_failed"


def test_me_without_credentials_is_401_with_the_error_shape():
    response = APIClient().get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json() == {"code": "not_authenticated", "message": "Απαιτείται σύνδεση.", "fields": {}}


def test_role_required_lets_the_role_in_and_keeps_others_out(rf):
    from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
    from django.http import HttpResponse

    from accounts.permissions import role_required

    view = role_required(Role.VERIFIER, Role.AUDITOR)(lambda request: HttpResponse("ok"))
    allowed, denied = rf.get("/"), rf.get("/")
    allowed.user = UserFactory(roles=[Role.AUDITOR])
    denied.user = UserFactory(roles=[Role.EVALUATOR])

    assert view(allowed).status_code == 200
    with pytest.raises(DjangoPermissionDenied):
        view(denied)


def test_has_role_permission_class():
    from rest_framework.test import APIRequestFactory

    from accounts.permissions import HasRole

    permission = HasRole.of(Role.PAYMENT_OFFICER)()
    request = APIRequestFactory().get("/")
    request.user = UserFactory(roles=[Role.PAYMENT_OFFICER])
    assert permission.has_permission(request, view=None)
    request.user = UserFactory(roles=[Role.VERIFIER])
    assert not permission.has_permission(request, view=None)
