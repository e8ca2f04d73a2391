"""Browser pages of the points round: thin views over services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from applications.models import Application
from calls.models import Call
from evaluation.points import forms, objections, selectors, services
from evaluation.points.exports import INLINE_XLSX_LIMIT, XLSX_CONTENT_TYPE, table_xlsx
from evaluation.points.models import Placement, PointsAssessment, RankingRow, RankingTable
from opske.confirm import confirmation_page, confirmed
from opske.errors import ApplicationError, NotFound, PermissionDenied, RegistryRefused, RegistryUnavailable
from opske.models import GeneratedDocument
from opske.pdf import document_access

KINDS = {k.value for k in RankingTable.Kind}


@document_access(RankingTable)
def _table_pdf_access(user, table) -> bool:
    # The posted tables are public (Art. 5(7)); their PDFs carry codes only.
    return user.is_authenticated


def _forbidden(request, message):
    return render(request, "errors/403.html", {"message": message}, status=403)


def _round(request, pk):
    if not selectors.can_read(request.user):
        raise PermissionDenied("Η σελίδα είναι διαθέσιμη μόνο στα στελέχη του προγράμματος.")
    try:
        return selectors.round_get_for_user(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _guard(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return _forbidden(request, exc.message)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _fail(request, exc: ApplicationError, target):
    if exc.fields:
        for msgs in exc.fields.values():
            for m in msgs:
                messages.error(request, m)
    else:
        messages.error(request, exc.message)
    return redirect(target)


@login_required
@_guard
def round_list(request):
    if not selectors.can_read(request.user):
        raise PermissionDenied("Η σελίδα είναι διαθέσιμη μόνο στα στελέχη του προγράμματος.")
    rounds = selectors.round_list_for_user(user=request.user)
    open_calls = Call.objects.filter(
        evaluation_method=Call.EvaluationMethod.POINTS_RANKING, points_round__isnull=True
    ).exclude(status=Call.Status.DRAFT)
    return render(
        request,
        "evaluation/points/round_list.html",
        {"rounds": rounds, "open_calls": open_calls, "can_manage": selectors.can_manage(request.user)},
    )


@login_required
@require_POST
@_guard
def round_open(request, call_id):
    try:
        rnd = services.points_round_open(actor=request.user, call_id=call_id)
    except ApplicationError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        return _fail(request, exc, "points:round-list")
    messages.success(request, "Ο γύρος μοριοδότησης άνοιξε· τα στοιχεία ΔΥΠΑ ανακτώνται.")
    return redirect("points:round-detail", pk=rnd.pk)


@login_required
@_guard
def round_detail(request, pk):
    rnd = _round(request, pk)
    assessments = rnd.assessments.order_by("status", "-total", "code")
    status = request.GET.get("status")
    if status in PointsAssessment.Status.values:
        assessments = assessments.filter(status=status)
    page = Paginator(assessments, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/points/round_detail.html",
        {
            "rnd": rnd,
            "page": page,
            "counts": services.assessment_counts(rnd),
            "tables": {t.kind: t for t in rnd.tables.all()},
            "can_manage": selectors.can_manage(request.user),
            "objection_count": rnd.objections.count(),
            "all_objected": rnd.state == rnd.State.PROVISIONAL
            and not services.candidates_without_objection(rnd),
        },
    )


@login_required
@require_POST
@_guard
def round_fetch(request, pk):
    """Re-run the ΔΥΠΑ look-ups of the applications still waiting (the task is idempotent)."""
    rnd = _round(request, pk)
    services.require_manager(request.user)
    from evaluation.points.tasks import fetch_round_facts

    fetch_round_facts.delay(rnd.pk)
    messages.success(request, "Ζητήθηκαν τα στοιχεία ΔΥΠΑ για τις εκκρεμείς αιτήσεις.")
    return redirect("points:round-detail", pk=rnd.pk)


def _confirmed_action(request, pk, *, act, unconfirmed: str, done: str, template: str, context):
    """A manager's irreversible step on a round: the page states what it does; the POST acts only
    with its confirmation ticked, else it returns to the page and nothing changes."""
    rnd = _round(request, pk)
    services.require_manager(request.user)
    if request.method == "POST":
        if not request.POST.get("confirm"):
            messages.error(request, unconfirmed)
            return redirect(request.path)
        try:
            act(actor=request.user, round_id=rnd.pk)
        except ApplicationError as exc:
            return _fail(request, exc, request.path)
        messages.success(request, done)
        return redirect("points:round-detail", pk=rnd.pk)
    return render(request, template, {"rnd": rnd, **context(rnd)})


@login_required
@require_http_methods(["GET", "POST"])
@_guard
def provisional_post(request, pk):
    return _confirmed_action(
        request,
        pk,
        act=services.provisional_tables_post,
        unconfirmed="Επιβεβαιώστε την ανάρτηση.",
        done="Αναρτήθηκαν ο Προσωρινός Πίνακας Κατάταξης και ο Πίνακας Αποκλειομένων.",
        template="evaluation/points/confirm_post.html",
        context=lambda rnd: {"kind": "provisional", "counts": services.assessment_counts(rnd)},
    )


@login_required
@require_http_methods(["GET", "POST"])
@_guard
def final_post(request, pk):
    return _confirmed_action(
        request,
        pk,
        act=services.final_table_post,
        unconfirmed="Επιβεβαιώστε την ανάρτηση.",
        done="Αναρτήθηκε ο Οριστικός Πίνακας Κατάταξης Ανέργων.",
        template="evaluation/points/confirm_post.html",
        context=lambda rnd: {"kind": "final", "counts": services.assessment_counts(rnd)},
    )


@login_required
@require_http_methods(["GET", "POST"])
@_guard
def objections_close(request, pk):
    """Close the objection window early once every candidate has objected (Art. 5(8)); confirmed."""
    return _confirmed_action(
        request,
        pk,
        act=services.points_round_close_objections_exhausted,
        unconfirmed="Επιβεβαιώστε τη λήξη της προθεσμίας ενστάσεων.",
        done="Η προθεσμία ενστάσεων έληξε· εξετάστε τις ενστάσεις.",
        template="evaluation/points/confirm_close_objections.html",
        context=lambda rnd: {
            "remaining": services.candidates_without_objection(rnd),
            "objection_count": rnd.objections.count(),
        },
    )


def _table_context(table, request):
    ranked = Paginator(selectors.public_rows(table, RankingRow.Status.RANKED), 100).get_page(
        request.GET.get("page")
    )
    excluded = selectors.public_rows(table, RankingRow.Status.EXCLUDED)
    return {
        "table": table,
        "rnd": table.round,
        "ranked": ranked,
        "excluded": excluded,
        "service_names": selectors.service_names(table.round.call_id),
    }


@login_required
@_guard
def table_detail(request, pk, kind):
    rnd = _round(request, pk)
    if kind not in KINDS:
        raise Http404
    try:
        table = selectors.table_get(rnd=rnd, kind=kind)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "evaluation/points/table.html", {**_table_context(table, request), "staff": True})


def public_table(request, pk, kind):
    """Posted tables are public (Art. 5(7), 5(9)): application codes and points, no names."""
    if kind not in KINDS:
        raise Http404
    try:
        table = selectors.public_table_get(pk=pk, kind=kind)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "evaluation/points/table.html", {**_table_context(table, request), "staff": False})


def table_export(request, pk, kind, fmt):
    if kind not in KINDS or fmt not in ("xlsx", "pdf"):
        raise Http404
    try:
        table = selectors.public_table_get(pk=pk, kind=kind)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    # The files are made by the worker at posting; they are public like the table (codes only).
    document = table.pdf if fmt == "pdf" else table.xlsx
    filename = f"{kind}-{table.round.call.code}.{fmt}"
    if document is not None and document.state == GeneratedDocument.State.READY:
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=filename)
    if fmt == "xlsx" and table.ranked_count + table.excluded_count <= INLINE_XLSX_LIMIT:
        response = HttpResponse(table_xlsx(table), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    messages.info(request, "Το αρχείο του πίνακα ετοιμάζεται· δοκιμάστε ξανά σε λίγο.")
    return redirect("points:public-table", pk=pk, kind=kind)


@login_required
@_guard
def objection_list(request, pk):
    rnd = _round(request, pk)
    return render(
        request,
        "evaluation/points/objections.html",
        {
            "rnd": rnd,
            "objections": selectors.objections_for(rnd),
            "can_manage": selectors.can_manage(request.user),
            "form": forms.ObjectionDecisionForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@_guard
def objection_decide_view(request, objection_pk):
    from evaluation.points.models import RankingObjection

    objection = RankingObjection.objects.select_related("round", "row").filter(pk=objection_pk).first()
    if objection is None:
        raise Http404
    rnd = _round(request, objection.round_id)
    services.require_manager(request.user)
    form = forms.ObjectionDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and not confirmed(request):
        accept = form.cleaned_data["outcome"] == "accept"
        return confirmation_page(
            request,
            title="Απόφαση επί της ένστασης",
            caption=rnd.call.title,
            summary=[
                ("Απόφαση", "Η ένσταση γίνεται δεκτή" if accept else "Η ένσταση απορρίπτεται"),
                ("Αιτιολόγηση", form.cleaned_data["reasons"]),
            ],
            irreversible="Η απόφαση καταχωρίζεται και οι διορθώσεις περνούν στον οριστικό πίνακα "
            "(ΚΥΑ 16936 Άρθ. 5(8)–(9))· δεν αλλάζει μετά.",
            button="Οριστική καταχώριση απόφασης",
            check_label="Επιβεβαιώνω την απόφαση επί της ένστασης",
            cancel_url=request.path,
        )
    if request.method == "POST" and form.is_valid():
        try:
            objections.objection_decide(
                actor=request.user,
                objection_id=objection.pk,
                accept=form.cleaned_data["outcome"] == "accept",
                reasons=form.cleaned_data["reasons"],
                corrections=form.corrections(),
            )
        except ApplicationError as exc:
            if exc.fields:
                for field, msgs in exc.fields.items():
                    form.add_error(field if field in form.fields else None, msgs)
            else:
                form.add_error(None, exc.message)
        else:
            messages.success(request, "Η απόφαση επί της ένστασης καταχωρίστηκε.")
            return redirect("points:objections", pk=rnd.pk)
    return render(
        request, "evaluation/points/objection_decide.html", {"rnd": rnd, "objection": objection, "form": form}
    )


@login_required
@_guard
def placement_list(request, pk):
    rnd = _round(request, pk)
    return render(
        request,
        "evaluation/points/placements.html",
        {
            "rnd": rnd,
            "placements": selectors.placements_for(rnd),
            "can_manage": selectors.can_manage(request.user),
        },
    )


@login_required
@require_POST
@_guard
def placements_allocate_view(request, pk):
    rnd = _round(request, pk)
    services.require_manager(request.user)
    if not confirmed(request):
        return confirmation_page(
            request,
            title="Κατανομή στις υπηρεσίες τοποθέτησης",
            caption=rnd.call.title,
            irreversible="Οι ωφελούμενοι του οριστικού πίνακα κατανέμονται στις υπηρεσίες κατά σειρά "
            "κατάταξης και προτίμησης (ΚΥΑ 16936 Άρθ. 6)· η κατανομή δεν επαναλαμβάνεται, αλλάζει μόνο "
            "με αντικατάσταση.",
            button="Κατανομή",
            check_label="Επιβεβαιώνω την κατανομή",
            cancel_url=reverse("points:placements", kwargs={"pk": rnd.pk}),
        )
    try:
        services.placements_allocate(actor=request.user, round_id=rnd.pk)
    except ApplicationError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        return _fail(request, exc, reverse("points:placements", kwargs={"pk": rnd.pk}))
    messages.success(
        request, "Έγινε η κατανομή στις υπηρεσίες τοποθέτησης κατά σειρά κατάταξης και προτίμησης."
    )
    return redirect("points:placements", pk=rnd.pk)


PLACEMENT_ACTIONS = {
    "refer": (forms.ReferForm, "Υπόδειξη από ΚΠΑ2"),
    "hire": (forms.HireForm, "Πρόσληψη (Ε3)"),
    "decline": (forms.ReasonForm, "Μη αποδοχή της θέσης"),
    "exclude": (forms.ReasonForm, "Αποκλεισμός κατά τον έλεγχο δικαιολογητικών"),
    "leave": (forms.ReasonForm, "Αποχώρηση"),
    "hold": (forms.HoldForm, "Απώλεια της ιδιότητας ανέργου"),
    "release": (forms.ConfirmForm, "Επανάκτηση της ιδιότητας ανέργου"),
    "replace": (forms.ConfirmForm, "Αντικατάσταση από τον οριστικό πίνακα"),
    "host_reject": (forms.ReasonForm, "Μη αποδοχή του υποψηφίου από τον φορέα (Άρθ. 6(7))"),
    "relocate": (forms.RelocateForm, "Τοποθέτηση σε άλλη υπηρεσία καθ' υπέρβαση (Άρθ. 6(7))"),
}


def _register_today(placement: Placement) -> dict:
    """ΔΥΠΑ register on the referral day (Art. 5(10)); asked before the service's transaction."""
    from interop.dypa import DypaClient
    from interop.waiting import to_plain

    try:
        return to_plain(DypaClient().unemployment_status(placement.application.amka, timezone.localdate()))
    except RegistryRefused as exc:
        return {"registered": False, "refusal": exc.code}


