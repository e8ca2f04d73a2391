"""Pages of the ΚΥΑ 16936 monthly wage dossier (Art. 7, 8, 10(2)): thin views over
payments.services.wages (writes) and payments.selectors_wages (reads scoped to the user)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from evaluation.points.models import MonthlyAttendance
from opske import audit
from opske.confirm import confirmation_page, confirmed
from opske.errors import ApplicationError, NotFound, PermissionDenied
from opske.money import format_eur
from opske.views_util import paginate, show_refusal
from payments import forms_wages as forms
from payments import selectors_wages as selectors
from payments.models import ParticipantAccount, WageDossier, WageLine
from payments.programmes import kya16936 as rules
from payments.services import wages


def _forbidden(request, message):
    return render(request, "errors/403.html", {"message": message}, status=403)


def _guard(view):
    def wrapped(request, *args, **kwargs):
        if not selectors.can_see(request.user):
            return _forbidden(
                request, "Η σελίδα είναι διαθέσιμη στο ΚΠΑ2 / ΔΥΠΑ και στις υπηρεσίες τοποθέτησης."
            )
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return _forbidden(request, exc.message)
        except NotFound as exc:
            raise Http404(exc.message) from exc

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _host_months(user) -> tuple[list[tuple[int, str]], list[datetime.date]]:
    """The host's services and the ended months it recorded attendance for (newest first)."""
    from calls.models import PlacementService

    ids = wages.host_service_ids(user)
    services = [
        (s.pk, f"{s.name} · {s.call.title}")
        for s in PlacementService.objects.filter(pk__in=ids).select_related("call").order_by("name", "pk")
    ]
    months = list(
        MonthlyAttendance.objects.filter(placement__service_id__in=ids)
        .order_by("-month")
        .values_list("month", flat=True)
        .distinct()[:24]
    )
    return services, months


@login_required
@_guard
def dossier_list(request):
    """The month's dossiers, filtered and paginated; a placement service sees only its own."""
    qs = selectors.dossiers_for_user(user=request.user).order_by("-month", "service__name", "-pk")
    filters = forms.DossierFilter(request.GET or None, queryset=qs)
    page, query = paginate(request, filters.qs if filters.is_bound else qs, 20)
    services, months = _host_months(request.user)
    prepare = forms.PrepareForm(services=services, months=months) if services and months else None
    return render(
        request,
        "payments/wages/list.html",
        {"filters": filters, "page": page, "query": query, "prepare": prepare, "is_host": bool(services)},
    )


@login_required
@require_POST
@_guard
def dossier_new(request):
    """The host prepares (or refreshes) the month's dossier from its attendance records."""
    services, months = _host_months(request.user)
    form = forms.PrepareForm(request.POST, services=services, months=months)
    if form.is_valid():
        try:
            dossier = wages.dossier_prepare(
                actor=request.user, service_id=form.cleaned_data["service"], month=form.cleaned_data["month"]
            )
        except ApplicationError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            show_refusal(request, form, exc)
        else:
            messages.success(request, "Ο φάκελος συντάχθηκε από τις καταχωρισμένες παρουσίες του μήνα.")
            return redirect("payments:wage-dossier", pk=dossier.pk)
    qs = selectors.dossiers_for_user(user=request.user).order_by("-month", "-pk")
    page, query = paginate(request, qs, 20)
    return render(
        request,
        "payments/wages/list.html",
        {"filters": forms.DossierFilter(None, queryset=qs), "page": page, "query": query, "prepare": form},
        status=400,
    )


