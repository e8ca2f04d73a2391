"""Browser UI of the comparative evaluation: thin views over services and selectors.

Committee members and supervisors only; anybody else gets a 404 from the selectors. A refused
action shows the service's Greek message and keeps what was typed.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.models import Role
from evaluation.comparative import rules, selectors, services
from evaluation.comparative.models import ComparativeScore, Opinion
from opske.confirm import confirmation_page, confirmed
from opske.errors import ApplicationError, NotFound
from opske.ids import int_or_none
from opske.money import XLSX_EUR_FORMAT, format_eur, format_number, to_cents
from opske.views_util import paginate


def _guard(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def round_list(request):
    committees = selectors.committees_for_user(user=request.user)
    # A committee member with no committee yet sees an empty list; anyone else outside one, a 404.
    may_list = selectors.is_supervisor(request.user) or request.user.has_role(Role.COMMITTEE_MEMBER)
    if not committees.exists() and not may_list:
        raise Http404("Δεν βρέθηκε.")
    from calls.models import Call

    unappointed = (
        Call.objects.filter(evaluation_method=Call.EvaluationMethod.COMPARATIVE)
        .exclude(status=Call.Status.DRAFT)
        .exclude(evaluation_round__comparative_committee__isnull=False)
        .order_by("code")
        if selectors.is_supervisor(request.user)
        else []
    )
    return render(
        request,
        "evaluation/comparative/round_list.html",
        {"committees": committees, "unappointed": unappointed},
    )


@login_required
def committee_appoint(request, call_id):
    """The supervisor appoints the call's Evaluation Committee (§10.1); every member is assigned
    every submitted application and signs a declaration for each before scoring it."""
    from accounts.models import User
    from calls.models import Call

    if not selectors.is_supervisor(request.user):
        raise Http404("Δεν βρέθηκε.")
    call = Call.objects.filter(pk=call_id, evaluation_method=Call.EvaluationMethod.COMPARATIVE).first()
    if call is None:
        raise Http404("Δεν βρέθηκε.")
    candidates = (
        User.objects.filter(role_assignments__role=Role.COMMITTEE_MEMBER).distinct().order_by("username")
    )
    errors, posted = {}, request.POST if request.method == "POST" else None
    if posted is not None:
        try:
            services.committee_set(
                actor=request.user,
                call_id=call.pk,
                chair_id=int_or_none(posted.get("chair", "")) or 0,
                member_ids=[n for m in posted.getlist("members") if (n := int_or_none(m)) is not None],
                name=posted.get("name", "").strip(),
                appointment_ref=posted.get("appointment_ref", "").strip(),
            )
        except ApplicationError as exc:
            errors = exc.fields or {"__all__": [exc.message]}
        except ValueError:
            errors = {"chair": ["Επιλέξτε τον/την πρόεδρο της Επιτροπής."]}
        else:
            messages.success(request, "Η Επιτροπή Αξιολόγησης συγκροτήθηκε· της ανατέθηκαν οι αιτήσεις.")
            return redirect("evaluation_comparative:round", call_id=call.pk)
    if posted is not None and not posted.get("chair"):
        errors.setdefault("chair", ["Επιλέξτε τον/την πρόεδρο της Επιτροπής."])
    return render(
        request,
        "evaluation/comparative/committee_appoint.html",
        {"call": call, "candidates": candidates, "errors": errors, "posted": posted},
        status=400 if errors else 200,
    )


ROUND_PAGE_SIZE = 50


@login_required
def round_detail(request, call_id):
    committee = _guard(selectors.committee_get_for_user, user=request.user, call_id=call_id)
    # Paged (issue 11: at a few thousand applications the whole round was 640 ms and 2.4 MB); the
    # ranking page and its PDF/XLSX keep the whole table.
    page, query = paginate(request, selectors.round_applications(committee=committee), ROUND_PAGE_SIZE)
    rows = [{"app": app, "sheet": getattr(app, "comparative_score", None)} for app in page]
    return render(
        request,
        "evaluation/comparative/round_detail.html",
        {
            "committee": committee,
            "call": committee.round.call,
            "rows": rows,
            "page": page,
            "query": query,
            "members": committee.members.all(),
        },
    )


def _sheet_context(request, app, committee, sheet, errors=None, posted=None):
    call = app.call
    criteria = services.call_criteria(call)
    values = {}
    if sheet is not None:
        values = {(r.criterion_code, r.sub_code): r for r in sheet.criterion_scores.all()}
    criteria_rows = [
        {
            "criterion": crit,
            "subs": [
                {"sub": sub, "row": values.get((crit.code, sub.code)), "key": f"{crit.code}.{sub.code}"}
                for sub in crit.subs
            ],
        }
        for crit in criteria
    ]
    errors = errors or {}
    outcome = services.sheet_outcome(sheet) if sheet is not None else None
    documents = services.required_documents(call)
    return {
        "app": app,
        "call": call,
        "committee": committee,
        "sheet": sheet,
        "editable": sheet is not None and sheet.state == ComparativeScore.State.DRAFT,
        "criteria_rows": criteria_rows,
        "documents": documents.items(),
        "conditions": rules.FORMAL_CONDITIONS,
        "answers": rules.ANSWERS.items(),
        "outcome": outcome,
        "partners": list(app.partners.all()),
        "lines": list(app.budget_lines.all()),
        "conflict": selectors.conflict_state(user=request.user, application=app),
        "pending_assignment": selectors.pending_declaration(user=request.user, application=app),
        "is_member": committee.members.filter(pk=request.user.pk).exists(),
        "errors": errors,
        "error_items": _error_items(errors, posted),
        "stage_error_keys": [k for k in ("answers", "stage_a", "stage_b") if k in errors],
        "posted": posted,
        "composition_ok": rules.partner_composition_ok([p.kind for p in app.partners.all()]),
        # E24 is computed from the budget table beside the committee's answer (§4 όρος 24(i)).
        "computed_conditions": {
            "E24": rules.private_participation_note(
                outcome[3], min_percent=(call.config or {}).get("min_private_share_percent")
            )
        }
        if outcome is not None
        else {},
    }


# Where each refused field lives on the sheet, for the summary's links (GOV.GR error summary).
_FIELD_ANCHORS = {
    "stage_a_notes": "#stage_a_notes",
    "stage_b_notes": "#stage_b_notes",
    "answers": "#stages-form",
    "stage_a": "#stages-form",
    "stage_b": "#stages-form",
    "criteria": "#stage-c",
    "line": "#cut-line",
    "amount": "#cut-amount",
    "reason": "#cut-reason",
}


def _error_items(errors: dict, posted) -> list[tuple[str, str]]:
    """(link, message) per refused field; the general message only when no field says more."""
    key = (posted or {}).get("key", "")
    anchors = {**_FIELD_ANCHORS, "value": f"#v-{key}", "justification": f"#j-{key}"}
    items = [
        (anchors.get(field, ""), m) for field, msgs in errors.items() if field != "__all__" for m in msgs
    ]
    if not items:
        items = [("", m) for m in errors.get("__all__", [])]
    return items


SHEET_ACTIONS = ("open", "score", "stages", "cut", "uncut", "finalise")


@login_required
def sheet(request, application_id):
    app, committee = _guard(
        selectors.application_get_for_committee, user=request.user, application_id=application_id
    )
    errors, posted = {}, None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in SHEET_ACTIONS:
            raise Http404("Άγνωστη ενέργεια.")
        current = selectors.sheet_for_application(application=app)
        if action == "finalise" and current is not None and not confirmed(request):
            return confirmation_page(
                request,
                title="Οριστικοποίηση βαθμολογίας",
                caption=f"{app.protocol_number or app} · {app.call.title}",
                summary=[("Πρόταση", str(app))],
                irreversible="Η βαθμολογία, τα στάδια Α και Β και οι περικοπές του προϋπολογισμού "
                "κλειδώνουν και η πρόταση περνά στην κατάταξη της επιτροπής (Πρόσκληση 004 §10.1)· "
                "δεν αλλάζουν πια.",
                button="Οριστικοποίηση βαθμολογίας",
                check_label="Επιβεβαιώνω την οριστικοποίηση της βαθμολογίας",
                cancel_url=reverse("evaluation_comparative:sheet", args=[app.pk]),
            )
        try:
            _sheet_action(request, action, app, current)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except ApplicationError as exc:
            errors = dict(exc.fields) if exc.fields else {}
            errors.setdefault("__all__", [exc.message])
            posted = request.POST
        else:
            if request.headers.get("HX-Request") and action == "score":
                current = selectors.sheet_for_application(application=app)
                return _score_partial(request, app, committee, current, saved=True)
            messages.success(request, "Αποθηκεύτηκε.")
            return redirect("evaluation_comparative:sheet", application_id=app.pk)
        if request.headers.get("HX-Request") and action == "score":
            current = selectors.sheet_for_application(application=app)
            return _score_partial(request, app, committee, current, errors=errors, posted=posted)
    current = selectors.sheet_for_application(application=app)
    return render(
        request,
        "evaluation/comparative/sheet.html",
        _sheet_context(request, app, committee, current, errors=errors, posted=posted),
        status=400 if errors else 200,
    )


def _score_partial(request, app, committee, current, *, errors=None, posted=None, saved=False):
    """htmx: the sub-criterion's own form (its error at the field) plus, out of band, the totals
    and the summary at the top linking to the field."""
    context = _sheet_context(request, app, committee, current, errors=errors, posted=posted)
    key = request.POST.get("key", "")
    sub = next((s for c in context["criteria_rows"] for s in c["subs"] if s["key"] == key), None)
    if sub is None:
        raise Http404("Άγνωστο υποκριτήριο.")
    context.update({"s": sub, "saved_key": key if saved else "", "oob": True, "saved": saved})
    return render(
        request, "evaluation/comparative/_score_partial.html", context, status=422 if errors else 200
    )


def _sheet_action(request, action, app, current):
    post = request.POST
    if action == "open":
        services.score_sheet_open(actor=request.user, application_id=app.pk)
        return
    if current is None:
        raise NotFound()
    if action == "score":
        criterion, _, sub = post.get("key", "").partition(".")
        services.criterion_score_set(
            actor=request.user,
            score_id=current.pk,
            criterion_code=criterion,
            sub_code=sub,
            value=post.get("value", ""),
            justification=post.get("justification", ""),
        )
    elif action == "stages":
        services.stages_record(
            actor=request.user,
            score_id=current.pk,
            stage_a={k[2:]: v for k, v in post.items() if k.startswith("a:")},
            stage_b={k[2:]: v for k, v in post.items() if k.startswith("b:")},
            stage_a_notes=post.get("stage_a_notes", ""),
            stage_b_notes=post.get("stage_b_notes", ""),
        )
    elif action == "cut":
        services.budget_cut_add(
            actor=request.user,
            score_id=current.pk,
            line_id=int_or_none(post.get("line", "")) or 0,
            amount=post.get("amount", ""),
            reason=post.get("reason", ""),
        )
    elif action == "uncut":
        services.budget_cut_remove(actor=request.user, cut_id=int_or_none(post.get("cut", "")) or 0)
    elif action == "finalise":
        services.score_finalise(actor=request.user, score_id=current.pk)


def _ranking_context(request, committee, errors=None):
    runs = list(selectors.runs_for_committee(committee=committee)[:10])
    run = runs[0] if runs else None
    sheets = ComparativeScore.objects.filter(round=committee.round)
    return {
        "committee": committee,
        "call": committee.round.call,
        "run": run,
        "runs": runs,
        "opinion": getattr(run, "opinion", None) if run else None,
        "decisions": selectors.decisions_for_run(run) if run and run.state == "approved" else [],
        "is_chair": committee.chair_id == request.user.pk,
        "is_supervisor": selectors.is_supervisor(request.user),
        "finalised": sheets.filter(state=ComparativeScore.State.FINALISED).count(),
        "sheets": sheets.count(),
        "recommendations": Opinion.Recommendation.choices,
        "errors": errors or {},
        "error_items": _error_items(errors or {}, None),
        "posted": request.POST if errors else None,
    }


@login_required
def ranking(request, call_id):
    committee = _guard(selectors.committee_get_for_user, user=request.user, call_id=call_id)
    errors = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "compute":
                order = [
                    n
                    for x in request.POST.get("resolved_order", "").replace(" ", "").split(",")
                    if (n := int_or_none(x)) is not None
                ]
                services.ranking_compute(
                    actor=request.user,
                    call_id=call_id,
                    budget=request.POST.get("budget") or None,
                    resolved_order=order,
                    reason=request.POST.get("reason", ""),
                )
            elif action == "opinion":
                services.opinion_record(
                    actor=request.user,
                    run_id=int_or_none(request.POST.get("run", "")) or 0,
                    text=request.POST.get("text", ""),
                    recommendation=request.POST.get("recommendation", ""),
                )
            elif action == "approve" and not confirmed(request):
                return confirmation_page(
                    request,
                    title="Έγκριση αποτελεσμάτων αξιολόγησης",
                    caption=committee.round.call.title,
                    irreversible="Ο πίνακας κατάταξης εγκρίνεται οριστικά, εκδίδονται οι αποφάσεις για κάθε "
                    "πρόταση και ακολουθεί η κοινοποίησή τους (Πρόσκληση 004 §10.3)· "
                    "αλλάζει μόνο μετά από ενστάσεις.",
                    button="Έγκριση αποτελεσμάτων",
                    check_label="Επιβεβαιώνω την έγκριση των αποτελεσμάτων",
                    cancel_url=reverse("evaluation_comparative:ranking", args=[call_id]),
                )
            elif action == "approve":
                services.ranking_approve(
                    actor=request.user, run_id=int_or_none(request.POST.get("run", "")) or 0
                )
            else:
                raise Http404("Άγνωστη ενέργεια.")
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except ApplicationError as exc:
            errors = dict(exc.fields) if exc.fields else {}
            errors.setdefault("__all__", [exc.message])
        else:
            messages.success(request, "Η ενέργεια ολοκληρώθηκε.")
            return redirect("evaluation_comparative:ranking", call_id=call_id)
    return render(
        request,
        "evaluation/comparative/ranking.html",
        _ranking_context(request, committee, errors),
        status=400 if errors else 200,
    )


@login_required
def what_if(request, call_id):
    """htmx partial: the funding line for the budget typed in the what-if box."""
    _guard(selectors.committee_get_for_user, user=request.user, call_id=call_id)
    context = {"budget_text": request.GET.get("budget", "")}
    try:
        context["line"] = services.what_if(
            actor=request.user, call_id=call_id, budget=request.GET.get("budget", "")
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        context["error"] = (exc.fields.get("budget") or [exc.message])[0]
    return render(request, "evaluation/comparative/_what_if.html", context)


TABLE_TITLES = (
    ("funded", "Πίνακας 1: Αιτήσεις προς επιχορήγηση"),
    ("rejected", "Πίνακας 2: Αιτήσεις προς απόρριψη λόγω αρνητικής αξιολόγησης"),
    ("unfunded", "Πίνακας 3: Αιτήσεις προς απόρριψη λόγω εξάντλησης προϋπολογισμού"),
    ("tie", "Ισοβαθμία στο όριο: εκκρεμεί απόφαση της Επιτροπής"),
)
COLUMNS = (
    ("rank", "Σειρά"),
    ("code", "Κωδικός ΟΠΣΚΕ"),
    ("score", "Βαθμολογία"),
    ("eligible_budget", "Επιλέξιμος π/υ (€)"),
    ("total_budget", "Συνολικός π/υ (€)"),
    ("public_expenditure", "Δημόσια δαπάνη (€)"),
    ("cuts", "Τεκμηρίωση περικοπών"),
    ("reasons", "Λόγοι"),
)


AMOUNT_COLUMNS = {"eligible_budget", "total_budget", "public_expenditure"}


def _cell(row, key):
    """A cell of the PDF: amounts as «2.900.000,00 €», scores as «7,40» (opske.money)."""
    value = row.get(key)
    if isinstance(value, list):
        return "; ".join(value)
    if value in (None, ""):
        return ""
    if key in AMOUNT_COLUMNS:
        return format_eur(value)
    if key == "score":
        return format_number(value, 2)
    return value


def _xlsx_cell(row, key):
    """A cell of the XLSX: amounts and scores as numbers (formatted by the sheet), text as text."""
    value = row.get(key)
    if key in AMOUNT_COLUMNS or key == "score":
        return to_cents(value) if value not in (None, "") else None
    return _cell(row, key)


@login_required
def export_xlsx(request, run_id):
    run = _guard(selectors.run_get_for_user, user=request.user, run_id=run_id)
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for key, title in TABLE_TITLES:
        rows = run.outputs.get(key) or []
        if key == "tie" and not rows:
            continue
        ws = wb.create_sheet(title=f"Πίνακας {key}"[:31])
        ws.append([title])
        ws.append([label for _, label in COLUMNS])
        for row in rows:
            ws.append([_xlsx_cell(row, k) for k, _ in COLUMNS])
            for i, (k, _) in enumerate(COLUMNS, 1):
                if k in AMOUNT_COLUMNS:
                    ws.cell(row=ws.max_row, column=i).number_format = XLSX_EUR_FORMAT
                elif k == "score":
                    ws.cell(row=ws.max_row, column=i).number_format = "0.00"
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="katataxi-{run.round.call.code}-{run.number}.xlsx"'
    )
    return response


@login_required
def export_pdf(request, run_id):
    run = _guard(selectors.run_get_for_user, user=request.user, run_id=run_id)
    from opske.pdf import render_pdf

    tables = [
        {"title": title, "rows": [[_cell(r, k) for k, _ in COLUMNS] for r in run.outputs.get(key) or []]}
        for key, title in TABLE_TITLES
        if key != "tie" or run.outputs.get("tie")
    ]
    pdf = render_pdf(
        "evaluation/comparative/pdf/tables.html",
        {"run": run, "call": run.round.call, "tables": tables, "columns": [label for _, label in COLUMNS]},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="katataxi-{run.round.call.code}-{run.number}.pdf"'
    )
    return response