def _run_action(request, placement, action, data):
    actor = request.user
    if action == "refer":
        services.placement_refer(
            actor=actor,
            placement_id=placement.pk,
            note=data["note"],
            kpa2_label=data.get("kpa2_label", ""),
            register=_register_today(placement),
        )
        return "Ο/Η υποψήφιος/α υποδείχθηκε στην υπηρεσία τοποθέτησης."
    if action == "hire":
        services.placement_hire(actor=actor, placement_id=placement.pk, hired_on=data["hired_on"])
        return "Καταχωρίστηκε η πρόσληψη."
    if action == "host_reject":
        services.placement_host_reject(actor=actor, placement_id=placement.pk, reason=data["reason"])
        return "Καταχωρίστηκε η μη αποδοχή από τον φορέα· η θέση δεν καλύπτεται (Άρθ. 6(7))."
    if action == "relocate":
        moved = services.placement_relocate_over_quota(
            actor=actor,
            placement_id=placement.pk,
            service_code=data["service_code"],
            board_decision=data["board_decision"],
        )
        return f"Ο/Η υποψήφιος/α τοποθετείται στην υπηρεσία «{moved.service.name}» καθ' υπέρβαση (Άρθ. 6(7))."
    if action in ("decline", "exclude", "leave"):
        getattr(services, f"placement_{action}")(
            actor=actor, placement_id=placement.pk, reason=data["reason"]
        )
        return "Η θέση κενώθηκε· μπορείτε να ζητήσετε αντικατάσταση από τον οριστικό πίνακα."
    if action == "hold":
        services.placement_hold(actor=actor, placement_id=placement.pk, loss_reason=data["loss_reason"])
        return "Καταχωρίστηκε η απώλεια της ιδιότητας ανέργου."
    if action == "release":
        services.placement_release_hold(actor=actor, placement_id=placement.pk)
        return "Ο/Η υποψήφιος/α επανέκτησε την ιδιότητα και παραμένει στη θέση."
    new = services.placement_replace(actor=actor, placement_id=placement.pk)
    if new is None:
        return "Κανένας επιλαχών του οριστικού πίνακα δεν έχει δηλώσει αυτή την υπηρεσία· η θέση μένει κενή."
    return f"Τη θέση παίρνει η αίτηση {new.application.protocol_number} (σειρά {new.final_rank})."


