"""Who someone is, from the registries: TAXISnet login, AADE business refresh, «Δήλωση ΑΜΚΑ».

The orchestration between the registry clients and the `accounts` services. `accounts` lies below
`interop` and knows no registry, so the order is always: ask the registry first, outside any
transaction (a slow registry holds no row locks, a failing one leaves nothing half-created), then
store its answer through `accounts.services` inside one atomic block, each change audited there.
"""

from __future__ import annotations

from django.db import transaction

from accounts import services
from accounts.models import Business, Person, User
from accounts.validators import clean_afm, clean_amka
from opske.errors import RegistryRefused

from .aade import AadeRegistryClient, TaxpayerRecord
from .gsis import TaxisnetIdentity
from .idika import IdikaClient

# AADE answers for a plain citizen's personal ΑΦΜ: not a business, still a valid TAXISnet user.
NOT_A_BUSINESS_CODES = frozenset({"RG_WS_PUBLIC_EPIT_NF"})


def taxisnet_login(*, identity: TaxisnetIdentity) -> User:
    """The portal user of a TAXISnet identity, with the business or person it stands for.

    - A business ΑΦΜ (ΜΗ ΦΠ, or ΦΠ ΕΠΙΤΗΔΕΥΜΑΤΙΑΣ) refreshes that Business from AADE; its user is
      the business's legal representative (and, on first login, its coordinator).
    - A plain citizen (AADE: EPIT_NF) is linked to the Person already known with that ΑΦΜ; if none
      is, the person dashboard offers «Δήλωση ΑΜΚΑ» (`person_claim_by_amka`).
    - Memberships invited to this ΑΦΜ become active.
    Raises RegistryRefused / RegistryUnavailable (nothing is created) when AADE cannot vouch for it.
    """
    try:
        record: TaxpayerRecord | None = AadeRegistryClient().lookup(identity.afm)
    except RegistryRefused as exc:
        if exc.code not in NOT_A_BUSINESS_CODES:
            raise
        record = None

    with transaction.atomic():
        user, created = services.user_upsert_from_taxisnet(identity=identity)
        if record is not None and record.is_business:
            business = services.business_upsert_from_record(actor=user, record=record)
            services.memberships_grant_to_owner(user=user, business=business, first_login=created)
        else:
            services.person_link_by_afm(user=user)
        services.memberships_link_invitations(user=user)
    return user


def business_refresh_from_registry(*, actor, afm: str) -> Business:
    """Fetch `afm` from AADE and create or update its Business and ΚΑΔ (read-only registry data)."""
    record = AadeRegistryClient(actor=actor).lookup(clean_afm(afm))
    with transaction.atomic():
        return services.business_upsert_from_record(actor=actor, record=record)


def person_claim_by_amka(*, user: User, amka: str) -> Person:
    """«Δήλωση ΑΜΚΑ»: confirm `amka` with ΗΔΙΚΑ and link its Person to the TAXISnet citizen.

    Refused (ValidationFailed, field «amka») when the register gives that ΑΜΚΑ another ΑΦΜ.
    """
    amka = clean_amka(amka)
    record = IdikaClient(actor=user).person(amka)
    with transaction.atomic():
        return services.person_claim_from_record(user=user, record=record)
