"""Registry calls for an application and the handler that stores their answers.

`interop.waiting.run_registry_check` replays the fetch functions below by import path (JSON
parameters only), so a registry that is down puts the application «σε αναμονή μητρώου» and the
answer arrives later through the same handler. The answer is stored on the application with the
time it was fetched (`RegistrySnapshot`); what it means for eligibility is decided at submission.
"""

from __future__ import annotations

import datetime

from interop.aade import AadeRegistryClient
from interop.deminimis import DeminimisClient
from interop.dypa import DypaClient
from interop.ergani import ErganiClient, ErganiCredentials
from interop.waiting import registry_result_handler

HANDLER = "applications.snapshot"


def fetch_aade(afm: str):
    return AadeRegistryClient().lookup(afm)


def fetch_deminimis(afm: str, as_on: str):
    """Every de minimis regulation counts towards the €300,000 of the single undertaking
    (ΚΥΑ 7066 Άρθ. 2.8–2.11: cumulation with 2023/2832, 1408/2013, 717/2014 and the previous 1407/2013)."""
    return DeminimisClient().single_undertaking_aid(afm, datetime.date.fromisoformat(as_on), regulation=None)


def fetch_ergani(afm: str, as_on: str, username: str, password: str):
    report = ErganiClient(credentials=ErganiCredentials(username=username, password=password)).workforce(
        afm, datetime.date.fromisoformat(as_on)
    )
    return {"employer_name": report.employer_name, "headcount": report.headcount, "months": report.months}


def fetch_dypa(amka: str, as_on: str):
    return DypaClient().unemployment_status(amka, datetime.date.fromisoformat(as_on))


@registry_result_handler(HANDLER)
def store_snapshot(application, result) -> None:
    from applications.services import application_store_registry_result

    application_store_registry_result(
        application=application,
        registry=result.registry,
        status=result.status,
        data=result.data,
        fetched_at=result.checked_at,
    )
