"""Staff login hardening (issue 11): the answer when django-axes locks a login out, and every
login, failure and lockout recorded in the audit trail."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import render

from opske import audit

logger = logging.getLogger(__name__)


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None):
    """The staff login page again, with the lockout at the top (HTTP 429); nothing else is said about
    the account, so the page does not reveal whether the username exists."""
    from accounts.forms import StaffAuthenticationForm

    username = (credentials or {}).get("username") or request.POST.get("username", "")
    _record("auth.login_locked", username=username, request=request)
    form = StaffAuthenticationForm(request, initial={"username": username})
    message = (
        f"Πολλές αποτυχημένες προσπάθειες σύνδεσης ({settings.AXES_FAILURE_LIMIT}). Η σύνδεση για αυτόν "
        f"τον λογαριασμό από αυτή τη διεύθυνση είναι κλειδωμένη για {cooloff_minutes()} λεπτά· "
        "δοκιμάστε αργότερα ή επικοινωνήστε με τον διαχειριστή."
    )
    return render(request, "accounts/staff_login.html", {"form": form, "lockout": message}, status=429)


def _record(action: str, *, username: str, request=None, user=None) -> None:
    """One audit event per login outcome; the password is never in it."""
    try:
        with transaction.atomic():
            audit.record(
                actor=user if user is not None else None,
                action=action,
                obj=user,
                after={
                    "username": (username or "")[:150],
                    "ip": (request.META.get("REMOTE_ADDR", "") if request is not None else "")[:45],
                },
            )
    except Exception:  # the login itself must not fail because its audit line could not be written
        logger.exception("could not audit %s for %s", action, username)


def _over_http(request) -> bool:
    """A login through a page (staff form, TAXISnet callback, the admin): not one made in code
    outside a request (a shell, a test client's force_login), which no person did."""
    return request is not None and getattr(request, "method", None) is not None


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if _over_http(request):
        _record("auth.login", username=user.get_username(), request=request, user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    if _over_http(request):
        _record("auth.login_failed", username=(credentials or {}).get("username", ""), request=request)
