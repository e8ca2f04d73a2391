"""Builders for verification tests: a call 004 operation with its approved budget lines, and the
members who act for its business. Until the demo holds operations (operations/demo.py), an
operation is built from rows directly: the decision that would start it is not what is tested."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Membership
from accounts.tests.factories import BusinessFactory, TaxisnetUserFactory
from applications.models import Application
from applications.tests.factories import TINY_PDF, pdf_file, seeded_call
from calls import seeds
from calls.models import Call
from evaluation.models import Decision, EvaluationRound
from operations.models import Operation, OperationBudgetLine

__all__ = ["TINY_PDF", "call004", "member_of", "operation_004", "pdf_file"]

# Πρόσκληση 004: an approved plan of 200.000,00 € over four categories.
LINES = (
    ("02.19", "Ψηφιακός εξοπλισμός γραφείου", Decimal("40000.00")),
    ("04.22", "Λοιπές συμβουλευτικές υπηρεσίες", Decimal("60000.00")),
    ("07.05", "Νέα ιστοσελίδα", Decimal("20000.00")),
    ("01.10", "Μισθολογικό κόστος υφιστάμενου προσωπικού", Decimal("80000.00")),
)


def call004(**fields) -> Call:
    existing = Call.objects.filter(code="pkm-133-synergatikoi-sxhmatismoi").first()
    return existing or seeded_call(seeds.call004, **fields)


def member_of(business, *roles) -> object:
    user = TaxisnetUserFactory()
    for role in roles or (Membership.BusinessRole.COORDINATOR,):
        Membership.objects.create(
            business=business, user=user, invited_afm=user.afm, role=role, state=Membership.State.ACTIVE
        )
    return user


def operation_004(
    *,
    call: Call | None = None,
    business=None,
    starts_on: datetime.date = datetime.date(2025, 1, 15),
    ends_on: datetime.date | None = datetime.date(2028, 5, 15),
    applied_on: datetime.date = datetime.date(2024, 9, 20),
    lines=LINES,
) -> Operation:
    call = call or call004()
    business = business or BusinessFactory()
    applicant = member_of(business)
    applied_at = timezone.make_aware(datetime.datetime.combine(applied_on, datetime.time(11, 0)))
    app = Application.objects.create(
        call=call,
        kind=Application.Kind.CLUSTER,
        business=business,
        applicant_user=applicant,
        status=Application.Status.APPROVED,
        submitted_at=applied_at,
        protocol_number=f"004-{business.afm}",
    )
    rnd, _ = EvaluationRound.objects.get_or_create(call=call, defaults={"method": call.evaluation_method})
    total = sum((amount for _, _, amount in lines), Decimal("0.00"))
    decision = Decision.objects.create(
        application=app,
        round=rnd,
        kind=Decision.Kind.INCLUSION,
        protocol_number=f"ΑΠ-ΕΝΤ-{business.afm}",
        subject="Ένταξη πράξης",
        amount_total=total,
        notified_at=timezone.make_aware(datetime.datetime.combine(starts_on, datetime.time(10, 0))),
    )
    op = Operation.objects.create(
        application=app,
        call=call,
        decision=decision,
        code=f"ΠΡΞ-{business.afm}",
        title="Καινοτομία στον συνεργατικό σχηματισμό",
        business=business,
        approved_total=total,
        public_expenditure=total,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    for code, label, amount in lines:
        OperationBudgetLine.objects.create(operation=op, category=code, label=label, amount=amount)
    return op
