"""A ΚΥΑ 16936 round on PostgreSQL, with facts fetched from the ΔΥΠΑ sandbox over real HTTP.

The demo world's eight persons apply; the deadline (critical time, Art. 5(6)) is 30/09/2025:
    ΜΑΡΙΑ      15038580948   8 + 25 + 35 + 30 = 98
    ΑΙΚΑΤΕΡΙΝΗ 11077243449  12 + 30 + 25 + 10 = 77  (family 6,300 → 30)
    ΕΛΕΝΗ      05058029934  12 + 20 + 25 + 20 = 77  (family 15,800 → 20: after ΑΙΚΑΤΕΡΙΝΗ on ii)
    ΔΗΜΗΤΡΙΟΣ  18116504707  11 + 20 + 15 +  0 = 46
    ΝΙΚΟΛΑΟΣ   02079014649   0 + 10 + 35 +  0 = 45  (registered 01/09/2025: no full month yet)
    ΓΕΩΡΓΙΟΣ, ΣΟΦΙΑ: no action plan / individual approach → excluded; ΑΝΤΩΝΙΟΣ: not registered.
"""

import datetime

import pytest
from django.test import Client

from evaluation.points import objections, services
from evaluation.points.models import Placement, PointsAssessment, PointsRound, RankingRow, RankingTable
from evaluation.points.tasks import fetch_round_facts
from evaluation.points.tests.factories import PersonApplicationFactory, set_positions
from opske.calendar import ATHENS
from opske.deadlines import sweep_due_deadlines
from opske.errors import Conflict, PermissionDenied, ValidationFailed
from opske.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=False)

CAST = {
    "15038580948": ["opekepe-athina"],
    "11077243449": ["opekepe-athina", "opekepe-thessaloniki"],
    "05058029934": ["opekepe-athina", "opekepe-thessaloniki"],
    "18116504707": ["opekepe-thessaloniki"],
    "02079014649": ["opekepe-athina"],
    "30019660924": ["opekepe-larisa"],
    "09090175481": ["opekepe-irakleio"],
    "22048802627": ["opekepe-athina"],
}
POSTED_ON = datetime.date(2026, 4, 9)  # Thursday before Orthodox Easter 2026


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ATHENS)


@pytest.fixture
def apps(call16936):
    return {
        amka: PersonApplicationFactory(call=call16936, amka=amka, placement_preferences=prefs)
        for amka, prefs in CAST.items()
    }


@pytest.fixture
def assessed(call16936, apps, admin_user):
    rnd = services.points_round_open(actor=admin_user, call_id=call16936.pk)
    fetch_round_facts(rnd.pk)
    return rnd


@pytest.fixture
def provisional(assessed, admin_user):
    services.provisional_tables_post(actor=admin_user, round_id=assessed.pk, posted_on=POSTED_ON)
    assessed.refresh_from_db()
    return assessed


def ranked_codes(table):
    return list(table.rows.filter(status="ranked").order_by("rank").values_list("code", flat=True))


def test_facts_are_fetched_as_on_the_deadline_and_stored_with_their_time(assessed, apps):
    maria = assessed.assessments.get(application=apps["15038580948"])
    assert maria.status == PointsAssessment.Status.ASSESSED
    assert maria.facts_source == "dypa" and maria.facts_as_on == datetime.date(2025, 9, 30)
    assert maria.facts_fetched_at is not None and maria.register["continuous_months"] == 8
    assert (maria.points_unemployment, maria.points_income, maria.points_age, maria.points_children) == (
        8,
        25,
        35,
        30,
    )
    assert maria.total == 98 and maria.income_column == "family" and maria.eligible
    assert AuditEvent.objects.filter(action="points.assessed", object_id=str(maria.pk)).exists()


def test_exclusions_carry_their_reasons(assessed, apps):
    def codes(amka):
        return [r["code"] for r in assessed.assessments.get(application=apps[amka]).exclusion_reasons]

    assert codes("30019660924") == ["no_action_plan"]
    assert codes("09090175481") == ["no_individual_approach", "no_action_plan"]
    assert codes("22048802627")[0] == "register_refused"
    assert "not_registered" in codes("22048802627")


