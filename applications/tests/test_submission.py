"""Final submission: what blocks it (Art. 6.5), what it stamps, re-editing, withdrawal, receipts."""

import datetime
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Membership
from applications import selectors, services
from applications.models import Application
from applications.tasks import prefill_registries
from applications.tests.factories import (
    POSITION_KOZANI,
    complete_business_draft,
    member,
    person_user,
    upload_required_attachments,
)
from calls.models import BudgetPool, Call
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.models import GeneratedDocument

LIGNITIS = "804773470"
GREVENA = "808982626"
LAIKES = "809616685"
CLUSTER = "994681285"
RESEARCH = "998889259"
SMES = ["997126117", "097464499", "092730129", "098194849", "095938180", "094827501"]


def test_complete_application_is_submitted_with_number_timestamp_priority_and_reservation(kya7066):
    user = member(LIGNITIS)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS, positions=[{**POSITION_KOZANI, "persons": 2}])

    submitted = services.application_submit(actor=user, application_id=app.pk)

    assert submitted.status == Application.Status.SUBMITTED
    assert submitted.protocol_number.endswith("000001")
    assert submitted.priority_seq == 1
    assert submitted.submitted_at is not None
    # 2 persons × €1,185.00 × 12 months (ΚΥΑ 7066 Art. 5.1.1, 5.1.3)
    assert submitted.requested_amount == Decimal("28440.00")
    assert BudgetPool.objects.get(call=kya7066, code="wm").reserved == Decimal("28440.00")


def test_registry_answers_are_stored_with_when_they_were_fetched(kya7066):
    user = member(GREVENA)
    app = complete_business_draft(user, kya7066, afm=GREVENA)

    snapshots = {s.registry: s for s in app.registry_snapshots.all()}

    assert set(snapshots) >= {"aade", "deminimis", "ergani"}
    assert Decimal(snapshots["deminimis"].data["total_gge"]) == Decimal("290000.00")
    assert snapshots["ergani"].data["headcount"] >= 0
    assert snapshots["aade"].fetched_at <= timezone.now()


def test_annex2_kad_blocks_submission_with_the_reason(kya7066):
    user = member(LAIKES)
    place = {**POSITION_KOZANI, "place_regional_unit": "Φλώρινας", "place_municipality": "Φλώρινας"}
    app = complete_business_draft(user, kya7066, afm=LAIKES, positions=[place])

    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(actor=user, application_id=app.pk)

    assert exc.value.code == "kad_excluded"
    assert "47.81.10.01" in exc.value.message and "Παράρτημα 2" in exc.value.message
    assert Application.objects.get(pk=app.pk).status == Application.Status.DRAFT


def test_place_of_employment_outside_the_eligible_areas_blocks_submission(kya7066):
    user = member(LIGNITIS)
    thessaloniki = {
        **POSITION_KOZANI,
        "place_region": "Κεντρικής Μακεδονίας",
        "place_regional_unit": "Θεσσαλονίκης",
        "place_municipality": "Θεσσαλονίκης",
    }
    app = complete_business_draft(user, kya7066, afm=LIGNITIS, positions=[thessaloniki])

    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(actor=user, application_id=app.pk)

    assert exc.value.code == "area_ineligible"
    assert "Θεσσαλονίκης" in exc.value.message and "δεν είναι επιλέξιμη" in exc.value.message


def test_de_minimis_headroom_of_the_single_undertaking_blocks_a_request_that_exceeds_it(kya7066):
    # 808982626 has €290,000 prior de minimis (ΠΣΣΕΗΣ): one 01.22 hire asks €14,220 > €10,000 headroom.
    user = member(GREVENA)
    grevena = {**POSITION_KOZANI, "place_regional_unit": "Γρεβενών", "place_municipality": "Γρεβενών"}
    app = complete_business_draft(user, kya7066, afm=GREVENA, positions=[grevena])

    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(actor=user, application_id=app.pk)

    assert exc.value.code == "de_minimis_exceeded"
    assert "290.000,00 €" in exc.value.message and "10.000,00 €" in exc.value.message
    assert BudgetPool.objects.get(call=kya7066, code="wm").reserved == 0


