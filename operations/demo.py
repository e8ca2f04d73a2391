"""Demo operations (Πράξεις) so implementation and verification can be tried on `make run`. Idempotent.

- ΓΡΕΒΕΝΑ ΞΥΛΟΤΕΧΝΙΚΗ (808982626, TAXISnet «grevena»): a ΚΥΑ 7066 application for one 01.23 hire
  in Grevena (9.954,00 € — its single undertaking already holds 290.000,00 € of de minimis, so one
  position is what fits under the ceiling), submitted, evaluated by «evaluator», reviewed by
  «supervisor», re-checked against ΠΣΣΕΗΣ, approved, signed, posted and served
  `KYA7066_NOTIFIED_DAYS_AGO` days ago: the operation starts on that notice (Art. 7.3, 2.18).
- ΣΥΜΠΛΕΓΜΑ ΑΓΡΟΔΙΑΤΡΟΦΗΣ ΚΜ (994681285, TAXISnet «cluster»): a call 004 operation on a copy of
  the call whose round is over («…-praxeis-demo»): the cluster's application with its budget per
  expense category, included by a decision served `CALL004_NOTIFIED_DAYS_AGO` days ago.

Every step is the portal's own service, as staff would run it, with two shortcuts a loader needs
because the registries are not served while it runs: the ΠΣΣΕΗΣ re-check is answered from the demo
registry world in-process (as applications/demo.py does), and the act is posted to the Διαύγεια sandbox
through the same client over an in-process transport (interop.inprocess). The call 004 round's
scoring is not replayed: its application is approved and included directly (the comparative round
is demonstrated on «…-synkritiki-demo»).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Business, User
from applications import demo as application_demo
from applications.evaluation_hooks import application_evaluation_transition
from applications.models import Application, BudgetLine, ClusterPartner
from calls import seeds
from calls import services as call_services
from calls.models import Call, Programme
from evaluation import services as evaluation
from evaluation.models import Assignment, Decision, PreInclusionCheck
from evaluation.registry_handlers import publish_to_diavgeia
from evaluation.rules import fcfs
from interop.inprocess import sandbox_session
from operations.models import Operation

ACTOR = "load_demo"
KYA7066_CALL = "kya7066-proslipseis-esdim"
KYA7066_AFM = "808982626"
KYA7066_NOTIFIED_DAYS_AGO = 50
CALL004_SUFFIX = "-praxeis-demo"
CALL004_AFM = "994681285"
CALL004_NOTIFIED_DAYS_AGO = 120
# (category, subsidised amount): the approved budget of the demo cluster operation.
CALL004_BUDGET = [("01.10", "120000.00"), ("02.06", "200000.00"), ("07.12", "80000.00")]


def _serve(decision: Decision, *, supervisor: User, days_ago: int) -> Decision:
    """Sign, post and serve: the notice's time is set `days_ago` back so the operation has a past."""
    evaluation.decision_sign(actor=supervisor, decision_id=decision.pk, confirm=True)
    decision.refresh_from_db()
    if decision.state == Decision.State.SIGNED:
        posted = publish_to_diavgeia(decision.pk, session=sandbox_session())
        evaluation.decision_record_published(decision=decision, ada=posted["ada"], url=posted["url"])
    sent_at = timezone.now().replace(microsecond=0) - datetime.timedelta(days=days_ago)
    return evaluation.decision_record_notified(decision_id=decision.pk, sent_at=sent_at)


def _kya7066(stdout, *, evaluator: User, supervisor: User) -> None:
    call = Call.objects.filter(code=KYA7066_CALL).first()
    business = Business.objects.filter(afm=KYA7066_AFM).first() or application_demo._business(KYA7066_AFM)
    if call is None or not call.is_open:
        stdout.write("  operations: η πρόσκληση ΚΥΑ 7066 δεν είναι ανοιχτή· παράλειψη πράξης.\n")
        return
    if Application.objects.filter(call=call, business=business).exists():
        return
    app = application_demo.demo_application(
        call,
        business,
        {
            "submit": True,
            "email": "info@grevena-xylo.example.gr",
            "positions": [("Βοηθός ξυλουργού", "Απολυτήριο λυκείου", "01.23", 1)],
        },
    )
    for other in Assignment.objects.filter(application=app, role=Assignment.Role.EVALUATOR):
        evaluation.assignment_withdraw(actor=ACTOR, assignment_id=other.pk, reason="ανάθεση επίδειξης")
    a = evaluation.assignment_create(
        actor=ACTOR, application_id=app.pk, evaluator_id=evaluator.pk, role=Assignment.Role.EVALUATOR
    )
    evaluation.conflict_declaration_sign(
        actor=evaluator, assignment_id=a.pk, has_conflict=False, confirm=True
    )
    ev = evaluation.evaluation_open(actor=evaluator, assignment_id=a.pk)
    for spec in fcfs.CRITERIA:
        evaluation.finding_save(actor=evaluator, evaluation_id=ev.pk, criterion_code=spec.code, value="yes")
    ev = evaluation.evaluation_submit(actor=evaluator, evaluation_id=ev.pk)
    review = Assignment.objects.filter(
        application=app, evaluator=supervisor, role=Assignment.Role.SECOND_LEVEL
    ).first()
    if review is None:
        for other in Assignment.objects.filter(
            application=app, role=Assignment.Role.SECOND_LEVEL, state__in=Assignment.OPEN_STATES
        ):
            evaluation.assignment_withdraw(
                actor=supervisor, assignment_id=other.pk, reason="ανάθεση επίδειξης"
            )
        review = evaluation.assignment_create(
            actor=supervisor,
            application_id=app.pk,
            evaluator_id=supervisor.pk,
            role=Assignment.Role.SECOND_LEVEL,
        )
    evaluation.conflict_declaration_sign(
        actor=supervisor, assignment_id=review.pk, has_conflict=False, confirm=True
    )
    evaluation.second_level_review(actor=supervisor, evaluation_id=ev.pk, outcome="agree")
    check = PreInclusionCheck.objects.filter(application=app, state=PreInclusionCheck.State.PENDING).first()
    if check is not None:
        evaluation.pre_inclusion_check_complete(
            check=check,
            status="ok",
            data={
                "afm": business.afm,
                "total_gge": str(application_demo._de_minimis_total(business.afm)),
                "awards": application_demo._de_minimis_awards(business.afm),
                "source": "demo",
            },
            checked_at=timezone.now(),
        )
    approval = Decision.objects.filter(application=app, kind=Decision.Kind.APPROVAL).first()
    if approval is None:
        stdout.write("  operations: η αίτηση επίδειξης ΚΥΑ 7066 δεν εγκρίθηκε· παράλειψη πράξης.\n")
        return
    _serve(approval, supervisor=supervisor, days_ago=KYA7066_NOTIFIED_DAYS_AGO)