def test_a_register_refusal_is_posted_without_the_amka_the_register_quoted(provisional, apps):
    # given ΑΝΤΩΝΙΟΣ, whom the ΔΥΠΑ register refused as «ο/η κάτοχος του ΑΜΚΑ 22048802627 …»
    a = provisional.assessments.get(application=apps["22048802627"])
    refused = next(r for r in a.exclusion_reasons if r["code"] == "register_refused")
    # then the staff keep the register's words, while the posted row and page carry the public text
    assert "22048802627" in refused["detail"] and "22048802627" not in refused["message"]
    row = provisional.tables.get(kind=RankingTable.Kind.PROVISIONAL).rows.get(
        code=apps["22048802627"].protocol_number
    )
    assert row.reasons[0] == {"code": "register_refused", "message": refused["message"]}
    page = Client().get(f"/evaluation/points/public/{provisional.pk}/provisional/").content.decode()
    assert "δεν βρέθηκε εγγραφή στο Ψηφιακό Μητρώο Ανέργων" in page and "22048802627" not in page


def test_provisional_tables_rank_by_article_6_2_and_list_the_excluded(provisional, apps):
    table = provisional.tables.get(kind=RankingTable.Kind.PROVISIONAL)
    order = ["15038580948", "11077243449", "05058029934", "18116504707", "02079014649"]
    assert ranked_codes(table) == [apps[a].protocol_number for a in order]
    rows = {r.code: r for r in table.rows.all()}
    assert (
        rows[apps["11077243449"].protocol_number].total
        == rows[apps["05058029934"].protocol_number].total
        == 77
    )
    assert table.excluded_count == 3 and table.ranked_count == 5
    # Art. 5(6): the provisional table already names the placement service of each candidate.
    assert rows[apps["15038580948"].protocol_number].service_code == "opekepe-athina"
    # The 3 working days skip Good Friday and Easter Monday: 14, 15, 16 April 2026.
    assert provisional.state == PointsRound.State.PROVISIONAL
    assert provisional.objection_deadline == datetime.date(2026, 4, 16)
    assert provisional.examination_deadline == datetime.date(2026, 4, 30)


def test_tables_cannot_be_posted_while_facts_are_pending(call16936, apps, admin_user):
    rnd = services.points_round_open(actor=admin_user, call_id=call16936.pk)
    with pytest.raises(Conflict) as exc:
        services.provisional_tables_post(actor=admin_user, round_id=rnd.pk)
    assert exc.value.code == "assessments_pending"
    assert not RankingTable.objects.filter(round=rnd).exists()


def test_public_tables_show_codes_and_points_but_no_names(provisional, apps):
    response = Client().get(f"/evaluation/points/public/{provisional.pk}/provisional/")
    assert response.status_code == 200
    html = response.content.decode()
    assert apps["15038580948"].protocol_number in html and "98" in html
    for name in ("ΠΑΠΑΔΟΠΟΥΛΟΥ", "ΜΑΡΙΑ", "15038580948", "ΝΙΚΟΛΑΟΥ"):
        assert name not in html
    assert "Ψηφιακό Ατομικό Σχέδιο Δράσης" in html  # the exclusion reason is shown


