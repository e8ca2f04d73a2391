"""ΚΥΑ 7066 Annex 6 questionnaires and the tranches they gate (Art. 7.4, 8.6), pinned to the text:
«Το δελτίο εισόδου συμπληρώνεται μέχρι και την ημερομηνία υποβολής της αίτησης … του πρώτου
διμήνου … το δελτίο εξόδου … του τελευταίου διμήνου … Σε διαφορετική περίπτωση, δεν καταβάλλεται
… το ποσό … που αντιστοιχεί στο πρώτο ή το τελευταίο δίμηνο»."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from applications.tests.factories import load_world, member, seeded_call
from calls import seeds
from evaluation.tests.factories import LIGNITIS, approved_and_notified, submitted_application
from operations.models import Operation, ParticipantQuestionnaire
from operations.rules.questionnaires import (
    answer_problems,
    excluded_tranches,
    exit_due_on,
    questionnaire_gate,
)
from operations.services.questionnaires import questionnaire_record
from opske.errors import Conflict, PermissionDenied, ValidationFailed
from opske.models import AuditEvent

D = datetime.date
AMKA = "15038580948"
ENTRY_ANSWERS = {"in_education": False, "education_categories": [], "education_level": "Γ.5"}


# --- The gate (pure) --------------------------------------------------------------------------


def test_entry_completed_on_the_request_day_still_counts():
    gate = questionnaire_gate(
        tranche=1,
        last_tranche=6,
        request_date=D(2026, 5, 4),
        entry_completed_on=D(2026, 5, 4),
        exit_completed_on=None,
    )
    assert gate.payable
    late = questionnaire_gate(
        tranche=1,
        last_tranche=6,
        request_date=D(2026, 5, 4),
        entry_completed_on=D(2026, 5, 5),
        exit_completed_on=None,
    )
    assert (late.payable, late.missing) == (False, "entry") and "04/05/2026" in late.reason


def test_a_missing_entry_questionnaire_excludes_the_first_tranche_only():
    # Note 001 E12: an 01.22 hire (1,185.00 €/month, 2,370.00 per two months) without the entry form
    # by the first request: tranche 1 is not paid, the other five are: 11,850.00 € of 14,220.00 €.
    requests = {t: D(2026, 1, 10) + datetime.timedelta(days=61 * t) for t in range(1, 7)}
    refused = excluded_tranches(
        last_tranche=6, request_dates=requests, entry_completed_on=None, exit_completed_on=D(2026, 12, 1)
    )
    assert [g.tranche for g in refused] == [1]
    payable = sum(Decimal("2370.00") for t in requests if t not in {g.tranche for g in refused})
    assert payable == Decimal("11850.00")


def test_a_missing_exit_questionnaire_excludes_the_last_tranche_only():
    refused = excluded_tranches(
        last_tranche=6,
        request_dates={t: D(2026, 3, 1) + datetime.timedelta(days=61 * t) for t in range(1, 7)},
        entry_completed_on=D(2026, 3, 2),
        exit_completed_on=None,
    )
    assert [(g.tranche, g.missing) for g in refused] == [(6, "exit")]


def test_middle_tranches_are_not_gated_and_a_single_period_needs_both():
    mid = questionnaire_gate(
        tranche=3, last_tranche=6, request_date=D(2026, 9, 1), entry_completed_on=None, exit_completed_on=None
    )
    assert mid.payable
    single = questionnaire_gate(
        tranche=1,
        last_tranche=1,
        request_date=D(2026, 3, 1),
        entry_completed_on=D(2026, 2, 1),
        exit_completed_on=None,
    )
    assert (single.payable, single.missing) == (False, "exit")
    with pytest.raises(ValueError):
        questionnaire_gate(
            tranche=7,
            last_tranche=6,
            request_date=D(2026, 3, 1),
            entry_completed_on=None,
            exit_completed_on=None,
        )


def test_a_replacement_needs_both_forms_of_the_person_replaced():
    from operations.rules.questionnaires import replacement_problem

    assert replacement_problem(entry_completed_on=D(2026, 3, 2), exit_completed_on=D(2026, 6, 1)) == ""
    problem = replacement_problem(entry_completed_on=D(2026, 3, 2), exit_completed_on=None)
    assert "εξόδου" in problem and "εισόδου" not in problem and "9.2" in problem


def test_exit_form_limit_is_four_weeks_after_the_exit():
    assert exit_due_on(D(2026, 6, 30)) == D(2026, 7, 28)


def test_answers_follow_annex_6():
    assert answer_problems("entry", ENTRY_ANSWERS) == {}
    assert "education_categories" in answer_problems("entry", {**ENTRY_ANSWERS, "in_education": True})
    assert "education_level" in answer_problems("entry", {**ENTRY_ANSWERS, "education_level": "Γ.10"})
    assert "qualification_gained" in answer_problems(
        "exit", {"in_education": False, "education_categories": []}
    )


# --- Recording on PostgreSQL -------------------------------------------------------------------


@pytest.fixture
def operation(db, django_capture_on_commit_callbacks):
    load_world()
    call = seeded_call(seeds.kya7066)
    evaluator = UserFactory(roles=[Role.EVALUATOR])
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    app, _ = submitted_application(call)
    approved_and_notified(app, evaluator, supervisor, django_capture_on_commit_callbacks)
    return Operation.objects.get(application=app)


def test_the_business_records_an_entry_questionnaire_once(operation):
    owner = member(LIGNITIS)
    q = questionnaire_record(
        actor=owner,
        operation_id=operation.pk,
        amka=AMKA,
        kind="entry",
        participation_date=D(2026, 3, 2),
        completed_on=D(2026, 3, 5),
        answers=ENTRY_ANSWERS,
    )
    assert q.answers == {"in_education": False, "education_categories": [], "education_level": "Γ.5"}
    assert AuditEvent.objects.filter(action="operations.questionnaire_recorded").count() == 1
    with pytest.raises(Conflict):
        questionnaire_record(
            actor=owner, operation_id=operation.pk, amka=AMKA, kind="entry",
            participation_date=D(2026, 3, 2), completed_on=D(2026, 3, 6), answers=ENTRY_ANSWERS,
        )  # fmt: skip


def test_exit_needs_the_entry_and_others_cannot_record(operation):
    owner = member(LIGNITIS)
    exit_answers = {"in_education": False, "education_categories": [], "qualification_gained": True}
    with pytest.raises(Conflict) as exc:
        questionnaire_record(
            actor=owner, operation_id=operation.pk, amka=AMKA, kind="exit",
            participation_date=D(2026, 6, 30), completed_on=D(2026, 7, 1), answers=exit_answers,
        )  # fmt: skip
    assert exc.value.code == "no_entry"
    with pytest.raises(PermissionDenied):
        questionnaire_record(
            actor=UserFactory(roles=[Role.SUPERVISOR]), operation_id=operation.pk, amka=AMKA, kind="entry",
            participation_date=D(2026, 3, 2), completed_on=D(2026, 3, 5), answers=ENTRY_ANSWERS,
        )  # fmt: skip
    with pytest.raises(ValidationFailed) as bad:
        questionnaire_record(
            actor=owner, operation_id=operation.pk, amka="12345678901", kind="entry",
            participation_date=D(2026, 3, 2), completed_on=D(2099, 3, 5), answers=ENTRY_ANSWERS,
        )  # fmt: skip
    assert {"amka", "completed_on"} <= set(bad.value.fields)
    assert not ParticipantQuestionnaire.objects.exists()


def test_pages_scope_to_the_business_and_show_errors_at_the_field(operation):
    owner = member(LIGNITIS)
    client = Client()
    client.force_login(owner)
    url = reverse("operations:questionnaire-new", args=[operation.pk, "entry"])
    answer = client.post(url, {"amka": "123", "participation_date": "02/03/2026", "completed_on": "αύριο"})
    page = answer.content.decode()
    assert answer.status_code == 200 and "ηη/μμ/εεεε" in page and "ΑΜΚΑ δεν είναι έγκυρος" in page
    done = client.post(
        url,
        {"amka": AMKA, "participation_date": "02/03/2026", "completed_on": "05/03/2026", "in_education": "no",
         "education_level": "Γ.7"},
    )  # fmt: skip
    assert done.status_code == 302
    listing = client.get(reverse("operations:questionnaires", args=[operation.pk]))
    assert "0948" in listing.content.decode() and AMKA not in listing.content.decode()  # masked in lists
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(reverse("operations:questionnaires", args=[operation.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("operations:questionnaires", args=[operation.pk])).status_code == 302


def test_the_operation_section_and_the_business_dashboard_link_to_the_questionnaires(operation, rf):
    from django.template.loader import render_to_string

    owner = member(LIGNITIS)
    request = rf.get("/")
    request.user = owner
    section = render_to_string(
        "operations/sections/_questionnaires.html",
        {"operation": operation, "user": owner, "request": request},
    )
    url = reverse("operations:questionnaires", args=[operation.pk])
    assert url in section and "Άρθ. 7.4" in section
    client = Client()
    client.force_login(owner)
    assert url in client.get(reverse("accounts:dashboard")).content.decode()


def test_the_recorded_questionnaires_gate_the_first_tranche_only(operation):
    from operations.selectors_questionnaires import tranche_gate

    owner = member(LIGNITIS)
    first = tranche_gate(
        operation=operation, amka=AMKA, tranche=1, last_tranche=6, request_date=D(2026, 5, 4)
    )
    assert (first.payable, first.missing) == (False, "entry")
    questionnaire_record(
        actor=owner, operation_id=operation.pk, amka=AMKA, kind="entry",
        participation_date=D(2026, 3, 2), completed_on=D(2026, 5, 4), answers=ENTRY_ANSWERS,
    )  # fmt: skip
    assert tranche_gate(
        operation=operation, amka=AMKA, tranche=1, last_tranche=6, request_date=D(2026, 5, 4)
    ).payable
    assert not tranche_gate(
        operation=operation, amka=AMKA, tranche=1, last_tranche=6, request_date=D(2026, 5, 3)
    ).payable  # completed the day after that request
    assert tranche_gate(
        operation=operation, amka=AMKA, tranche=2, last_tranche=6, request_date=D(2026, 7, 1)
    ).payable
    assert not tranche_gate(
        operation=operation, amka=AMKA, tranche=6, last_tranche=6, request_date=D(2027, 3, 1)
    ).payable  # no exit form yet


def test_an_exit_form_after_the_entry_is_recorded_and_a_late_one_is_flagged(operation):
    owner = member(LIGNITIS)
    questionnaire_record(
        actor=owner, operation_id=operation.pk, amka=AMKA, kind="entry",
        participation_date=D(2026, 3, 2), completed_on=D(2026, 3, 5), answers=ENTRY_ANSWERS,
    )  # fmt: skip
    exit_ = questionnaire_record(
        actor=owner, operation_id=operation.pk, amka=AMKA, kind="exit",
        participation_date=D(2026, 6, 30), completed_on=D(2026, 8, 3),
        answers={"in_education": True, "education_categories": ["B.5"], "qualification_gained": False},
    )  # fmt: skip
    assert exit_.answers == {
        "in_education": True,
        "education_categories": ["B.5"],
        "qualification_gained": False,
    }
    client = Client()
    client.force_login(owner)
    page = client.get(
        reverse("operations:questionnaire-detail", args=[operation.pk, exit_.pk])
    ).content.decode()
    assert "28/07/2026" in page and "μετά το όριο των 4 εβδομάδων" in page
