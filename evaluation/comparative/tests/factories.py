"""Builders for comparative-evaluation tests: a closed call 004 round with submitted clusters.

Applications are built in the state final submission leaves them (submission itself is tested in
applications/); the committee and its declarations go through the real services.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Membership, Role
from accounts.tests.factories import BusinessFactory, TaxisnetUserFactory, UserFactory, afm_with_check_digit
from applications.models import Application, BudgetLine, ClusterPartner
from applications.tests.factories import seeded_call
from calls import seeds
from calls.models import Call
from evaluation import services as common
from evaluation.comparative import rules, services

# Every sub-criterion of the seed at a value; 3β is computed from the partners.
HIGH = {"1.α": "2.5", "1.β": "2.5", "1.γ": "2", "1.δ": "2", "2.α": "2", "2.β": "2", "2.γ": "4",
        "3.α": "2", "3.γ": "2", "3.δ": "2", "4.α": "4", "4.β": "4",
        "5.α": "4", "5.β": "4", "6.—": "8"}  # fmt: skip
JUSTIFICATION = "Τεκμηριωμένο από το τεχνικό δελτίο και τα συνημμένα."


def closed_call004(**fields) -> Call:
    """Call 004 as seeded, its submission window closed an hour ago (evaluation starts, §10.2)."""
    call = seeded_call(seeds.call004, **fields)
    now = timezone.now()
    Call.objects.filter(pk=call.pk).update(
        submission_opens_at=now - datetime.timedelta(days=30),
        submission_closes_at=now - datetime.timedelta(hours=1),
    )
    return Call.objects.get(pk=call.pk)


class ClusterApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    call = None
    kind = Application.Kind.CLUSTER
    business = factory.SubFactory(BusinessFactory, legal_form="ΑΜΚΕ")
    applicant_user = factory.SubFactory(TaxisnetUserFactory)
    status = Application.Status.SUBMITTED
    protocol_seq = factory.Sequence(lambda n: n + 1)
    priority_seq = factory.LazyAttribute(lambda o: o.protocol_seq)
    protocol_number = factory.LazyAttribute(lambda o: f"ΠΚΜ-004-{o.protocol_seq:05d}")
    submitted_at = factory.LazyAttribute(
        lambda o: timezone.now() - datetime.timedelta(days=2, minutes=o.protocol_seq)
    )
    title = "Σχηματισμός καινοτομίας"
    data = factory.LazyFunction(lambda: {"enterprise_size": "small"})

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        n = 8 if extracted is None else extracted
        kinds = ["research"] + ["sme"] * max(n - 1, 0)
        ClusterPartner.objects.bulk_create(
            ClusterPartner(
                application=self, afm=afm_with_check_digit(f"3{self.pk:04d}{i:03d}"), kind=k, position=i
            )
            for i, k in enumerate(kinds[:n], 1)
        )

    @factory.post_generation
    def lines(self, create, extracted, **kwargs):
        # Default: equipment 300,000 at 65% + personnel 100,000 at 50% → public 245,000.
        rows = extracted or [("02.06", "300000"), ("01.10", "100000")]
        BudgetLine.objects.bulk_create(
            BudgetLine(application=self, category=c, amount=Decimal(a), position=i)
            for i, (c, a) in enumerate(rows, 1)
        )

    @factory.post_generation
    def coordinator(self, create, extracted, **kwargs):
        Membership.objects.create(
            business=self.business, user=self.applicant_user, invited_afm=self.applicant_user.afm,
            role=Membership.BusinessRole.COORDINATOR, state=Membership.State.ACTIVE,
        )  # fmt: skip


def supervisor():
    return UserFactory(roles=[Role.SUPERVISOR], first_name="Γιώργος", last_name="Προϊστάμενος")


def committee_member(**kw):
    return UserFactory(roles=[Role.COMMITTEE_MEMBER], **kw)


def committee(call, boss, members):
    return services.committee_set(
        actor=boss, call_id=call.pk, chair_id=members[0].pk, member_ids=[m.pk for m in members],
        appointment_ref="Απόφαση Περιφερειάρχη 123/2024",
    )  # fmt: skip


def declare(boss, member, app, *, conflict=False):
    """The member's assignment to the application and the signed declaration (common framework)."""
    a = common.assignment_create(actor=boss, application_id=app.pk, evaluator_id=member.pk, role="committee")
    common.conflict_declaration_sign(
        actor=member, assignment_id=a.pk, has_conflict=conflict,
        details="Συγγενής εταίρου" if conflict else "",
        confirm=True,
    )  # fmt: skip
    return a


def yes_to_everything(call):
    return (
        dict.fromkeys(services.required_documents(call), rules.YES),
        dict.fromkeys(rules.CONDITION_CODES, rules.YES),
    )


def score_fully(member, app, values=None, *, finalise=True, stage_b_overrides=None):
    """Open the sheet, answer both stages, score every sub-criterion and (optionally) finalise."""
    sheet = services.score_sheet_open(actor=member, application_id=app.pk)
    a, b = yes_to_everything(app.call)
    b.update(stage_b_overrides or {})
    notes = "Δεν πληρείται σύμφωνα με τα δικαιολογητικά." if rules.NO in b.values() else ""
    services.stages_record(actor=member, score_id=sheet.pk, stage_a=a, stage_b=b, stage_b_notes=notes)
    for key, value in (values or HIGH).items():
        crit, sub = key.split(".")
        services.criterion_score_set(
            actor=member,
            score_id=sheet.pk,
            criterion_code=crit,
            sub_code=sub,
            value=value,
            justification=JUSTIFICATION,
        )
    if finalise:
        sheet = services.score_finalise(actor=member, score_id=sheet.pk)
    return sheet
