"""Diavgeia client against its sandbox over real HTTP: publish → ΑΔΑ → read (interop.md §2)."""

import datetime
import re

import pytest
import requests

from interop.diavgeia import DiavgeiaClient
from interop.models import RegistryCall
from interop.sandboxes.control import set_mode
from opske.errors import RegistryRefused, RegistryUnavailable

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ADA_10_3 = re.compile(r"^[Α-Ω0-9]{10}-[Α-Ω0-9]{3}$")


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.INTEROP_MAX_ATTEMPTS = 1
    settings.INTEROP_DEFAULT_TIMEOUT = 3


def _metadata(**overrides) -> dict:
    meta = {
        "protocolNumber": "ΚΕ-2026/0142",
        "subject": "Έγκριση χορήγησης ενίσχυσης de minimis στην ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ ΜΟΝΟΠΡΟΣΩΠΗ ΙΚΕ",
        "issueDate": datetime.date(2026, 3, 1),
        "unitIds": ["100"],
        "signerIds": ["200"],
        "decisionTypeId": "Β.1.3",
        "thematicCategoryIds": ["20"],
        "extraFieldValues": {"financialYear": 2026, "amountWithVAT": {"amount": 14220, "currency": "EUR"}},
        "privateData": False,
    }
    meta.update(overrides)
    return {k: v for k, v in meta.items() if v is not None}


def test_publish_gets_an_ada_and_the_decision_reads_back_with_its_pdf():
    published = DiavgeiaClient().publish(_metadata(), PDF)

    assert ADA_10_3.match(published.ada)
    assert published.status == "PUBLISHED"
    read = DiavgeiaClient().get(published.ada)
    assert read.protocol_number == "ΚΕ-2026/0142"
    assert read.issue_date == datetime.date(2026, 3, 1)  # sent as ISO, read back from epoch ms
    assert read.publish_timestamp is not None and read.publish_timestamp.tzinfo is not None
    assert read.decision_type_id == "Β.1.3"
    assert requests.get(read.document_url, timeout=3).content == PDF


def test_publishing_the_same_protocol_number_again_returns_the_same_ada():
    first = DiavgeiaClient().publish(_metadata(), PDF)

    again = DiavgeiaClient().publish(_metadata(subject="Δεύτερη αποστολή μετά από timeout"), PDF)

    assert again.ada == first.ada
    assert again.subject == first.subject  # the decision already published, not a second one


def test_attachments_are_published_with_their_descriptions():
    published = DiavgeiaClient().publish(
        _metadata(protocolNumber="ΚΕ-2026/0200"),
        PDF,
        attachments=[("pinakas.pdf", PDF, "Πίνακας δικαιούχων")],
    )

    assert [(a.filename, a.description, a.mime_type) for a in published.attachments] == [
        ("pinakas.pdf", "Πίνακας δικαιούχων", "application/pdf")
    ]


def test_missing_and_invalid_fields_are_named_in_greek():
    with pytest.raises(RegistryRefused) as exc:
        DiavgeiaClient().publish(_metadata(subject=None, decisionTypeId="Ζ.9"), PDF)

    assert exc.value.code == "diavgeia_rejected"
    assert set(exc.value.fields) == {"subject", "decisionTypeId"}
    assert "«Θέμα» (subject) είναι υποχρεωτικό" in exc.value.message
    assert "«Είδος πράξης» (decisionTypeId) δεν είναι έγκυρο" in exc.value.message
    assert RegistryCall.objects.get().http_status == 400


def test_another_organisation_is_refused():
    with pytest.raises(RegistryRefused) as exc:
        DiavgeiaClient().publish(_metadata(organizationId="12345"), PDF)

    assert "organizationId" in exc.value.fields


def test_a_file_that_is_not_a_pdf_is_refused():
    with pytest.raises(RegistryRefused) as exc:
        DiavgeiaClient().publish(_metadata(), b"GIF89a not a pdf")

    assert "decisionFile" in exc.value.fields
    assert "Αρχείο πράξης (PDF)" in exc.value.message


def test_the_sandbox_answers_400_with_an_errors_array(registry_server):
    response = requests.post(
        f"{registry_server}/sandbox/diavgeia/decisions",
        data={"metadata": "{not json"},
        auth=("opske", "sandbox-pass"),
        timeout=3,
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["errorCode"] == "invalid:metadata"


def test_wrong_basic_credentials_are_refused():
    client = DiavgeiaClient()
    client.config["password"] = "wrong"

    with pytest.raises(RegistryRefused) as exc:
        client.publish(_metadata(), PDF)

    assert exc.value.code == "diavgeia_unauthorized"


def test_the_sandbox_answers_401_without_basic_auth(registry_server):
    response = requests.post(
        f"{registry_server}/sandbox/diavgeia/decisions", data={"metadata": "{}"}, timeout=3
    )

    assert response.status_code == 401


def test_an_unknown_ada_is_not_found():
    with pytest.raises(RegistryRefused) as exc:
        DiavgeiaClient().get("ΩΩΩΩΩΩΩΩΩΩ-ΩΩΩ")

    assert exc.value.code == "diavgeia_not_found"


def test_a_revocation_request_leaves_the_decision_pending_revocation():
    published = DiavgeiaClient().publish(_metadata(protocolNumber="ΚΕ-2026/0300"), PDF)
    DiavgeiaClient().get(published.ada)  # cached as PUBLISHED

    revoked = DiavgeiaClient().revoke_request(published.ada, "Εκ παραδρομής ανάρτηση")

    assert revoked.status == "PENDING_REVOCATION"
    assert DiavgeiaClient().get(published.ada).status == "PENDING_REVOCATION"


def test_malformed_json_is_reported():
    set_mode("diavgeia", "error", error_code="malformed")

    with pytest.raises(RegistryRefused) as exc:
        DiavgeiaClient().publish(_metadata(), PDF)

    assert exc.value.code == "diavgeia_malformed"


def test_diavgeia_down_is_unavailable_so_a_task_can_retry():
    set_mode("diavgeia", "down")

    with pytest.raises(RegistryUnavailable):
        DiavgeiaClient().publish(_metadata(), PDF)