def test_xlsx_export_has_no_names(provisional, apps):
    from io import BytesIO

    from openpyxl import load_workbook

    response = Client().get(f"/evaluation/points/{provisional.pk}/tables/provisional/export.xlsx")
    assert response.status_code == 200
    wb = load_workbook(BytesIO(response.content))
    cells = [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert apps["15038580948"].protocol_number in cells
    assert not any("ΠΑΠΑΔΟΠΟΥΛΟΥ" in c or "15038580948" in c for c in cells)
    assert wb["Κατάταξη"].max_row == 6 and wb["Αποκλειόμενοι"].max_row == 4


def test_accepted_objection_changes_the_rank_in_the_final_table(provisional, apps, supervisor, admin_user):
    nikolaos = apps["02079014649"]
    # Given ΝΙΚΟΛΑΟΣ (45, last) objects on the third working day of the window.
    objection = objections.objection_file(
        actor=nikolaos.applicant_user,
        application_id=nikolaos.pk,
        text="Ήμουν άνεργος και πριν τη νέα εγγραφή· η συνεχόμενη ανεργία είναι 3 μήνες.",
        now=at(datetime.date(2026, 4, 16), 22, 30),
    )
    # When the Board accepts it with 3 full months (3 + 10 + 35 + 0 = 48 > ΔΗΜΗΤΡΙΟΣ's 46) …
    objections.objection_decide(
        actor=supervisor,
        objection_id=objection.pk,
        accept=True,
        reasons="Βεβαίωση ΚΠΑ2 για συνεχόμενη εγγραφή.",
        corrections={"continuous_months": 3},
    )
    # … and the window closes by the durable deadline at the end of 16/04 (Athens) …
    with pytest.raises(Conflict) as early:
        services.final_table_post(actor=admin_user, round_id=provisional.pk)
    assert early.value.code == "objection_window_open"
    assert sweep_due_deadlines(now=at(datetime.date(2026, 4, 17), 0, 5)) >= 1
    provisional.refresh_from_db()
    assert provisional.state == PointsRound.State.OBJECTIONS_CLOSED
    final = services.final_table_post(actor=admin_user, round_id=provisional.pk)
    # Then the final table has ΝΙΚΟΛΑΟΣ 4th and ΔΗΜΗΤΡΙΟΣ 5th; the provisional is unchanged.
    assert ranked_codes(final)[3:] == [nikolaos.protocol_number, apps["18116504707"].protocol_number]
    provisional_table = provisional.tables.get(kind="provisional")
    assert ranked_codes(provisional_table)[3:] == [
        apps["18116504707"].protocol_number,
        nikolaos.protocol_number,
    ]
    row = final.rows.get(application=nikolaos)
    assert (row.points_unemployment, row.total) == (3, 48)
    assert AuditEvent.objects.filter(action="points.corrected").exists()
    assert AuditEvent.objects.filter(action="points.final_posted").exists()


def test_objection_after_three_working_days_is_refused(provisional, apps):
    maria = apps["15038580948"]
    with pytest.raises(Conflict) as exc:
        objections.objection_file(
            actor=maria.applicant_user,
            application_id=maria.pk,
            text="Λάθος μόρια.",
            now=at(datetime.date(2026, 4, 17), 8, 0),
        )
    assert exc.value.code == "objection_late"
    assert "16/04/2026" in exc.value.message
    assert not provisional.objections.exists()


def test_objection_during_the_easter_holidays_is_still_in_time(provisional, apps):
    # 13/04 (Easter Monday) is not a working day, but the window is open from the day after posting.
    maria = apps["15038580948"]
    objection = objections.objection_file(
        actor=maria.applicant_user,
        application_id=maria.pk,
        text="Λάθος μόρια ηλικίας.",
        now=at(datetime.date(2026, 4, 13), 12, 0),
    )
    assert objection.filing_deadline == datetime.date(2026, 4, 16)
    with pytest.raises(Conflict) as twice:
        objections.objection_file(
            actor=maria.applicant_user,
            application_id=maria.pk,
            text="Ξανά.",
            now=at(datetime.date(2026, 4, 14), 12, 0),
        )
    assert twice.value.code == "objection_exists"


def test_only_the_applicant_objects_and_reasons_are_required(provisional, apps, admin_user):
    maria = apps["15038580948"]
    with pytest.raises(ValidationFailed):
        objections.objection_file(
            actor=maria.applicant_user,
            application_id=maria.pk,
            text="  ",
            now=at(datetime.date(2026, 4, 14), 9),
        )
    from opske.errors import NotFound

    with pytest.raises(NotFound):
        objections.objection_file(
            actor=apps["11077243449"].applicant_user,
            application_id=maria.pk,
            text="x",
            now=at(datetime.date(2026, 4, 14), 9),
        )


@pytest.fixture
def final(provisional, admin_user, call16936):
    # One ΔΕ position in each (every applicant of the cast is ΔΕ; positions per category, Art. 5(6)).
    set_positions(call16936, {"opekepe-athina": {"ΔΕ": 1}, "opekepe-thessaloniki": {"ΔΕ": 1}})
    sweep_due_deadlines(now=at(datetime.date(2026, 4, 17), 0, 5))
    services.final_table_post(actor=admin_user, round_id=provisional.pk)
    return provisional


def test_allocation_declines_and_replacements_follow_the_final_ranking(final, apps, admin_user, supervisor):
    placements = services.placements_allocate(actor=admin_user, round_id=final.pk)
    by_app = {p.application_id: p for p in placements}
    # ΜΑΡΙΑ (1st) → Athens, her 1st preference; ΑΙΚΑΤΕΡΙΝΗ (2nd) → Athens is full → Thessaloniki (2nd).
    assert by_app[apps["15038580948"].pk].service.code == "opekepe-athina"
    assert (by_app[apps["11077243449"].pk].service.code, by_app[apps["11077243449"].pk].preference_rank) == (
        "opekepe-thessaloniki",
        2,
    )
    assert len(placements) == 2
    with pytest.raises(Conflict):
        services.placements_allocate(actor=admin_user, round_id=final.pk)

    # ΜΑΡΙΑ declines (Art. 6(5)) → the position goes to ΕΛΕΝΗ, 3rd, who listed Athens first.
    maria = by_app[apps["15038580948"].pk]
    services.placement_decline(actor=supervisor, placement_id=maria.pk, reason="Δήλωσε ότι δεν αποδέχεται.")
    new = services.placement_replace(actor=supervisor, placement_id=maria.pk)
    assert (new.application_id, new.final_rank, new.replaces_id) == (apps["05058029934"].pk, 3, maria.pk)
    maria.refresh_from_db()
    assert maria.state == Placement.State.REPLACED

    # ΑΙΚΑΤΕΡΙΝΗ is referred (card in force today), hired, then leaves → ΔΗΜΗΤΡΙΟΣ (4th) listed Thessaloniki.
    katerina = by_app[apps["11077243449"].pk]
    services.placement_refer(
        actor=supervisor,
        placement_id=katerina.pk,
        note="Παρουσίαση στις 10/05.",
        kpa2_label="ΚΠΑ2 Τρίπολης",
        register={"registered": True, "card_status": "active"},
    )
    services.placement_hire(actor=supervisor, placement_id=katerina.pk, hired_on=datetime.date(2026, 5, 11))
    services.placement_leave(actor=supervisor, placement_id=katerina.pk, reason="Οικειοθελής αποχώρηση.")
    second = services.placement_replace(actor=supervisor, placement_id=katerina.pk)
    assert second.application_id == apps["18116504707"].pk and second.service.code == "opekepe-thessaloniki"
    active = Placement.objects.filter(round=final, state__in=Placement.ACTIVE_STATES)
    assert active.count() == 2  # capacity never exceeded
    assert AuditEvent.objects.filter(action="points.replaced").count() == 2


def test_referral_needs_a_card_in_force_and_a_note(final, apps, supervisor, admin_user):
    services.placements_allocate(actor=admin_user, round_id=final.pk)
    p = Placement.objects.get(round=final, application=apps["15038580948"])
    with pytest.raises(ValidationFailed):
        services.placement_refer(actor=supervisor, placement_id=p.pk, note="")
    with pytest.raises(Conflict) as exc:
        services.placement_refer(
            actor=supervisor,
            placement_id=p.pk,
            note="Σημείωμα",
            register={"registered": False, "card_status": "revoked"},
        )
    assert exc.value.code == "card_not_active"
    p.refresh_from_db()
    assert p.state == Placement.State.ALLOCATED
    # Art. 5(11): a temporary loss for illness keeps the place; released when regained.
    services.placement_hold(actor=supervisor, placement_id=p.pk, loss_reason="illness")
    services.placement_release_hold(actor=supervisor, placement_id=p.pk)
    p.refresh_from_db()
    assert p.state == Placement.State.ALLOCATED
    # A revoked card does not: the candidate is excluded and the position can be refilled.
    services.placement_hold(actor=supervisor, placement_id=p.pk, loss_reason="revoked")
    p.refresh_from_db()
    assert p.state == Placement.State.EXCLUDED


def test_replacement_of_an_active_placement_is_refused(final, apps, supervisor, admin_user):
    services.placements_allocate(actor=admin_user, round_id=final.pk)
    p = Placement.objects.get(round=final, application=apps["15038580948"])
    with pytest.raises(Conflict) as exc:
        services.placement_replace(actor=supervisor, placement_id=p.pk)
    assert exc.value.code == "not_vacant"


def test_round_actions_refused_to_other_roles(call16936, apps):
    from accounts.models import Role
    from accounts.tests.factories import UserFactory

    evaluator = UserFactory(roles=[Role.EVALUATOR])
    with pytest.raises(PermissionDenied):
        services.points_round_open(actor=evaluator, call_id=call16936.pk)
    assert not PointsRound.objects.exists()


def test_ranking_rows_are_frozen_copies(provisional, apps, supervisor):
    # A correction after posting changes the assessment, never the posted provisional row.
    a = provisional.assessments.get(application=apps["15038580948"])
    services.assessment_correct(
        actor=supervisor, assessment_id=a.pk, corrections={"minor_children": 0}, reason="δοκιμή"
    )
    row = RankingRow.objects.get(
        table__round=provisional, table__kind="provisional", application=apps["15038580948"]
    )
    assert row.total == 98
    a.refresh_from_db()
    assert a.total == 68


def test_posted_table_is_published_to_diavgeia_with_its_ada(provisional):
    from evaluation.points.tasks import publish_table

    table = provisional.tables.get(kind=RankingTable.Kind.PROVISIONAL)
    # The task runs after commit in production; here it is run as the worker would.
    assert publish_table(table.pk) == "ok"
    table.refresh_from_db()
    assert table.ada and table.pdf.state == "ready"
    assert AuditEvent.objects.filter(action="points.table_published", object_id=str(table.pk)).exists()
    assert publish_table(table.pk) == "skipped"  # safe to run twice


def test_corrections_outside_their_scale_are_refused_and_change_nothing(provisional, apps, supervisor):
    a = provisional.assessments.get(application=apps["15038580948"])
    for bad in ({"continuous_months": -3}, {"minor_children": "δύο"}, {"total": 120}):
        with pytest.raises(ValidationFailed) as exc:
            services.assessment_correct(
                actor=supervisor, assessment_id=a.pk, corrections=bad, reason="δοκιμή"
            )
        assert exc.value.fields
    a.refresh_from_db()
    assert a.total == 98 and a.corrections == {}
    assert not AuditEvent.objects.filter(action="points.corrected").exists()


def test_income_correction_rescores_with_the_right_band(provisional, apps, supervisor):
    # ΜΑΡΙΑ files jointly → family column; 9,400.00 → 25 points. Corrected to 6.999,50 → 30 (band 1).
    a = provisional.assessments.get(application=apps["15038580948"])
    services.assessment_correct(
        actor=supervisor,
        assessment_id=a.pk,
        corrections={"family_income": "6999,50"},
        reason="Εκκαθαριστικό.",
    )
    a.refresh_from_db()
    assert (a.points_income, a.total, a.corrections) == (30, 103, {"family_income": "6999.50"})
    with pytest.raises(ValidationFailed):
        services.assessment_correct(
            actor=supervisor, assessment_id=a.pk, corrections={"family_income": "-5"}, reason="x"
        )


def test_managers_are_reminded_on_the_last_day_of_the_examination(provisional, admin_user):
    from opske.models import Notification

    # 30/04/2026 08:00 Athens: the 10th working day after the objection window (Art. 5(9)).
    sweep_due_deadlines(now=at(datetime.date(2026, 4, 30), 8, 1))
    reminder = Notification.objects.get(recipient=admin_user, kind="points_examination_due")
    assert "30/04/2026" in reminder.body


def test_hiring_reminder_counts_from_the_note_and_is_cancelled_by_the_hiring(
    final, apps, supervisor, admin_user
):
    from django.contrib.contenttypes.models import ContentType

    from evaluation.points import employment
    from opske.models import Deadline

    services.placements_allocate(actor=admin_user, round_id=final.pk)
    maria, katerina = (
        Placement.objects.get(round=final, application=apps[a]) for a in ("15038580948", "11077243449")
    )
    active = {"registered": True, "card_status": "active"}
    for p in (maria, katerina):
        services.placement_refer(actor=supervisor, placement_id=p.pk, note="Σημείωμα", register=active)
    on_placements = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(Placement),
        kind=employment.E3_REMINDER_KIND,
        state="pending",
    )
    # Art. 6(4): the 60 days run from the day the note is brought to the service, not the referral.
    assert not on_placements.exists()
    today = datetime.date.today()
    for p in (maria, katerina):
        employment.placement_note_received(actor="test", placement_id=p.pk, received_on=today)
    services.placement_hire(actor=supervisor, placement_id=katerina.pk, hired_on=today)
    pending = on_placements.filter(object_id=str(maria.pk))
    assert pending.count() == 1
    assert not on_placements.filter(object_id=str(katerina.pk)).exists()


