"""Login choice, staff password login and the dashboards: the pages that need no registry.

Views are thin: they read through selectors, write through services and show the Greek message
of any ApplicationError as it is.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services, two_factor
from accounts.dashboard import render_panels
from accounts.forms import (
    AmkaClaimForm,
    BusinessContactForm,
    MembershipInviteForm,
    MembershipRevokeForm,
    OtpCodeForm,
    StaffAuthenticationForm,
)
from accounts.models import BusinessActivity, Membership, Person, Role, User
from opske.confirm import confirmation_page, confirmed
from opske.errors import ApplicationError
from opske.views_util import safe_next

ACTIVE_BUSINESS_KEY = "active_business_pk"

# What each staff role works on; the areas are filled in by the apps that own them.
# What each staff role works on: (label, URL name) pairs; URL name None = a work area that later
# issues build (verification, payments), shown so the role knows what is coming.
ROLE_AREAS = {
    Role.PROGRAMME_ADMIN: [
        ("Προσκλήσεις, εκδόσεις και τροποποιήσεις", "calls:manage-list"),
        ("Αιτήσεις ανά πρόσκληση", "applications:staff-list"),
        ("Αναθέσεις αιτήσεων σε αξιολογητές", "evaluation:assign-queue"),
        ("Έλεγχος β' επιπέδου και αποφάσεις", "evaluation:reviews"),
        ("Συγκριτική αξιολόγηση (πίνακες κατάταξης)", "evaluation_comparative:rounds"),
        ("Μοριοδότηση και πίνακες ΚΥΑ 16936", "points:round-list"),
        ("Απασχόληση ωφελουμένων ΚΥΑ 16936 (Ε3, παρουσίες, λήξη)", "points:employment"),
        ("Κονσόλα μητρώων και αναμονές", "interop:console"),
        ("Πράξεις σε υλοποίηση", "operations:staff-list"),
        ("Ημερολόγιο ενεργειών (audit)", "opske:audit-list"),
        ("Προϋπολογισμός, δεσμεύσεις και δείκτες ανά πρόσκληση", "payments:ledger-index"),
        ("Εκτίμηση κινδύνου πράξεων (Ο.3)", "verification:risk_index"),
        ("Επιτόπιες επαληθεύσεις (δείγματα, προγράμματα, εκθέσεις)", "verification:onsite-index"),
        ("Πληρωμές: έλεγχος και έγκριση", "payments:queue"),
        ("Όρια έγκρισης πληρωμών", "payments:limits"),
        ("Μηνιαίοι φάκελοι μισθοδοσίας ΚΥΑ 16936", "payments:wages"),
        ("Ανακτήσεις και επιτόκια αναφοράς", "payments:recoveries"),
    ],
    Role.EVALUATOR: [
        ("Οι αναθέσεις μου (ουρά αξιολόγησης)", "evaluation:queue"),
        ("Αιτήσεις ανά πρόσκληση", "applications:staff-list"),
    ],
    Role.COMMITTEE_MEMBER: [
        ("Οι αναθέσεις μου (ουρά αξιολόγησης)", "evaluation:queue"),
        ("Βαθμολόγηση και κατάταξη επιτροπής", "evaluation_comparative:rounds"),
        ("Ενστάσεις", "evaluation:objections"),
        ("Αντιρρήσεις επί πληρωμών (ΚΥΑ 7066 Άρθ. 8.5)", "payments:kya7066-objections"),
    ],
    Role.SUPERVISOR: [
        ("Αναθέσεις αιτήσεων σε αξιολογητές", "evaluation:assign-queue"),
        ("Έλεγχος β' επιπέδου και αποφάσεις", "evaluation:reviews"),
        ("Ενστάσεις", "evaluation:objections"),
        ("Συγκριτική αξιολόγηση: έγκριση αποτελεσμάτων", "evaluation_comparative:rounds"),
        ("Πίνακες, παραπομπές ΚΠΑ2 και αντικαταστάσεις (ΚΥΑ 16936)", "points:round-list"),
        ("Αιτήματα αντικατάστασης των υπηρεσιών τοποθέτησης (ΚΥΑ 16936)", "points:employment-requests"),
        ("Κονσόλα μητρώων, αναμονές και χειροκίνητοι έλεγχοι", "interop:console"),
        ("Πράξεις: τροποποιήσεις, ολοκλήρωση, μακροχρόνιες υποχρεώσεις", "operations:staff-list"),
        ("Εκθέσεις επαλήθευσης προς έγκριση και αντιρρήσεις", "verification:check-queue"),
        ("Εκτίμηση κινδύνου πράξεων (Ο.3)", "verification:risk_index"),
        ("Επιτόπιες επαληθεύσεις: προγράμματα και εκθέσεις προς έγκριση", "verification:onsite-index"),
        ("Προϋπολογισμός, δεσμεύσεις και δείκτες ανά πρόσκληση", "payments:ledger-index"),
        ("Πληρωμές: έλεγχος και έγκριση", "payments:queue"),
        ("Εντολές πληρωμής (μόνο ανάγνωση)", "payments:orders"),
        ("Αντιρρήσεις επί πληρωμών (ΚΥΑ 7066 Άρθ. 8.5)", "payments:kya7066-objections"),
        ("Μηνιαίοι φάκελοι μισθοδοσίας ΚΥΑ 16936: επαλήθευση (Άρθ. 8, 10(2))", "payments:wages"),
        ("Ανακτήσεις: απόφαση, βεβαίωση οφειλής", "payments:recoveries"),
    ],
    Role.VERIFIER: [
        ("Πράξεις σε υλοποίηση", "operations:staff-list"),
        ("Αιτήματα επαλήθευσης", "verification:requests-staff"),
        ("Διοικητική επαλήθευση: ουρά ελέγχου", "verification:check-queue"),
        ("Δειγματοληψία και επιτόπιες επαληθεύσεις", "verification:onsite-index"),
        ("Ανάλυση κινδύνου", "verification:risk_index"),
        ("ΔΔΔ προς επαλήθευση (Πίνακας 1, Ο.3)", "verification:risk_desk_checks"),
    ],
    Role.PAYMENT_OFFICER: [
        ("Πράξεις σε υλοποίηση", "operations:staff-list"),
        ("Πληρωμές: έλεγχος και έγκριση", "payments:queue"),
        ("Εντολές πληρωμής", "payments:orders"),
        ("Προκαταβολές και ενδιάμεσες πληρωμές", "payments:guarantees"),
        ("Προϋπολογισμός, δεσμεύσεις και δείκτες ανά πρόσκληση", "payments:ledger-index"),
        ("Ανακτήσεις", "payments:recoveries"),
    ],
    Role.AUDITOR: [
        ("Ημερολόγιο ενεργειών (audit, μόνο ανάγνωση)", "opske:audit-list"),
        ("Εκτίμηση κινδύνου πράξεων (Ο.3, μόνο ανάγνωση)", "verification:risk_index"),
        ("Αιτήσεις ανά πρόσκληση", "applications:staff-list"),
        ("Αποφάσεις", "evaluation:reviews"),
        ("Ενστάσεις", "evaluation:objections"),
        ("Πράξεις", "operations:staff-list"),
        ("Επιτόπιες επαληθεύσεις (μόνο ανάγνωση)", "verification:onsite-index"),
        ("Προϋπολογισμός, δεσμεύσεις και δείκτες ανά πρόσκληση (μόνο ανάγνωση)", "payments:ledger-index"),
        ("Πληρωμές (μόνο ανάγνωση)", "payments:queue"),
        ("Εντολές πληρωμής (μόνο ανάγνωση)", "payments:orders"),
        ("Ανακτήσεις (μόνο ανάγνωση)", "payments:recoveries"),
    ],
}


# --- login ----------------------------------------------------------------------------------------
# TAXISnet login and logout talk to GSIS, a registry: they live in `interop.identity_views`.


def login_choice(request):
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    return render(request, "accounts/login_choice.html", {})


class StaffLoginView(LoginView):
    """The first step: the password. The second (the authenticator code) follows at once; until it
    is passed, `two_factor.StaffSecondFactorMiddleware` keeps every other page closed."""

    template_name = "accounts/staff_login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = True

    def get_success_url(self):
        after = super().get_success_url()
        if two_factor.second_factor_owed(self.request.user):
            return f"{reverse('accounts:staff_otp')}?{urlencode({'next': after})}"
        return after


def _after_second_step(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return safe_next(request, target) or reverse("accounts:dashboard")


def _staff_session_or_redirect(request):
    """The code pages are for a staff session that still owes the second step."""
    if not request.user.is_authenticated:
        return redirect("accounts:staff_login")
    if not two_factor.second_factor_owed(request.user):
        return redirect(_after_second_step(request))
    return None


def _code_step(request, device, *, enrolling: bool, wrong: str):
    """The code form of either page: (None, 302) once the code is right, else (form, status)."""
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = two_factor.wait_seconds(device)
        if wait:
            form.add_error("code", f"Πολλοί λάθος κωδικοί. Δοκιμάστε ξανά σε {wait} δευτερόλεπτα.")
            return form, 429
        if two_factor.check_code(request, device, form.cleaned_data["code"], enrolling=enrolling):
            return None, 302
        form.add_error("code", wrong)
    return form, 400 if form.errors else 200


@require_http_methods(["GET", "POST"])
def staff_otp(request):
    """The second step for a staff member with an authenticator."""
    away = _staff_session_or_redirect(request)
    if away:
        return away
    device = two_factor.confirmed_device(request.user)
    if device is None:
        return redirect(
            f"{reverse('accounts:staff_otp_enrol')}?{urlencode({'next': _after_second_step(request)})}"
        )
    form, status = _code_step(
        request,
        device,
        enrolling=False,
        wrong="Ο κωδικός δεν είναι σωστός ή έληξε. Πληκτρολογήστε τον τρέχοντα κωδικό της εφαρμογής.",
    )
    if form is None:
        return redirect(_after_second_step(request))
    context = {"form": form, "next": _after_second_step(request)}
    return render(request, "accounts/staff_otp.html", context, status=status)


@require_http_methods(["GET", "POST"])
def staff_otp_enrol(request):
    """First login of a staff member (or after a reset): link an authenticator app, proven by a code."""
    away = _staff_session_or_redirect(request)
    if away:
        return away
    if two_factor.confirmed_device(request.user) is not None:
        return redirect(f"{reverse('accounts:staff_otp')}?{urlencode({'next': _after_second_step(request)})}")
    device = two_factor.enrolment_device(request.user)
    form, status = _code_step(
        request,
        device,
        enrolling=True,
        wrong="Ο κωδικός δεν είναι σωστός ή έληξε. Ελέγξτε ότι καταχωρίσατε το κλειδί και "
        "πληκτρολογήστε τον τρέχοντα κωδικό.",
    )
    if form is None:
        messages.success(request, "Η εφαρμογή επαλήθευσης συνδέθηκε με τον λογαριασμό σας.")
        return redirect(_after_second_step(request))
    context = {
        "form": form,
        "next": _after_second_step(request),
        "qr_svg": two_factor.qr_svg(device),
        "key": two_factor.grouped_key(device),
    }
    return render(request, "accounts/staff_otp_enrol.html", context, status=status)


# --- dashboards ---------------------------------------------------------------------------------------


def _active_business(request, businesses):
    chosen = request.session.get(ACTIVE_BUSINESS_KEY)
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
        "panels": render_panels(request, "business", business=business),
    }


@login_required
def dashboard(request):
    user = request.user
    if user.kind == User.Kind.STAFF:
        areas = [(role, ROLE_AREAS.get(role, [])) for role in Role if role in user.role_set()]
        return render(request, "accounts/dashboard_staff.html", {"role_areas": areas})
    invitations = list(selectors.invitations_for_user(user))
    businesses = list(selectors.businesses_for_user(user))
    if businesses:
        business = _active_business(request, businesses)
        if business is None:
            return render(
                request,
                "accounts/business_choose.html",
                {"businesses": businesses, "invitations": invitations},
            )
        context = _business_context(request, business)
        context["businesses"] = businesses
        context["invitations"] = invitations
        return render(request, "accounts/dashboard_business.html", context)
    return render_person_dashboard(request)


def render_person_dashboard(request, *, amka_form=None, status=200):
    """A citizen's page; without a linked Person it offers «Δήλωση ΑΜΚΑ» (posted to identity)."""
    person = Person.objects.filter(user=request.user).first()
    context = {
        "person": person,
        "amka_form": None if person else (amka_form or AmkaClaimForm()),
        "panels": render_panels(request, "person", person=person),
        "invitations": list(selectors.invitations_for_user(request.user)),
    }
    return render(request, "accounts/dashboard_person.html", context, status=status)


