"""Login (TAXISnet for businesses and citizens, password for staff), logout and the dashboards.

Views are thin: they read through selectors, write through services and show the Greek message
of any ApplicationError as it is.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import MembershipInviteForm, MembershipRevokeForm, StaffAuthenticationForm
from accounts.models import BusinessActivity, Membership, Person, Role, User
from interop.gsis import GsisOAuthClient
from opske.errors import ApplicationError

_STATE_KEY = "taxisnet_oauth_state"
_ACTIVE_BUSINESS_KEY = "active_business_pk"

# What each staff role works on; the areas are filled in by the apps that own them.
ROLE_AREAS = {
    Role.PROGRAMME_ADMIN: [
        "Προσκλήσεις, εκδόσεις και τροποποιήσεις",
        "Χρήστες και ρόλοι στελεχών",
        "Κατάσταση μητρώων (sandbox και παραγωγή)",
        "Αποφάσεις και αναρτήσεις στη Διαύγεια",
    ],
    Role.EVALUATOR: ["Αιτήσεις προς αξιολόγηση", "Φύλλα ελέγχου πληρότητας και επιλεξιμότητας"],
    Role.COMMITTEE_MEMBER: ["Συνεδριάσεις και πρακτικά επιτροπής", "Πίνακες αποτελεσμάτων", "Ενστάσεις"],
    Role.SUPERVISOR: ["Εγκρίσεις αξιολογήσεων (δεύτερο επίπεδο)", "Αποφάσεις ένταξης", "Παραπομπές ΚΠΑ2"],
    Role.VERIFIER: ["Αιτήματα επαλήθευσης", "Δειγματοληψία και επιτόπιες επαληθεύσεις", "Ανάλυση κινδύνου"],
    Role.PAYMENT_OFFICER: ["Εντολές πληρωμής", "Προκαταβολές και ενδιάμεσες πληρωμές", "Ανακτήσεις"],
    Role.AUDITOR: ["Ημερολόγιο ενεργειών (audit, μόνο ανάγνωση)", "Ημερολόγιο κλήσεων μητρώων"],
}


def _callback_url() -> str:
    return settings.SITE_URL + reverse("accounts:taxisnet_callback")


# --- login and logout ---------------------------------------------------------------------------


def login_choice(request):
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    return render(request, "accounts/login_choice.html", {})


def taxisnet_start(request):
    url, state = GsisOAuthClient(redirect_uri=_callback_url()).authorization_url()
    request.session[_STATE_KEY] = state
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
        identity = GsisOAuthClient(redirect_uri=_callback_url(), state=expected_state).identity_for_code(code)
        user = services.taxisnet_login(identity=identity)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:login")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session["taxisnet_login"] = True
    return redirect("accounts:dashboard")


class StaffLoginView(LoginView):
    template_name = "accounts/staff_login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = True


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


# --- dashboards ---------------------------------------------------------------------------------------


def _active_business(request, businesses):
    chosen = request.session.get(_ACTIVE_BUSINESS_KEY)
    if len(businesses) == 1:
        return businesses[0]
    return next((b for b in businesses if b.pk == chosen), None)


def _business_context(request, business, invite_form=None):
    activities = list(business.activities.all())
    roles = selectors.user_business_roles(request.user, business)
    return {
        "business": business,
        "main_activities": [a for a in activities if a.kind == BusinessActivity.Kind.MAIN],
        "other_activities": [a for a in activities if a.kind != BusinessActivity.Kind.MAIN],
        "members": selectors.business_members(business),
        "business_roles": roles,
        "is_coordinator": Membership.BusinessRole.COORDINATOR in roles,
        "invite_form": invite_form or MembershipInviteForm(),
        "applications": [],
    }


@login_required
def dashboard(request):
    user = request.user
    if user.kind == User.Kind.STAFF:
        areas = [(role, ROLE_AREAS.get(role, [])) for role in Role if role in user.role_set()]
        return render(request, "accounts/dashboard_staff.html", {"role_areas": areas})
    businesses = list(selectors.businesses_for_user(user))
    if businesses:
        business = _active_business(request, businesses)
        if business is None:
            return render(request, "accounts/business_choose.html", {"businesses": businesses})
        context = _business_context(request, business)
        context["businesses"] = businesses
        return render(request, "accounts/dashboard_business.html", context)
    person = Person.objects.filter(user=user).first()
    return render(request, "accounts/dashboard_person.html", {"person": person})


@login_required
@require_POST
def business_select(request):
    business = selectors.business_get_for_user(user=request.user, afm_or_pk=request.POST.get("business", ""))
    request.session[_ACTIVE_BUSINESS_KEY] = business.pk
    return redirect("accounts:dashboard")


@login_required
@require_POST
def business_refresh(request, afm):
    business = selectors.business_get_for_user(user=request.user, afm_or_pk=afm)
    try:
        services.business_refresh_from_registry(actor=request.user, afm=business.afm)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Τα στοιχεία ενημερώθηκαν από το μητρώο της ΑΑΔΕ.")
    return redirect("accounts:dashboard")


@login_required
@require_POST
def member_invite(request, afm):
    business = selectors.business_get_for_user(user=request.user, afm_or_pk=afm)
    form = MembershipInviteForm(request.POST)
    if form.is_valid():
        try:
            services.membership_invite(actor=request.user, business=business, **form.cleaned_data)
        except ApplicationError as exc:
            for field, errors in exc.fields.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            messages.success(request, "Η πρόσκληση καταχωρίστηκε.")
            return redirect("accounts:dashboard")
    request.session[_ACTIVE_BUSINESS_KEY] = business.pk
    context = _business_context(request, business, invite_form=form)
    context["businesses"] = list(selectors.businesses_for_user(request.user))
    return render(request, "accounts/dashboard_business.html", context, status=400)


@login_required
def member_revoke(request, afm, pk):
    business = selectors.business_get_for_user(user=request.user, afm_or_pk=afm)
    membership = selectors.membership_get_for_business(business=business, pk=pk)
    form = MembershipRevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_revoke(
                actor=request.user, membership=membership, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Το μέλος ανακλήθηκε.")
        return redirect("accounts:dashboard")
    return render(
        request, "accounts/member_revoke.html", {"business": business, "membership": membership, "form": form}
    )
