"""Builders for the on-the-spot tests: operations with accepted expenditure in a semester and a
semi-annual risk run over them (the «risk» area builds the real runs; here rows are written as its
model says: per run, each operation's total, rank and stratum)."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from accounts.models import Membership, Role, RoleAssignment, User
from accounts.tests.factories import BusinessFactory, TaxisnetUserFactory, UserFactory
from applications.models import Application
from calls.models import Call
from evaluation.models import Decision, EvaluationRound
from operations.models import Operation
from verification.models import RiskRun, RiskScore, VerificationRequest

_n = itertools.count(1)


def staff(role: str, username: str | None = None) -> User:
    user = UserFactory(username=username or f"{role}-{next(_n)}", kind=User.Kind.STAFF)
    RoleAssignment.objects.create(user=user, role=role)
    return user


def operation(
    call: Call, *, code: str | None = None, ends_on=None, business=None, body: str = ""
) -> Operation:
    n = next(_n)
    business = business or BusinessFactory()
    user = TaxisnetUserFactory()
    app = Application.objects.create(
        call=call,
        call_version=call.current_version,
        kind=Application.Kind.BUSINESS,
        business=business,
        applicant_user=user,
        protocol_number=f"T-{n:05d}",
    )
    rnd, _ = EvaluationRound.objects.get_or_create(call=call, defaults={"method": call.evaluation_method})
    decision = Decision.objects.create(
        application=app,
        round=rnd,
        kind=Decision.Kind.APPROVAL,
        protocol_number=f"Δ-{n:05d}",
        subject=f"Πράξη {n}",
        amount_total=Decimal("50000.00"),
        notified_at=timezone.now(),
    )
    return Operation.objects.create(
        application=app,
        call=call,
        decision=decision,
        code=code or f"ΠΡΞ-{n:05d}",
        title=f"Πράξη {n}",
        business=business,
        approved_total=Decimal("50000.00"),
        public_expenditure=Decimal("50000.00"),
        starts_on=datetime.date(2026, 1, 15),
        ends_on=ends_on,
        management_body=body,
    )


def beneficiary_of(op: Operation) -> User:
    user = TaxisnetUserFactory()
    Membership.objects.create(
        business=op.business,
        user=user,
        invited_afm=user.afm,
        role=Membership.BusinessRole.COORDINATOR,
        state=Membership.State.ACTIVE,
    )
    return user


def accepted(
    op: Operation, amount, *, period_end=datetime.date(2026, 8, 31), seq: int = 1
) -> VerificationRequest:
    """A declaration whose expenditure is «αποδεκτή διαχείρισης», charged by its period end."""
    return VerificationRequest.objects.create(
        operation=op,
        seq=seq,
        kind=VerificationRequest.Kind.PERIOD,
        period_end=period_end,
        declared_total=Decimal(amount),
        accepted_total=Decimal(amount),
        created_by=op.application.applicant_user,
    )


def semiannual_run(
    ops_with_scores: list[tuple[Operation, int]], *, as_of=datetime.date(2026, 12, 31)
) -> RiskRun:
    """Equal thirds by total, highest first (Ο.3 §4.2.2), as the «risk» area's run stores them."""
    op0 = ops_with_scores[0][0]
    run = RiskRun.objects.create(
        kind=RiskRun.Kind.SEMIANNUAL,
        programme=op0.call.programme,
        management_body=op0.management_body,
        as_of=as_of,
        operations_count=len(ops_with_scores),
    )
    ranked = sorted(ops_with_scores, key=lambda p: (-p[1], p[0].code))
    third = -(-len(ranked) // 3)
    for rank, (op, total) in enumerate(ranked, 1):
        stratum = "high" if rank <= third else "medium" if rank <= 2 * third else "low"
        RiskScore.objects.create(run=run, operation=op, total=total, rank=rank, stratum=stratum)
    return run


VERIFIER, SUPERVISOR, AUDITOR = Role.VERIFIER, Role.SUPERVISOR, Role.AUDITOR
