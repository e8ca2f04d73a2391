"""Factories and builders for application tests: real seed calls, the demo registry world."""

from __future__ import annotations

import datetime
import io

from django.utils import timezone

from accounts.models import Business, Membership, Person, User
from accounts.tests.factories import TaxisnetUserFactory
from applications import services
from applications.tasks import prefill_registries
from calls import seeds
from calls import services as call_services
from calls.models import Call, Programme

ACTOR = "load_demo"  # a system actor calls.services accepts


def load_world() -> None:
    """The demo businesses and persons, built from the sandbox registry data (no HTTP)."""
    from accounts import demo
    from accounts.services import business_upsert_from_record
    from interop.aade import taxpayer_record
    from interop.sandboxes import registry_data

    demo.load(io.StringIO())
    for afm, data in registry_data.TAXPAYERS.items():
        business_upsert_from_record(
            actor=ACTOR, record=taxpayer_record(dict(data, afm=afm), data.get("activities", []))
        )
    for amka, data in registry_data.PERSONS.items():
        Person.objects.get_or_create(
            amka=amka,
            defaults={
                "afm": data["afm"],
                "first_name": data["first_name"],
                "last_name": data["last_name"],
                "birth_date": datetime.date.fromisoformat(data["birth_date"]),
            },
        )


def seeded_call(builder=seeds.kya7066, *, code_suffix: str = "", **fields) -> Call:
    """A published call built from a seed (real Annex 2 list, pools, rates), open since yesterday."""
    seed = builder()
    first = seed["versions"][0]
    programme_values = dict(seed["programme"])
    programme_code = programme_values.pop("code")
    programme = Programme.objects.filter(
        code=programme_code
    ).first() or call_services.programme_get_or_create(actor=ACTOR, code=programme_code, **programme_values)
    now = timezone.now()
    window = {
        "submission_opens_at": now - datetime.timedelta(days=1),
        "submission_closes_at": now + datetime.timedelta(days=30),
    }
    call = call_services.call_create(
        actor=ACTOR,
        programme_id=programme.pk,
        code=seed["code"] + code_suffix,
        fields={**first["fields"], **window, **fields},
        children=first["children"],
    )
    call_services.call_publish(actor=ACTOR, call_id=call.pk, reason="δοκιμή", label="Αρχική")
    return Call.objects.get(pk=call.pk)


def member(afm: str, *roles: str, email: str = "") -> User:
    """A TAXISnet user acting for the business `afm` in `roles` (default: the business itself)."""
    business = Business.objects.get(afm=afm)
    user = TaxisnetUserFactory(email=email or f"{afm}@example.gr")
    for role in roles or (Membership.BusinessRole.LEGAL_REPRESENTATIVE, Membership.BusinessRole.COORDINATOR):
        Membership.objects.create(
            business=business, user=user, invited_afm=user.afm, role=role, state=Membership.State.ACTIVE
        )
    return user


def person_user(amka: str) -> User:
    person = Person.objects.get(amka=amka)
    user = TaxisnetUserFactory(afm=person.afm, email=f"{amka}@example.gr")
    person.user = user
    person.save(update_fields=["user"])
    return user


POSITION_KOZANI = {
    "specialty": "Ηλεκτρολόγος",
    "qualifications": "Άδεια ηλεκτρολόγου",
    "category": "01.22",
    "persons": 1,
    "place_label": "Έδρα",
    "place_region": "Δυτικής Μακεδονίας",
    "place_regional_unit": "Κοζάνης",
    "place_municipality": "Κοζάνης",
}


def complete_business_draft(user, call, *, afm: str, positions=None, grants=None, prefill=True):
    """A ΚΥΑ 7066 draft with every step filled and the registries asked (through the sandboxes)."""
    app = services.application_create(actor=user, call_id=call.pk, business_afm=afm)
    services.application_save_step(
        actor=user, application_id=app.pk, step="general", payload={"email": user.email}
    )
    services.application_save_step(
        actor=user,
        application_id=app.pk,
        step="positions",
        payload={"positions": positions or [POSITION_KOZANI]},
    )
    services.application_save_step(
        actor=user,
        application_id=app.pk,
        step="de_minimis",
        payload={"declared": True, "grants": grants or []},
    )
    services.application_save_step(
        actor=user,
        application_id=app.pk,
        step="declarations",
        payload={"solemn": True, "data_processing": True},
    )
    upload_required_attachments(user, app)
    if prefill:
        prefill_registries(app.pk)
    return app


# The smallest file the portal accepts as a PDF (it checks the magic bytes «%PDF-»).
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_file(name: str = "document.pdf", content: bytes = TINY_PDF):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def upload_required_attachments(user, app) -> list:
    """Upload a small PDF for every mandatory document the call asks of this application."""
    from applications import attachments

    return [
        attachments.attachment_upload(
            actor=user,
            application_id=app.pk,
            required_attachment_id=r.pk,
            file=pdf_file(f"{r.opske_code}.pdf"),
        )
        for r in attachments.required_for(app)
        if r.mandatory
    ]
