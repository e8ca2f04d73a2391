"""Reads scoped to what the user may see (STYLE.md practice 4): another business is a 404."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from accounts.models import Business, BusinessActivity, Membership, User
from opske.ids import int_or_none, is_ascii_digits


def businesses_for_user(user: User) -> QuerySet[Business]:
    """The businesses `user` acts for through an active membership, ΚΑΔ prefetched."""
    if not getattr(user, "is_authenticated", False):
        return Business.objects.none()
    return (
        Business.objects.filter(memberships__user=user, memberships__state=Membership.State.ACTIVE)
        .distinct()
        .prefetch_related(Prefetch("activities", queryset=BusinessActivity.objects.order_by("kind", "code")))
        .order_by("name")
    )


def active_business_ids(user: User) -> list[int]:
    """The ids of the businesses `user` acts for (one indexed lookup): filter a large table by these
    rather than joining the memberships into it (issue 11)."""
    return list(
        Membership.objects.filter(user=user, state=Membership.State.ACTIVE)
        .values_list("business_id", flat=True)
        .distinct()
    )


def business_get_for_user(*, user: User, afm_or_pk) -> Business:
    """One business the user may see, by ΑΦΜ (9 digits) or primary key; Http404 otherwise.

    Staff see every business (read-only registry data); a TAXISnet user only those they act for.
    """
    value = str(afm_or_pk or "").strip()
    if user.is_authenticated and user.is_staff_member:
        qs = Business.objects.prefetch_related("activities")
    else:
        qs = businesses_for_user(user)
    lookup = {"afm": value} if len(value) == 9 and is_ascii_digits(value) else {"pk": int_or_none(value)}
    if lookup.get("pk", 0) is None:
        raise Http404("Δεν βρέθηκε η επιχείρηση.")
    business = qs.filter(**lookup).first()
    if business is None:
        raise Http404("Δεν βρέθηκε η επιχείρηση.")
    return business


def user_business_roles(user: User, business: Business) -> frozenset[str]:
    """The active business roles (coordinator, financial officer, legal representative) of `user`."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(
        Membership.objects.filter(business=business, user=user, state=Membership.State.ACTIVE).values_list(
            "role", flat=True
        )
    )


def business_members(business: Business) -> QuerySet[Membership]:
    """Live (invited or active) members of a business, for its members list."""
    return (
        Membership.objects.filter(business=business)
        .exclude(state=Membership.State.REVOKED)
        .select_related("user")
        .order_by("role", "invited_afm")
    )


def membership_get_for_business(*, business: Business, pk) -> Membership:
    membership = (
        Membership.objects.filter(business=business, pk=pk).select_related("business", "user").first()
    )
    if membership is None:
        raise Http404("Δεν βρέθηκε το μέλος.")
    return membership


def notice_addresses(business: Business) -> list[str]:
    """Where a legal notice to the business is e-mailed (ΚΥΑ 7066 Art. 6.10, 7.3): the confirmed
    address of its contact profile and the address of each active coordinator, once each."""
    addresses = []
    if business.notice_email and business.notice_email_confirmed_at:
        addresses.append(business.notice_email)
    coordinators = Membership.objects.filter(
        business=business, role=Membership.BusinessRole.COORDINATOR, state=Membership.State.ACTIVE
    ).select_related("user")
    for m in coordinators:
        addresses.append(m.email or (m.user.email if m.user_id else ""))
    seen, out = set(), []
    for a in addresses:
        key = (a or "").strip().lower()
        if key and key not in seen:
            seen.add(key)
            out.append(a.strip())
    return out


def invitations_for_user(user: User) -> QuerySet[Membership]:
    """Invitations addressed to the ΑΦΜ the user logs in with, waiting for their answer."""
    afm = getattr(user, "afm", "") if getattr(user, "is_authenticated", False) else ""
    if not afm:
        return Membership.objects.none()
    return (
        Membership.objects.filter(invited_afm=afm, state=Membership.State.INVITED)
        .select_related("business", "invited_by")
        .order_by("-created_at", "-pk")
    )