def _context(request, dossier: WageDossier) -> dict:
    lines = list(
        dossier.lines.select_related(
            "placement__application__person", "placement__wage_account", "net_payment"
        )
    )
    accounts = {
        a.placement_id: a
        for a in ParticipantAccount.objects.filter(placement__in=[x.placement_id for x in lines])
    }
    rates = wages.wage_rates(dossier.call)
    return {
        "dossier": dossier,
        "lines": [(line, accounts.get(line.placement_id)) for line in lines],
        "totals": wages.dossier_totals(dossier),
        "rates": rates,
        "projection": wages.year_projection_for(dossier.call, dossier.month.year),
        "is_host": wages.is_host(request.user, dossier.service_id) or request.user.is_superuser,
        "can_manage": wages.can_manage(request.user),
        "problems": wages.submission_problems(dossier) if dossier.editable else {},
        "payments": [line.net_payment for line in lines if line.net_payment]
        + ([dossier.contributions_payment] if dossier.contributions_payment else []),
    }


@login_required
@_guard
def dossier_detail(request, pk):
    dossier = selectors.dossier_get_for_user(user=request.user, pk=pk)
    context = _context(request, dossier)
    context["receipt"] = request.GET.get("receipt") == "1" and dossier.submitted_at is not None
    return render(request, "payments/wages/detail.html", context)


def _line(request, line_pk) -> WageLine:
    line = (
        WageLine.objects.select_related("dossier", "placement__application__person")
        .filter(pk=line_pk)
        .first()
    )
    if line is None:
        raise NotFound("Η γραμμή δεν υπάρχει.")
    selectors.dossier_get_for_user(user=request.user, pk=line.dossier_id)
    if not (wages.is_host(request.user, line.dossier.service_id) or request.user.is_superuser):
        raise PermissionDenied("Τα στοιχεία της γραμμής καταχωρίζει η υπηρεσία τοποθέτησης.")
    return line


