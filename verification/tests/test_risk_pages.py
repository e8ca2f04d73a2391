"""The risk pages: who may see and act, the run-now confirmation, the explain page, Table 1 list."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from accounts.models import Role, RoleAssignment, User
from applications.tests.factories import seeded_call
from calls import seeds
from verification.models import RiskFactorInput, RiskRun, VerificationRequest
from verification.selection import flag_for_desk_check
from verification.tests import risk_world

pytestmark = pytest.mark.django_db


def _staff(username, role):
    user = User.objects.create_user(username=username, password="x", kind=User.Kind.STAFF)
    RoleAssignment.objects.create(user=user, role=role)
    return user


@pytest.fixture
def world():
    call = seeded_call(seeds.kya7066)
    ops = risk_world.operations(call, 10)
    return call, ops


def test_verifier_runs_now_after_confirmation_and_sees_strata(client, world):
    call, ops = world
    client.force_login(_staff("ver", Role.VERIFIER))
    page = client.get(reverse("verification:risk_index"))
    assert page.status_code == 200 and "Εκτέλεση τώρα" in page.content.decode()
    url = reverse("verification:risk_run_now")
    form = {"programme": call.programme_id, "body": "", "kind": "monthly"}
    confirm = client.post(url, form)
    assert confirm.status_code == 200 and "Επιβεβαιώνω" in confirm.content.decode()
    assert not RiskRun.objects.exists()  # nothing happens before the confirmation
    done = client.post(url, {**form, "confirm": "on"}, follow=True)
    run = RiskRun.objects.get()
    assert done.redirect_chain[-1][0] == reverse("verification:risk_run", args=[run.pk])
    body = done.content.decode()
    assert "Υψηλός κίνδυνος" in body and ops[0].code in body
    assert {k: v["count"] for k, v in run.strata.items()} == {"high": 4, "medium": 3, "low": 3}
    filtered = client.get(reverse("verification:risk_run", args=[run.pk]), {"stratum": "low"})
    assert filtered.content.decode().count('href="/verification/risk/operations/') == 3
    explain = client.get(reverse("verification:risk_explain", args=[ops[0].pk]))
    text = explain.content.decode()
    assert explain.status_code == 200
    for n in range(1, 20):
        assert f'data-factor="{n}"' in text
    assert "100.000,00 €" in text  # factor 15's data


def test_auditor_reads_but_cannot_run_and_business_user_is_refused(client, world):
    call, ops = world
    client.force_login(_staff("aud", Role.AUDITOR))
    assert client.get(reverse("verification:risk_index")).status_code == 200
    assert "Εκτέλεση τώρα" not in client.get(reverse("verification:risk_index")).content.decode()
    refused = client.post(
        reverse("verification:risk_run_now"),
        {"programme": call.programme_id, "kind": "monthly", "confirm": "on"},
    )
    assert refused.status_code == 403 and not RiskRun.objects.exists()
    outsider = User.objects.create_user(username="biz", password="x", kind=User.Kind.TAXISNET)
    client.force_login(outsider)
    assert client.get(reverse("verification:risk_explain", args=[ops[0].pk])).status_code == 403
    client.force_login(_staff("ver2", Role.VERIFIER))
    assert client.get(reverse("verification:risk_explain", args=[999999])).status_code == 404
    assert (
        client.post(reverse("verification:risk_run_now"), {"programme": "x", "kind": "monthly"}).status_code
        == 404
    )


def test_staff_factor_input_refused_at_the_field_then_recorded(client, world):
    _call, ops = world
    client.force_login(_staff("ver3", Role.VERIFIER))
    url = reverse("verification:risk_factor_input", args=[ops[0].pk])
    bad = client.post(url, {"subject": "business", "factor": 6, "value": "Ναι", "grade": 3})
    assert bad.status_code == 200 and "είναι ένας από: 1, 5" in bad.content.decode()
    assert not RiskFactorInput.objects.exists()
    ok = client.post(
        url, {"subject": "business", "factor": 6, "value": "Ναι (ΤΑΑ)", "grade": 5, "note": "ΤΑΑ 5123456"}
    )
    assert ok.status_code == 302
    entry = RiskFactorInput.objects.get()
    assert entry.business_id == ops[0].business_id and entry.grade == 5


def test_desk_check_list_and_staff_selection_with_reason(client, world):
    _call, ops = world
    user = _staff("ver4", Role.VERIFIER)
    op = ops[0]
    reqs = []
    for seq, amount in ((1, "20000"), (2, "5000"), (3, "50000")):
        r = VerificationRequest.objects.create(
            operation=op, seq=seq, kind="interim", declared_total=D(amount), created_by=user
        )
        VerificationRequest.objects.filter(pk=r.pk).update(state="submitted")
        reqs.append(r)
    # No run yet: the operation counts as high risk and every ΔΔΔ is flagged.
    assert (
        flag_for_desk_check(request=VerificationRequest.objects.get(pk=reqs[0].pk)).selection_rule
        == "first+high"
    )
    from verification.services.risk import risk_run_execute

    run = risk_run_execute(actor=user, programme=op.call.programme, management_body="", kind="monthly")
    run.scores.filter(operation=op).update(stratum="low")
    second = flag_for_desk_check(request=VerificationRequest.objects.get(pk=reqs[1].pk))
    assert second.selected is False and second.stratum_at_selection == "low"
    third = flag_for_desk_check(request=VerificationRequest.objects.get(pk=reqs[2].pk))
    assert third.selection_rule == "70%"  # cumulative 75.000 ≥ 70% of 100.000,00 €
    client.force_login(user)
    listing = client.get(reverse("verification:risk_desk_checks"))
    assert "Πρώτο ΔΔΔ του υποέργου" in listing.content.decode()
    url = reverse("verification:risk_select_request", args=[reqs[1].pk])
    refused = client.post(url, {"ground": "significant_share", "reason": "Μεγάλο ποσό"})
    assert "λιγότερο από το 30%" in refused.content.decode()
    assert VerificationRequest.objects.get(pk=reqs[1].pk).selected is False
    done = client.post(url, {"ground": "earlier_problems", "reason": "Ευρήματα στο 1ο ΔΔΔ"})
    assert done.status_code == 302
    req = VerificationRequest.objects.get(pk=reqs[1].pk)
    assert req.selected and req.selection_rule == "staff" and "Ευρήματα στο 1ο ΔΔΔ" in req.selection_reason


def test_run_page_reads_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    call, ops = world
    user = _staff("ver5", Role.SUPERVISOR)
    from verification.services.risk import risk_run_execute

    run = risk_run_execute(actor=user, programme=call.programme, management_body="", kind="monthly")
    client.force_login(user)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("verification:risk_run", args=[run.pk]))
    assert page.status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("verification:risk_desk_checks")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("verification:risk_explain", args=[ops[3].pk])).status_code == 200


@pytest.mark.parametrize(
    ("role", "read", "act"),
    [
        (Role.VERIFIER, 200, True),
        (Role.SUPERVISOR, 200, True),
        (Role.PROGRAMME_ADMIN, 200, True),
        (Role.AUDITOR, 200, False),
        (Role.EVALUATOR, 403, False),
        (Role.PAYMENT_OFFICER, 403, False),
    ],
)
def test_role_matrix_on_the_risk_pages(client, world, role, read, act):
    call, ops = world
    client.force_login(_staff(f"u-{role}", role))
    for name, args in (("risk_index", []), ("risk_explain", [ops[0].pk]), ("risk_desk_checks", [])):
        assert client.get(reverse(f"verification:{name}", args=args)).status_code == read
    entry = client.get(reverse("verification:risk_factor_input", args=[ops[0].pk]))
    assert entry.status_code == (200 if act else 403)
    posted = client.post(
        reverse("verification:risk_run_now"),
        {"programme": call.programme_id, "kind": "monthly", "confirm": "on"},
    )
    assert posted.status_code == (302 if act else 403)
    assert RiskRun.objects.exists() is act


def test_operation_page_section_shows_the_score_to_staff_only(world):
    from django.template.loader import render_to_string

    from verification.services.risk import risk_run_execute

    call, ops = world
    staff = _staff("sec", Role.VERIFIER)
    empty = render_to_string("operations/sections/_risk.html", {"operation": ops[0], "user": staff})
    assert "Δεν έχει βαθμολογηθεί ακόμη" in empty
    run = risk_run_execute(actor=staff, programme=call.programme, management_body="", kind="monthly")
    score = run.scores.get(operation=ops[0])
    html = render_to_string("operations/sections/_risk.html", {"operation": ops[0], "user": staff})
    assert f"<strong>{score.total}</strong>" in html
    assert reverse("verification:risk_explain", args=[ops[0].pk]) in html
    business_user = User.objects.create_user(username="biz2", password="x", kind=User.Kind.TAXISNET)
    assert "Εκτίμηση κινδύνου" not in render_to_string(
        "operations/sections/_risk.html", {"operation": ops[0], "user": business_user}
    )


def test_parameters_from_settings_change_the_split_and_are_stored_on_the_run(world, settings):
    from verification.services.risk import risk_run_execute

    call, _ops = world
    staff = _staff("par", Role.VERIFIER)
    settings.OPSKE_RISK_PARAMETERS = {"version": "ΔΑ-2027", "remainder": "lower"}
    run = risk_run_execute(actor=staff, programme=call.programme, management_body="", kind="monthly")
    assert {k: v["count"] for k, v in run.strata.items()} == {"high": 3, "medium": 3, "low": 4}
    assert run.parameters_version == "ΔΑ-2027" and run.parameters["remainder"] == "lower"
