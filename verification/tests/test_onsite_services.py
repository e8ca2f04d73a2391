"""On-the-spot sample, plan, visit and report through the services and pages (real PostgreSQL)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from applications.tests.factories import load_world, seeded_call
from calls import seeds
from opske.deadlines import sweep_due_deadlines
from opske.errors import Conflict, PermissionDenied, ValidationFailed
from opske.models import GeneratedDocument
from verification import services
from verification.models import Correction, OnSiteSample, OnSiteVerification
from verification.rules import onsite as rules
from verification.selectors_onsite import onsite_population, sample_reproduces
from verification.tests import factories_onsite as f

pytestmark = pytest.mark.django_db
SEM = "2026-H2"


@pytest.fixture
def call(db):
    load_world()
    return seeded_call(seeds.kya7066)


@pytest.fixture
def people(db):
    return {
        "verifier": f.staff(f.VERIFIER),
        "verifier2": f.staff(f.VERIFIER),
        "supervisor": f.staff(f.SUPERVISOR),
        "auditor": f.staff(f.AUDITOR),
    }


def _ops(call, n, spend="1000.00"):
    ops = [f.operation(call, code=f"ΠΡ-{i:02d}") for i in range(1, n + 1)]
    for op in ops:
        f.accepted(op, spend)
    return ops


def test_population_reads_accepted_expenditure_of_the_semester_less_dkd_category_2(call):
    a, b, c = _ops(call, 3, "1000.00")
    f.accepted(a, "500.00", period_end=datetime.date(2026, 3, 31), seq=2)  # another semester
    Correction.objects.create(
        operation=b,
        request=b.verification_requests.get(),
        origin="administrative",
        category="2",
        amount=Decimal("300.00"),
        reason="όχι παρατυπία",
        recorded_by=b.application.applicant_user,
    )
    Correction.objects.create(
        operation=c,
        request=c.verification_requests.get(),
        origin="administrative",
        category="1",
        amount=Decimal("300.00"),
        reason="παρατυπία",
        recorded_by=c.application.applicant_user,
    )
    pop = onsite_population(programme=call.programme, management_body="", semester=SEM)
    spend = {x.code: x.expenditure for x in pop.candidates}
    assert spend == {"ΠΡ-01": Decimal("1000.00"), "ΠΡ-02": Decimal("700.00"), "ΠΡ-03": Decimal("1000.00")}
    assert pop.run is None and {x.stratum for x in pop.candidates} == {rules.UNASSESSED}


def test_draw_stores_a_reproducible_sample_with_reasons(call, people):
    ops = _ops(call, 40)
    f.semiannual_run([(op, 100 - i) for i, op in enumerate(ops)])
    services.reliability_rating_record(actor=people["verifier"], rating=rules.SOME_IMPROVEMENTS, year=2025)
    sample = services.onsite_sample_draw(
        actor=people["verifier"],
        programme=call.programme,
        management_body="",
        semester=SEM,
        mandatory={ops[4].pk: "significant_problems", ops[30].pk: rules.COMPULSORY},
        notes={ops[4].pk: "καταγγελία", ops[30].pk: "εξαίρεση στους λογαριασμούς 2025-26"},
        seed=2026,
    )
    assert (sample.min_count, sample.min_expenditure, sample.remaining_count) == (6, Decimal("4000.00"), 4)
    reasons = sorted(sample.selections.values_list("reason", "stratum"))
    assert reasons.count(("top_score", "high")) == 1 and reasons.count(("random", "high")) == 1
    assert reasons.count(("random", "medium")) == 1 and reasons.count(("random", "low")) == 1
    assert next(s for s in sample.steps if s[0] == "4.4.1")[1].startswith("Εξαμηνιαία εκτίμηση")
    # Anyone can re-draw from the stored seed and populations and get the same operations.
    pop = onsite_population(programme=call.programme, management_body="", semester=SEM)
    again = rules.draw_sample(
        candidates=pop.candidates,
        reliability=sample.reliability,
        seed=sample.seed,
        mandatory={ops[4].pk: "significant_problems", ops[30].pk: rules.COMPULSORY},
    )
    assert sorted(p.operation_id for p in again.picks) == sorted(
        sample.selections.values_list("operation_id", flat=True)
    )
    assert sample_reproduces(sample)
    tampered = OnSiteSample.objects.get(pk=sample.pk)
    tampered.seed += 1
    assert not sample_reproduces(tampered)
    with pytest.raises(Conflict):
        services.onsite_sample_draw(
            actor=people["verifier"], programme=call.programme, management_body="", semester=SEM, seed=1
        )


def test_draw_refuses_a_mandatory_pick_without_reason_and_saves_nothing(call, people):
    ops = _ops(call, 12)
    with pytest.raises(ValidationFailed) as exc:
        services.onsite_sample_draw(
            actor=people["verifier"],
            programme=call.programme,
            management_body="",
            semester=SEM,
            mandatory={ops[0].pk: "significant_problems"},
        )
    assert "notes" in exc.value.fields
    assert not OnSiteSample.objects.exists()
    with pytest.raises(PermissionDenied):
        services.onsite_sample_draw(
            actor=people["auditor"], programme=call.programme, management_body="", semester=SEM
        )


def test_replacement_same_stratum_with_reason_then_plan_maker_checker(call, people):
    ops = _ops(call, 30)
    f.semiannual_run([(op, 100 - i) for i, op in enumerate(ops)])
    sample = services.onsite_sample_draw(
        actor=people["verifier"], programme=call.programme, management_body="", semester=SEM, seed=5
    )
    drawn = sample.selections.filter(reason="random", stratum="medium").first()
    other = next(
        r
        for r in sample.population_b["medium"]
        if not sample.selections.filter(operation_id=r["operation"]).exists()
    )
    with pytest.raises(ValidationFailed):
        services.onsite_selection_replace(
            actor=people["verifier"],
            selection=drawn,
            replacement_operation_id=sample.population_b["high"][0]["operation"],
            reason="insufficient_implementation",
            note="μόνο απαλλοτριώσεις",
        )
    new = services.onsite_selection_replace(
        actor=people["verifier"],
        selection=drawn,
        replacement_operation_id=other["operation"],
        reason="insufficient_implementation",
        note="μόνο απαλλοτριώσεις",
    )
    drawn.refresh_from_db()
    assert (drawn.active, drawn.replaced_by, new.reason, new.stratum) == (False, new, "replacement", "medium")
    with pytest.raises(ValidationFailed):
        services.onsite_plan_submit(actor=people["verifier"], sample=sample)  # nothing planned yet
    for s in sample.selections.filter(active=True):
        services.onsite_plan_record(
            actor=people["verifier"],
            selection=s,
            planned_from=datetime.date(2027, 1, 10),
            planned_to=datetime.date(2027, 1, 11),
            planned_object="Υποέργο 1",
            team="Α. Β.",
        )
    services.onsite_plan_submit(actor=people["verifier"], sample=sample)
    with pytest.raises(PermissionDenied):
        services.onsite_plan_approve(actor=people["verifier2"], sample=sample)
    sample = services.onsite_plan_approve(actor=people["supervisor"], sample=sample)
    assert sample.state == OnSiteSample.State.PLAN_APPROVED


def test_visit_gets_a_serial_findings_become_corrections_and_the_report_is_approved_by_another(call, people):
    (op,) = _ops(call, 1)
    beneficiary = f.beneficiary_of(op)
    day = timezone.localdate()
    v1 = services.onsite_visit_record(
        actor=people["verifier"],
        operation=op,
        semester=SEM,
        started_on=day,
        ended_on=day,
        object_text="Υποέργο 1: εξοπλισμός",
    )
    v2 = services.onsite_visit_record(
        actor=people["verifier"],
        operation=op,
        semester=SEM,
        started_on=day,
        ended_on=day,
        object_text="Υποέργο 2",
    )
    assert v1.serial == f"ΕΠΕ-{day.year}-0001" and v2.serial == f"ΕΠΕ-{day.year}-0002"
    with pytest.raises(ValidationFailed) as exc:
        services.onsite_visit_record(
            actor=people["verifier"],
            operation=op,
            semester="2026",
            started_on=day,
            ended_on=day + datetime.timedelta(days=3),
            object_text="",
        )
    assert set(exc.value.fields) == {"semester", "ended_on", "object"}
    finding = services.onsite_finding_record(
        actor=people["verifier"],
        visit=v1,
        severity="irregularity",
        description="Μη επιλέξιμο τιμολόγιο",
        irregular_amount=Decimal("250.00"),
    )
    assert (
        finding.correction.origin == Correction.Origin.ON_THE_SPOT
        and finding.correction.amount == Decimal("250.00")
    )
    with pytest.raises(ValidationFailed):
        services.onsite_finding_record(
            actor=people["verifier"], visit=v1, severity="irregularity", description="χωρίς ποσό"
        )
    v1 = services.onsite_provisional_issue(actor=people["verifier"], visit=v1, conclusion="Μερική συμμόρφωση")
    assert v1.comments_due == day + datetime.timedelta(days=rules.COMMENTS_WINDOW_DAYS)
    assert GeneratedDocument.objects.filter(pk=v1.provisional_document_id).exists()
    with pytest.raises(PermissionDenied):
        services.onsite_comments_submit(actor=people["verifier"], visit=v1, text="x")
    v1 = services.onsite_comments_submit(actor=beneficiary, visit=v1, text="Το τιμολόγιο αφορά την πράξη.")
    assert v1.state == OnSiteVerification.State.COMMENTS_CLOSED
    v1 = services.onsite_final_submit(actor=people["supervisor"], visit=v1, conclusion="Διόρθωση 250 €")
    with pytest.raises(PermissionDenied):
        services.onsite_final_approve(actor=people["supervisor"], visit=v1)  # wrote it
    other = f.staff(f.SUPERVISOR)
    v1 = services.onsite_final_approve(actor=other, visit=v1)
    assert v1.state == OnSiteVerification.State.FINAL_APPROVED and v1.final_document_id


def test_comments_window_closes_on_its_deadline(call, people):
    (op,) = _ops(call, 1)
    day = timezone.localdate()
    v = services.onsite_visit_record(
        actor=people["verifier"],
        operation=op,
        semester=SEM,
        started_on=day,
        ended_on=day,
        object_text="Υποέργο 1",
    )
    v = services.onsite_provisional_issue(actor=people["verifier"], visit=v, conclusion="Χωρίς ευρήματα")
    assert sweep_due_deadlines(timezone.now()) == 0
    sweep_due_deadlines(timezone.now() + datetime.timedelta(days=rules.COMMENTS_WINDOW_DAYS + 1))
    v.refresh_from_db()
    assert v.state == OnSiteVerification.State.COMMENTS_CLOSED


# --- pages -------------------------------------------------------------------------------------------


def test_pages_refuse_bad_input_at_the_field_and_scope_visits(client, call, people):
    (op,) = _ops(call, 1)
    other_op = f.operation(call, code="ΞΕΝΗ")
    day = timezone.localdate()
    v = services.onsite_visit_record(
        actor=people["verifier"],
        operation=other_op,
        semester=SEM,
        started_on=day,
        ended_on=day,
        object_text="Υποέργο 1",
    )
    client.force_login(people["verifier"])
    r = client.post("/verification/onsite/reliability/", {"rating": "", "year": "abcd"})
    assert r.status_code == 400 and "Επιλέξτε το επίπεδο αξιοπιστίας." in r.content.decode()
    r = client.post(
        f"/verification/onsite/visits/new/?operation={op.pk}",
        {
            "semester": "2026-H9",
            "started_on": "2026-12-01",
            "ended_on": "2026-11-01",
            "object_text": "",
            "amount_checked": "12,345",
            "performer": "managing_body",
        },
    )
    body = r.content.decode()
    assert r.status_code == 400 and "ΕΕΕΕ-H1" in body and "Συμπληρώστε το αντικείμενο" in body
    assert OnSiteVerification.objects.filter(operation=op).count() == 0
    r = client.get("/verification/onsite/draw/?programme=abc&semester=x")
    assert r.status_code == 400
    # the beneficiary of `op` does not see the other business's visit; the auditor cannot write
    client.force_login(f.beneficiary_of(op))
    assert client.get(f"/verification/onsite/visits/{v.pk}/").status_code == 404
    assert "ΞΕΝΗ" not in client.get("/verification/onsite/visits/").content.decode()
    client.force_login(people["auditor"])
    assert client.get("/verification/onsite/").status_code == 200
    r = client.post(
        f"/verification/onsite/visits/{v.pk}/",
        {"action": "finding", "severity": "observation", "description": "x"},
    )
    assert r.status_code == 403 and not v.findings.exists()


def test_draw_page_confirms_then_draws(client, call, people):
    ops = _ops(call, 12)
    client.force_login(people["verifier"])
    url = f"/verification/onsite/draw/?programme={call.programme.pk}&semester={SEM}"
    page = client.get(url).content.decode()
    assert "Δεν υπάρχει εξαμηνιαία εκτίμηση κινδύνου" in page and "Πρώτη εφαρμογή" in page
    data = {
        "programme": call.programme.pk,
        "management_body": "",
        "semester": SEM,
        f"choice_{ops[0].pk}": "m:significant_problems",
    }
    r = client.post("/verification/onsite/draw/", data)
    assert r.status_code == 400 and "αιτιολόγηση" in r.content.decode()
    data[f"note_{ops[0].pk}"] = "καταγγελία"
    r = client.post("/verification/onsite/draw/", data)
    assert (
        r.status_code == 200
        and "confirm-irreversible" in r.content.decode()
        and not OnSiteSample.objects.exists()
    )
    r = client.post("/verification/onsite/draw/", {**data, "confirm": "on"})
    sample = OnSiteSample.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"/samples/{sample.pk}/")
    page = client.get(r["Location"]).content.decode()
    assert "Σημαντικά προβλήματα" in page and "κλήρωση #1" in page


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("verifier", 200),
        ("supervisor", 200),
        ("programme_admin", 200),
        ("auditor", 200),
        ("evaluator", 403),
        ("payment_officer", 403),
    ],
)
def test_who_opens_the_onsite_pages(client, db, role, status):
    client.force_login(f.staff(role))
    assert client.get("/verification/onsite/").status_code == status
    assert client.get("/verification/onsite/reliability/").status_code == status
    draw = client.get("/verification/onsite/draw/").status_code
    assert draw == (200 if role in ("verifier", "supervisor", "programme_admin") else 403)


def test_visit_list_query_count_does_not_grow_with_rows(client, call, people, django_assert_max_num_queries):
    ops = _ops(call, 6)
    day = timezone.localdate()
    for op in ops:
        services.onsite_visit_record(
            actor=people["verifier"],
            operation=op,
            semester=SEM,
            started_on=day,
            ended_on=day,
            object_text="Υποέργο 1",
        )
    client.force_login(people["auditor"])
    with django_assert_max_num_queries(12):
        r = client.get("/verification/onsite/visits/?semester=2026-h2")
    assert r.status_code == 200 and r.content.decode().count("ΕΠΕ-") >= 6


def test_operation_page_section_lists_the_beneficiarys_own_visits(call, people):
    from django.template.loader import render_to_string

    (op,) = _ops(call, 1)
    day = timezone.localdate()
    v = services.onsite_visit_record(
        actor=people["verifier"],
        operation=op,
        semester=SEM,
        started_on=day,
        ended_on=day,
        object_text="Υποέργο 1",
    )
    services.onsite_provisional_issue(actor=people["verifier"], visit=v, conclusion="Χωρίς ευρήματα")
    html = render_to_string(
        "operations/sections/_onsite.html", {"operation": op, "user": f.beneficiary_of(op)}
    )
    assert v.serial in html and "σχόλια έως" in html
    stranger = render_to_string(
        "operations/sections/_onsite.html", {"operation": op, "user": f.beneficiary_of(f.operation(call))}
    )
    assert v.serial not in stranger


def test_plan_and_replace_pages_keep_input_and_refuse_at_the_field(client, call, people):
    ops = _ops(call, 30)
    f.semiannual_run([(op, 100 - i) for i, op in enumerate(ops)])
    client.force_login(people["verifier"])
    r = client.post(
        "/verification/onsite/draw/",
        {
            "programme": call.programme.pk,
            "semester": SEM,
            f"choice_{ops[0].pk}": "m:nonsense",
            f"note_{ops[0].pk}": "x",
        },
    )
    assert r.status_code == 400 and "Άγνωστη κατηγορία" in r.content.decode()
    assert not OnSiteSample.objects.exists()
    sample = services.onsite_sample_draw(
        actor=people["verifier"], programme=call.programme, management_body="", semester=SEM, seed=11
    )
    s = sample.selections.filter(reason="random").first()
    r = client.post(
        f"/verification/onsite/selections/{s.pk}/plan/",
        {"planned_from": "2027-02-10", "planned_to": "2027-02-01", "planned_object": "Υποέργο 3", "team": ""},
    )
    body = r.content.decode()
    assert r.status_code == 400 and "πριν από την έναρξη" in body and "Συμπληρώστε το κλιμάκιο." in body
    assert "Υποέργο 3" in body  # what was typed is kept
    r = client.post(
        f"/verification/onsite/selections/{s.pk}/replace/",
        {"replacement": "99999", "reason": "bogus", "note": ""},
    )
    assert r.status_code == 400 and s.sample.selections.filter(reason="replacement").count() == 0
    assert client.get("/verification/onsite/selections/abc/plan/").status_code == 404
    assert client.get("/verification/onsite/visits/new/?operation=abc").status_code == 404
    assert client.get("/verification/onsite/samples/999999/").status_code == 404
