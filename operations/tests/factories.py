"""Operations built straight from a notified decision (the evaluation flow has its own tests)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Business, Membership, User
from accounts.tests.factories import TaxisnetUserFactory
from applications.models import Application, BudgetLine
from applications.tests.factories import load_world, seeded_call
from calls import seeds
from calls.models import Call
from evaluation.models import Decision, EvaluationRound
from operations import services
from operations.models import Operation

LIGNITIS = "804773470"

# A call 004 budget of €400.000 over three categories (Πρόσκληση 004 §7.5).
CALL004_LINES = (
    ("02.06", Decimal("200000.00")),
    ("04.22", Decimal("120000.00")),
    ("07.05", Decimal("80000.00")),
)


def coordinator_of(business: Business, *, role=Membership.BusinessRole.COORDINATOR) -> User:
    user = TaxisnetUserFactory(email=f"coord-{business.afm}-{role}@example.gr")
    Membership.objects.create(
        business=business, user=user, invited_afm=user.afm, role=role, state=Membership.State.ACTIVE
    )
    return user


def _application(call: Call, business: Business, *, kind: str, seq: int) -> Application:
    return Application.objects.create(
        call=call,
        kind=kind,
        business=business,
        applicant_user=TaxisnetUserFactory(),
        protocol_seq=seq,
        protocol_number=f"{call.code}-{seq:05d}",
        submitted_at=timezone.now() - datetime.timedelta(days=10),
    )


def _decision(
    app: Application, *, kind: str, amount: Decimal, details: dict, notified_at, signed_at=None, n=1
):
    rnd, _ = EvaluationRound.objects.get_or_create(
        call=app.call, defaults={"method": app.call.evaluation_method}
    )
    return Decision.objects.create(
        application=app,
        round=rnd,
        kind=kind,
        protocol_number=f"ΑΠ-{app.protocol_number}-{kind}-{n}",
        subject=f"Απόφαση {kind} για {app}",
        amount_total=amount,
        details=details,
        ada=f"ΑΔΑ{app.pk}{n}ΨΧ",
        signed_at=signed_at or notified_at,
        notified_at=notified_at,
    )


def kya7066_operation(*, notified_at=None, afm: str = LIGNITIS, call: Call | None = None) -> Operation:
    """A ΚΥΑ 7066 approval of two positions (01.22 and 01.23) notified on `notified_at`."""
    if call is None:
        if not Business.objects.filter(afm=afm).exists():
            load_world()
        n = Call.objects.count()
        call = seeded_call(seeds.kya7066, code_suffix=f"-{n}" if n else "")
    business = Business.objects.get(afm=afm)
    app = _application(call, business, kind=Application.Kind.BUSINESS, seq=Application.objects.count() + 1)
    notified_at = notified_at or timezone.now() - datetime.timedelta(days=5)
    details = {
        "persons": 2,
        "per_category": [
            {
                "category": "01.22",
                "persons": 1,
                "monthly_rate": "1185.00",
                "months": 12,
                "amount": "14220.00",
            },
            {"category": "01.23", "persons": 1, "monthly_rate": "829.50", "months": 12, "amount": "9954.00"},
        ],
    }
    decision = _decision(
        app, kind=Decision.Kind.APPROVAL, amount=Decimal("24174.00"), details=details, notified_at=notified_at
    )
    return services.operation_start_from_decision(decision=decision)


def call004_operation(
    *,
    approval_notified_at=None,
    inclusion_notified_at=None,
    gaps=None,
    config=None,
    cut: Decimal | None = None,
) -> Operation:
    """A call 004 cluster operation: approval of the results, then the inclusion decision."""
    if not Business.objects.filter(afm=LIGNITIS).exists():
        load_world()
    n = Call.objects.count()
    call = seeded_call(seeds.call004, code_suffix=f"-{n}" if n else "")
    if gaps or config:
        cfg = dict(call.config or {})
        cfg.update(config or {})
        cfg["gaps"] = {**cfg.get("gaps", {}), **(gaps or {})}
        Call.objects.filter(pk=call.pk).update(config=cfg)
        call.refresh_from_db()
    from accounts.tests.factories import BusinessFactory

    business = BusinessFactory(legal_form="ΑΜΚΕ")
    app = _application(call, business, kind=Application.Kind.CLUSTER, seq=Application.objects.count() + 1)
    for pos, (category, amount) in enumerate(CALL004_LINES, 1):
        BudgetLine.objects.create(application=app, category=category, amount=amount, position=pos)
    if cut:
        from evaluation.comparative.models import BudgetCut, ComparativeScore

        rnd, _ = EvaluationRound.objects.get_or_create(call=call, defaults={"method": call.evaluation_method})
        score = ComparativeScore.objects.create(round=rnd, application=app)
        BudgetCut.objects.create(
            score=score,
            line=app.budget_lines.get(category="07.05"),
            amount=cut,
            reason="Υπερκοστολόγηση",
            created_by=TaxisnetUserFactory(),
        )
    approval_notified_at = approval_notified_at or timezone.now() - datetime.timedelta(days=20)
    inclusion_notified_at = inclusion_notified_at or timezone.now() - datetime.timedelta(days=2)
    public = Decimal("260000.00")
    approval = _decision(
        app,
        kind=Decision.Kind.APPROVAL,
        amount=public,
        details={"method": "comparative"},
        notified_at=approval_notified_at,
        signed_at=approval_notified_at - datetime.timedelta(days=1),
    )
    inclusion = _decision(
        app,
        kind=Decision.Kind.INCLUSION,
        amount=public,
        n=2,
        details={"method": "comparative", "approval_decision": approval.protocol_number},
        notified_at=inclusion_notified_at,
    )
    return services.operation_start_from_decision(decision=inclusion)