def test_de_minimis_request_within_headroom_is_accepted(kya7066):
    user = member(GREVENA)
    cheaper = {
        **POSITION_KOZANI,
        "category": "01.23",
        "place_regional_unit": "Γρεβενών",
        "place_municipality": "Γρεβενών",
    }
    app = complete_business_draft(user, kya7066, afm=GREVENA, positions=[cheaper])

    submitted = services.application_submit(actor=user, application_id=app.pk)

    assert submitted.requested_amount == Decimal("9954.00")
    assert submitted.status == Application.Status.SUBMITTED


def test_incomplete_draft_lists_every_missing_piece(kya7066):
    user = member(LIGNITIS)
    app = services.application_create(actor=user, call_id=kya7066.pk)
    prefill_registries(app.pk)
    services.application_save_step(actor=user, application_id=app.pk, step="general", payload={"email": ""})

    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(actor=user, application_id=app.pk)

    assert exc.value.code == "submission_blocked"
    assert set(exc.value.fields) >= {"email", "positions", "de_minimis", "declarations"}


def test_submission_after_the_window_closes_is_refused_showing_the_closing_time(kya7066):
    user = member(LIGNITIS)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS)
    closed = timezone.now() - datetime.timedelta(minutes=5)
    Call.objects.filter(pk=kya7066.pk).update(submission_closes_at=closed)

    with pytest.raises(Conflict) as exc:
        services.application_submit(actor=user, application_id=app.pk)

    assert exc.value.code == "window_closed"
    assert timezone.localtime(closed).strftime("%d/%m/%Y %H:%M:%S") in exc.value.message


def test_once_the_pool_is_used_up_later_applications_become_reserves(kya7066):
    BudgetPool.objects.filter(call=kya7066, code="wm").update(amount=Decimal("14220.00"))
    first_user, second_user = member(LIGNITIS), member(GREVENA)
    first = complete_business_draft(first_user, kya7066, afm=LIGNITIS)
    cheap = {
        **POSITION_KOZANI,
        "category": "01.23",
        "place_regional_unit": "Γρεβενών",
        "place_municipality": "Γρεβενών",
    }
    second = complete_business_draft(second_user, kya7066, afm=GREVENA, positions=[cheap])

    services.application_submit(actor=first_user, application_id=first.pk)
    reserve = services.application_submit(actor=second_user, application_id=second.pk)

    assert reserve.status == Application.Status.RESERVE
    assert reserve.priority_seq == 2 and reserve.reserved_amount == 0
    pool = BudgetPool.objects.get(call=kya7066, code="wm")
    assert pool.reserved == Decimal("14220.00") == pool.amount


def test_a_call_that_refuses_over_budget_applications_says_the_pool_is_exhausted(kya7066):
    Call.objects.filter(pk=kya7066.pk).update(over_pool_policy=Call.OverPoolPolicy.REFUSE)
    BudgetPool.objects.filter(call=kya7066, code="wm").update(amount=Decimal("1000.00"))
    user = member(LIGNITIS)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS)

    with pytest.raises(Conflict) as exc:
        services.application_submit(actor=user, application_id=app.pk)

    assert exc.value.code == "pool_exhausted"
    assert Application.objects.get(pk=app.pk).protocol_number == ""


def test_double_submission_submits_once(kya7066):
    user = member(LIGNITIS)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS)
    services.application_submit(actor=user, application_id=app.pk)

    with pytest.raises(Conflict) as exc:
        services.application_submit(actor=user, application_id=app.pk)

    assert exc.value.code == "already_submitted"
    assert BudgetPool.objects.get(call=kya7066, code="wm").reserved == Decimal("14220.00")


