"""The shapes of registry answers that accounts services store, as structural types.

`accounts` sits below `interop` (STYLE.md, «Which way imports run»), so its services cannot name
the registry clients' dataclasses. They accept any object with these attributes instead:
`interop.aade.TaxpayerRecord`, `interop.gsis.TaxisnetIdentity` and `interop.idika.AmkaPerson`
satisfy them as they are, and a test or a demo loader can pass its own.
"""

from __future__ import annotations

import datetime
from typing import Protocol


class TaxpayerData(Protocol):
    """What AADE RgWsPublic2 says about a ΑΦΜ (basic_rec + firm_act_tab), as plain values."""

    afm: str
    name: str
    commercial_title: str
    legal_form: str
    is_natural_person: bool
    is_active: bool
    doy_code: str
    doy_name: str
    street: str
    street_number: str
    postal_code: str
    city: str
    start_date: datetime.date | None
    stop_date: datetime.date | None
    # (ΚΑΔ 8 digits, description, kind "1" main / "2" secondary / "3" other / "4" auxiliary)
    activities: tuple[tuple[str, str, str], ...]
    raw: dict

    @property
    def is_business(self) -> bool: ...


class IdentityData(Protocol):
    """Who logged in through TAXISnet (GSIS userinfo)."""

    userid: str
    afm: str
    last_name: str
    first_name: str
    father_name: str
    mother_name: str
    birth_year: int | None


class PersonData(Protocol):
    """A person as the ΑΜΚΑ register (ΗΔΙΚΑ) knows them."""

    amka: str
    afm: str
    last_name: str
    first_name: str
    father_name: str
    mother_name: str
    birth_date: datetime.date | None
