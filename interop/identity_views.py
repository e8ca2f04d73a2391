"""Browser views of `interop.identity`: TAXISnet login and logout, AADE refresh, «Δήλωση ΑΜΚΑ».

They sit in `interop` because they talk to registries (GSIS, AADE, ΗΔΙΚΑ); the pages that need
none (login choice, staff login, dashboards, members) stay in `accounts.views`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import selectors
from accounts.forms import AmkaClaimForm
from accounts.models import User
from accounts.views import render_person_dashboard
from opske.errors import ApplicationError
from opske.views_util import safe_next

from . import identity
from .gsis import GsisOAuthClient

_STATE_KEY = "taxisnet_oauth_state"
_NEXT_KEY = "taxisnet_next"


def _callback_url() -> str:
    return settings.SITE_URL + reverse("identity:taxisnet_callback")


# --- TAXISnet login and logout ---------------------------------------------------------------------


def taxisnet_start(request):
    url, state = GsisOAuthClient(redirect_uri=_callback_url()).authorization_url()
    request.session[_STATE_KEY] = state
    request.session[_NEXT_KEY] = safe_next(request, request.GET.get("next", ""))
    return HttpResponseRedirect(url)


def taxisnet_callback(request):
    expected_state = request.session.pop(_STATE_KEY, None)
    if request.GET.get("error"):
        messages.error(request, "Η σύνδεση μέσω TAXISnet ακυρώθηκε.")
        return redirect("accounts:login")
    code = request.GET.get("code", "")
    if not expected_state or request.GET.get("state") != expected_state or not code:
        messages.error(
            request, "Η σύνδεση μέσω TAXISnet έληξε ή δεν είναι έγκυρη. Ξεκινήστε ξανά τη σύνδεση."
        )
        return redirect("accounts:login")
    try:
        identity_ = GsisOAuthClient(redirect_uri=_callback_url(), state=expected_state).identity_for_code(
            code
        )
        user = identity.taxisnet_login(identity=identity_)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:login")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    next_url = request.session.pop(_NEXT_KEY, "")
    request.session["taxisnet_login"] = True
    return redirect(safe_next(request, next_url) or "accounts:dashboard")


@require_POST
def logout_view(request):
    via_taxisnet = request.user.is_authenticated and request.user.kind == User.Kind.TAXISNET
    logout(request)
    if via_taxisnet:
        # End the TAXISnet session too, or the next «Σύνδεση» would skip the password.
        client = GsisOAuthClient(redirect_uri=_callback_url())
        return HttpResponseRedirect(client.logout_url(settings.SITE_URL + reverse("home")))
    messages.success(request, "Αποσυνδεθήκατε.")
    return redirect("home")


# --- registry refresh and «Δήλωση ΑΜΚΑ» ----------------------------------------------------------------


@login_required
@require_POST
def business_refresh(request, afm):
    business = selectors.business_get_for_user(user=request.user, afm_or_pk=afm)
    try:
        identity.business_refresh_from_registry(actor=request.user, afm=business.afm)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Τα στοιχεία ενημερώθηκαν από το μητρώο της ΑΑΔΕ.")
    return redirect("accounts:dashboard")


@login_required
@require_POST
def person_claim(request):
    form = AmkaClaimForm(request.POST)
    if request.user.kind != User.Kind.TAXISNET:
        messages.error(request, "Μόνο χρήστες TAXISnet δηλώνουν ΑΜΚΑ.")
        return redirect("accounts:dashboard")
    if form.is_valid():
        try:
            person = identity.person_claim_by_amka(user=request.user, amka=form.cleaned_data["amka"])
        except ApplicationError as exc:
            # The register's refusal (unknown ΑΜΚΑ, another ΑΦΜ's ΑΜΚΑ) belongs next to the field.
            form.add_error("amka", exc.message)
        else:
            messages.success(
                request, f"Ο ΑΜΚΑ {person.amka} επιβεβαιώθηκε και συνδέθηκε με τον λογαριασμό σας."
            )
            return redirect("accounts:dashboard")
    return render_person_dashboard(request, amka_form=form, status=400)
