"""Every write on users, businesses, memberships and roles (STYLE.md: services).

Registry data is never typed in: a Business is created and refreshed from AADE RgWsPublic2, a
TAXISnet user from the GSIS userinfo. Registry calls run *before* the transaction opens, so a slow
registry never holds row locks, and a registry failure leaves nothing half-created.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
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
from accounts.validators import normalise_afm, validate_afm
from interop.aade import AadeRegistryClient, TaxpayerRecord
from interop.gsis import TaxisnetIdentity
from opske.audit.chain import record as audit
from opske.audit.chain import snapshot
from opske.errors import Conflict, PermissionDenied, RegistryRefused, ValidationFailed

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
# AADE answers for a plain citizen's personal ΑΦΜ: not a business, still a valid TAXISnet user.
NOT_A_BUSINESS_CODES = frozenset({"RG_WS_PUBLIC_EPIT_NF"})


# --- businesses ---------------------------------------------------------------------------------


def business_apply_record(business: Business, record: TaxpayerRecord, *, place=None) -> None:
    """Copy a registry answer onto `business` (unsaved changes) and replace its ΚΑΔ list.

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
    business.save()
    business.activities.all().delete()
    BusinessActivity.objects.bulk_create(
        BusinessActivity(business=business, code=code, description=descr[:300], kind=kind)
        for code, descr, kind in dict.fromkeys(record.activities)
    )


def _store_business(*, actor, record: TaxpayerRecord) -> Business:
    """Create or update the Business of `record`; must run inside the caller's transaction."""
    business = Business.objects.select_for_update().filter(afm=record.afm).first()
    created = business is None
    if created:
        business = Business(afm=record.afm)
        before = None
    else:
        before = snapshot(business, BUSINESS_FIELDS)
        before["activities"] = sorted(business.activities.values_list("code", "kind"))
    if created:
        business.name = record.name[:200]
        business.save()
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


def business_refresh_from_registry(*, actor, afm: str) -> Business:
    """Fetch `afm` from AADE and create or update its Business and ΚΑΔ (read-only registry data)."""
    afm = _clean_afm(afm)
    record = AadeRegistryClient(actor=actor).lookup(afm)
    with transaction.atomic():
        return _store_business(actor=actor, record=record)


# --- TAXISnet login ---------------------------------------------------------------------------------


def taxisnet_login(*, identity: TaxisnetIdentity) -> User:
    """The portal user of a TAXISnet identity, with the business or person it stands for.

    - A business ΑΦΜ (ΜΗ ΦΠ, or ΦΠ ΕΠΙΤΗΔΕΥΜΑΤΙΑΣ) refreshes that Business from AADE; on first login
      its user becomes the business's legal representative and coordinator.
    - A plain citizen (AADE: EPIT_NF) is linked to the Person with that ΑΦΜ where one is known.
    - Memberships invited to this ΑΦΜ become active.
    Raises RegistryRefused / RegistryUnavailable (nothing is created) when AADE cannot vouch for it.
    """
    try:
        record: TaxpayerRecord | None = AadeRegistryClient().lookup(identity.afm)
    except RegistryRefused as exc:
        if exc.code not in NOT_A_BUSINESS_CODES:
            raise
        record = None
    is_business = record is not None and record.is_business

    with transaction.atomic():
        user = User.objects.select_for_update().filter(kind=User.Kind.TAXISNET, afm=identity.afm).first()
        first_login = user is None
        if first_login:
            user = User(kind=User.Kind.TAXISNET, afm=identity.afm, username=f"taxisnet-{identity.afm}")
            user.set_unusable_password()
        user.first_name = identity.first_name[:150]
        user.last_name = identity.last_name[:150]
        user.father_name = identity.father_name[:100]
        user.mother_name = identity.mother_name[:100]
        user.birth_year = identity.birth_year
        user.last_login = timezone.now()
        user.save()
        audit(
            actor=user,
            action="user.created_via_taxisnet" if first_login else "user.logged_in_via_taxisnet",
            obj=user,
            after={"afm": user.afm, "userid": identity.userid},
        )
        if is_business:
            business = _store_business(actor=user, record=record)
            roles = [Membership.BusinessRole.LEGAL_REPRESENTATIVE]
            has_coordinator_row = Membership.objects.filter(
                business=business, invited_afm=user.afm, role=Membership.BusinessRole.COORDINATOR
            ).exists()
            if first_login or not has_coordinator_row:
                roles.append(Membership.BusinessRole.COORDINATOR)
            for role in roles:
                _ensure_active_membership(actor=user, business=business, user=user, role=role)
        else:
            _link_person(user)
        _activate_invitations(user)
    return user


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


def _activate_invitations(user: User) -> None:
    for membership in Membership.objects.select_for_update().filter(
        invited_afm=user.afm, state=Membership.State.INVITED
    ):
        before = snapshot(membership, MEMBERSHIP_FIELDS)
        membership.user = user
        membership.state = Membership.State.ACTIVE
        membership.save(update_fields=["user", "state"])
        audit(
            actor=user,
            action="membership.activated",
            obj=membership,
            before=before,
            after=snapshot(membership, MEMBERSHIP_FIELDS),
        )


def _link_person(user: User) -> None:
    person = Person.objects.select_for_update().filter(afm=user.afm).first()
    if person is None and settings.SANDBOXES_ENABLED:
        # In the sandbox world the ΗΔΙΚΑ register is registry_data; production creates Persons
        # from the ΑΜΚΑ register when an application needs them.
        from interop.sandboxes import registry_data

        amka, data = next(
            ((a, p) for a, p in registry_data.PERSONS.items() if p["afm"] == user.afm), (None, None)
        )
        if amka:
            person = person_upsert_from_registry(amka=amka, data=data, actor=user)
    if person is None or person.user_id == user.pk:
        return
    if person.user_id is not None:
        return  # already linked to another account; leave it for an administrator
    person.user = user
    person.save(update_fields=["user"])
    audit(actor=user, action="person.linked_to_user", obj=person, after={"user": user.pk})


def person_upsert_from_registry(*, amka: str, data: dict, actor=None) -> Person:
    """Create or update a Person from an ΑΜΚΑ-register record (ΗΔΙΚΑ fields)."""
    person = Person.objects.filter(amka=amka).first()
    created = person is None
    person = person or Person(amka=amka)
    before = None if created else snapshot(person, ["afm", "first_name", "last_name", "birth_date"])
    person.afm = data.get("afm", "")
    person.first_name = data["first_name"]
    person.last_name = data["last_name"]
    person.father_name = data.get("father_name", "")
    person.mother_name = data.get("mother_name", "")
    person.birth_date = data.get("birth_date") or None
    person.registry_snapshot = dict(data)
    person.registry_refreshed_at = timezone.now()
    person.save()
    after = snapshot(person, ["afm", "first_name", "last_name", "birth_date"])
    if created or before != after:
        audit(
            actor=actor,
            action="person.created" if created else "person.updated",
            obj=person,
            before=before,
            after=after,
        )
    return person


# --- memberships --------------------------------------------------------------------------------------


def _clean_afm(afm: str) -> str:
    value = normalise_afm(afm)
    try:
        validate_afm(value)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], fields={"afm": exc.messages}) from exc
    return value


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
    afm = _clean_afm(afm)
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
            # Someone who already logs in with that ΑΦΜ needs no second login to take up the role.
            user=existing_user,
            state=Membership.State.ACTIVE if existing_user else Membership.State.INVITED,
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
