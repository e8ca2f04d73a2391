"""A business gives the portal access to its ΕΡΓΑΝΗ staff data: credentials or an uploaded export.

The ΕΡΓΑΝΗ API acts only for the employer who owns the credentials (interop.md §3), so the portal
reads a business's headcount either with credentials the business registers here (verified by
logging in before anything is saved) or from the latest «Πίνακας Προσωπικού» export it uploads.
`ergani_workforce_for` is what the application prefill asks.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import date
from decimal import Decimal

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Business, Membership
from accounts.selectors import user_business_roles
from opske import audit
from opske.errors import NotFound, PermissionDenied, RegistryRefused, ValidationFailed

from .ergani import ErganiClient, ErganiCredentials, MonthlyWorkforce, WorkforceReport, parse_ergani_export
from .models import ErganiAuthorization, ErganiExportUpload

MAX_EXPORT_BYTES = 5 * 1024 * 1024
ALLOWED_ROLES = frozenset({Membership.BusinessRole.COORDINATOR, Membership.BusinessRole.LEGAL_REPRESENTATIVE})


# --- encryption ------------------------------------------------------------------------------
def _fernet() -> Fernet:
    # The key is derived from SECRET_KEY (sha256 -> urlsafe base64, the 32-byte key Fernet wants).
    # Rotating SECRET_KEY makes stored ΕΡΓΑΝΗ passwords unreadable: rotate with the secret, i.e.
    # ask the businesses to authorise again (ergani_credentials_for then returns None).
    digest = hashlib.sha256(settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt_secret(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt_secret(token: str) -> str | None:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return None


# --- rules -----------------------------------------------------------------------------------
def can_manage_ergani(user, business: Business) -> bool:
    """Only the business's active coordinator or legal representative binds it to ΕΡΓΑΝΗ access."""
    return bool(user_business_roles(user, business) & ALLOWED_ROLES)


def _check_actor(actor, business: Business) -> None:
    roles = user_business_roles(actor, business)
    if not roles:
        # Not a member: the business is not theirs to see (STYLE.md: another business is a 404).
        raise NotFound("Δεν βρέθηκε η επιχείρηση.", code="business_not_found")
    if not roles & ALLOWED_ROLES:
        raise PermissionDenied(
            "Μόνο ο συντονιστής ή ο νόμιμος εκπρόσωπος της επιχείρησης μπορεί να δώσει πρόσβαση στο ΕΡΓΑΝΗ.",
            code="ergani_access_role",
        )


# --- selectors -------------------------------------------------------------------------------
def active_authorization(business: Business) -> ErganiAuthorization | None:
    return ErganiAuthorization.objects.filter(business=business, revoked_at__isnull=True).first()


def latest_upload(business: Business) -> ErganiExportUpload | None:
    return ErganiExportUpload.objects.filter(business=business).defer("content").first()


def has_ergani_access(business: Business) -> bool:
    return (
        ErganiAuthorization.objects.filter(business=business, revoked_at__isnull=True).exists()
        or ErganiExportUpload.objects.filter(business=business).exists()
    )


def ergani_credentials_for(business: Business) -> ErganiCredentials | None:
    auth = active_authorization(business)
    if auth is None:
        return None
    password = decrypt_secret(auth.password_encrypted)
    return ErganiCredentials(username=auth.username, password=password) if password else None


# --- report (de)serialisation ---------------------------------------------------------------
def report_to_json(report: WorkforceReport) -> dict:
    return {
        "employer_afm": report.employer_afm,
        "employer_name": report.employer_name,
        "as_on": report.as_on.isoformat(),
        "source": report.source,
        "months": [
            {
                "month": m.month.isoformat(),
                "headcount": m.headcount,
                "awu": str(m.awu),
                "full_time": m.full_time,
                "part_time": m.part_time,
            }
            for m in report.months
        ],
    }


def report_from_json(data: dict) -> WorkforceReport:
    return WorkforceReport(
        employer_afm=data["employer_afm"],
        employer_name=data["employer_name"],
        as_on=date.fromisoformat(data["as_on"]),
        source=data["source"],
        months=tuple(
            MonthlyWorkforce(
                month=date.fromisoformat(m["month"]),
                headcount=int(m["headcount"]),
                awu=Decimal(m["awu"]),
                full_time=int(m["full_time"]),
                part_time=int(m["part_time"]),
            )
            for m in data["months"]
        ),
    )


