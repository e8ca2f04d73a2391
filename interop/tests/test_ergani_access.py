"""A business authorises the portal for ΕΡΓΑΝΗ or uploads an export; the prefill uses it."""

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Membership
from accounts.tests.factories import BusinessFactory, MembershipFactory
from interop.ergani_access import (
    decrypt_secret,
    ergani_authorize,
    ergani_export_upload,
    ergani_revoke,
    ergani_workforce_for,
    fetch_workforce,
)
from interop.models import ErganiAuthorization, ErganiExportUpload
from interop.sandboxes.data_people import ERGANI_EMPLOYERS
from opske.errors import NotFound, PermissionDenied, ValidationFailed
from opske.models import AuditEvent

pytestmark = pytest.mark.django_db

LIGNITIS = "804773470"
MARCH_2026 = date(2026, 3, 31)
SAMPLE = Path(__file__).parent / "fixtures" / "ergani_staff_804773470_2026-03-31.csv"


@pytest.fixture
def coordinator():
    return MembershipFactory(business=BusinessFactory(afm=LIGNITIS, name="ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ ΜΟΝΟΠΡΟΣΩΠΗ ΙΚΕ"))


def sample_file(content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(SAMPLE.name, SAMPLE.read_bytes() if content is None else content)


def test_authorising_with_the_employers_credentials_stores_them_encrypted_and_feeds_the_workforce(
    coordinator,
):
    employer = ERGANI_EMPLOYERS[LIGNITIS]

    auth = ergani_authorize(
        actor=coordinator.user,
        business=coordinator.business,
        username=employer["username"],
        password=employer["password"],
    )

    stored = ErganiAuthorization.objects.get(pk=auth.pk)
    assert stored.password_encrypted != employer["password"]
    assert employer["password"] not in stored.password_encrypted
    assert decrypt_secret(stored.password_encrypted) == employer["password"]
    report = ergani_workforce_for(coordinator.business, MARCH_2026)
    assert report.source == "api"
    assert report.employer_afm == LIGNITIS
    assert report.headcount == 11
    event = AuditEvent.objects.filter(action="ergani.authorize").latest("id")
    assert employer["password"] not in str(event.after) + str(event.before)


def test_a_wrong_password_is_refused_in_greek_and_nothing_is_saved(coordinator):
    with pytest.raises(ValidationFailed) as exc:
        ergani_authorize(
            actor=coordinator.user,
            business=coordinator.business,
            username=f"ergani-{LIGNITIS}",
            password="wrong-password",
        )

    assert exc.value.code == "ergani_credentials_refused"
    assert "Δεν αποθηκεύτηκε τίποτα" in exc.value.message
    assert not ErganiAuthorization.objects.exists()
    assert ergani_workforce_for(coordinator.business, MARCH_2026) is None


def test_another_businesss_credentials_are_refused(coordinator):
    other_afm = next(afm for afm in ERGANI_EMPLOYERS if afm != LIGNITIS)

    with pytest.raises(ValidationFailed):
        ergani_authorize(
            actor=coordinator.user,
            business=coordinator.business,
            username=f"ergani-{other_afm}",
            password=ERGANI_EMPLOYERS[other_afm]["password"],
        )

    assert not ErganiAuthorization.objects.exists()


def test_a_member_of_another_business_gets_a_404_and_nothing_is_saved(client, coordinator):
    outsider = MembershipFactory()
    client.force_login(outsider.user)

    response = client.post(
        reverse("interop:ergani-authorize", args=[coordinator.business.pk]),
        {"username": f"ergani-{LIGNITIS}", "password": "ergani-demo"},
    )
    upload = client.post(
        reverse("interop:ergani-upload", args=[coordinator.business.pk]), {"file": sample_file()}
    )

    assert response.status_code == 404
    assert upload.status_code == 404
    assert not ErganiAuthorization.objects.exists()
    assert not ErganiExportUpload.objects.exists()


def test_a_financial_officer_may_not_authorise(coordinator):
    officer = MembershipFactory(business=coordinator.business, role=Membership.BusinessRole.FINANCIAL_OFFICER)

    with pytest.raises(PermissionDenied):
        ergani_export_upload(actor=officer.user, business=coordinator.business, file=sample_file())

    assert not ErganiExportUpload.objects.exists()


def test_the_uploaded_export_is_used_for_the_workforce_and_the_prefill(client, coordinator):
    client.force_login(coordinator.user)

    response = client.post(
        reverse("interop:ergani-upload", args=[coordinator.business.pk]), {"file": sample_file()}
    )

    assert response.status_code == 302
    report = ergani_workforce_for(coordinator.business, MARCH_2026)
    assert report.source == "export"
    assert report.as_on == MARCH_2026
    assert report.headcount == 11
    assert fetch_workforce(LIGNITIS, MARCH_2026.isoformat())["headcount"] == 11
    assert AuditEvent.objects.filter(action="ergani.export_upload").exists()
    page = client.get(reverse("accounts:dashboard"))
    assert "ΕΡΓΑΝΗ: προσωπικό" in page.content.decode()
    assert SAMPLE.name in page.content.decode()


def test_a_malformed_export_shows_its_row_and_column_and_saves_nothing(client, coordinator):
    lines = SAMPLE.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[6].split(";")
    cells[9] = "σαράντα"
    lines[6] = ";".join(cells)
    client.force_login(coordinator.user)

    response = client.post(
        reverse("interop:ergani-upload", args=[coordinator.business.pk]),
        {"file": sample_file("\n".join(lines).encode())},
    )

    assert response.status_code == 400
    assert "Γραμμή 7, στήλη «ΩΡΕΣ ΕΒΔΟΜΑΔΙΑΙΩΣ»" in response.content.decode()
    assert not ErganiExportUpload.objects.exists()


def test_revoking_stops_the_api_and_falls_back_to_the_upload(client, coordinator):
    ergani_authorize(
        actor=coordinator.user,
        business=coordinator.business,
        username=f"ergani-{LIGNITIS}",
        password="ergani-demo",
    )
    ergani_export_upload(actor=coordinator.user, business=coordinator.business, file=sample_file())
    assert ergani_workforce_for(coordinator.business, MARCH_2026).source == "api"
    client.force_login(coordinator.user)
    confirm = client.get(reverse("interop:ergani-revoke", args=[coordinator.business.pk]))
    assert "Ναι, ανάκληση" in confirm.content.decode()

    response = client.post(reverse("interop:ergani-revoke", args=[coordinator.business.pk]))

    assert response.status_code == 302
    assert ErganiAuthorization.objects.get().revoked_at is not None
    assert ergani_workforce_for(coordinator.business, MARCH_2026).source == "export"
    assert AuditEvent.objects.filter(action="ergani.revoke").exists()


def test_revoking_without_an_authorisation_is_a_clear_not_found(coordinator):
    with pytest.raises(NotFound) as exc:
        ergani_revoke(actor=coordinator.user, business=coordinator.business)

    assert exc.value.code == "ergani_auth_not_found"


def test_the_prefill_uses_the_uploaded_export_when_the_sandbox_credentials_are_off(settings):
    from applications.tests.factories import complete_business_draft, load_world, member, seeded_call
    from calls import seeds

    load_world()
    call = seeded_call(seeds.kya7066)
    user = member(LIGNITIS)
    business = Membership.objects.filter(user=user).first().business
    ergani_export_upload(actor=user, business=business, file=sample_file())
    settings.SANDBOXES_ENABLED = False  # no demo ΕΡΓΑΝΗ password: only the business's own upload

    app = complete_business_draft(user, call, afm=LIGNITIS)

    snapshot = app.registry_snapshots.get(registry="ergani")
    assert snapshot.data["source"] == "export"
    assert snapshot.data["headcount"] == 11