def test_reedit_keeps_the_number_releases_the_budget_and_resubmission_takes_a_new_place(kya7066):
    user, other = member(LIGNITIS), member(GREVENA)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS)
    first = services.application_submit(actor=user, application_id=app.pk)
    cheap = {
        **POSITION_KOZANI,
        "category": "01.23",
        "place_regional_unit": "Γρεβενών",
        "place_municipality": "Γρεβενών",
    }
    other_app = complete_business_draft(other, kya7066, afm=GREVENA, positions=[cheap])

    reopened = services.application_reopen(actor=user, application_id=app.pk)
    assert reopened.status == Application.Status.DRAFT
    assert BudgetPool.objects.get(call=kya7066, code="wm").reserved == 0
    services.application_submit(actor=other, application_id=other_app.pk)
    again = services.application_submit(actor=user, application_id=app.pk)

    assert again.protocol_number == first.protocol_number
    assert again.submitted_at > first.submitted_at
    assert again.priority_seq == 3  # behind the application finalised while it was re-edited
    assert [s.priority_seq for s in again.submissions.order_by("submitted_at")] == [1, 3]


def test_reedit_is_refused_after_the_deadline(kya7066):
    user = member(LIGNITIS)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS)
    services.application_submit(actor=user, application_id=app.pk)
    Call.objects.filter(pk=kya7066.pk).update(
        submission_closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    with pytest.raises(Conflict) as exc:
        services.application_reopen(actor=user, application_id=app.pk)

    assert exc.value.code == "reedit_after_deadline"


def test_reedit_is_refused_once_evaluation_has_started(kya7066):
    user = member(LIGNITIS)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS)
    submitted = services.application_submit(actor=user, application_id=app.pk)
    submitted.start_evaluation()
    submitted.save()

    with pytest.raises(Conflict) as exc:
        services.application_reopen(actor=user, application_id=app.pk)

    assert exc.value.code == "reedit_evaluation_started"


def test_reedit_is_refused_when_the_budget_is_exhausted(kya7066):
    BudgetPool.objects.filter(call=kya7066, code="wm").update(amount=Decimal("14220.00"))
    user, other = member(LIGNITIS), member(GREVENA)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS)
    services.application_submit(actor=user, application_id=app.pk)
    cheap = {
        **POSITION_KOZANI,
        "category": "01.23",
        "place_regional_unit": "Γρεβενών",
        "place_municipality": "Γρεβενών",
    }
    reserve = complete_business_draft(other, kya7066, afm=GREVENA, positions=[cheap])
    services.application_submit(actor=other, application_id=reserve.pk)

    with pytest.raises(Conflict) as exc:
        services.application_reopen(actor=other, application_id=reserve.pk)

    assert exc.value.code == "reedit_budget_exhausted"


def test_withdrawal_by_the_coordinator_releases_the_reservation(kya7066):
    user = member(LIGNITIS)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS)
    services.application_submit(actor=user, application_id=app.pk)

    withdrawn = services.application_withdraw(actor=user, application_id=app.pk, reason="Αλλαγή σχεδίων")

    assert withdrawn.status == Application.Status.WITHDRAWN
    assert BudgetPool.objects.get(call=kya7066, code="wm").reserved == 0


def test_only_the_coordinator_withdraws(kya7066):
    owner = member(LIGNITIS)
    officer = member(LIGNITIS, Membership.BusinessRole.FINANCIAL_OFFICER)
    app = complete_business_draft(owner, kya7066, afm=LIGNITIS)

    with pytest.raises(PermissionDenied):
        services.application_withdraw(actor=officer, application_id=app.pk)
    assert Application.objects.get(pk=app.pk).status == Application.Status.DRAFT


def test_another_businesss_application_is_not_found(kya7066):
    owner, stranger = member(LIGNITIS), member(GREVENA)
    app = complete_business_draft(owner, kya7066, afm=LIGNITIS)

    with pytest.raises(NotFound):
        services.application_submit(actor=stranger, application_id=app.pk)
    with pytest.raises(NotFound):
        selectors.application_get_for_user(user=stranger, pk=app.pk)
    with pytest.raises(NotFound):
        services.application_save_step(actor=stranger, application_id=app.pk, step="general", payload={})