def _form_page(request, line, form, *, title, intro, button, status=200):
    return render(
        request,
        "payments/wages/form.html",
        {
            "line": line,
            "dossier": line.dossier,
            "form": form,
            "title": title,
            "intro": intro,
            "button": button,
            "cancel": reverse("payments:wage-dossier", kwargs={"pk": line.dossier_id}),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@_guard
def line_edit(request, line_pk):
    """ΦΜΥ (xii) and the hazardous allowance of one line; a claim above the gross is refused (Example D)."""
    line = _line(request, line_pk)
    initial = {"income_tax": line.income_tax, "hazardous_allowance": line.hazardous_allowance}
    form = forms.LineForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        claims = []
        if data.get("claim_amount"):
            claims.append(
                rules.ClaimLine(data.get("claim_label") or "Άλλη γραμμή αξίωσης", data["claim_amount"])
            )
        try:
            wages.wage_line_update(
                actor=request.user,
                line_id=line.pk,
                income_tax=data.get("income_tax"),
                hazardous_allowance=data.get("hazardous_allowance"),
                claims=claims,
            )
        except ApplicationError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            show_refusal(request, form, exc)
        else:
            messages.success(request, "Η γραμμή ενημερώθηκε.")
            return redirect("payments:wage-dossier", pk=line.dossier_id)
    return _form_page(
        request,
        line,
        form,
        title="Στοιχεία μισθοδοσίας ωφελούμενου",
        intro="Ο ΦΜΥ του μήνα από τη μισθοδοσία της υπηρεσίας. Η Δ.ΥΠ.Α. δεν καταβάλλει άλλη "
        "παροχή πέραν των "
        "μικτών αποδοχών και του επιδόματος επικίνδυνης και ανθυγιεινής εργασίας "
        "(ΚΥΑ 16936 Άρθ. 2(3), 7(1), 7(4)–(5)).",
        button="Αποθήκευση",
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@_guard
def account_edit(request, line_pk):
    """The participant's IBAN, first holder, given with the first payment (Art. 8(1)(β)(xiv))."""
    line = _line(request, line_pk)
    form = forms.AccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            wages.participant_account_record(
                actor=request.user,
                placement_id=line.placement_id,
                iban=form.cleaned_data["iban"],
                first_holder_confirmed=form.cleaned_data["first_holder_confirmed"],
            )
        except ApplicationError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            show_refusal(request, form, exc)
        else:
            messages.success(request, "Ο λογαριασμός καταχωρίστηκε.")
            return redirect("payments:wage-dossier", pk=line.dossier_id)
    return _form_page(
        request,
        line,
        form,
        title="Λογαριασμός (IBAN) ωφελούμενου",
        intro="Ο λογαριασμός στον οποίο πιστώνονται οι καθαρές αποδοχές, με υποχρεωτικά "
        "πρώτο δικαιούχο τον/την "
        "ωφελούμενο/η· δίνεται με την πρώτη πληρωμή (ΚΥΑ 16936 Άρθ. 8(1)(β)(xiv), 8(3)).",
        button="Καταχώριση λογαριασμού",
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@_guard
def dossier_submit(request, pk):
    """The host submits the month's dossier to ΚΠΑ2 (Art. 8(1)), after its confirmation page."""
    dossier = selectors.dossier_get_for_user(user=request.user, pk=pk)
    if not (wages.is_host(request.user, dossier.service_id) or request.user.is_superuser):
        raise PermissionDenied("Τον φάκελο υποβάλλει η υπηρεσία τοποθέτησης.")
    form = forms.SubmitForm(
        request.POST if request.method == "POST" else None,
        initial={"tpte_identity": dossier.tpte_identity, "apd_reference": dossier.apd_reference},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        problems = wages.submission_problems(dossier)
        if (
            not problems
            and data["tpte_identity"]
            and data["certificate_confirmed"]
            and not confirmed(request)
        ):
            totals = wages.dossier_totals(dossier)
            return confirmation_page(
                request,
                title="Υποβολή μηνιαίου φακέλου μισθοδοσίας",
                caption=f"{dossier.code} · {dossier.month:%m/%Y}",
                summary=[
                    ("Ωφελούμενοι", str(dossier.lines.count())),
                    ("Καθαρές αποδοχές προς IBAN", format_eur(totals["net"])),
                    ("Εισφορές και ΦΜΥ μέσω ΤΠΤΕ", format_eur(totals["via_tpte"])),
                    ("Κόστος ΔΥΠΑ", format_eur(totals["dypa_cost"])),
                    ("ΤΠΤΕ", data["tpte_identity"]),
                ],
                irreversible="Ο φάκελος υποβάλλεται στο ΚΠΑ2 και δεν αλλάζει, "
                "εκτός αν επιστραφεί για διόρθωση "
                "(ΚΥΑ 16936 Άρθ. 8(1), 10(2)).",
                button="Οριστική υποβολή",
                check_label="Επιβεβαιώνω την υποβολή του φακέλου",
                cancel_url=reverse("payments:wage-dossier", kwargs={"pk": dossier.pk}),
            )
        try:
            wages.dossier_submit(
                actor=request.user,
                dossier_id=dossier.pk,
                tpte_identity=data["tpte_identity"],
                certificate_confirmed=data["certificate_confirmed"],
                apd_reference=data["apd_reference"],
                fmy_note_reference=data["fmy_note_reference"],
            )
        except ApplicationError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            show_refusal(request, form, exc)
        else:
            return redirect(reverse("payments:wage-dossier", kwargs={"pk": dossier.pk}) + "?receipt=1")
    return render(
        request,
        "payments/wages/submit.html",
        {"dossier": dossier, "form": form, "problems": wages.submission_problems(dossier)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@_guard
def dossier_verify(request, pk):
    """ΚΠΑ2 verifies the dossier; the payments are opened (Art. 10(2), 8(3))."""
    dossier = selectors.dossier_get_for_user(user=request.user, pk=pk)
    if not wages.can_manage(request.user):
        raise PermissionDenied("Τον φάκελο επαληθεύει το ΚΠΑ2.")
    form = forms.VerifyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not confirmed(request):
            totals = wages.dossier_totals(dossier)
            return confirmation_page(
                request,
                title="Επαλήθευση φακέλου και άνοιγμα πληρωμών",
                caption=f"{dossier.code} · {dossier.month:%m/%Y}",
                summary=[
                    ("Πληρωμές καθαρών αποδοχών", str(dossier.lines.count())),
                    ("Καθαρές αποδοχές", format_eur(totals["net"])),
                    ("Εισφορές και ΦΜΥ μέσω ΤΠΤΕ", format_eur(totals["via_tpte"])),
                    ("Δέσμευση στο έτος", format_eur(totals["dypa_cost"])),
                ],
                irreversible="Το κόστος του μήνα δεσμεύεται στον προϋπολογισμό του έτους "
                "και ανοίγουν οι πληρωμές "
                "των καθαρών αποδοχών και των εισφορών μέσω ΤΠΤΕ (ΚΥΑ 16936 Άρθ. 8(3)).",
                button="Επαλήθευση",
                check_label="Επιβεβαιώνω τη διοικητική επαλήθευση του φακέλου",
                cancel_url=reverse("payments:wage-dossier", kwargs={"pk": dossier.pk}),
            )
        try:
            wages.dossier_verify(actor=request.user, dossier_id=dossier.pk, note=form.cleaned_data["note"])
        except ApplicationError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            show_refusal(request, form, exc)
        else:
            messages.success(request, "Ο φάκελος επαληθεύτηκε· ανοίχτηκαν οι πληρωμές.")
            return redirect("payments:wage-dossier", pk=dossier.pk)
    return render(
        request,
        "payments/wages/decide.html",
        {"dossier": dossier, "form": form, "title": "Επαλήθευση φακέλου", "button": "Επαλήθευση"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@_guard
def dossier_return(request, pk):
    """ΚΠΑ2 returns the dossier for correction with its reasons (Art. 10(2))."""
    dossier = selectors.dossier_get_for_user(user=request.user, pk=pk)
    if not wages.can_manage(request.user):
        raise PermissionDenied("Τον φάκελο επιστρέφει το ΚΠΑ2.")
    form = forms.ReturnForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not confirmed(request):
            return confirmation_page(
                request,
                title="Επιστροφή φακέλου για διόρθωση",
                caption=f"{dossier.code} · {dossier.month:%m/%Y}",
                summary=[("Λόγοι", form.cleaned_data["reasons"])],
                irreversible="Ο φάκελος επιστρέφει στην υπηρεσία τοποθέτησης, "
                "που τον διορθώνει και τον υποβάλλει ξανά.",
                button="Επιστροφή",
                check_label="Επιβεβαιώνω την επιστροφή",
                cancel_url=reverse("payments:wage-dossier", kwargs={"pk": dossier.pk}),
                warning_button=True,
            )
        try:
            wages.dossier_return(
                actor=request.user, dossier_id=dossier.pk, reasons=form.cleaned_data["reasons"]
            )
        except ApplicationError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            show_refusal(request, form, exc)
        else:
            messages.success(request, "Ο φάκελος επεστράφη στην υπηρεσία για διόρθωση.")
            return redirect("payments:wage-dossier", pk=dossier.pk)
    return render(
        request,
        "payments/wages/decide.html",
        {"dossier": dossier, "form": form, "title": "Επιστροφή για διόρθωση", "button": "Συνέχεια"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@_guard
def dossier_pdf(request, pk):
    """The month's summary statement (Art. 8(1)(β)) as PDF: staff and the host only (personal data)."""
    from opske.pdf import render_pdf

    dossier = selectors.dossier_get_for_user(user=request.user, pk=pk)
    pdf = render_pdf("payments/wages/pdf/dossier.html", _context(request, dossier))
    audit.record(actor=request.user, action="wages.dossier_pdf", obj=dossier, reason="ΚΥΑ 16936 Άρθ. 8(1)(β)")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="misthodosia-{dossier.month:%Y-%m}-{dossier.pk}.pdf"'
    )
    return response
