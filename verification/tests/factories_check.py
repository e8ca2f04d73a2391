"""Builders for verification tests: a real seeded call, an operation started from a notified
decision (rows written directly: the decision path itself is evaluation's, tested there), a
submitted ΔΔΔ with its items, and the staff and beneficiary users."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Membership, Role
from accounts.tests.factories import BusinessFactory, MembershipFactory, UserFactory
from applications.models import Application
from applications.tests.factories import seeded_call
from calls import seeds
from evaluation.models import Assignment, Decision, EvaluationRound
from operations.models import Operation
from verification.models import ExpenditureItem, VerificationRequest

_seq = [0]


def call_004(**config_overrides):
    call = seeded_call(seeds.call004, code_suffix=f"-v{_next()}")
    if config_overrides:
        call.config = {**call.config, **config_overrides}
        call.save(update_fields=["config"])
    return call


def _next() -> int:
    _seq[0] += 1
    return _seq[0]


def operation(call=None, *, business=None):
    call = call or call_004()
    business = business or BusinessFactory()
    applicant = MembershipFactory(business=business, role=Membership.BusinessRole.COORDINATOR).user
    app = Application.objects.create(
        call=call,
        kind=Application.Kind.CLUSTER,
        business=business,
        applicant_user=applicant,
        status=Application.Status.SUBMITTED,
        protocol_number=f"ΑΙΤ-{_next()}",
    )
    rnd = EvaluationRound.objects.get_or_create(call=call, defaults={"method": call.evaluation_method})[0]
    decision = Decision.objects.create(
        application=app,
        round=rnd,
        kind=Decision.Kind.INCLUSION,
        state=Decision.State.NOTIFIED,
        protocol_number=f"ΑΠ-{_next()}",
        subject="Ένταξη",
        amount_total=Decimal("400000.00"),
        notified_at=timezone.now() - datetime.timedelta(days=200),
    )
    op = Operation.objects.create(
        application=app,
        call=call,
        decision=decision,
        code=f"ΠΡΞ-{_next()}",
        business=business,
        approved_total=Decimal("400000.00"),
        starts_on=datetime.date(2025, 1, 10),
    )
    return op, applicant


def submitted_request(op, items, *, selected=True, seq=1):
    """`items`: [(category, amount), ...]; the request is SUBMITTED with declared = Σ amounts."""
    req = VerificationRequest.objects.create(
        operation=op,
        seq=seq,
        kind=VerificationRequest.Kind.FIRST,
        state=VerificationRequest.State.SUBMITTED,
        declared_total=sum((Decimal(str(a)) for _c, a in items), Decimal("0.00")),
        selected=selected,
        selection_rule="first" if selected else "",
        created_by=op.application.applicant_user,
        submitted_at=timezone.now(),
    )
    for n, (category, amount) in enumerate(items, 1):
        ExpenditureItem.objects.create(
            request=req,
            category=category,
            supplier_name=f"Προμηθευτής {n}",
            document_number=f"ΤΠΥ-{n}",
            document_date=datetime.date(2025, 3, 1),
            amount=Decimal(str(amount)),
        )
    return req


def verifier(**kw):
    return UserFactory(roles=[Role.VERIFIER], **kw)


def supervisor(**kw):
    return UserFactory(roles=[Role.SUPERVISOR], **kw)


def evaluated_by(op, user):
    """Record that `user` evaluated the operation's application (an evaluation assignment)."""
    rnd = EvaluationRound.objects.get(call=op.call)
    return Assignment.objects.create(
        round=rnd,
        application=op.application,
        evaluator=user,
        role=Assignment.Role.EVALUATOR,
        state=Assignment.State.DONE,
    )
