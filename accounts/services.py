"""Every write on users, businesses, persons, memberships and roles (STYLE.md: services).

Registry data is never typed in, but this layer never calls a registry either: `accounts` sits
below `interop`, so these services store answers they are handed as plain values (shapes in
`accounts.records`). `interop.identity` asks AADE, GSIS and ΗΔΙΚΑ first, outside any transaction,
and then calls these inside one.

Race safety: a first TAXISnet login creates its user, business and memberships under unique
constraints; a concurrent login of the same ΑΦΜ waits on the first one's insert, then finds and
locks the committed rows instead of failing (`_get_or_create_locked`).
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.geo import place_for_postal_code
from accounts.models import (
    STAFF_ROLES,
    Business,
    BusinessActivity,
    Membership,
    Person,
    Role,
    RoleAssignment,
    User,
)
from accounts.records import IdentityData, PersonData, TaxpayerData
from accounts.validators import clean_afm
from opske.audit.chain import record as audit
from opske.audit.chain import snapshot
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.search import search_document

BUSINESS_FIELDS = [
    "name",
    "commercial_title",
    "legal_form",
    "is_natural_person",
    "is_active",
    "doy_code",
    "doy_name",
    "street",
    "street_number",
    "postal_code",
    "city",
    "region",
    "regional_unit",
    "municipality",
    "start_date",
    "stop_date",
]
MEMBERSHIP_FIELDS = ["invited_afm", "role", "state", "user", "email"]
PERSON_FIELDS = ["amka", "afm", "first_name", "last_name", "birth_date", "user"]


def _get_or_create_locked(queryset, *, defaults: dict, **lookup):
    """(row locked FOR UPDATE, created) — safe against a concurrent insert of the same key.

    The common case (the row exists) is one locking SELECT. Otherwise `get_or_create` inserts in a
    savepoint; if another transaction inserted the same key first, our INSERT waits for it to
    commit, fails on the unique constraint, and `get_or_create` reads the committed row instead.
    """
    row = queryset.select_for_update().filter(**lookup).first()
    if row is not None:
        return row, False
    row, created = queryset.get_or_create(defaults=defaults, **lookup)
    if not created:
        row = queryset.select_for_update().get(pk=row.pk)
    return row, created


# --- businesses ---------------------------------------------------------------------------------


def business_apply_record(business: Business, record: TaxpayerData, *, place=None) -> None:
    """Copy a registry answer onto `business` and replace its ΚΑΔ list (no audit: the caller's).

    The business must already be saved; activities are rewritten to exactly what AADE listed.
    """
    place = place or place_for_postal_code(record.postal_code)
    business.name = record.name[:200]
    business.commercial_title = record.commercial_title[:200]
    business.legal_form = record.legal_form[:60]
    business.is_natural_person = record.is_natural_person
    business.is_active = record.is_active
    business.doy_code = record.doy_code[:4]
    business.doy_name = record.doy_name[:100]
    business.street = record.street[:150]
    business.street_number = record.street_number[:20]
    business.postal_code = record.postal_code[:5]
    business.city = record.city[:100]
    business.region = place.region
    business.regional_unit = place.regional_unit
    business.municipality = place.municipality
    business.start_date = record.start_date
    business.stop_date = record.stop_date
    business.registry_snapshot = record.raw
    business.registry_refreshed_at = timezone.now()
    business.search_text = search_document(business.name, business.commercial_title, business.afm)
    business.save()
    business.activities.all().delete()
    BusinessActivity.objects.bulk_create(
        BusinessActivity(business=business, code=code, description=descr[:300], kind=kind)
        for code, descr, kind in dict.fromkeys(record.activities)
    )


def business_upsert_from_record(*, actor, record: TaxpayerData) -> Business:
    """Create or update the Business of an AADE answer and its ΚΑΔ (read-only registry data)."""
    afm = clean_afm(record.afm)
    with transaction.atomic():
        business, created = _get_or_create_locked(
            Business.objects, afm=afm, defaults={"name": record.name[:200]}
        )
        if created:
            before = None
        else:
            before = snapshot(business, BUSINESS_FIELDS)
            before["activities"] = sorted(business.activities.values_list("code", "kind"))
        business_apply_record(business, record)
        after = snapshot(business, BUSINESS_FIELDS)
        after["activities"] = sorted([c, k] for c, _, k in record.activities)
        audit(
            actor=actor,
            action="business.created_from_registry" if created else "business.refreshed_from_registry",
            obj=business,
            before=before,
            after=after,
        )
    return business


# --- TAXISnet users -----------------------------------------------------------------------------------


def user_upsert_from_taxisnet(*, identity: IdentityData) -> tuple[User, bool]:
    """(the portal user of a TAXISnet identity, created?), names refreshed from GSIS userinfo.

    The user row stays locked until the caller's transaction ends, which serialises two logins of
    the same ΑΦΜ: the second sees everything the first one created.
    """
    afm = clean_afm(identity.afm)
    with transaction.atomic():
        user, created = _get_or_create_locked(
            User.objects,
            kind=User.Kind.TAXISNET,
            afm=afm,
            defaults={"username": f"taxisnet-{afm}", "password": make_password(None)},  # unusable
        )
        user.first_name = identity.first_name[:150]
        user.last_name = identity.last_name[:150]
        user.father_name = identity.father_name[:100]
        user.mother_name = identity.mother_name[:100]
        user.birth_year = identity.birth_year
        user.last_login = timezone.now()
        user.save()
        audit(
            actor=user,
            action="user.created_via_taxisnet" if created else "user.logged_in_via_taxisnet",
            obj=user,
            after={"afm": user.afm, "userid": identity.userid},
        )
    return user, created


# --- memberships from the registry ------------------------------------------------------------------


def memberships_grant_to_owner(*, user: User, business: Business, first_login: bool) -> None:
    """The TAXISnet user whose ΑΦΜ *is* the business's acts for it as legal representative.

    On first login they also become coordinator (someone must manage the members); later logins
    restore that role only if no coordinator row for them exists at all, so a revoked coordinator
    role is not silently granted back on every login.
    """
    if user.afm != business.afm:
        raise PermissionDenied("Μόνο ο ΑΦΜ της ίδιας της επιχείρησης την εκπροσωπεί αυτόματα.")
    with transaction.atomic():
        roles = [Membership.BusinessRole.LEGAL_REPRESENTATIVE]
        has_coordinator_row = Membership.objects.filter(
            business=business, invited_afm=user.afm, role=Membership.BusinessRole.COORDINATOR
        ).exists()
        if first_login or not has_coordinator_row:
            roles.append(Membership.BusinessRole.COORDINATOR)
        for role in roles:
            _ensure_active_membership(actor=user, business=business, user=user, role=role)


def _ensure_active_membership(*, actor, business: Business, user: User, role: str) -> None:
    live = (
        Membership.objects.select_for_update()
        .filter(business=business, invited_afm=user.afm, role=role)
        .exclude(state=Membership.State.REVOKED)
        .first()
    )
    if live is not None:
        return  # an invitation is activated with the others; an active one stays as it is
    membership = Membership.objects.create(
        business=business, user=user, invited_afm=user.afm, role=role, state=Membership.State.ACTIVE
    )
    audit(
        actor=actor,
        action="membership.created_from_registry",
        obj=membership,
        after=snapshot(membership, MEMBERSHIP_FIELDS),
        reason="Ο ΑΦΜ του χρήστη TAXISnet είναι ο ΑΦΜ της επιχείρησης.",
    )


def memberships_link_invitations(*, user: User) -> list[Membership]:
    """Invitations addressed to the user's ΑΦΜ are tied to the user who logged in with it; each stays
    INVITED until the person accepts it (`membership_accept`, issue 11): nobody acts for a business
    only because someone typed their ΑΦΜ."""
    linked = []
    with transaction.atomic():
        for membership in Membership.objects.select_for_update().filter(
            invited_afm=user.afm, state=Membership.State.INVITED, user__isnull=True
        ):
            membership.user = user
            membership.save(update_fields=["user"])
            linked.append(membership)
    return linked


def _invitation_for(actor: User, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("business")
        .filter(
            pk=membership_id, invited_afm=getattr(actor, "afm", "") or "-", state=Membership.State.INVITED
        )
        .first()
    )
    if membership is None:
        raise NotFound("Η πρόσκληση δεν βρέθηκε ή δεν εκκρεμεί πια.")
    return membership


def membership_accept(*, actor: User, membership_id: int) -> Membership:
    """The invited person takes up the role: only the one who logs in with the invited ΑΦΜ."""
    with transaction.atomic():
        membership = _invitation_for(actor, membership_id)
        before = snapshot(membership, MEMBERSHIP_FIELDS)
        membership.user = actor
        membership.state = Membership.State.ACTIVE
        membership.save(update_fields=["user", "state"])
        audit(
            actor=actor,
            action="membership.accepted",
            obj=membership,
            before=before,
            after=snapshot(membership, MEMBERSHIP_FIELDS),
        )
    return membership


def membership_decline(*, actor: User, membership_id: int) -> Membership:
    """The invited person declines: the invitation ends, the business may invite again."""
    with transaction.atomic():
        membership = _invitation_for(actor, membership_id)
        before = snapshot(membership, MEMBERSHIP_FIELDS)
        membership.user = actor
        membership.state = Membership.State.REVOKED
        membership.revoked_at = timezone.now()
        membership.save(update_fields=["user", "state", "revoked_at"])
        audit(
            actor=actor,
            action="membership.declined",
            obj=membership,
            before=before,
            after=snapshot(membership, MEMBERSHIP_FIELDS),
            reason="Η πρόσκληση δεν έγινε δεκτή από τον προσκεκλημένο.",
        )
    return membership


# --- persons ----------------------------------------------------------------------------------------------


def person_link_by_afm(*, user: User) -> Person | None:
    """Link the user to the Person already known with the same ΑΦΜ, if there is exactly such one.

    A Person linked to another account is left alone for an administrator to resolve.
    """
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(afm=user.afm).order_by("pk").first()
        if person is None or person.user_id not in (None, user.pk):
            return None
        if person.user_id is None:
            person.user = user
            person.save(update_fields=["user"])
            audit(actor=user, action="person.linked_to_user", obj=person, after={"user": user.pk})
    return person


def person_upsert_from_record(*, actor, record: PersonData) -> Person:
    """Create or update a Person from an ΑΜΚΑ-register (ΗΔΙΚΑ) answer; audited only on change."""
    with transaction.atomic():
        person, created = _get_or_create_locked(
            Person.objects,
            amka=record.amka,
            defaults={"first_name": record.first_name[:100], "last_name": record.last_name[:100]},
        )
        before = None if created else snapshot(person, PERSON_FIELDS)
        person.afm = record.afm or ""
        person.first_name = record.first_name[:100]
        person.last_name = record.last_name[:100]
        person.father_name = (record.father_name or "")[:100]
        person.mother_name = (record.mother_name or "")[:100]
        person.birth_date = record.birth_date
        person.registry_snapshot = {
            "amka": record.amka,
            "afm": person.afm,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "father_name": person.father_name,
            "mother_name": person.mother_name,
            "birth_date": record.birth_date.isoformat() if record.birth_date else None,
        }
        person.registry_refreshed_at = timezone.now()
        person.save()
        after = snapshot(person, PERSON_FIELDS)
        if created or before != after:
            audit(
                actor=actor,
                action="person.created" if created else "person.updated",
                obj=person,
                before=before,
                after=after,
            )
    return person


def person_claim_from_record(*, user: User, record: PersonData) -> Person:
    """«Δήλωση ΑΜΚΑ»: a TAXISnet citizen takes the Person of an ΑΜΚΑ the register confirmed.

    Only the ΑΜΚΑ registered to the citizen's own ΑΦΜ can be claimed — anyone can type a ΑΜΚΑ,
    TAXISnet vouches only for the ΑΦΜ.
    """
    if user.kind != User.Kind.TAXISNET:
        raise PermissionDenied("Μόνο χρήστες TAXISnet δηλώνουν ΑΜΚΑ.")
    if record.afm != user.afm:
        raise ValidationFailed(
            "Ο ΑΜΚΑ δεν αντιστοιχεί στον ΑΦΜ με τον οποίο συνδεθήκατε στο TAXISnet.",
            code="amka_afm_mismatch",
            fields={"amka": "Σύμφωνα με το μητρώο ΑΜΚΑ, ο αριθμός αυτός ανήκει σε άλλον ΑΦΜ."},
        )
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        current = Person.objects.filter(user=user).exclude(amka=record.amka).first()
        if current is not None:
            raise Conflict(
                f"Ο λογαριασμός σας είναι ήδη συνδεδεμένος με τον ΑΜΚΑ {current.amka}.",
                code="person_already_claimed",
            )
        person = person_upsert_from_record(actor=user, record=record)
        if person.user_id not in (None, user.pk):
            raise Conflict(
                "Ο ΑΜΚΑ είναι ήδη συνδεδεμένος με άλλον λογαριασμό. Επικοινωνήστε με τον διαχειριστή.",
                code="person_linked_elsewhere",
            )
        if person.user_id is None:
            person.user = user
            person.save(update_fields=["user"])
            audit(actor=user, action="person.linked_to_user", obj=person, after={"user": user.pk})
    return person


# --- memberships --------------------------------------------------------------------------------------


def _require_coordinator(actor: User, business: Business) -> None:
    if not Membership.objects.filter(
        business=business,
        user=actor,
        role=Membership.BusinessRole.COORDINATOR,
        state=Membership.State.ACTIVE,
    ).exists():
        raise PermissionDenied("Μόνο ενεργός συντονιστής της επιχείρησης μπορεί να διαχειριστεί τα μέλη της.")


def membership_invite(*, actor: User, business: Business, afm: str, role: str, email: str = "") -> Membership:
    """Invite the TAXISnet user with `afm` to act for `business` in `role` (ΚΥΑ 7066 Art. 6.2)."""
    afm = clean_afm(afm)
    if role not in Membership.BusinessRole.values:
        raise ValidationFailed(
            "Επιλέξτε ρόλο.", fields={"role": "Επιλέξτε έναν από τους διαθέσιμους ρόλους."}
        )
    with transaction.atomic():
        Business.objects.select_for_update().filter(pk=business.pk).first()
        _require_coordinator(actor, business)
        exists = Membership.objects.filter(business=business, invited_afm=afm, role=role).exclude(
            state=Membership.State.REVOKED
        )
        if exists.exists():
            raise Conflict(
                "Ο ΑΦΜ έχει ήδη αυτόν τον ρόλο ή εκκρεμή πρόσκληση για αυτόν.",
                code="membership_exists",
                fields={"afm": "Υπάρχει ήδη ενεργό μέλος ή πρόσκληση με αυτόν τον ΑΦΜ και ρόλο."},
            )
        existing_user = User.objects.filter(kind=User.Kind.TAXISNET, afm=afm).first()
        membership = Membership.objects.create(
            business=business,
            invited_afm=afm,
            role=role,
            email=email,
            invited_by=actor,
            # Tied to whoever logs in with that ΑΦΜ; active only once they accept (issue 11).
            user=existing_user,
            state=Membership.State.INVITED,
        )
        audit(
            actor=actor,
            action="membership.invited",
            obj=membership,
            after=snapshot(membership, MEMBERSHIP_FIELDS),
        )
    return membership


def membership_revoke(*, actor: User, membership: Membership, reason: str = "") -> Membership:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        _require_coordinator(actor, membership.business)
        if membership.state == Membership.State.REVOKED:
            raise Conflict("Το μέλος έχει ήδη ανακληθεί.", code="membership_already_revoked")
        if (
            membership.role == Membership.BusinessRole.COORDINATOR
            and membership.state == Membership.State.ACTIVE
        ):
            others = (
                Membership.objects.select_for_update()
                .filter(
                    business=membership.business,
                    role=Membership.BusinessRole.COORDINATOR,
                    state=Membership.State.ACTIVE,
                )
                .exclude(pk=membership.pk)
            )
            if not list(others):
                raise Conflict(
                    "Δεν μπορείτε να ανακαλέσετε τον τελευταίο συντονιστή της επιχείρησης."
                    " Ορίστε πρώτα άλλον συντονιστή.",
                    code="last_coordinator",
                )
        before = snapshot(membership, MEMBERSHIP_FIELDS)
        membership.state = Membership.State.REVOKED
        membership.revoked_at = timezone.now()
        membership.save(update_fields=["state", "revoked_at"])
        audit(
            actor=actor,
            action="membership.revoked",
            obj=membership,
            before=before,
            after=snapshot(membership, MEMBERSHIP_FIELDS),
            reason=reason,
        )
    return membership


# --- staff roles ------------------------------------------------------------------------------------------


def _require_programme_admin(actor: User) -> None:
    if not actor.has_role(Role.PROGRAMME_ADMIN):
        raise PermissionDenied("Μόνο ο διαχειριστής προγράμματος αναθέτει ή ανακαλεί ρόλους.")


def role_grant(*, actor: User, user: User, role: str) -> RoleAssignment:
    _require_programme_admin(actor)
    if role not in Role.values:
        raise ValidationFailed(
            "Άγνωστος ρόλος.", fields={"role": "Επιλέξτε έναν από τους διαθέσιμους ρόλους."}
        )
    if role in {str(r) for r in STAFF_ROLES} and user.kind != User.Kind.STAFF:
        raise ValidationFailed("Ρόλοι στελεχών ανατίθενται μόνο σε λογαριασμούς στελεχών.", code="not_staff")
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, role=role, defaults={"granted_by": actor}
        )
        if not created:
            raise Conflict("Ο χρήστης έχει ήδη αυτόν τον ρόλο.", code="role_exists")
        audit(actor=actor, action="role.granted", obj=user, after={"role": role})
    user.__dict__.pop("_role_cache", None)
    return assignment


def role_revoke(*, actor: User, user: User, role: str, reason: str = "") -> None:
    _require_programme_admin(actor)
    with transaction.atomic():
        assignment = RoleAssignment.objects.select_for_update().filter(user=user, role=role).first()
        if assignment is None:
            raise Conflict("Ο χρήστης δεν έχει αυτόν τον ρόλο.", code="role_missing")
        if role == Role.PROGRAMME_ADMIN:
            remaining = RoleAssignment.objects.filter(role=Role.PROGRAMME_ADMIN).exclude(pk=assignment.pk)
            if not remaining.exists():
                raise Conflict(
                    "Δεν μπορείτε να ανακαλέσετε τον τελευταίο διαχειριστή προγράμματος.", code="last_admin"
                )
        assignment.delete()
        audit(actor=actor, action="role.revoked", obj=user, before={"role": role}, reason=reason)
    user.__dict__.pop("_role_cache", None)


# --- contact profile for legal notices (ΚΥΑ 7066 Art. 6.10, 7.3) -------------------------------------

CONTACT_TOKEN_SALT = "accounts.business-notice-email"  # noqa: S105 - a signing salt, not a secret
CONTACT_TOKEN_MAX_AGE = 7 * 24 * 3600  # a week to follow the link
CONTACT_FIELDS = ["notice_email", "notice_email_confirmed_at", "notice_email_pending", "notice_phone"]


def contact_confirmation_token(*, business: Business, email: str) -> str:
    """A signed, timestamped token naming the business and the address it confirms."""
    from django.core import signing

    return signing.dumps({"b": business.pk, "e": email.lower()}, salt=CONTACT_TOKEN_SALT)


def contact_token_read(token: str) -> tuple[Business, str]:
    """The business and address of a confirmation token; a forged or expired one is refused."""
    from django.core import signing

    try:
        data = signing.loads(token, salt=CONTACT_TOKEN_SALT, max_age=CONTACT_TOKEN_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationFailed(
            "Ο σύνδεσμος επιβεβαίωσης έληξε. Αποθηκεύστε ξανά τη διεύθυνση για νέο σύνδεσμο.",
            code="contact_token_expired",
        ) from exc
    except signing.BadSignature as exc:
        raise ValidationFailed(
            "Ο σύνδεσμος επιβεβαίωσης δεν είναι έγκυρος.", code="contact_token_invalid"
        ) from exc
    business = Business.objects.filter(pk=data.get("b")).first()
    if business is None:
        raise ValidationFailed("Ο σύνδεσμος επιβεβαίωσης δεν είναι έγκυρος.", code="contact_token_invalid")
    return business, data.get("e", "")


def business_contact_update(*, actor: User, business: Business, email: str, phone: str) -> Business:
    """The coordinator edits the contact profile. A new e-mail is held until confirmed by its link
    (sent after commit); the confirmed one stays in force until then. The phone applies at once."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from accounts.validators import clean_phone

    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationFailed(
                "Μη έγκυρη διεύθυνση e-mail.", fields={"email": "Γράψτε διεύθυνση όπως info@example.gr."}
            ) from exc
    phone = clean_phone(phone)
    with transaction.atomic():
        business = Business.objects.select_for_update().get(pk=business.pk)
        _require_coordinator(actor, business)
        before = snapshot(business, CONTACT_FIELDS)
        business.notice_phone = phone
        confirm_to = ""
        if not email:
            business.notice_email_pending = ""
        elif email.lower() != (business.notice_email or "").lower() or not business.notice_email_confirmed_at:
            business.notice_email_pending = email
            confirm_to = email
        else:
            business.notice_email_pending = ""
        business.save(update_fields=["notice_phone", "notice_email_pending"])
        audit(
            actor=actor,
            action="business.contact_updated",
            obj=business,
            before=before,
            after=snapshot(business, CONTACT_FIELDS),
        )
        if confirm_to:
            from accounts.tasks import send_contact_confirmation

            business_id = business.pk
            transaction.on_commit(
                lambda: send_contact_confirmation.delay(business_id, confirm_to), robust=True
            )
    return business


def business_contact_confirm(*, token: str, actor=None) -> Business:
    """Following the link confirms the address it names, if it is still the one waiting."""
    business, email = contact_token_read(token)
    with transaction.atomic():
        business = Business.objects.select_for_update().get(pk=business.pk)
        if business.notice_email.lower() == email and business.notice_email_confirmed_at:
            return business  # the same link followed twice
        if (business.notice_email_pending or "").lower() != email:
            raise Conflict(
                "Η διεύθυνση αυτού του συνδέσμου δεν είναι πλέον αυτή που περιμένει επιβεβαίωση.",
                code="contact_token_stale",
            )
        before = snapshot(business, CONTACT_FIELDS)
        business.notice_email = business.notice_email_pending
        business.notice_email_pending = ""
        business.notice_email_confirmed_at = timezone.now()
        business.save(update_fields=["notice_email", "notice_email_pending", "notice_email_confirmed_at"])
        audit(
            actor=actor if getattr(actor, "is_authenticated", False) else "σύνδεσμος επιβεβαίωσης e-mail",
            action="business.contact_email_confirmed",
            obj=business,
            before=before,
            after=snapshot(business, CONTACT_FIELDS),
        )
    return business


def business_contact_set_confirmed(*, actor, business: Business, email: str, phone: str = "") -> Business:
    """Demo and migration of an address already confirmed elsewhere (load_demo); idempotent."""
    with transaction.atomic():
        business = Business.objects.select_for_update().get(pk=business.pk)
        if business.notice_email == email and business.notice_email_confirmed_at:
            return business
        before = snapshot(business, CONTACT_FIELDS)
        business.notice_email = email
        business.notice_email_confirmed_at = timezone.now()
        business.notice_email_pending = ""
        business.notice_phone = phone or business.notice_phone
        business.save(update_fields=CONTACT_FIELDS)
        audit(
            actor=actor,
            action="business.contact_email_confirmed",
            obj=business,
            before=before,
            after=snapshot(business, CONTACT_FIELDS),
        )
    return business
