"""Operations in bulk for the risk tests and the risk benchmark (tests/bench_risk.py).

Builds businesses, applications, decisions and operations with bulk inserts (the objects an
included operation has), and submitted declarations (ΔΔΔ) per operation. Not a substitute for the
journeys, which go through the pages after load_demo.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.utils import timezone

from accounts.models import Business, User
from accounts.tests.factories import afm_with_check_digit
from applications.models import Application
from evaluation.models import Decision, EvaluationRound
from operations.models import Operation
from verification.models import VerificationRequest


def staff_user(username: str = "risk-world") -> User:
    user, _ = User.objects.get_or_create(username=username, defaults={"kind": User.Kind.STAFF})
    return user


def operations(
    call,
    n: int,
    *,
    businesses: int | None = None,
    budgets=None,
    management_body: str = "",
    legal_form: str = "ΙΚΕ",
    tag: str = "",
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
) -> list[Operation]:
    """`n` operations of `call`; `budgets(i)` gives the i-th public expenditure (default 100.000,00)."""
    tag = tag or uuid.uuid4().hex[:6]
    user = staff_user()
    businesses = businesses or n
    start = int(uuid.uuid4().int % 900_000)
    bizs = Business.objects.bulk_create(
        Business(
            afm=afm_with_check_digit(f"7{(start + i) % 10_000_000:07d}"),
            name=f"ΔΟΚΙΜΗ {tag} {i}",
            legal_form=legal_form,
        )
        for i in range(businesses)
    )
    now = timezone.now()
    apps = Application.objects.bulk_create(
        Application(
            call=call,
            kind=Application.Kind.BUSINESS,
            business=bizs[i % businesses],
            applicant_user=user,
            status=Application.Status.SUBMITTED,
            protocol_number=f"{tag}-{i:06d}",
            submitted_at=now - datetime.timedelta(days=60),
        )
        for i in range(n)
    )
    round_, _ = EvaluationRound.objects.get_or_create(call=call, defaults={"method": call.evaluation_method})
    amount = (lambda i: Decimal("100000.00")) if budgets is None else budgets
    decisions = Decision.objects.bulk_create(
        Decision(
            application=a,
            round=round_,
            kind=Decision.Kind.APPROVAL,
            protocol_number=f"ΑΠ-{tag}-{i:06d}",
            subject="Ένταξη",
            amount_total=amount(i),
            notified_at=now - datetime.timedelta(days=30),
        )
        for i, a in enumerate(apps)
    )
    starts_on = starts_on or (timezone.localdate() - datetime.timedelta(days=30))
    return Operation.objects.bulk_create(
        Operation(
            application=a,
            call=call,
            decision=d,
            code=f"ΠΡΞ-{tag}-{i:06d}",
            title=f"Πράξη {i}",
            business=a.business,
            approved_total=d.amount_total,
            public_expenditure=d.amount_total,
            starts_on=starts_on,
            ends_on=ends_on,
            management_body=management_body,
        )
        for i, (a, d) in enumerate(zip(apps, decisions, strict=True))
    )


def declarations(ops, per_operation: int, *, amount=Decimal("10000.00"), accepted=None) -> int:
    """`per_operation` submitted ΔΔΔ for each operation; `accepted(i, j)` the accepted amount (or None)."""
    user = staff_user()
    now = timezone.now()
    rows = (
        VerificationRequest(
            operation_id=op.pk,
            seq=j + 1,
            kind=VerificationRequest.Kind.INTERIM,
            state=VerificationRequest.State.SUBMITTED,
            declared_total=amount,
            accepted_total=accepted(i, j) if accepted else None,
            created_by=user,
            submitted_at=now,
        )
        for i, op in enumerate(ops)
        for j in range(per_operation)
    )
    return len(VerificationRequest.objects.bulk_create(rows, batch_size=5000))
