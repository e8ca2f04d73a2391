"""Who someone is, from the registries: TAXISnet login, AADE business refresh, «Δήλωση ΑΜΚΑ».

The orchestration between the registry clients and the `accounts` services. `accounts` lies below
`interop` and knows no registry, so the order is always: ask the registry first, outside any
transaction (a slow registry holds no row locks, a failing one leaves nothing half-created), then
store its answer through `accounts.services` inside one atomic block, each change audited there.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import services
from accounts.models import Business, Membership, Person, User
from accounts.validators import clean_afm, clean_amka
from opske.errors import RegistryRefused, RegistryUnavailable

from .aade import AadeRegistryClient, TaxpayerRecord
from .gsis import TaxisnetIdentity
from .idika import IdikaClient

logger = logging.getLogger(__name__)

# AADE answers for a plain citizen's personal ΑΦΜ: not a business, still a valid TAXISnet user.
NOT_A_BUSINESS_CODES = frozenset({"RG_WS_PUBLIC_EPIT_NF"})


class LoginAadeClient(AadeRegistryClient):
    """AADE at login gets one short try (`INTEROP_LOGIN_AADE_TIMEOUT`, default 3 s): a login never
    waits out the registry's timeouts and retries (issue 11: AADE slow at 12 s failed logins after
    31 s); if AADE does not answer in time, the background refresh asks with the full budget."""

    @property
    def timeout(self) -> float:
        return float(settings.INTEROP_LOGIN_AADE_TIMEOUT)

    @property
    def max_attempts(self) -> int:
        return 1


def taxisnet_login(*, identity: TaxisnetIdentity) -> User:
    """The portal user of a TAXISnet identity, with the business or person it stands for.

    - A business ΑΦΜ (ΜΗ ΦΠ, or ΦΠ ΕΠΙΤΗΔΕΥΜΑΤΙΑΣ) refreshes that Business from AADE; its user is
      the business's legal representative (and, on first login, its coordinator).
    - A plain citizen (AADE: EPIT_NF) is linked to the Person already known with that ΑΦΜ; if none
      is, the person dashboard offers «Δήλωση ΑΜΚΑ» (`person_claim_by_amka`).
    - Memberships invited to this ΑΦΜ become active.
    - AADE down or slow: the person is logged in with what TAXISnet vouches for and what is already
      known (the last AADE record, its memberships); the refresh is owed on the user
      (`aade_refresh_requested_at`, shown on the dashboard) and done in the background
      (`interop.tasks.taxisnet_refresh`, re-sent by the outbox sweep until AADE answers).
    Raises RegistryRefused (nothing is created) when AADE answers that it does not know the ΑΦΜ.
    """
    try:
        record: TaxpayerRecord | None = LoginAadeClient().lookup(identity.afm)
    except RegistryRefused as exc:
        if exc.code not in NOT_A_BUSINESS_CODES:
            raise
        record = None
    except RegistryUnavailable:
        return _login_with_last_known(identity)

    with transaction.atomic():
        user, created = services.user_upsert_from_taxisnet(identity=identity)
        _store_record(user, record, first_login=created)
        services.memberships_link_invitations(user=user)
    return user


def _store_record(user: User, record: TaxpayerRecord | None, *, first_login: bool) -> None:
    if record is not None and record.is_business:
        business = services.business_upsert_from_record(actor=user, record=record)
        services.memberships_grant_to_owner(user=user, business=business, first_login=first_login)
    else:
        services.person_link_by_afm(user=user)


def _login_with_last_known(identity: TaxisnetIdentity) -> User:
    with transaction.atomic():
        user, _ = services.user_upsert_from_taxisnet(identity=identity)
        services.memberships_link_invitations(user=user)
        User.objects.filter(pk=user.pk).update(aade_refresh_requested_at=timezone.now())
        transaction.on_commit(lambda: _enqueue_refresh(user.pk))
    user.refresh_from_db(fields=["aade_refresh_requested_at"])
    return user


def _enqueue_refresh(user_id: int) -> None:
    from interop.tasks import taxisnet_refresh

    try:
        taxisnet_refresh.delay(user_id)
    except Exception:
        # The broker is down: the login is not failed for it; the refresh is owed on the user and
        # the outbox sweep sends it (opske.tasks.sweep_outbox).
        logger.warning("could not enqueue the AADE refresh of user %s", user_id)


def taxisnet_refresh(*, user_id: int) -> str:
    """The AADE refresh a login could not wait for: store what AADE says and clear what is owed.
    AADE still down: stays owed (the outbox sweep asks again). Idempotent."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or user.aade_refresh_requested_at is None:
        return "nothing owed"
    requested_at = user.aade_refresh_requested_at
    try:
        record: TaxpayerRecord | None = AadeRegistryClient().lookup(user.afm)
    except RegistryRefused as exc:
        if exc.code not in NOT_A_BUSINESS_CODES:
            # AADE does not know the ΑΦΜ TAXISnet vouched for: nothing to store, nothing to retry.
            logger.warning("AADE refused the ΑΦΜ of user %s: %s", user_id, exc.code)
            _clear_refresh(user_id, requested_at)
            return f"refused:{exc.code}"
        record = None
    except RegistryUnavailable:
        return "waiting"
    with transaction.atomic():
        first_login = not Membership.objects.filter(user=user, business__afm=user.afm).exists()
        _store_record(user, record, first_login=first_login)
        services.memberships_link_invitations(user=user)
        _clear_refresh(user_id, requested_at)
    return "done"


def _clear_refresh(user_id: int, requested_at) -> None:
    User.objects.filter(pk=user_id, aade_refresh_requested_at=requested_at).update(
        aade_refresh_requested_at=None
    )


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