def test_one_application_per_afm_where_the_call_says_so(call004):
    user = member(CLUSTER)
    services.application_create(actor=user, call_id=call004.pk)

    with pytest.raises(Conflict) as exc:
        services.application_create(actor=user, call_id=call004.pk)

    assert exc.value.code == "duplicate_application"


def test_kya7066_allows_several_applications_of_one_business(kya7066):
    user = member(LIGNITIS)
    services.application_create(actor=user, call_id=kya7066.pk)

    second = services.application_create(actor=user, call_id=kya7066.pk)

    assert second.pk is not None


def test_receipt_pdf_is_rendered_with_greek_text_and_emails_are_sent(
    kya7066, django_capture_on_commit_callbacks
):
    user = member(LIGNITIS, email="coordinator@lignitis.example.gr")
    app = complete_business_draft(user, kya7066, afm=LIGNITIS)
    services.application_save_step(
        actor=user, application_id=app.pk, step="general", payload={"email": "info@lignitis.example.gr"}
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(actor=user, application_id=app.pk)

    submitted = Application.objects.get(pk=app.pk)
    document = GeneratedDocument.objects.get(pk=submitted.receipt_id)
    assert document.state == GeneratedDocument.State.READY
    data = document.file.read()
    assert data.startswith(b"%PDF")
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == ["coordinator@lignitis.example.gr", "info@lignitis.example.gr"]
    assert all(submitted.protocol_number in m.subject for m in mail.outbox)
    if shutil.which("pdftotext"):
        text = subprocess.run(  # noqa: S603 - a fixed system tool on our own PDF
            [shutil.which("pdftotext"), "-", "-"], input=data, capture_output=True, check=True, timeout=30
        ).stdout.decode()
        assert "Αποδεικτικό οριστικοποίησης αίτησης" in text
        assert submitted.protocol_number in text and "Ηλεκτρολόγος" in text


def _cluster_draft(user, call):
    app = services.application_create(actor=user, call_id=call.pk)
    services.application_save_step(
        actor=user,
        application_id=app.pk,
        step="general",
        payload={
            "email": "cluster@example.gr",
            "title": "Έξυπνη αγροδιατροφή",
            "cluster": {"type": "existing", "sector": "Αγροδιατροφική αλυσίδα"},
        },
    )
    partners = [{"afm": RESEARCH, "kind": "research"}] + [{"afm": a, "kind": "sme"} for a in SMES]
    services.application_save_step(
        actor=user, application_id=app.pk, step="partners", payload={"partners": partners}
    )
    services.application_save_step(
        actor=user, application_id=app.pk, step="declarations", payload={"solemn": True}
    )
    upload_required_attachments(user, app)
    prefill_registries(app.pk)
    return app


def test_cluster_budget_over_the_investment_limit_is_blocked_naming_the_limit_and_the_excess(call004):
    user = member(CLUSTER)
    app = _cluster_draft(user, call004)
    lines = [
        {"category": "02.06", "amount": "240000"},  # investment: 60% of 400,000 > 50%
        {"category": "01.09", "amount": "100000"},
        {"category": "09.02", "amount": "15000"},  # 15% of personnel
        {"category": "07.13", "amount": "45000"},
    ]
    services.application_save_step(
        actor=user, application_id=app.pk, step="budget", payload={"lines": lines, "enterprise_size": "small"}
    )

    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(actor=user, application_id=app.pk)

    assert exc.value.code == "group_cap_investment"
    assert "50" in exc.value.message and "40.000,00 €" in exc.value.message and "§7.5" in exc.value.message


def test_cluster_with_valid_partners_and_budget_is_submitted_with_aid_from_the_intensities(call004):
    user = member(CLUSTER)
    app = _cluster_draft(user, call004)
    lines = [
        {"category": "02.06", "amount": "200000"},  # 65%
        {"category": "01.09", "amount": "100000"},  # 50%
        {"category": "09.02", "amount": "15000"},  # 50%
        {"category": "07.13", "amount": "85000"},  # 50%
    ]
    services.application_save_step(
        actor=user, application_id=app.pk, step="budget", payload={"lines": lines, "enterprise_size": "small"}
    )

    submitted = services.application_submit(actor=user, application_id=app.pk)

    assert submitted.requested_amount == Decimal("230000.00")  # 130,000 + 50,000 + 7,500 + 42,500
    assert submitted.status == Application.Status.SUBMITTED
    assert submitted.reserved_amount == 0  # comparative call: no FCFS reservation


def test_cluster_missing_a_research_organisation_is_blocked(call004):
    user = member(CLUSTER)
    app = _cluster_draft(user, call004)
    services.application_save_step(
        actor=user,
        application_id=app.pk,
        step="partners",
        payload={"partners": [{"afm": a, "kind": "sme"} for a in SMES]},
    )

    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(actor=user, application_id=app.pk)

    assert "cluster_research_missing" in str(exc.value.fields) or "ερευνητικό" in " ".join(
        exc.value.fields["partners"]
    )


def test_person_application_with_registry_facts_and_preferences_is_submitted(kya16936):
    user = person_user("15038580948")
    app = services.application_create(actor=user, call_id=kya16936.pk)
    prefill_registries(app.pk)
    services.application_save_step(
        actor=user,
        application_id=app.pk,
        step="person",
        payload={"education": "ΠΕ", "placement_preferences": ["opekepe-athina", "opekepe-larisa"]},
    )
    services.application_save_step(
        actor=user, application_id=app.pk, step="general", payload={"email": user.email}
    )
    services.application_save_step(
        actor=user, application_id=app.pk, step="declarations", payload={"solemn": True}
    )
    upload_required_attachments(user, app)

    submitted = services.application_submit(actor=user, application_id=app.pk)

    assert submitted.status == Application.Status.SUBMITTED
    assert submitted.amka == "15038580948"
    assert submitted.registry_snapshots.get(registry="dypa").data["registered"] is True


def test_person_with_four_preferences_is_blocked(kya16936):
    user = person_user("15038580948")
    app = services.application_create(actor=user, call_id=kya16936.pk)
    prefill_registries(app.pk)
    codes = ["opekepe-athina", "opekepe-thessaloniki", "opekepe-larisa", "opekepe-irakleio"]
    services.application_save_step(
        actor=user,
        application_id=app.pk,
        step="person",
        payload={"education": "ΠΕ", "placement_preferences": codes},
    )

    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(actor=user, application_id=app.pk)

    assert any("ΚΥΑ 16936 Άρθ. 5(1)" in m for m in exc.value.fields["placement_preferences"])


def test_person_not_registered_with_dypa_is_blocked(kya16936):
    user = person_user("22048802627")
    app = services.application_create(actor=user, call_id=kya16936.pk)
    prefill_registries(app.pk)

    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(actor=user, application_id=app.pk)

    assert any("Μητρώο Ανέργων" in m for m in exc.value.fields["amka"])


def test_a_registry_that_is_down_blocks_submission_until_its_answer_arrives(kya7066, settings):
    import datetime as dt

    from interop.models import RegistryWait
    from interop.sandboxes.control import set_mode
    from interop.waiting import registry_wait_retry

    settings.INTEROP_MAX_ATTEMPTS = 1
    user = member(LIGNITIS)
    set_mode("deminimis", "down")
    app = complete_business_draft(user, kya7066, afm=LIGNITIS)

    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(actor=user, application_id=app.pk)
    assert exc.value.code == "registry_pending" and "ΠΣΣΕΗΣ" in exc.value.message

    set_mode("deminimis", "normal")
    wait = RegistryWait.objects.get(registry="deminimis", object_id=str(app.pk))
    RegistryWait.objects.filter(pk=wait.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    registry_wait_retry(wait_id=wait.pk)

    submitted = services.application_submit(actor=user, application_id=app.pk)
    assert submitted.status == Application.Status.SUBMITTED


def test_setting_reedit_priority_changes_outcome(kya7066):
    # ΚΥΑ 7066 Άρθ. 6.7: the re-edited application resubmits after another was finalised meanwhile.
    # «requeue» gives it the next place (3); «keep» keeps its first place (1). Same story, two calls.
    from applications.tests.factories import seeded_call
    from calls import seeds

    def resubmitted_place(call, policy: str) -> tuple[int, int]:
        call.config = {**call.config, "gaps": {**call.config.get("gaps", {}), "reedit_priority": policy}}
        call.save()
        user, other = member(LIGNITIS), member(GREVENA)
        app = complete_business_draft(user, call, afm=LIGNITIS)
        first = services.application_submit(actor=user, application_id=app.pk).priority_seq
        cheap = {
            **POSITION_KOZANI,
            "category": "01.23",
            "place_regional_unit": "Γρεβενών",
            "place_municipality": "Γρεβενών",
        }
        other_app = complete_business_draft(other, call, afm=GREVENA, positions=[cheap])
        services.application_reopen(actor=user, application_id=app.pk)
        services.application_submit(actor=other, application_id=other_app.pk)
        return services.application_submit(actor=user, application_id=app.pk).priority_seq, first

    requeued, first = resubmitted_place(kya7066, "requeue")
    kept, first_kept = resubmitted_place(seeded_call(seeds.kya7066, code_suffix="-keep"), "keep")

    assert (first, requeued) == (1, 3)
    assert (first_kept, kept) == (1, 1)


def test_setting_subsidy_months_changes_outcome(kya7066):
    # ΚΥΑ 7066 Άρθ. 5.1.1: one 01.22 hire at €1,185.00 a month asks 12 × 1,185 = €14,220.00; a call
    # subsidising 6 months asks 6 × 1,185 = €7,110.00.
    user = member(LIGNITIS)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS)

    _problems, _pool, twelve = services.evaluate_submission(Application.objects.get(pk=app.pk))
    kya7066.config = {**kya7066.config, "subsidy_months": 6}
    kya7066.save()
    _problems, _pool, six = services.evaluate_submission(Application.objects.get(pk=app.pk))

    assert twelve == Decimal("14220.00")
    assert six == Decimal("7110.00")


def test_setting_de_minimis_ceiling_changes_outcome(kya7066):
    # ΓΡΕΒΕΝΑ holds €290,000 of de minimis aid; one 01.23 hire (12 × 829.50 = €9,954.00) stays
    # within €300,000 (total €299,954.00), two (€19,908.00) do not; a €310,000 ceiling admits both.
    user = member(GREVENA)
    two = {**POSITION_KOZANI, "category": "01.23", "persons": 2, "place_regional_unit": "Γρεβενών",
           "place_municipality": "Γρεβενών"}  # fmt: skip
    app = complete_business_draft(user, kya7066, afm=GREVENA, positions=[two])

    at_300k = [p.code for p in services.evaluate_submission(Application.objects.get(pk=app.pk))[0]]
    kya7066.config = {**kya7066.config, "de_minimis_ceiling": "310000.00"}
    kya7066.save()
    at_310k = [p.code for p in services.evaluate_submission(Application.objects.get(pk=app.pk))[0]]

    assert "de_minimis_exceeded" in at_300k
    assert "de_minimis_exceeded" not in at_310k


def test_setting_placement_preferences_changes_outcome(kya16936):
    # ΚΥΑ 16936 Άρθ. 5(1): 1–3 placement services; a call allowing at most 2 refuses three.
    user = person_user("15038580948")
    app = services.application_create(actor=user, call_id=kya16936.pk)
    prefill_registries(app.pk)
    three = ["opekepe-athina", "opekepe-thessaloniki", "opekepe-larisa"]
    services.application_save_step(
        actor=user,
        application_id=app.pk,
        step="person",
        payload={"education": "ΠΕ", "placement_preferences": three},
    )

    seeded = [p.code for p in services.evaluate_submission(Application.objects.get(pk=app.pk))[0]]
    kya16936.config = {**kya16936.config, "placement_preferences": {"min": 1, "max": 2}}
    kya16936.save()
    narrowed = [p.code for p in services.evaluate_submission(Application.objects.get(pk=app.pk))[0]]

    assert "preferences_count" not in seeded
    assert "preferences_count" in narrowed
