"""Staff two-factor login (issue 11): a password and then a TOTP code from an authenticator app.

Every staff account (`User.Kind.STAFF`, whatever its roles) must pass the second step before any
page or API call answers: `StaffSecondFactorMiddleware` sends an unverified staff session to the
code page (pages) or answers 403 with the coded error (API). Businesses and citizens are verified
by TAXISnet and API clients by their token, so neither is asked.

A staff member without a confirmed authenticator enrols at the first login: the page shows the key
as a QR code (drawn as SVG on the server, so no script is needed) and as text, and the enrolment
is confirmed only by a correct code from the app. A lost phone is reset by an administrator
(`manage.py otp_reset <username>` or the admin's «TOTP devices»), which deletes the device and so
brings the next login back to enrolment. The codes are django-otp's (RFC 6238, 30 s steps, one
step of tolerance, a used step refused again) and its throttling doubles the wait after each wrong
code; every enrolment, success and failure is an audit event.
"""

from __future__ import annotations

from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.plugins.otp_totp.models import TOTPDevice

from opske import audit

DEVICE_NAME = "Εφαρμογή επαλήθευσης"

# Paths an unverified staff session may still open: the second step itself, logout, the language
# switch, static files and the health check.
_OPEN_PREFIXES = ("/static/", "/i18n/", "/healthz")


def second_factor_owed(user) -> bool:
    """A logged-in staff account whose session has not passed the code step."""
    from accounts.models import User

    # django-otp's middleware sets `otp_device` on the request's user; a user object just logged in
    # by the password form has none yet, and so has not passed the step either.
    return (
        user.is_authenticated and user.kind == User.Kind.STAFF and getattr(user, "otp_device", None) is None
    )


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device shown at enrolment; the same key until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def grouped_key(device: TOTPDevice) -> str:
    """The base32 key in groups of four, as people type it into an app."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    import segno

    return segno.make(device.config_url, error="m").svg_inline(scale=4, title="QR κωδικός εγγραφής")


def wait_seconds(device: TOTPDevice) -> int:
    """Seconds until the throttled device accepts a code again; 0 when it does now."""
    allowed, data = device.verify_is_allowed()
    if allowed:
        return 0
    locked_until = (data or {}).get("locked_until")
    if locked_until is None:
        return 1
    from django.utils import timezone

    return max(1, int((locked_until - timezone.now()).total_seconds() + 0.999))


def check_code(request, device: TOTPDevice, token: str, *, enrolling: bool) -> bool:
    """Verify one code; on success the session is verified (and an enrolment confirmed)."""
    import django_otp

    ok = device.verify_token(token)
    action = ("auth.otp_enrolled" if enrolling else "auth.otp_verified") if ok else "auth.otp_failed"
    with transaction.atomic():
        if ok and enrolling:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
        audit.record(
            actor=request.user,
            action=action,
            obj=request.user,
            after={"username": request.user.get_username(), "ip": request.META.get("REMOTE_ADDR", "")[:45]},
        )
    if ok:
        django_otp.login(request, device)
    return ok


def reset(*, actor, user) -> int:
    """Delete a staff member's authenticators: the next login enrols again. Audited."""
    with transaction.atomic():
        count, _ = TOTPDevice.objects.filter(user=user).delete()
        audit.record(actor=actor, action="auth.otp_reset", obj=user, after={"username": user.get_username()})
    return count


class StaffSecondFactorMiddleware:
    """After django-otp's OTPMiddleware: a staff session that has not passed the code step reaches
    only the code pages; pages redirect there (keeping where the person was going), the API answers
    403 `second_factor_required`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and second_factor_owed(user) and not self._open(request.path):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "code": "second_factor_required",
                        "message": "Ολοκληρώστε τη σύνδεση με τον κωδικό της εφαρμογής επαλήθευσης.",
                        "fields": {},
                    },
                    status=403,
                )
            target = reverse("accounts:staff_otp")
            nxt = request.get_full_path() if request.method == "GET" else ""
            return redirect(f"{target}?{urlencode({'next': nxt})}" if nxt else target)
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        if path.startswith(_OPEN_PREFIXES):
            return True
        return path in {
            reverse("accounts:staff_otp"),
            reverse("accounts:staff_otp_enrol"),
            reverse("identity:logout"),
        }
