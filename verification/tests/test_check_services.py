"""The desk check through its services: take (conflict, one winner), checklist, sample, item
results, report, maker ≠ checker, the beneficiary's acceptance or objection, the window lapse."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from opske.deadlines import sweep_due_deadlines
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.models import Deadline
from verification import services
from verification.models import Correction, SampleEntry, VerificationRequest
from verification.tests import factories_check as f

pytestmark = pytest.mark.django_db
D = Decimal
S = VerificationRequest.State
TEN = [("Προσωπικό", "6000.00")] + [("Προσωπικό", "4888.89")] * 8 + [("Προσωπικό", "4888.88")]


def _answer_all(req, user):
    check = req.desk_check
    services.checklist_save(
        actor=user, request_id=req.pk, answers={i["code"]: {"answer": "yes"} for i in check.checklist}
    )


def _checked(req, verifier, *, ineligible_first=None):
    ineligible_first = ineligible_first or D("0")
    services.desk_check_take(actor=verifier, request_id=req.pk)
    req.refresh_from_db()
    _answer_all(req, verifier)
    services.sample_draw(actor=verifier, request_id=req.pk, seed=7)
    for e in SampleEntry.objects.filter(check_record=req.desk_check).select_related("item"):
        cut = ineligible_first if e.reason == "mandatory_large" else D("0")
        services.item_result_record(
            actor=verifier,
            request_id=req.pk,
            item_id=e.item_id,
            eligible_amount=e.item.amount - cut,
            ineligible_reason="Τιμολόγιο εκτός επιλέξιμης περιόδου" if cut else "",
        )
    return services.report_draft(actor=verifier, request_id=req.pk, conclusions="Ολοκληρώθηκε.")


def test_a_verifier_who_evaluated_the_application_is_refused():
    op, _ = f.operation()
    req = f.submitted_request(op, TEN)
    v = f.verifier()
    f.evaluated_by(op, v)
    with pytest.raises(PermissionDenied) as exc:
        services.desk_check_take(actor=v, request_id=req.pk)
    assert exc.value.code == "conflict_of_interest" and "Σύγκρουση συμφερόντων" in exc.value.message
    req.refresh_from_db()
    assert req.state == S.SUBMITTED


def test_only_a_verifier_takes_and_not_a_request_not_selected():
    op, applicant = f.operation()
    req = f.submitted_request(op, TEN, selected=False)
    with pytest.raises(PermissionDenied):
        services.desk_check_take(actor=f.supervisor(), request_id=req.pk)
    with pytest.raises(Conflict) as exc:
        services.desk_check_take(actor=f.verifier(), request_id=req.pk)
    assert exc.value.code == "not_selected"
    services.request_accept_without_check(actor=f.supervisor(), request_id=req.pk)
    req.refresh_from_db()
    assert req.state == S.ACCEPTED_WITHOUT_CHECK and req.accepted_total == req.declared_total


def test_sample_item_results_and_report_give_the_accepted_total():
    op, applicant = f.operation()
    req = f.submitted_request(op, TEN)
    v, sup = f.verifier(), f.supervisor()
    report = _checked(req, v, ineligible_first=D("1000.00"))
    assert report.declared_total == D("50000.00")
    assert report.corrections_total == D("1000.00") and report.accepted_total == D("49000.00")
    req.refresh_from_db()
    assert req.state == S.REPORT_DRAFTED
    # Maker ≠ checker: the verifier cannot approve (and has no supervisor role anyway).
    with pytest.raises(PermissionDenied):
        services.report_approve(actor=v, request_id=req.pk)
    services.report_approve(actor=sup, request_id=req.pk)
    req.refresh_from_db()
    assert req.state == S.REPORT_APPROVED and req.accepted_total == D("49000.00")
    assert req.objection_deadline >= timezone.localdate() + datetime.timedelta(days=15)
    corr = Correction.objects.get(request=req)
    assert corr.origin == "administrative" and corr.amount == D("1000.00") and corr.item_id
    # The beneficiary is served the result (a legal notice in its inbox) with the deadline.
    from opske.models import Notification

    notice = Notification.objects.get(recipient=applicant, kind="verification.result")
    assert notice.is_legal_notice and req.objection_deadline.strftime("%d/%m/%Y") in notice.body


def test_the_drafter_cannot_approve_even_with_the_supervisor_role():
    op, _ = f.operation()
    req = f.submitted_request(op, TEN)
    v = f.verifier()
    v.role_assignments.create(role="supervisor")
    v._role_cache = None
    _checked(req, v)
    with pytest.raises(PermissionDenied) as exc:
        services.report_approve(actor=v, request_id=req.pk)
    assert exc.value.code == "maker_checker"


def test_eligible_above_declared_or_three_decimals_refused_and_unsampled_item_refused():
    op, _ = f.operation()
    req = f.submitted_request(op, TEN)
    v = f.verifier()
    services.desk_check_take(actor=v, request_id=req.pk)
    services.sample_draw(actor=v, request_id=req.pk, seed=7)
    sampled = set(SampleEntry.objects.values_list("item_id", flat=True))
    item = req.items.get(pk=min(sampled))
    with pytest.raises(ValidationFailed) as exc:
        services.item_result_record(
            actor=v, request_id=req.pk, item_id=item.pk, eligible_amount=item.amount + D("0.01")
        )
    assert "eligible_amount" in exc.value.fields
    with pytest.raises(ValidationFailed):
        services.item_result_record(actor=v, request_id=req.pk, item_id=item.pk, eligible_amount=D("10.001"))
    other = req.items.exclude(pk__in=sampled).first()
    with pytest.raises(Conflict) as exc:
        services.item_result_record(actor=v, request_id=req.pk, item_id=other.pk, eligible_amount=D("0"))
    assert exc.value.code == "not_sampled"
    # Extension to the whole ΔΔΔ brings it in, with the reason recorded.
    services.sample_extend(actor=v, request_id=req.pk, scope="whole", reason="Ίδιου τύπου ευρήματα")
    services.item_result_record(actor=v, request_id=req.pk, item_id=other.pk, eligible_amount=other.amount)


def test_another_verifier_cannot_write_on_a_check_taken():
    op, _ = f.operation()
    req = f.submitted_request(op, TEN)
    v1, v2 = f.verifier(), f.verifier()
    services.desk_check_take(actor=v1, request_id=req.pk)
    with pytest.raises(Conflict) as exc:
        services.desk_check_take(actor=v2, request_id=req.pk)
    assert exc.value.code == "already_taken"
    with pytest.raises(PermissionDenied):
        services.sample_draw(actor=v2, request_id=req.pk)


@pytest.mark.django_db(transaction=True)
def test_two_verifiers_taking_the_same_request_at_once_only_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("Η δοκιμή ταυτοχρονισμού χρειάζεται PostgreSQL.")
    op, _ = f.operation()
    req = f.submitted_request(op, TEN)
    v1, v2 = f.verifier(), f.verifier()
    barrier = threading.Barrier(2)
    outcomes = []

    def take(user):
        try:
            barrier.wait()
            services.desk_check_take(actor=user, request_id=req.pk)
            outcomes.append("won")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(u,)) for u in (v1, v2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already_taken", "won"]
    req.refresh_from_db()
    assert req.state == S.UNDER_CHECK


def test_beneficiary_accepts_within_the_window_and_others_get_404():
    op, applicant = f.operation()
    req = f.submitted_request(op, TEN)
    _checked(req, f.verifier())
    services.report_approve(actor=f.supervisor(), request_id=req.pk)
    stranger_op, stranger = f.operation()
    with pytest.raises(NotFound):
        services.result_accept(actor=stranger, request_id=req.pk)
    services.result_accept(actor=applicant, request_id=req.pk)
    req.refresh_from_db()
    assert req.state == S.ACCEPTED and req.accepted_how == "beneficiary"
    assert not Deadline.objects.filter(kind="verification.result_objection_window", state="pending").exists()


def test_objection_then_the_supervisor_accepts_it_and_the_report_is_corrected():
    op, applicant = f.operation()
    req = f.submitted_request(op, TEN)
    _checked(req, f.verifier(), ineligible_first=D("1000.00"))
    sup = f.supervisor()
    services.report_approve(actor=sup, request_id=req.pk)
    with pytest.raises(ValidationFailed):
        services.result_object(actor=applicant, request_id=req.pk, text="  ")
    services.result_object(actor=applicant, request_id=req.pk, text="Το τιμολόγιο είναι εντός περιόδου.")
    req.refresh_from_db()
    assert req.state == S.OBJECTED
    item = Correction.objects.get(request=req).item
    services.objection_decide(
        actor=sup,
        request_id=req.pk,
        accepted=True,
        reasons="Προσκομίστηκε το αποδεικτικό.",
        item_changes={item.pk: (item.amount, "1")},
    )
    req.refresh_from_db()
    assert req.state == S.CLOSED and req.accepted_total == D("50000.00")
    assert not Correction.objects.filter(request=req).exists()
    report = req.desk_check.report
    assert report.corrections.filter(stage="objection").count() == 1 and report.version >= 2


def test_objection_rejected_keeps_the_result():
    op, applicant = f.operation()
    req = f.submitted_request(op, TEN)
    _checked(req, f.verifier(), ineligible_first=D("1000.00"))
    sup = f.supervisor()
    services.report_approve(actor=sup, request_id=req.pk)
    services.result_object(actor=applicant, request_id=req.pk, text="Διαφωνούμε.")
    with pytest.raises(ValidationFailed):
        services.objection_decide(actor=sup, request_id=req.pk, accepted=False, reasons="")
    services.objection_decide(actor=sup, request_id=req.pk, accepted=False, reasons="Δεν τεκμηριώνεται.")
    req.refresh_from_db()
    assert req.state == S.CLOSED and req.accepted_total == D("49000.00")
    assert req.result_objection.state == "rejected"


def test_the_window_passing_without_objection_counts_as_accepted():
    op, applicant = f.operation()
    req = f.submitted_request(op, TEN)
    _checked(req, f.verifier())
    services.report_approve(actor=f.supervisor(), request_id=req.pk)
    sweep_due_deadlines(now=timezone.now() + datetime.timedelta(days=40))
    req.refresh_from_db()
    assert req.state == S.ACCEPTED and req.accepted_how == "window_passed"
    with pytest.raises(Conflict):
        services.result_object(actor=applicant, request_id=req.pk, text="Αργά.")


def test_setting_verification_objection_changes_outcome():
    # Call 004: 15 days; set 30 and the deadline moves.
    short = f.call_004()
    long = f.call_004(
        verification_objection={"days": 30, "counting": "calendar", "roll_to_working_day": True}
    )
    deadlines = []
    for call in (short, long):
        op, _ = f.operation(call)
        req = f.submitted_request(op, TEN)
        _checked(req, f.verifier())
        services.report_approve(actor=f.supervisor(), request_id=req.pk)
        req.refresh_from_db()
        deadlines.append((req.objection_deadline - timezone.localdate()).days)
    assert deadlines[0] in range(15, 19) and deadlines[1] in range(30, 34)


def test_setting_subproject_type_changes_outcome():
    sizes = []
    for code in ("5005", "5003"):
        op, _ = f.operation(f.call_004(subproject_type=code))
        req = f.submitted_request(op, TEN)
        v = f.verifier()
        services.desk_check_take(actor=v, request_id=req.pk)
        check = services.sample_draw(actor=v, request_id=req.pk, seed=7)
        sizes.append((check.sample_method, check.sample_entries.count()))
    assert sizes == [("sample", 2), ("full", 10)]


def test_setting_item_sampling_changes_outcome():
    sizes = []
    for sampling in ({}, {"percent": "50"}):
        op, _ = f.operation(f.call_004(item_sampling=sampling))
        req = f.submitted_request(op, TEN)
        v = f.verifier()
        services.desk_check_take(actor=v, request_id=req.pk)
        check = services.sample_draw(actor=v, request_id=req.pk, seed=7)
        sizes.append(check.sample_entries.count())
    assert sizes[0] == 2 and sizes[1] == 5  # 6.000 + 4 × 4.888,89 ≥ 25.000,00


def test_setting_verification_checklist_changes_outcome():
    codes = []
    for checklist in (None, [{"code": "X1", "text": "Ένα μόνο ερώτημα", "citation": "δοκιμή"}]):
        op, _ = f.operation(f.call_004(**({"verification_checklist": checklist} if checklist else {})))
        req = f.submitted_request(op, TEN)
        check = services.desk_check_take(actor=f.verifier(), request_id=req.pk)
        codes.append([i["code"] for i in check.checklist])
    assert codes[0][0] == "004-1" and len(codes[0]) == 8
    assert codes[1] == ["X1"]


def test_kya_7066_window_is_thirty_days_when_the_report_proposes_no_correction():
    from applications.tests.factories import seeded_call
    from calls import seeds

    call = seeded_call(seeds.kya7066, code_suffix="-vc")
    assert call.config["verification_objection"]["days_without_correction"] == 30
    op, _ = f.operation(call)
    req = f.submitted_request(op, TEN)
    _checked(req, f.verifier())
    services.report_approve(actor=f.supervisor(), request_id=req.pk)
    req.refresh_from_db()
    assert (req.objection_deadline - timezone.localdate()).days in range(30, 34)


def test_per_category_percentages_need_a_reason_and_the_overall_minimum():
    items = [("Α", "100.00")] * 30 + [("Β", "100.00")] * 30
    op, _ = f.operation()
    req = f.submitted_request(op, items)
    v = f.verifier()
    services.desk_check_take(actor=v, request_id=req.pk)
    with pytest.raises(ValidationFailed) as exc:
        services.sample_draw(
            actor=v, request_id=req.pk, seed=1, category_percents={"Α": D("40"), "Β": D("5")}
        )
    assert "justification" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        services.sample_draw(
            actor=v,
            request_id=req.pk,
            seed=1,
            justification="Α πιο επικίνδυνη",
            category_percents={"Α": D("25"), "Β": D("5")},
        )
    assert "category_percents" in exc.value.fields and "16,67%" in exc.value.message
    check = services.sample_draw(
        actor=v,
        request_id=req.pk,
        seed=1,
        justification="Α πιο επικίνδυνη",
        category_percents={"Α": D("40"), "Β": D("5")},
    )
    assert check.sample_category_percents == {"Α": "40", "Β": "5"} and check.sample_entries.count() == 14