def test_objection_against_an_exclusion_brings_the_candidate_into_the_final_table(
    provisional, apps, admin_user
):
    # ΓΕΩΡΓΙΟΣ (30019660924) is excluded: the register shows no action plan (Art. 4(1)(β)).
    # The Board accepts his objection: the plan was agreed before the deadline. With 20/05/2025 as
    # registration, 4 full months → 4; individual 4,300.00 → 25; 29 years → 45; no children → 74.
    georgios = apps["30019660924"]
    objection = objections.objection_file(
        actor=georgios.applicant_user,
        application_id=georgios.pk,
        text="Το ΑΣΔ υπεγράφη στις 10/09/2025.",
        now=at(datetime.date(2026, 4, 15), 11),
    )
    objections.objection_decide(
        actor=admin_user,
        objection_id=objection.pk,
        accept=True,
        reasons="Προσκομίστηκε το υπογεγραμμένο ΑΣΔ.",
        corrections={"action_plan_agreed": "true"},
    )
    sweep_due_deadlines(now=at(datetime.date(2026, 4, 17), 0, 5))
    final = services.final_table_post(actor=admin_user, round_id=provisional.pk)
    row = final.rows.get(application=georgios)
    assert (row.status, row.total, row.rank) == ("ranked", 74, 4)
    assert final.excluded_count == 2
