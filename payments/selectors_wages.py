"""Reads of the ΚΥΑ 16936 wage dossiers, scoped to who may see them: ΚΠΑ2 / ΔΥΠΑ staff (supervisor,
programme administrator, payment officer, auditor) see all; a placement service only its own."""

from __future__ import annotations

from opske.errors import NotFound
from payments.models import WageDossier
from payments.services import wages


def can_see(user) -> bool:
    return wages.can_read(user) or bool(wages.host_service_ids(user))


def dossiers_for_user(*, user):
    qs = WageDossier.objects.select_related("call", "service")
    if wages.can_read(user):
        return qs
    return qs.filter(service_id__in=wages.host_service_ids(user))


def dossier_get_for_user(*, user, pk) -> WageDossier:
    dossier = dossiers_for_user(user=user).filter(pk=pk).first()
    if dossier is None:
        raise NotFound("Ο φάκελος δεν βρέθηκε.")
    return dossier
