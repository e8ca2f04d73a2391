"""Factories for the points round: person applications of the ΚΥΑ 16936 seed call."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from accounts.models import Person
from accounts.tests.factories import TaxisnetUserFactory
from applications.models import Application
from calls.models import Call
from opske.calendar import ATHENS

DEADLINE = datetime.datetime(2025, 9, 30, 15, 0, tzinfo=ATHENS)


def close_window(call: Call, closes_at: datetime.datetime = DEADLINE) -> Call:
    """The application window of the call has passed (its deadline is the critical time, Art. 5(6))."""
    Call.objects.filter(pk=call.pk).update(
        submission_opens_at=closes_at - datetime.timedelta(days=30), submission_closes_at=closes_at
    )
    call.refresh_from_db()
    return call


class PersonApplicationFactory(factory.django.DjangoModelFactory):
    """A finally submitted ΚΥΑ 16936 application of a person known to the ΔΥΠΑ sandbox."""

    class Meta:
        model = Application

    class Params:
        seq = factory.Sequence(int)

    kind = Application.Kind.NATURAL_PERSON
    status = Application.Status.SUBMITTED
    person = factory.LazyAttribute(lambda o: Person.objects.get(amka=o.amka))
    applicant_user = factory.SubFactory(TaxisnetUserFactory)
    amka = "15038580948"
    education = Application.Education.DE
    placement_preferences = factory.LazyFunction(lambda: ["opekepe-athina"])
    data = factory.LazyFunction(lambda: {"declarations": {"solemn": True, "data_processing": True}})
    protocol_seq = factory.LazyAttribute(lambda o: o.seq + 1)
    protocol_number = factory.LazyAttribute(lambda o: f"16936-{o.seq + 1:06d}")
    priority_seq = factory.LazyAttribute(lambda o: o.seq + 1)
    submitted_at = factory.LazyAttribute(
        lambda o: DEADLINE - datetime.timedelta(days=10) + datetime.timedelta(minutes=o.seq)
    )
    first_submitted_at = factory.SelfAttribute("submitted_at")
    created_at = factory.LazyFunction(timezone.now)


def set_positions(call: Call, positions: dict[str, dict[str, int]]) -> Call:
    """Give the call's placement services these positions per education category (Art. 5(6)):
    the service's total and the call's `category_positions` split stay consistent."""
    config = dict(call.config or {})
    split = dict(config.get("category_positions") or {})
    for code, by_category in positions.items():
        call.placement_services.filter(code=code).update(positions=sum(by_category.values()))
        split[code] = dict(by_category)
    config["category_positions"] = split
    Call.objects.filter(pk=call.pk).update(config=config)
    call.refresh_from_db()
    return call