@login_required
@require_POST
def business_select(request):
    business = selectors.business_get_for_user(user=request.user, afm_or_pk=request.POST.get("business", ""))
    request.session[ACTIVE_BUSINESS_KEY] = business.pk
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
    request.session[ACTIVE_BUSINESS_KEY] = business.pk
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


# --- invitations: a member only once the invited person accepts (issue 11) ----------------------------


@login_required
@require_POST
def invitation_answer(request, pk, answer):
    """Accept or decline an invitation addressed to the user's ΑΦΜ, after a confirmation page."""
    if answer not in ("accept", "decline"):
        raise Http404("Η σελίδα δεν βρέθηκε.")
    invitation = selectors.invitations_for_user(request.user).filter(pk=pk).first()
    if invitation is None:
        messages.error(request, "Η πρόσκληση δεν βρέθηκε ή δεν εκκρεμεί πια.")
        return redirect("accounts:dashboard")
    accept = answer == "accept"
    if not confirmed(request):
        role = invitation.get_role_display()
        return confirmation_page(
            request,
            title="Αποδοχή πρόσκλησης" if accept else "Απόρριψη πρόσκλησης",
            caption=invitation.business.name,
            summary=[
                ("Επιχείρηση", f"{invitation.business.name} · ΑΦΜ {invitation.business.afm}"),
                ("Ρόλος", role),
                ("Πρόσκληση από", _inviter(invitation)),
            ],
            irreversible=(
                f"Θα ενεργείτε για την επιχείρηση ως «{role}»: αιτήσεις, υποβολές και δηλώσεις στο όνομά της."
                if accept
                else "Η πρόσκληση κλείνει· η επιχείρηση μπορεί να σας προσκαλέσει ξανά."
            ),
            button="Αποδοχή" if accept else "Απόρριψη",
            check_label="Επιβεβαιώνω την αποδοχή" if accept else "Επιβεβαιώνω την απόρριψη",
            cancel_url=reverse("accounts:dashboard"),
            warning_button=not accept,
        )
    try:
        if accept:
            services.membership_accept(actor=request.user, membership_id=invitation.pk)
        else:
            services.membership_decline(actor=request.user, membership_id=invitation.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:dashboard")
    if accept:
        request.session[ACTIVE_BUSINESS_KEY] = invitation.business_id
        messages.success(
            request, f"Αποδεχτήκατε την πρόσκληση: ενεργείτε πλέον για την {invitation.business.name}."
        )
    else:
        messages.success(request, f"Απορρίψατε την πρόσκληση της {invitation.business.name}.")
    return redirect("accounts:dashboard")


def _inviter(invitation: Membership) -> str:
    who = invitation.invited_by
    return (who.get_full_name() or who.username) if who else invitation.business.name


# --- contact profile for legal notices (ΚΥΑ 7066 Art. 6.10, 7.3) -------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def business_contact(request, afm):
    """«Στοιχεία επικοινωνίας για κοινοποιήσεις»: every member sees them, the coordinator edits."""
    business = selectors.business_get_for_user(user=request.user, afm_or_pk=afm)
    roles = selectors.user_business_roles(request.user, business)
    is_coordinator = Membership.BusinessRole.COORDINATOR in roles
    initial = {
        "email": business.notice_email_pending or business.notice_email,
        "phone": business.notice_phone,
    }
    form = BusinessContactForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.business_contact_update(
                actor=request.user,
                business=business,
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
            )
        except ApplicationError as exc:
            for field, errors in exc.fields.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            if not exc.fields:
                form.add_error(None, exc.message)
            status = 400
        else:
            if updated.notice_email_pending:
                messages.success(
                    request,
                    "Τα στοιχεία αποθηκεύτηκαν. Στείλαμε σύνδεσμο επιβεβαίωσης στο "
                    f"{updated.notice_email_pending}· "
                    "η διεύθυνση ισχύει για κοινοποιήσεις μόλις τον ανοίξετε.",
                )
            else:
                messages.success(request, "Τα στοιχεία επικοινωνίας αποθηκεύτηκαν.")
            return redirect("accounts:business_contact", afm=business.afm)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "accounts/business_contact.html",
        {
            "business": business,
            "form": form,
            "is_coordinator": is_coordinator,
            "addresses": selectors.notice_addresses(business),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def contact_confirm(request, token):
    """The link of the confirmation e-mail: a page with one button (mail scanners only GET)."""
    try:
        business, email = services.contact_token_read(token)
    except ApplicationError as exc:
        return render(request, "accounts/contact_confirm.html", {"error": exc.message}, status=400)
    if request.method == "POST":
        try:
            services.business_contact_confirm(token=token, actor=request.user)
        except ApplicationError as exc:
            return render(
                request, "accounts/contact_confirm.html", {"error": exc.message, "email": email}, status=409
            )
        return render(
            request,
            "accounts/contact_confirm.html",
            {"confirmed": True, "email": email, "business": business},
        )
    return render(request, "accounts/contact_confirm.html", {"email": email, "business": business})