def _call004_copy(now) -> Call:
    seed = seeds.call004()
    first = seed["versions"][0]
    values = dict(seed["programme"])
    code = values.pop("code")
    programme = Programme.objects.filter(code=code).first() or call_services.programme_get_or_create(
        actor=ACTOR, code=code, **values
    )
    call = call_services.call_create(
        actor=ACTOR,
        programme_id=programme.pk,
        code=seed["code"] + CALL004_SUFFIX,
        fields={
            **first["fields"],
            "title": first["fields"]["title"] + " (πράξεις επίδειξης)",
            "submission_opens_at": now - datetime.timedelta(days=CALL004_NOTIFIED_DAYS_AGO + 120),
            "submission_closes_at": now - datetime.timedelta(days=CALL004_NOTIFIED_DAYS_AGO + 60),
        },
        children=first["children"],
    )
    call_services.call_publish(actor=ACTOR, call_id=call.pk, reason="Πράξεις επίδειξης", label="Αρχική")
    return Call.objects.get(pk=call.pk)


def _call004(stdout, *, supervisor: User) -> None:
    if Call.objects.filter(code__endswith=CALL004_SUFFIX).exists():
        return
    business = Business.objects.filter(afm=CALL004_AFM).first()
    if business is None:
        stdout.write("  operations: λείπει ο φορέας του σχηματισμού επίδειξης· παράλειψη πράξης 004.\n")
        return
    now = timezone.now().replace(microsecond=0)
    call = _call004_copy(now)
    user = application_demo._owner(business, "info@symplegma-km.example.gr")
    submitted = now - datetime.timedelta(days=CALL004_NOTIFIED_DAYS_AGO + 61)
    app = Application.objects.create(
        call=call,
        call_version=call.current_version,
        kind=Application.Kind.CLUSTER,
        business=business,
        applicant_user=user,
        status=Application.Status.SUBMITTED,
        title="Ψηφιακή ιχνηλασιμότητα αγροδιατροφικών προϊόντων Κεντρικής Μακεδονίας",
        email="info@symplegma-km.example.gr",
        protocol_seq=1,
        priority_seq=1,
        protocol_number="ΠΚΜ-004-Π001",
        submitted_at=submitted,
        first_submitted_at=submitted,
        data={"enterprise_size": "small"},
    )
    partners = ["998889259", "997126117", "097464499", "092730129", "098194849", "095938180", "094827501"]
    ClusterPartner.objects.bulk_create(
        ClusterPartner(application=app, afm=afm, kind="research" if k == 0 else "sme", position=k + 1)
        for k, afm in enumerate(partners)
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(application=app, category=category, amount=Decimal(amount), position=k + 1)
        for k, (category, amount) in enumerate(CALL004_BUDGET)
    )
    total = sum((Decimal(a) for _c, a in CALL004_BUDGET), Decimal("0.00"))
    for move in ("start_evaluation", "approve"):
        application_evaluation_transition(
            actor=supervisor, application_id=app.pk, transition=move, reason="Πράξη επίδειξης"
        )
    inclusion = evaluation.decision_create(
        actor=supervisor,
        application=app,
        kind=Decision.Kind.INCLUSION,
        subject=f"Ένταξη της πράξης {app} στην πρόσκληση «{call.title}»",
        amount_total=total,
        details={
            "per_category": [{"category": c, "amount": a} for c, a in CALL004_BUDGET],
            "reasons": ["Πράξη επίδειξης: ο γύρος συγκριτικής αξιολόγησης της πρόσκλησης ολοκληρώθηκε."],
        },
    )
    _serve(inclusion, supervisor=supervisor, days_ago=CALL004_NOTIFIED_DAYS_AGO)


def load(stdout) -> None:
    evaluator = User.objects.filter(username="evaluator").first()
    supervisor = User.objects.filter(username="supervisor").first()
    if evaluator is None or supervisor is None:
        stdout.write("  operations: δεν υπάρχουν δοκιμαστικοί χρήστες· παράλειψη.\n")
        return
    _kya7066(stdout, evaluator=evaluator, supervisor=supervisor)
    _call004(stdout, supervisor=supervisor)
    ops = list(Operation.objects.order_by("pk").values_list("code", "business__name"))
    lines = ", ".join(f"{code} ({name})" for code, name in ops) or "καμία"
    stdout.write(f"  operations: πράξεις επίδειξης: {lines} → /operations/.\n")
