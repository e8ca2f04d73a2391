"""Pages of a placement's employment (ΚΥΑ 16936 Art. 6(4)–(11), 7(6), 8(1)): thin views over
evaluation.points.employment (writes) and selectors (reads scoped to the user)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from evaluation.points import employment, forms, selectors
from evaluation.points import employment_rules as rules
from evaluation.points.filters import EmploymentFilter, HostRequestFilter
from evaluation.points.models import HostRequest, Placement
from opske.calendar import ATHENS
from opske.confirm import confirmation_page, confirmed
from opske.errors import ApplicationError, NotFound, PermissionDenied


def _today() -> datetime.date:
    return timezone.localtime(timezone.now(), ATHENS).date()


def _forbidden(request, message):
    return render(request, "errors/403.html", {"message": message}, status=403)


def _guard(view):
    def wrapped(request, *args, **kwargs):
        if not selectors.can_see_employment(request.user):
            return _forbidden(
                request, "Η σελίδα είναι διαθέσιμη στα στελέχη της ΔΥΠΑ και των υπηρεσιών τοποθέτησης."
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


def _errors_at_fields(form, exc: ApplicationError) -> None:
    if isinstance(exc, PermissionDenied):
        raise exc
    if not exc.fields:
        form.add_error(None, exc.message)
        return
    for name, msgs in exc.fields.items():
        for m in msgs:
            form.add_error(name if name in form.fields else None, m)


def _query(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _e3_status(p: Placement, today: datetime.date) -> str:
    if p.e3_filed_on:
        return (
            "late" if rules.e3_overdue(due_on=p.e3_due_on, filed_on=p.e3_filed_on, today=today) else "filed"
        )
    if p.state != Placement.State.REFERRED or p.e3_due_on is None:
        return ""
    return "overdue" if rules.e3_overdue(due_on=p.e3_due_on, filed_on=None, today=today) else "waiting"


@login_required
@_guard
def employment_list(request):
    """The placements after the referral, filtered and paginated; a service sees only its own."""
    qs = selectors.employment_for_user(user=request.user)
    filters = EmploymentFilter(request.GET or None, queryset=qs)
    page = Paginator(filters.qs if filters.is_bound else qs, 25).get_page(request.GET.get("page"))
    today = _today()
    rows = [(p, _e3_status(p, today)) for p in page]
    return render(
        request,
        "evaluation/points/employment/list.html",
        {
            "filters": filters,
            "page": page,
            "rows": rows,
            "query": _query(request),
            "can_manage": selectors.can_manage(request.user),
            "open_requests": selectors.host_requests_for_user(user=request.user)
            .filter(state=HostRequest.State.SUBMITTED)
            .count(),
        },
    )


def _placement(request, pk) -> Placement:
    return selectors.employment_get_for_user(user=request.user, pk=pk)


@login_required
@_guard
def employment_detail(request, pk):
    p = _placement(request, pk)
    today = _today()
    attendance = Paginator(p.attendance.select_related("entered_by").order_by("-month"), 12).get_page(
        request.GET.get("page")
    )
    is_host = employment.is_host_staff(request.user, p.service_id) or request.user.is_superuser
    return render(
        request,
        "evaluation/points/employment/detail.html",
        {
            "p": p,
            "e3": _e3_status(p, today),
            "attendance": attendance,
            "requests": p.host_requests.select_related("replacement__application").order_by("-requested_at"),
            "is_host": is_host,
            "can_manage": selectors.can_manage(request.user),
            "can_request": is_host
            and p.state in (Placement.State.DECLINED, Placement.State.EXCLUDED, Placement.State.LEFT)
            and p.end_kind not in employment.NOT_REFILLED
            and not p.host_requests.exclude(state=HostRequest.State.REFUSED).exists(),
            "months": _open_months(p, today) if is_host else [],
            "can_relocate": selectors.can_manage(request.user)
            and p.state == Placement.State.LEFT
            and p.end_kind in employment.NOT_REFILLED
            and not Placement.objects.filter(relocated_from=p).exists(),
        },
    )


def _open_months(p: Placement, today: datetime.date) -> list[datetime.date]:
    """The ended months of the employment, newest first (Art. 8(1): after each month)."""
    if p.hired_on is None:
        return []
    last = p.ended_on or p.contract_ends_on or today
    month, out = rules.month_start(p.hired_on), []
    while month <= last and rules.month_end(month) < today:
        out.append(month)
        month = rules.month_end(month) + datetime.timedelta(days=1)
    return out[::-1]


def _detail_url(p) -> str:
    return reverse("points:employment-detail", kwargs={"pk": p.pk})


def _form_page(request, p, form, *, title, intro, button):
    return render(
        request,
        "evaluation/points/employment/form.html",
        {"p": p, "form": form, "title": title, "intro": intro, "button": button, "cancel": _detail_url(p)},
    )


@login_required
@require_http_methods(["GET", "POST"])
@_guard
def note_received(request, pk):
    """The service records the day the beneficiary brought the referral note (Art. 6(4))."""
    p = _placement(request, pk)
    employment.require_host(request.user, p)
    form = forms.NoteReceivedForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            p = employment.placement_note_received(
                actor=request.user, placement_id=p.pk, received_on=form.cleaned_data["received_on"]
            )
        except ApplicationError as exc:
            _errors_at_fields(form, exc)
        else:
            messages.success(
                request,
                f"Καταχωρίστηκε· η αναγγελία Ε3 γίνεται έως και τις {p.e3_due_on:%d/%m/%Y} "
                "(ΚΥΑ 16936 Άρθ. 6(4)).",
            )
            return redirect(_detail_url(p))
    return _form_page(
        request,
        p,
        form,
        title="Προσκόμιση συστατικού σημειώματος",
        intro="Από την επομένη της προσκόμισης μετρούν οι 60 ημερολογιακές ημέρες για την αναγγελία "
        "πρόσληψης Ε3 στο ΕΡΓΑΝΗ ΙΙ (ΚΥΑ 16936 Άρθ. 6(4)).",
        button="Καταχώριση",
    )


@login_required
@require_http_methods(["GET", "POST"])
@_guard
def employment_start_view(request, pk):
    """The service records the Ε3 and the start of employment; confirmed first (it is final)."""
    p = _placement(request, pk)
    employment.require_host(request.user, p)
    form = forms.EmploymentStartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not confirmed(request):
            return confirmation_page(
                request,
                title="Έναρξη απασχόλησης",
                caption=p.application.protocol_number,
                summary=[
                    ("Ε3", f"{data['e3_protocol']} · {data['e3_filed_on']:%d/%m/%Y}"),
                    ("Έναρξη", f"{data['started_on']:%d/%m/%Y}"),
                    (
                        "Λήξη",
                        f"{rules.employment_end(data['started_on'], p.contract_months):%d/%m/%Y} "
                        f"({p.contract_months} μήνες)",
                    ),
                ],
                irreversible="Η πρόσληψη καταχωρίζεται, η ΔΥΠΑ ενημερώνεται (ΚΥΑ 16936 Άρθ. 6(4)) και η "
                "απασχόληση λήγει αυτοδικαίως στη λήξη της (Άρθ. 6(11)).",
                button="Οριστική καταχώριση έναρξης",
                check_label="Επιβεβαιώνω την έναρξη απασχόλησης",
                cancel_url=_detail_url(p),
            )
        try:
            p = employment.employment_start(actor=request.user, placement_id=p.pk, **data)
        except ApplicationError as exc:
            _errors_at_fields(form, exc)
        else:
            messages.success(
                request,
                f"Καταχωρίστηκε η έναρξη απασχόλησης στις {p.hired_on:%d/%m/%Y}· "
                f"λήξη {p.contract_ends_on:%d/%m/%Y}.",
            )
            return redirect(_detail_url(p))
    return _form_page(
        request,
        p,
        form,
        title="Έναρξη απασχόλησης (Ε3)",
        intro=(
            f"Προθεσμία αναγγελίας Ε3: έως και {p.e3_due_on:%d/%m/%Y}."
            if p.e3_due_on
            else "Καταχωρίστε πρώτα την προσκόμιση του συστατικού σημειώματος."
        ),
        button="Συνέχεια",
    )


@login_required
@require_http_methods(["GET", "POST"])
@_guard
def attendance_new(request, pk):
    """One ended month's attendance, entered by the service (Art. 7(6), 8(1))."""
    p = _placement(request, pk)
    employment.require_host(request.user, p)
    months = _open_months(p, _today())
    initial = {"month": request.GET.get("month", "")}
    form = forms.AttendanceForm(
        request.POST if request.method == "POST" else None, months=months, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            employment.attendance_record(
                actor=request.user,
                placement_id=p.pk,
                month=datetime.date.fromisoformat(data["month"]),
                days_worked=data["days_worked"],
                unjustified_absence_days=data["unjustified_absence_days"],
                justified_leave_days=data["justified_leave_days"],
                note=data["note"],
            )
        except ApplicationError as exc:
            _errors_at_fields(form, exc)
        else:
            messages.success(
                request, f"Καταχωρίστηκαν οι παρουσίες του μήνα {data['month'][5:7]}/{data['month'][:4]}."
            )
            return redirect(_detail_url(p))
    return _form_page(
        request,
        p,
        form,
        title="Μηνιαία παρουσία",
        intro="Μετά τη λήξη κάθε μήνα απασχόλησης (ΚΥΑ 16936 Άρθ. 8(1)). Για κάθε ημέρα αδικαιολόγητης "
        "απουσίας περικόπτονται οι ακαθάριστες αποδοχές· η άδεια, η βραχυχρόνια αναρρωτική άδεια και το "
        "ανυπαίτιο κώλυμα δεν περικόπτονται (Άρθ. 7(6)). Νέα καταχώριση για τον ίδιο μήνα τον διορθώνει.",
        button="Καταχώριση",
    )


@login_required
@require_http_methods(["GET", "POST"])
@_guard
def employment_end_view(request, pk):
    p = _placement(request, pk)
    employment.require_host(request.user, p)
    form = forms.EmploymentEndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not confirmed(request):
            kind = Placement.EndKind(data["end_kind"])
            return confirmation_page(
                request,
                title="Λήξη απασχόλησης πριν τη λήξη της περιόδου",
                caption=p.application.protocol_number,
                summary=[("Λόγος", kind.label), ("Τελευταία ημέρα", f"{data['ended_on']:%d/%m/%Y}")],
                irreversible=(
                    "Η απασχόληση λήγει· η έκθεση κοινοποιείται στη ΔΥΠΑ"
                    + (
                        ""
                        if kind == Placement.EndKind.VOLUNTARY
                        else " και στον/στην ωφελούμενο/η (Άρθ. 6(8))"
                    )
                    + (
                        ". Η θέση δεν καλύπτεται από άλλον/άλλη ωφελούμενο/η (Άρθ. 6(9)–(10))"
                        if kind in employment.NOT_REFILLED
                        else ". Η υπηρεσία μπορεί να ζητήσει αντικατάσταση (Άρθ. 6(5), 6(8))"
                    )
                    + "."
                ),
                button="Οριστική καταχώριση λήξης",
                check_label="Επιβεβαιώνω τη λήξη της απασχόλησης",
                cancel_url=_detail_url(p),
                warning_button=True,
            )
        try:
            employment.employment_end(actor=request.user, placement_id=p.pk, **data)
        except ApplicationError as exc:
            _errors_at_fields(form, exc)
        else:
            messages.success(request, "Καταχωρίστηκε η λήξη της απασχόλησης.")
            return redirect(_detail_url(p))
    return _form_page(
        request,
        p,
        form,
        title="Λήξη απασχόλησης πριν τη λήξη της περιόδου",
        intro="Οικειοθελής αποχώρηση (Άρθ. 6(5)) ή πρόωρη διακοπή από την υπηρεσία για ανωτέρα βία ή "
        "σπουδαίο υπηρεσιακό λόγο με αιτιολογημένη έκθεση (Άρθ. 6(8)–(10)).",
        button="Συνέχεια",
    )


@login_required
@require_http_methods(["GET", "POST"])
@_guard
def host_request_new(request, pk):
    p = _placement(request, pk)
    employment.require_host(request.user, p)
    form = forms.HostRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not confirmed(request):
            return confirmation_page(
                request,
                title="Αίτημα αντικατάστασης προς το ΚΠΑ2",
                caption=p.application.protocol_number,
                summary=[("Αιτιολογία", form.cleaned_data["reason"])],
                irreversible="Το ΚΠΑ2 ενημερώνεται ότι η θέση κενώθηκε και κρίνει το αίτημα (ΚΥΑ 16936 "
                "Άρθ. 6(5)). Το αίτημα δεν ανακαλείται.",
                button="Υποβολή αιτήματος",
                check_label="Επιβεβαιώνω την υποβολή του αιτήματος",
                cancel_url=_detail_url(p),
            )
        try:
            employment.host_request_submit(
                actor=request.user, placement_id=p.pk, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            _errors_at_fields(form, exc)
        else:
            messages.success(request, "Το αίτημα αντικατάστασης υποβλήθηκε στο ΚΠΑ2.")
            return redirect(_detail_url(p))
    return _form_page(
        request,
        p,
        form,
        title="Αίτημα αντικατάστασης",
        intro="Η υπηρεσία ενημερώνει το ΚΠΑ2 για τη θέση που κενώθηκε και ζητά αντικατάσταση από τον "
        "οριστικό πίνακα (ΚΥΑ 16936 Άρθ. 6(5), 6(8)).",
        button="Συνέχεια",
    )


@login_required
@_guard
def request_list(request):
    qs = selectors.host_requests_for_user(user=request.user)
    filters = HostRequestFilter(request.GET or None, queryset=qs)
    page = Paginator(filters.qs if filters.is_bound else qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/points/employment/requests.html",
        {
            "filters": filters,
            "page": page,
            "query": _query(request),
            "can_manage": selectors.can_manage(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@_guard
def request_decide(request, request_pk):
    req = selectors.host_requests_for_user(user=request.user).filter(pk=request_pk).first()
    if req is None:
        raise Http404
    if not selectors.can_manage(request.user):
        return _forbidden(request, "Τα αιτήματα κρίνει το ΚΠΑ2.")
    form = forms.HostRequestDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["outcome"] == "approve"
        if not approve and not form.cleaned_data["reasons"].strip():
            form.add_error("reasons", "Η αιτιολόγηση της απόρριψης είναι υποχρεωτική.")
        elif not confirmed(request):
            return confirmation_page(
                request,
                title=f"Απόφαση επί του αιτήματος αντικατάστασης #{req.pk}",
                caption=req.service.name,
                summary=[("Απόφαση", "Έγκριση αντικατάστασης" if approve else "Απόρριψη")],
                irreversible=(
                    "Τη θέση παίρνει ο επόμενος του οριστικού πίνακα που δήλωσε την υπηρεσία (ΚΥΑ 16936 "
                    "Άρθ. 6(5)), για τη διάρκεια που ορίζει η πρόσκληση."
                    if approve
                    else "Το αίτημα απορρίπτεται και η υπηρεσία ενημερώνεται."
                ),
                button="Οριστική καταχώριση απόφασης",
                check_label="Επιβεβαιώνω την απόφαση",
                cancel_url=reverse("points:employment-requests"),
            )
        else:
            try:
                employment.host_request_decide(
                    actor=request.user,
                    request_id=req.pk,
                    approve=approve,
                    reasons=form.cleaned_data["reasons"],
                )
            except ApplicationError as exc:
                _errors_at_fields(form, exc)
            else:
                messages.success(request, "Η απόφαση καταχωρίστηκε και η υπηρεσία ενημερώθηκε.")
                return redirect("points:employment-requests")
    return render(request, "evaluation/points/employment/decide.html", {"req": req, "form": form})


@login_required
@_guard
def employment_certificate(request, pk):
    """Art. 6(11): at the end the service gives the beneficiary a Βεβαίωση Χρόνου Απασχόλησης."""
    from django.http import HttpResponse

    from opske import audit
    from opske.pdf import render_pdf

    p = _placement(request, pk)
    employment.require_host(request.user, p)
    if p.hired_on is None or p.ended_on is None:
        return _forbidden(request, "Η βεβαίωση εκδίδεται με τη λήξη της απασχόλησης (ΚΥΑ 16936 Άρθ. 6(11)).")
    person = p.application.person
    name = f"{person.last_name} {person.first_name}".strip() if person else p.application.protocol_number
    pdf = render_pdf(
        "evaluation/points/pdf/employment_certificate.html", {"p": p, "name": name, "today": _today()}
    )
    audit.record(
        actor=request.user,
        action="points.employment_certificate_issued",
        obj=p,
        reason="ΚΥΑ 16936 Άρθ. 6(11)",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="vevaiosi-{p.application.protocol_number}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@_guard
def relocate_after_end(request, pk):
    """ΚΠΑ2/ΔΥΠΑ records the Board's decision placing the beneficiary elsewhere (Art. 6(9)–(10))."""
    p = _placement(request, pk)
    if not selectors.can_manage(request.user):
        return _forbidden(request, "Την τοποθέτηση σε άλλη υπηρεσία καταχωρίζει η ΔΥΠΑ (απόφαση Δ.Σ.).")
    services_ = list(p.round.call.placement_services.exclude(pk=p.service_id).values_list("code", "name"))
    form = forms.RelocateAfterEndForm(request.POST if request.method == "POST" else None, services_=services_)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not confirmed(request):
            return confirmation_page(
                request,
                title="Τοποθέτηση σε άλλη υπηρεσία με απόφαση του Δ.Σ.",
                caption=p.application.protocol_number,
                summary=[
                    ("Υπηρεσία", dict(services_).get(data["service_code"], "")),
                    ("Απόφαση Δ.Σ.", data["board_decision"]),
                ],
                irreversible="Ο/Η ωφελούμενος/η τοποθετείται καθ' υπέρβαση των θέσεων της νέας υπηρεσίας "
                "για τους μήνες που απομένουν· η παλιά θέση δεν καλύπτεται (ΚΥΑ 16936 Άρθ. 6(9)–(10)).",
                button="Οριστική καταχώριση",
                check_label="Επιβεβαιώνω την τοποθέτηση",
                cancel_url=_detail_url(p),
            )
        try:
            new = employment.placement_relocate_after_end(actor=request.user, placement_id=p.pk, **data)
        except ApplicationError as exc:
            _errors_at_fields(form, exc)
        else:
            messages.success(
                request, f"Τοποθετήθηκε στην υπηρεσία «{new.service.name}» για {new.contract_months} μήνες."
            )
            return redirect(_detail_url(new))
    return _form_page(
        request,
        p,
        form,
        title="Τοποθέτηση σε άλλη υπηρεσία (Άρθ. 6(9)–(10))",
        intro="Μετά από πρόωρη λήξη για λόγο που δεν οφείλεται στον/στην ωφελούμενο/η, η θέση δεν "
        "καλύπτεται· "
        "ο/η ωφελούμενος/η τοποθετείται με απόφαση του Δ.Σ. της ΔΥΠΑ σε αντίστοιχη θέση άλλης υπηρεσίας, "
        "καθ' υπέρβαση των θέσεών της και με τη σύμφωνη γνώμη της.",
        button="Συνέχεια",
    )
