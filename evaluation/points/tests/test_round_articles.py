"""A ΚΥΑ 16936 round on PostgreSQL with the sandbox's people, for Art. 5(6) (categories), 6(2)
(which tie-breaker decided), 6(5) (a decline bars later programmes), 6(7) (host rejection) and
4(2)(ε) (a public-sector dismissal within five years).

Points on the deadline 30/09/2025 (see test_round): ΜΑΡΙΑ 98, ΑΙΚΑΤΕΡΙΝΗ 77 (12+30+25+10),
ΕΛΕΝΗ 77 (12+20+25+20), ΔΗΜΗΤΡΙΟΣ 46.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from applications.tests.factories import seeded_call
from calls import seeds
from calls.models import Call
from evaluation.points import services
from evaluation.points.models import Placement, ProgrammeBar
from evaluation.points.tasks import fetch_round_facts
from evaluation.points.tests.factories import PersonApplicationFactory, close_window, set_positions
from opske.calendar import ATHENS
from opske.deadlines import sweep_due_deadlines
from opske.errors import Conflict, ValidationFailed
from opske.models import AuditEvent

MARIA, KATERINA, ELENI, DIMITRIS = "15038580948", "11077243449", "05058029934", "18116504707"
POSTED_ON = datetime.date(2026, 4, 9)


def apply(call, amka, education, prefs=("opekepe-athina",)):
    return PersonApplicationFactory(
        call=call, amka=amka, education=education, placement_preferences=list(prefs)
    )


def provisional_round(call, admin_user):
    rnd = services.points_round_open(actor=admin_user, call_id=call.pk)
    fetch_round_facts(rnd.pk)
    services.provisional_tables_post(actor=admin_user, round_id=rnd.pk, posted_on=POSTED_ON)
    rnd.refresh_from_db()
    return rnd


def final_round(call, admin_user):
    rnd = provisional_round(call, admin_user)
    sweep_due_deadlines(now=datetime.datetime(2026, 4, 17, 0, 5, tzinfo=ATHENS))
    services.final_table_post(actor=admin_user, round_id=rnd.pk)
    rnd.refresh_from_db()
    return rnd


def rows_by_amka(table, apps):
    by_app = {r.application_id: r for r in table.rows.all()}
    return {amka: by_app[a.pk] for amka, a in apps.items()}


def test_setting_category_positions_changes_outcome(call16936, admin_user):
    # Given Athens with one ΠΕ and one ΔΕ position; ΜΑΡΙΑ (98) and ΑΙΚΑΤΕΡΙΝΗ (77) are ΠΕ, ΔΗΜΗΤΡΙΟΣ (46) ΔΕ
    set_positions(call16936, {"opekepe-athina": {"ΠΕ": 1, "ΔΕ": 1}})
    apps = {MARIA: apply(call16936, MARIA, "ΠΕ"), KATERINA: apply(call16936, KATERINA, "ΠΕ")}
    apps[DIMITRIS] = apply(call16936, DIMITRIS, "ΔΕ")
    # When the provisional table is frozen
    table = provisional_round(call16936, admin_user).tables.get(kind="provisional")
    rows = rows_by_amka(table, apps)
    # Then each category is ranked on its own and ΔΗΜΗΤΡΙΟΣ takes the ΔΕ position over ΑΙΚΑΤΕΡΙΝΗ's 77
    assert (rows[MARIA].category_rank, rows[KATERINA].category_rank, rows[DIMITRIS].category_rank) == (
        1,
        2,
        1,
    )
    assert [rows[a].service_code for a in (MARIA, KATERINA, DIMITRIS)] == [
        "opekepe-athina",
        "",
        "opekepe-athina",
    ]


def test_without_a_category_split_the_positions_are_one_pool(call16936, admin_user):
    # The same cast, the call not splitting Athens' 2 positions by category: the 77 beats the 46.
    config = {k: v for k, v in call16936.config.items() if k != "category_positions"}
    Call.objects.filter(pk=call16936.pk).update(config=config)
    call16936.placement_services.filter(code="opekepe-athina").update(positions=2)
    apps = {MARIA: apply(call16936, MARIA, "ΠΕ"), KATERINA: apply(call16936, KATERINA, "ΠΕ")}
    apps[DIMITRIS] = apply(call16936, DIMITRIS, "ΔΕ")
    table = provisional_round(call16936, admin_user).tables.get(kind="provisional")
    rows = rows_by_amka(table, apps)
    assert [rows[a].service_code for a in (MARIA, KATERINA, DIMITRIS)] == [
        "opekepe-athina",
        "opekepe-athina",
        "",
    ]


def test_the_table_says_which_tie_breaker_decided(call16936, admin_user):
    # ΑΙΚΑΤΕΡΙΝΗ and ΕΛΕΝΗ both have 77 and 12 months; ΑΙΚΑΤΕΡΙΝΗ is ahead on criterion ii (30 > 20).
    apps = {KATERINA: apply(call16936, KATERINA, "ΔΕ"), ELENI: apply(call16936, ELENI, "ΔΕ")}
    table = provisional_round(call16936, admin_user).tables.get(kind="provisional")
    rows = rows_by_amka(table, apps)
    assert rows[KATERINA].category_rank == 1 and rows[KATERINA].tie_note == "κριτήριο ii (εισόδημα)"
    assert rows[ELENI].tie_note == ""
    page = Client().get(reverse("points:public-table", args=[table.round_id, "provisional"])).content.decode()
    assert "κριτήριο ii (εισόδημα)" in page


def test_a_declined_placement_bars_the_person_in_a_later_call(call16936, admin_user, supervisor):
    # Given ΜΑΡΙΑ is placed in Athens and declines the placement
    set_positions(call16936, {"opekepe-athina": {"ΔΕ": 1}})
    maria = apply(call16936, MARIA, "ΔΕ")
    rnd = final_round(call16936, admin_user)
    (placement,) = services.placements_allocate(actor=admin_user, round_id=rnd.pk)
    services.placement_decline(actor=supervisor, placement_id=placement.pk, reason="Δεν αποδέχεται τη θέση.")
    # Then the bar is recorded with its source and article, audited
    bar = ProgrammeBar.objects.get(amka=MARIA)
    assert bar.kind == ProgrammeBar.Kind.DECLINED_PLACEMENT and bar.source_placement_id == placement.pk
    assert bar.article == "ΚΥΑ 16936 Άρθ. 6(5) εδ. β'"
    assert AuditEvent.objects.filter(action="points.bar_recorded", object_id=str(bar.pk)).exists()
    # When she applies to a later ΔΥΠΑ programme
    later = close_window(seeded_call(seeds.kya16936, code_suffix="-2027"))
    PersonApplicationFactory(call=later, amka=MARIA, placement_preferences=["opekepe-athina"])
    later_round = services.points_round_open(actor=admin_user, call_id=later.pk)
    fetch_round_facts(later_round.pk)
    # Then the later call's assessment excludes her, naming the earlier programme and Art. 6(5)
    assessment = later_round.assessments.get()
    assert not assessment.eligible
    assert [r["code"] for r in assessment.exclusion_reasons] == ["previous_refusal"]
    # And her own call's assessment is not re-barred by her own decline (the deletion is Art. 6(5) εδ. α')
    assert services.person_bars(amka=MARIA, excluding_call_id=call16936.pk) == []
    assert maria.pk != assessment.application_id


def test_a_dismissal_recorded_by_staff_excludes_within_five_years(call16936, admin_user):
    # Given staff recorded that ΕΛΕΝΗ was dismissed from a municipality on 15/01/2022 for serious cause
    services.programme_bar_record(
        actor=admin_user,
        amka=ELENI,
        kind=ProgrammeBar.Kind.PUBLIC_DISMISSAL,
        occurred_on=datetime.date(2022, 1, 15),
        source="Δήμος Λαρισαίων",
        note="Καταγγελία σύμβασης για σπουδαίο λόγο.",
    )
    apply(call16936, ELENI, "ΔΕ")
    # When she is assessed on the deadline 30/09/2025 (less than five years later)
    rnd = services.points_round_open(actor=admin_user, call_id=call16936.pk)
    fetch_round_facts(rnd.pk)
    reasons = rnd.assessments.get().exclusion_reasons
    # Then she is excluded until 15/01/2027, under Art. 4(2)(ε)
    assert [r["code"] for r in reasons] == ["public_dismissal"]
    assert "15/01/2027" in reasons[0]["message"] and "Άρθ. 4(2)(ε)" in reasons[0]["message"]


def test_a_bar_with_a_bad_amka_or_future_date_is_refused_with_field_errors(admin_user):
    with pytest.raises(ValidationFailed) as exc:
        services.programme_bar_record(
            actor=admin_user,
            amka="12345",
            kind=ProgrammeBar.Kind.PUBLIC_DISMISSAL,
            occurred_on=datetime.date(2999, 1, 1),
            source="",
        )
    assert set(exc.value.fields) == {"amka", "occurred_on", "source"}
    assert not ProgrammeBar.objects.exists()


def test_host_rejection_leaves_the_position_uncovered_and_the_board_places_over_quota(
    call16936, admin_user, supervisor
):
    # Given ΜΑΡΙΑ (Athens, then Larisa) placed in Athens and referred
    set_positions(call16936, {"opekepe-athina": {"ΔΕ": 1}, "opekepe-larisa": {"ΔΕ": 0}})
    apply(call16936, MARIA, "ΔΕ", prefs=("opekepe-athina", "opekepe-larisa"))
    apply(call16936, ELENI, "ΔΕ", prefs=("opekepe-athina",))
    rnd = final_round(call16936, admin_user)
    (placement,) = services.placements_allocate(actor=admin_user, round_id=rnd.pk)
    services.placement_refer(
        actor=supervisor,
        placement_id=placement.pk,
        note="Παρουσίαση 10/05.",
        register={"registered": True, "card_status": "active"},
    )
    # When the host does not accept her (Art. 6(7))
    services.placement_host_reject(
        actor=supervisor, placement_id=placement.pk, reason="Ο φορέας δεν την αποδέχθηκε."
    )
    # Then the position is not given to the next candidate (ΕΛΕΝΗ)
    with pytest.raises(Conflict):
        services.placement_replace(actor=supervisor, placement_id=placement.pk)
    # And the Board places her in Larisa, over its 0 positions, on her application's preferences
    with pytest.raises(ValidationFailed):
        services.placement_relocate_over_quota(
            actor=supervisor,
            placement_id=placement.pk,
            service_code="opekepe-irakleio",
            board_decision="Δ.Σ. 1/2026",
        )
    moved = services.placement_relocate_over_quota(
        actor=supervisor,
        placement_id=placement.pk,
        service_code="opekepe-larisa",
        board_decision="Δ.Σ. 12/2026",
    )
    assert (moved.state, moved.service.code, moved.over_quota) == (
        Placement.State.ALLOCATED,
        "opekepe-larisa",
        True,
    )
    assert moved.rejected_by_service.code == "opekepe-athina" and moved.preference_rank == 2
    assert AuditEvent.objects.filter(action="points.relocated_over_quota", object_id=str(moved.pk)).exists()


# --- staff pages ----------------------------------------------------------------------------------


def test_staff_record_a_dismissal_on_the_bars_page_with_errors_at_the_fields(admin_user):
    client = Client()
    client.force_login(admin_user)
    url = reverse("points:bars")
    # A bad ΑΜΚΑ and a date in words: refused at the fields, typed values kept, nothing saved
    page = client.post(
        url, {"amka": "123", "kind": "public_dismissal", "occurred_on": "πέρσι", "source": "Δήμος Χ"}
    ).content.decode()
    assert "ηη/μμ/εεεε" in page and 'value="Δήμος Χ"' in page
    assert not ProgrammeBar.objects.exists()
    page = client.post(
        url, {"amka": "123", "kind": "public_dismissal", "occurred_on": "15/01/2022", "source": "Δήμος Χ"}
    ).content.decode()
    assert "ΑΜΚΑ δεν είναι έγκυρος" in page
    # When correct, it is recorded and listed with its article
    response = client.post(
        url, {"amka": ELENI, "kind": "public_dismissal", "occurred_on": "15/01/2022", "source": "Δήμος Χ"}
    )
    assert response.status_code == 302
    listing = client.get(url, {"amka": ELENI}).content.decode()
    assert "15/01/2022" in listing and "Άρθ. 4(2)(ε)" in listing


def test_bars_page_is_not_for_applicants(world):
    from accounts.tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory())
    assert client.get(reverse("points:bars")).status_code == 403


def test_host_rejection_and_board_relocation_through_the_pages(call16936, admin_user, supervisor):
    set_positions(call16936, {"opekepe-athina": {"ΔΕ": 1}, "opekepe-larisa": {"ΔΕ": 1}})
    apply(call16936, MARIA, "ΔΕ", prefs=("opekepe-athina", "opekepe-larisa"))
    rnd = final_round(call16936, admin_user)
    (placement,) = [
        p
        for p in services.placements_allocate(actor=admin_user, round_id=rnd.pk)
        if p.service.code == "opekepe-athina"
    ]
    services.placement_refer(
        actor=supervisor,
        placement_id=placement.pk,
        note="Σημείωμα.",
        register={"registered": True, "card_status": "active"},
    )
    client = Client()
    client.force_login(supervisor)
    reject = reverse("points:placement-action", args=[placement.pk, "host_reject"])
    assert "Άρθ. 6(7)" in client.get(reject).content.decode()
    assert client.post(reject, {"reason": "Ο φορέας δεν αποδέχθηκε."}).status_code == 302
    relocate = reverse("points:placement-action", args=[placement.pk, "relocate"])
    form = client.get(relocate).content.decode()
    assert 'value="opekepe-larisa"' in form and 'value="opekepe-athina"' not in form
    # Without the service's consent the Board's placement is refused at the field
    refused = client.post(relocate, {"service_code": "opekepe-larisa", "board_decision": "Δ.Σ. 12/2026"})
    assert "σύμφωνη γνώμη" in refused.content.decode()
    done = client.post(
        relocate, {"service_code": "opekepe-larisa", "board_decision": "Δ.Σ. 12/2026", "consent": "on"}
    )
    assert done.status_code == 302
    placement.refresh_from_db()
    assert (placement.service.code, placement.over_quota) == ("opekepe-larisa", True)
    listing = client.get(reverse("points:placements", args=[rnd.pk])).content.decode()
    assert "καθ&#x27; υπέρβαση" in listing or "καθ' υπέρβαση" in listing
