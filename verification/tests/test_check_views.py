"""The desk-check pages: roles, 404 for another business, confirmation before irreversible steps,
errors at the field with nothing lost, the PDF, and the beneficiary's answer."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import TaxisnetUserFactory
from verification.models import SampleEntry, VerificationRequest
from verification.tests import factories_check as f

pytestmark = pytest.mark.django_db
S = VerificationRequest.State
TEN = [("Προσωπικό", "6000.00")] + [("Προσωπικό", "4888.89")] * 8 + [("Προσωπικό", "4888.88")]


def _url(name, *args):
    return reverse(f"verification:{name}", args=args)


def test_queue_is_for_verification_staff_only(client):
    op, applicant = f.operation()
    f.submitted_request(op, TEN)
    client.force_login(f.verifier())
    page = client.get(_url("check-queue"))
    assert page.status_code == 200 and op.code in page.content.decode()
    client.force_login(TaxisnetUserFactory())
    assert client.get(_url("check-queue")).status_code == 403


def test_the_whole_check_through_the_pages(client, django_capture_on_commit_callbacks):
    op, applicant = f.operation()
    req = f.submitted_request(op, TEN)
    v, sup = f.verifier(), f.supervisor()
    client.force_login(v)
    detail = _url("check-detail", req.pk)
    # Take: a confirmation page first, nothing changes without the box.
    page = client.post(detail, {"action": "take"})
    assert page.status_code == 200 and "Επιβεβαιώνω" in page.content.decode()
    req.refresh_from_db()
    assert req.state == S.SUBMITTED
    client.post(detail, {"action": "take", "confirm": "on"})
    req.refresh_from_db()
    assert req.state == S.UNDER_CHECK
    # A «no» without a note is refused at its item; what was typed stays.
    codes = [i["code"] for i in req.desk_check.checklist]
    data = {"action": "checklist", **{f"answer_{c}": "yes" for c in codes}, f"answer_{codes[0]}": "no"}
    page = client.post(detail, data)
    assert page.status_code == 400 and "χρειάζεται σημείωση" in page.content.decode()
    data[f"note_{codes[0]}"] = "Λείπει το αποδεικτικό εξόφλησης."
    assert client.post(detail, data).status_code == 302
    # Percent below the minimum refused, then the sample.
    page = client.post(detail, {"action": "draw", "percent": "10", "confirm": "on"})
    assert page.status_code == 400 and "τουλάχιστον 20%" in page.content.decode()
    client.post(detail, {"action": "draw", "percent": "", "confirm": "on"})
    explain = client.get(_url("check-sample", req.pk)).content.decode()
    assert "Υποχρεωτική: ποσό ≥ 10" in explain and "Τυχαία επιλογή #1" in explain
    entries = list(SampleEntry.objects.filter(check_record=req.desk_check).select_related("item"))
    big = next(e.item for e in entries if e.reason == "mandatory_large")
    item_url = _url("check-item", req.pk, big.pk)
    page = client.post(item_url, {"eligible_amount": "5.000,001", "correction_category": "1"})
    assert page.status_code == 400 and "δύο δεκαδικά" in page.content.decode()
    page = client.post(item_url, {"eligible_amount": "7.000,00", "correction_category": "1"})
    assert page.status_code == 400 and "υπερβαίνει" in page.content.decode()
    client.post(
        item_url,
        {"eligible_amount": "5.000,00", "ineligible_reason": "Εκτός περιόδου", "correction_category": "1"},
    )
    for e in entries:
        if e.item_id != big.pk:
            client.post(
                _url("check-item", req.pk, e.item_id),
                {"eligible_amount": str(e.item.amount).replace(".", ","), "correction_category": "1"},
            )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(detail, {"action": "draft", "conclusions": "Με διόρθωση 1.000,00 €.", "confirm": "on"})
    req.refresh_from_db()
    assert req.state == S.REPORT_DRAFTED
    # The verifier cannot approve; the supervisor corrects and approves.
    assert client.post(detail, {"action": "approve", "confirm": "on"}).status_code in (400, 403)
    client.force_login(sup)
    page = client.post(
        _url("check-item", req.pk, big.pk),
        {
            "eligible_amount": "5.500,00",
            "ineligible_reason": "Εκτός περιόδου",
            "correction_category": "1",
            "reason": "",
        },
    )
    assert page.status_code == 400
    client.post(
        _url("check-item", req.pk, big.pk),
        {
            "eligible_amount": "5.500,00",
            "ineligible_reason": "Εκτός περιόδου",
            "correction_category": "1",
            "reason": "Μέρος εντός περιόδου",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(detail, {"action": "approve", "confirm": "on"})
    req.refresh_from_db()
    assert req.state == S.REPORT_APPROVED and req.accepted_total == Decimal("49500.00")
    pdf = client.get(_url("check-report-pdf", req.pk), follow=True)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # Another business sees nothing; the beneficiary objects with a confirmation and a receipt.
    client.force_login(f.operation()[1])
    assert client.get(_url("beneficiary-result", req.pk)).status_code == 404
    client.force_login(applicant)
    result = _url("beneficiary-result", req.pk)
    page = client.get(result).content.decode()
    assert "49.500,00 €" in page and "Υποβολή αντιρρήσεων" in page
    page = client.post(result, {"action": "object", "text": " "})
    assert page.status_code == 400
    assert client.post(result, {"action": "object", "text": "Ολόκληρο εντός περιόδου."}).status_code == 200
    client.post(result, {"action": "object", "text": "Ολόκληρο εντός περιόδου.", "confirm": "on"})
    req.refresh_from_db()
    assert req.state == S.OBJECTED
    client.force_login(sup)
    client.post(
        detail,
        {"action": "decide_objection", "accepted": "no", "reasons": "Δεν τεκμηριώνεται.", "confirm": "on"},
    )
    req.refresh_from_db()
    assert req.state == S.CLOSED and req.result_objection.state == "rejected"


def test_a_verifier_who_evaluated_sees_the_refusal_on_the_page(client):
    op, _ = f.operation()
    req = f.submitted_request(op, TEN)
    v = f.verifier()
    f.evaluated_by(op, v)
    client.force_login(v)
    page = client.get(_url("check-detail", req.pk)).content.decode()
    assert 'id="conflict"' in page and "Ανάληψη για επαλήθευση" not in page
    page = client.post(_url("check-detail", req.pk), {"action": "take", "confirm": "on"})
    assert page.status_code == 403 and "Σύγκρουση συμφερόντων" in page.content.decode()
    req.refresh_from_db()
    assert req.state == S.SUBMITTED


def test_another_verifier_is_refused_with_403_and_nothing_changes(client):
    op, _ = f.operation()
    req = f.submitted_request(op, TEN)
    owner, other = f.verifier(), f.verifier()
    client.force_login(owner)
    client.post(_url("check-detail", req.pk), {"action": "take", "confirm": "on"})
    client.force_login(other)
    page = client.post(_url("check-detail", req.pk), {"action": "take", "confirm": "on"})
    assert page.status_code == 409 and "ανέλαβε ήδη" in page.content.decode()
    page = client.post(_url("check-detail", req.pk), {"action": "draw", "confirm": "on"})
    assert page.status_code == 403
    assert not SampleEntry.objects.filter(check_record__request=req).exists()


def test_bad_ids_are_404_not_500(client):
    client.force_login(f.verifier())
    assert client.get("/verification/checks/999999/").status_code == 404
    assert client.get("/verification/checks/999999/items/1/").status_code == 404


def test_the_result_block_renders_on_any_page_of_the_beneficiary(rf):
    from django.template import Context, Template

    op, applicant = f.operation()
    req = f.submitted_request(op, TEN)
    html = Template("{% load verification_check %}{% verification_result req %}").render(
        Context({"req": req})
    )
    assert 'id="verification-result"' in html and "σε εξέλιξη" in html


@pytest.mark.parametrize(
    "role,status",
    [
        ("verifier", 200),
        ("supervisor", 200),
        ("auditor", 200),
        ("programme_admin", 200),
        ("evaluator", 403),
        ("payment_officer", 403),
    ],
)
def test_permission_matrix_of_the_check_pages(client, role, status):
    from accounts.tests.factories import UserFactory

    op, applicant = f.operation()
    req = f.submitted_request(op, TEN)
    client.force_login(UserFactory(roles=[role]))
    assert client.get(_url("check-queue")).status_code == status
    assert client.get(_url("check-detail", req.pk)).status_code == status
    # A staff member is not the beneficiary: its result page is a 404 for them.
    assert client.get(_url("beneficiary-result", req.pk)).status_code == 404


def test_queue_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    for _ in range(3):
        op, _a = f.operation()
        f.submitted_request(op, TEN)
    client.force_login(f.verifier())
    with django_assert_max_num_queries(12):
        page = client.get(_url("check-queue"))
    assert page.content.decode().count("ΠΡΞ-") >= 3
    for _ in range(5):
        op, _a = f.operation()
        f.submitted_request(op, TEN)
    with django_assert_max_num_queries(12):
        client.get(_url("check-queue"))


def test_a_request_not_selected_is_accepted_without_check_from_its_page(client):
    op, applicant = f.operation()
    req = f.submitted_request(op, TEN, selected=False)
    client.force_login(f.verifier())
    page = client.get(_url("check-detail", req.pk)).content.decode()
    assert "Αποδοχή χωρίς διοικητική επαλήθευση" in page and "Ανάληψη για επαλήθευση" not in page
    client.post(_url("check-detail", req.pk), {"action": "accept_no_check", "confirm": "on"})
    req.refresh_from_db()
    assert req.state == S.ACCEPTED_WITHOUT_CHECK and req.accepted_total == Decimal("50000.00")
    client.force_login(applicant)
    assert "χωρίς διοικητική επαλήθευση" in client.get(_url("beneficiary-result", req.pk)).content.decode()