# --- services --------------------------------------------------------------------------------
def ergani_authorize(*, actor, business: Business, username: str, password: str) -> ErganiAuthorization:
    """Register the business's ΕΡΓΑΝΗ credentials after ΕΡΓΑΝΗ accepts them for this employer."""
    _check_actor(actor, business)
    username, password = (username or "").strip(), password or ""
    errors = {}
    if not username:
        errors["username"] = "Συμπληρώστε το όνομα χρήστη ΕΡΓΑΝΗ."
    if not password:
        errors["password"] = "Συμπληρώστε τον κωδικό ΕΡΓΑΝΗ."  # noqa: S105 - a message, not a secret
    if errors:
        raise ValidationFailed(
            "Συμπληρώστε τα στοιχεία πρόσβασης ΕΡΓΑΝΗ.", code="ergani_credentials", fields=errors
        )

    # Verify before saving, outside the transaction (a registry call must not hold a DB lock).
    # A fresh login is forced: the client would otherwise reuse a cached token of that username
    # and accept any password. The workforce call then proves the account is this employer's.
    client = ErganiClient(credentials=ErganiCredentials(username=username, password=password), actor=actor)
    try:
        client.call("authenticate", business.afm, client._login)
        client.workforce(business.afm, timezone.localdate())
    except RegistryRefused as exc:
        raise ValidationFailed(
            "Το ΕΡΓΑΝΗ δεν δέχτηκε τα στοιχεία: " + exc.message + " Δεν αποθηκεύτηκε τίποτα.",
            code="ergani_credentials_refused",
            fields={"password": [exc.message]},
        ) from exc

    with transaction.atomic():
        previous = (
            ErganiAuthorization.objects.select_for_update()
            .filter(business=business, revoked_at__isnull=True)
            .first()
        )
        if previous:
            previous.revoked_at = timezone.now()
            previous.save(update_fields=["revoked_at"])
        auth = ErganiAuthorization.objects.create(
            business=business,
            username=username,
            password_encrypted=encrypt_secret(password),
            authorized_by=actor,
        )
        # The event names the account, never the password.
        audit.record(
            actor=actor,
            action="ergani.authorize",
            obj=auth,
            before={"username": previous.username} if previous else None,
            after={"username": username, "business": business.afm},
        )
    return auth


def ergani_revoke(*, actor, business: Business) -> ErganiAuthorization:
    _check_actor(actor, business)
    with transaction.atomic():
        auth = (
            ErganiAuthorization.objects.select_for_update()
            .filter(business=business, revoked_at__isnull=True)
            .first()
        )
        if auth is None:
            raise NotFound("Η επιχείρηση δεν έχει ενεργή εξουσιοδότηση ΕΡΓΑΝΗ.", code="ergani_auth_not_found")
        auth.revoked_at = timezone.now()
        auth.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="ergani.revoke",
            obj=auth,
            before={"username": auth.username, "revoked_at": None},
            after={"revoked_at": auth.revoked_at.isoformat()},
        )
    return auth


def ergani_export_upload(*, actor, business: Business, file) -> ErganiExportUpload:
    """Store an uploaded «Πίνακας Προσωπικού» after it parses; errors name row and column."""
    _check_actor(actor, business)
    if file is None:
        raise ValidationFailed(
            "Επιλέξτε αρχείο ΕΡΓΑΝΗ.", code="ergani_export_missing", fields={"file": ["Επιλέξτε αρχείο."]}
        )
    if getattr(file, "size", 0) and file.size > MAX_EXPORT_BYTES:
        raise ValidationFailed(
            "Το αρχείο ξεπερνά τα 5 MB.",
            code="ergani_export_too_large",
            fields={"file": ["Το αρχείο ξεπερνά τα 5 MB."]},
        )
    content = file.read()
    report = parse_ergani_export(content)  # ValidationFailed with every row/column problem
    if report.employer_afm != business.afm:
        message = (
            f"Το αρχείο αφορά άλλον εργοδότη (ΑΦΜ {report.employer_afm}), "
            f"όχι την επιχείρηση ({business.afm})."
        )
        raise ValidationFailed(message, code="ergani_export_other_employer", fields={"file": [message]})
    with transaction.atomic():
        upload = ErganiExportUpload.objects.create(
            business=business,
            file_name=(getattr(file, "name", "") or "")[:255],
            content=content,
            uploaded_by=actor,
            report=report_to_json(report),
            as_on=report.as_on,
        )
        audit.record(
            actor=actor,
            action="ergani.export_upload",
            obj=upload,
            after={
                "file_name": upload.file_name,
                "as_on": report.as_on.isoformat(),
                "headcount": report.headcount,
            },
        )
    return upload


def ergani_workforce_for(business: Business, as_on: date) -> WorkforceReport | None:
    """The workforce from the authorised ΕΡΓΑΝΗ API, else the latest uploaded export, else None."""
    credentials = ergani_credentials_for(business)
    if credentials is not None:
        return ErganiClient(credentials=credentials).workforce(business.afm, as_on)
    upload = latest_upload(business)
    if upload is not None:
        return report_from_json(upload.report)
    return None


def fetch_workforce(afm: str, as_on: str):
    """Registry-check callable for the application prefill (same shape as fetch_ergani's answer)."""
    business = Business.objects.filter(afm=afm).first()
    report = ergani_workforce_for(business, date.fromisoformat(as_on)) if business else None
    if report is None:
        raise RegistryRefused(
            "ΕΡΓΑΝΗ ΙΙ: η επιχείρηση δεν έχει δώσει πρόσβαση ούτε έχει ανεβάσει αρχείο προσωπικού.",
            code="ergani_no_access",
        )
    return {
        "employer_name": report.employer_name,
        "headcount": report.headcount,
        "months": report.months,
        "source": report.source,
    }
