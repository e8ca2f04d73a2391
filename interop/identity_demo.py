"""Demo identities: the registry world's businesses and persons, stored as if the registries said so.

Businesses are built from `registry_data.TAXPAYERS` with the same mapping as a live AADE answer
(`interop.aade.taxpayer_record`) and persons as ΗΔΙΚΑ would answer, without HTTP, so a demo
citizen's TAXISnet login finds their Person by ΑΦΜ. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from accounts.geo import Place
from accounts.models import Business, Membership
from accounts.services import (
    business_apply_record,
    business_contact_set_confirmed,
    person_upsert_from_record,
)
from opske.audit.chain import record as audit

from .aade import taxpayer_record
from .idika import AmkaPerson
from .sandboxes import registry_data

COORDINATOR_AFM = "185012342"
LIGNITIS_AFM = "804773470"


def demo_notice_email(afm: str) -> str:
    """The demo business's confirmed contact address (a reserved example domain)."""
    return f"epixeirisi-{afm}@demo.example.gr"


def _business(afm: str, data: dict) -> Business:
    record = taxpayer_record(dict(data, afm=afm), data.get("activities", []))
    business = Business.objects.filter(afm=afm).first()
    if business is not None and business.registry_snapshot == record.raw:
        return business
    created = business is None
    business = business or Business.objects.create(afm=afm, name=record.name)
    # The demo world states each business's municipality (as ΓΕΜΗ would); trust it over the gazetteer.
    place = Place(data.get("region", ""), data.get("regional_unit", ""), data.get("municipality", ""))
    business_apply_record(business, record, place=place)
    audit(
        actor="load_demo",
        action="business.created_from_registry" if created else "business.refreshed_from_registry",
        obj=business,
    )
    return business


def _person(amka: str, data: dict) -> AmkaPerson:
    return AmkaPerson(
        amka=amka,
        afm=data.get("afm", ""),
        last_name=data["last_name"],
        first_name=data["first_name"],
        father_name=data.get("father_name", ""),
        mother_name=data.get("mother_name", ""),
        birth_date=datetime.date.fromisoformat(data["birth_date"]),
        sex=data.get("sex", ""),
        alive=not data.get("death_date"),
        death_date=datetime.date.fromisoformat(data["death_date"]) if data.get("death_date") else None,
    )


@transaction.atomic
def load(stdout) -> None:
    for afm, data in registry_data.TAXPAYERS.items():
        _business(afm, data)
    for amka, data in registry_data.PERSONS.items():
        person_upsert_from_record(actor="load_demo", record=_person(amka, data))

    # Every demo business has a confirmed address for legal notices (ΚΥΑ 7066 Art. 6.10, 7.3), so
    # its decisions are served and their deadlines start; a real one confirms through the link.
    for afm in registry_data.TAXPAYERS:
        business = Business.objects.get(afm=afm)
        if not business.notice_email_confirmed_at:
            business_contact_set_confirmed(
                actor="load_demo", business=business, email=demo_notice_email(afm), phone="2461012345"
            )

    lignitis = Business.objects.get(afm=LIGNITIS_AFM)
    if not Membership.objects.filter(
        business=lignitis, invited_afm=COORDINATOR_AFM, role=Membership.BusinessRole.COORDINATOR
    ).exists():
        membership = Membership.objects.create(
            business=lignitis,
            invited_afm=COORDINATOR_AFM,
            role=Membership.BusinessRole.COORDINATOR,
            email="coordinator@lignitis.example.gr",
        )
        audit(
            actor="load_demo",
            action="membership.invited",
            obj=membership,
            after={"invited_afm": COORDINATOR_AFM},
        )
    stdout.write(
        f"Μητρώα (sandbox): {len(registry_data.TAXPAYERS)} επιχειρήσεις, "
        f"{len(registry_data.PERSONS)} φυσικά πρόσωπα.\n"
    )