@login_required
@require_http_methods(["GET", "POST"])
@_guard
def placement_action(request, placement_pk, action):
    if action not in PLACEMENT_ACTIONS:
        raise Http404
    placement = (
        Placement.objects.select_related("round", "service", "application").filter(pk=placement_pk).first()
    )
    if placement is None:
        raise Http404
    rnd = _round(request, placement.round_id)
    services.require_manager(request.user)
    form_class, title = PLACEMENT_ACTIONS[action]
    extra = {}
    if action == "relocate":
        names = dict(rnd.call.placement_services.values_list("code", "name"))
        extra["services_"] = [
            (code, names.get(code, code))
            for code in placement.application.placement_preferences or []
            if code != placement.service.code
        ]
    form = form_class(request.POST if request.method == "POST" else None, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            text = _run_action(request, placement, action, form.cleaned_data)
        except RegistryUnavailable as exc:
            form.add_error(None, exc.message)
        except ApplicationError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            _errors_at_fields(form, exc)
        else:
            messages.success(request, text)
            return redirect("points:placements", pk=rnd.pk)
    return render(
        request,
        "evaluation/points/placement_action.html",
        {"rnd": rnd, "placement": placement, "form": form, "title": title, "action": action},
    )


def _errors_at_fields(form, exc: ApplicationError) -> None:
    """A service's field errors go to the form's fields of the same name; the rest on top."""
    if not exc.fields:
        form.add_error(None, exc.message)
        return
    for name, msgs in exc.fields.items():
        for m in msgs:
            form.add_error(name if name in form.fields else None, m)


@login_required
@require_http_methods(["GET", "POST"])
@_guard
def bar_list(request):
    """Bars on persons from later ΔΥΠΑ programmes (Art. 6(5) εδ. β', 4(2)(ε)): list and record."""
    if not selectors.can_read(request.user):
        raise PermissionDenied("Η σελίδα είναι διαθέσιμη μόνο στα στελέχη του προγράμματος.")
    can_manage = selectors.can_manage(request.user)
    form = forms.BarForm(request.POST if request.method == "POST" and can_manage else None)
    if request.method == "POST":
        services.require_manager(request.user)
        if form.is_valid():
            try:
                services.programme_bar_record(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                if isinstance(exc, PermissionDenied):
                    raise
                _errors_at_fields(form, exc)
            else:
                messages.success(
                    request,
                    "Ο αποκλεισμός καταχωρίστηκε· ελέγχεται στη μοριοδότηση των επόμενων προσκλήσεων.",
                )
                return redirect("points:bars")
    query = (request.GET.get("amka") or "").strip()
    page = Paginator(selectors.bars_for(amka=query), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/points/bars.html",
        {"form": form, "page": page, "query": query, "can_manage": can_manage},
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_result(request, application_pk):
    """The applicant's own row in the posted tables and their objection (Art. 5(8))."""
    try:
        app = selectors.my_application(user=request.user, pk=application_pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    rnd = getattr(app.call, "points_round", None) if app.kind == Application.Kind.NATURAL_PERSON else None
    rows = (
        RankingRow.objects.filter(table__round=rnd, application=app)
        .select_related("table")
        .order_by("table__posted_at")
        if rnd
        else []
    )
    objection = rnd.objections.filter(application=app).first() if rnd else None
    form = forms.ObjectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            objections.objection_file(
                actor=request.user, application_id=app.pk, text=form.cleaned_data["text"]
            )
        except ApplicationError as exc:
            form.add_error(
                "text" if exc.fields else None,
                exc.message if not exc.fields else exc.fields.get("text", exc.message),
            )
        else:
            messages.success(request, "Η ένστασή σας υποβλήθηκε.")
            return redirect("points:my-result", application_pk=app.pk)
    return render(
        request,
        "evaluation/points/my_result.html",
        {"app": app, "rnd": rnd, "rows": rows, "objection": objection, "form": form},
    )
