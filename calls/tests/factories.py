import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from calls import services
from calls.models import BudgetPool, Call, Programme
from opske.search import search_document


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    kind = User.Kind.STAFF

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            RoleAssignment.objects.create(user=self, role=role)


def programme_admin():
    return UserFactory(roles=[Role.PROGRAMME_ADMIN])


def evaluator():
    return UserFactory(roles=[Role.EVALUATOR])


def business_user():
    return UserFactory(kind=User.Kind.TAXISNET, afm="094019245")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"prog-{n}")
    title = factory.Sequence(lambda n: f"Πρόγραμμα {n}")


class CallFactory(factory.django.DjangoModelFactory):
    """A draft FCFS call with one pool covering its whole budget (publishable as is)."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"call-{n}")
    title = factory.Sequence(lambda n: f"Πρόσκληση δοκιμής {n}")
    aid_regime = Call.AidRegime.DE_MINIMIS
    applicant_kind = Call.ApplicantKind.BUSINESS
    evaluation_method = Call.EvaluationMethod.FCFS_DIRECT
    total_budget = Decimal("100000.00")
    submission_opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    submission_closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    search_text = factory.LazyAttribute(lambda o: search_document(o.title, o.code, o.programme.title))

    @factory.post_generation
    def pool(self, create, extracted, **kwargs):
        BudgetPool.objects.create(call=self, code="all", label="Σύνολο", amount=self.total_budget)


def published_call(**kwargs) -> Call:
    call = CallFactory(**kwargs)
    services.call_publish(actor=programme_admin(), call_id=call.pk, reason="δοκιμή")
    call.refresh_from_db()
    return call
