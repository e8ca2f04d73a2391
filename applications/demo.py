"""Demo applications so the dashboards are not empty (idempotent).

- ΑΡΚΑΔΙΚΑ ΑΡΤΟΠΟΙΗΜΑΤΑ (806994236): a finalised ΚΥΑ 7066 application for two hires in Megalopoli
  (Megalopoli-area pool), with its receipt. Its single undertaking holds €262,500 of de minimis in
  the sandbox ΠΣΣΕΗΣ: near the ceiling, so an aid registered later from the registry console
  (e.g. €45,000 under 1408/2013) makes the re-check before approval reject it (ΚΥΑ 7066 Art. 7.2).
- ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ (804773470): a draft with one position in Kozani, ready to be finalised.

The registry answers stored on them are the demo registry world's own (`interop.sandboxes`), built
in-process the way accounts/demo.py builds businesses, because the sandboxes are not served while
the loader runs. A business already holding an application of the call is left untouched.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from accounts.models import Business, Membership, User
from applications import services
from applications.models import Application
from calls.models import Call

CALL_CODE = "kya7066-proslipseis-esdim"
DEMO = {
    "806994236": {
        "submit": True,
        "email": "info@arkadika.example.gr",
        "positions": [
            ("Αρτοποιός", "Εμπειρία 2 ετών", "01.23", 1),
            ("Οδηγός διανομής", "Δίπλωμα Γ' κατηγορίας", "01.22", 1),
        ],
    },
    "804773470": {
        "submit": False,
        "email": "info@lignitis.example.gr",
        "positions": [("Ηλεκτρολόγος", "Άδεια ηλεκτρολόγου", "01.22", 1)],
    },
}


def _business(afm: str) -> Business:
    from accounts.services import business_upsert_from_record
    from interop.aade import taxpayer_record
    from interop.sandboxes import registry_data

    business = Business.objects.filter(afm=afm).first()
    if business is None:
        data = registry_data.TAXPAYERS[afm]
        business = business_upsert_from_record(
            actor="load_demo", record=taxpayer_record(dict(data, afm=afm), data.get("activities", []))
        )
    return business


def _owner(business: Business, email: str = "") -> User:
    """The business's own TAXISnet user (the one its sandbox login resolves to), with its roles and
    an e-mail address: the decisions' legal notices go there (ΚΥΑ 7066 Art. 6.10), so without one a
    demo decision is never served and cannot be objected to."""
    user = User.objects.filter(kind=User.Kind.TAXISNET, afm=business.afm).first()
    if user is None:
        user = User(username=f"taxisnet-{business.afm}", kind=User.Kind.TAXISNET, afm=business.afm)
        user.set_unusable_password()
        user.save()
    if email and not user.email:
        User.objects.filter(pk=user.pk).update(email=email)
        user.email = email
    for role in (Membership.BusinessRole.LEGAL_REPRESENTATIVE, Membership.BusinessRole.COORDINATOR):
        if (
            not Membership.objects.filter(business=business, user=user, role=role)
            .exclude(state="revoked")
            .exists()
        ):
            Membership.objects.create(
                business=business, user=user, invited_afm=user.afm, role=role, state=Membership.State.ACTIVE
            )
    return user


def _de_minimis_total(afm: str) -> Decimal:
    """What the sandbox ΠΣΣΕΗΣ answers for the single undertaking of `afm` today."""
    from interop.sandboxes.data_business import AWARDS, single_undertaking_of
    from interop.sandboxes.deminimis import DE_MINIMIS_REGULATIONS, WINDOW_DAYS

    _group, members = single_undertaking_of(afm)
    afms = {m[0] for m in members} | {afm}
    return sum(
        (
            Decimal(fields["gge_amount"])
            for days_back, fields in AWARDS
            if fields["beneficiary_afm"] in afms
            and days_back < WINDOW_DAYS
            and fields["regulation"] in DE_MINIMIS_REGULATIONS
        ),
        Decimal("0.00"),
    )


def _de_minimis_awards(afm: str) -> list[dict]:
    """The awards the sandbox ΠΣΣΕΗΣ answers for the single undertaking of `afm` today (every de
    minimis regulation), as the registry snapshot keeps them for the cumulation rule."""
    import datetime

    from interop.sandboxes.data_business import single_undertaking_of
    from interop.sandboxes.deminimis import DE_MINIMIS_REGULATIONS, WINDOW_DAYS, _demo_awards

    today = timezone.localdate()
    _group, members = single_undertaking_of(afm)
    afms = {m[0] for m in members} | {afm}
    after = today - datetime.timedelta(days=WINDOW_DAYS)
    return [
        a
        for a in _demo_awards(today)
        if a["beneficiary_afm"] in afms
        and a["regulation"] in DE_MINIMIS_REGULATIONS
        and after < datetime.date.fromisoformat(a["grant_date"]) <= today
    ]


def _store_registry(app: Application, business: Business) -> None:
    now = timezone.now()
    services.application_store_registry_result(
        application=app,
        registry="aade",
        status="ok",
        data={"afm": business.afm, "name": business.name, "is_active": business.is_active, "source": "demo"},
        fetched_at=now,
    )
    services.application_store_registry_result(
        application=app,
        registry="deminimis",
        status="ok",
        data={
            "afm": business.afm,
            "total_gge": str(_de_minimis_total(business.afm)),
            "awards": _de_minimis_awards(business.afm),
            "source": "demo",
        },
        fetched_at=now,
    )


def load(stdout) -> None:
    call = Call.objects.filter(code=CALL_CODE).first()
    if call is None or not call.is_open:
        stdout.write("  applications: η πρόσκληση ΚΥΑ 7066 δεν είναι ανοιχτή· δεν φορτώθηκαν αιτήσεις.\n")
        return
    created = 0
    for afm, spec in DEMO.items():
        business = _business(afm)
        if Application.objects.filter(call=call, business=business).exists():
            continue
        demo_application(call, business, spec)
        created += 1
    stamp = timezone.localtime().strftime("%d/%m/%Y %H:%M")
    if created:
        stdout.write(f"  applications: {created} αιτήσεις επίδειξης ΚΥΑ 7066 ({stamp}).\n")
    else:
        stdout.write("  applications: οι αιτήσεις επίδειξης υπάρχουν ήδη.\n")


def demo_application(call: Call, business: Business, spec: dict) -> Application:
    """A ΚΥΑ 7066 application built through the applicant's own services: steps, registry answers
    (the demo world's, in-process), placeholder documents and, when `spec["submit"]`, final
    submission. Also used by operations/demo.py for the demo operation."""
    user = _owner(business, spec["email"])
    app = services.application_create(actor=user, call_id=call.pk, business_afm=business.afm)
    services.application_save_step(
        actor=user, application_id=app.pk, step="general", payload={"email": spec["email"]}
    )
    positions = [
        {
            "specialty": specialty,
            "qualifications": qualifications,
            "category": category,
            "persons": persons,
            "place_label": "Έδρα",
            "place_region": business.region,
            "place_regional_unit": business.regional_unit,
            "place_municipality": business.municipality,
        }
        for specialty, qualifications, category, persons in spec["positions"]
    ]
    services.application_save_step(
        actor=user, application_id=app.pk, step="positions", payload={"positions": positions}
    )
    services.application_save_step(
        actor=user, application_id=app.pk, step="de_minimis", payload={"declared": True, "grants": []}
    )
    services.application_save_step(
        actor=user,
        application_id=app.pk,
        step="declarations",
        payload={"solemn": True, "data_processing": True},
    )
    _store_registry(app, business)
    _upload_demo_attachments(user, app)
    if spec["submit"]:
        app = services.application_submit(actor=user, application_id=app.pk)
    return app


def _upload_demo_attachments(user, app) -> None:
    """The call's mandatory documents as small placeholder PDFs, so a demo application can submit."""
    from django.core.files.base import ContentFile

    from applications import attachments

    for required in attachments.required_for(app):
        if required.mandatory:
            pdf = b"%PDF-1.4\n%demo " + required.opske_code.encode() + b"\n%%EOF\n"
            attachments.attachment_upload(
                actor=user,
                application_id=app.pk,
                required_attachment_id=required.pk,
                file=ContentFile(pdf, name=f"{required.opske_code}-demo.pdf"),
            )
