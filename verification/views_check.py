"""Browser pages of the administrative verification: the staff queue, the check workspace of one
ΔΔΔ (take, checklist, sample, findings, report, approval, objection decision), one item's result,
the sample explanation, the report PDF, and the beneficiary's result page (accept or object).
Views read through selectors_check and write through services; a refusal is shown as the
service's Greek message and nothing typed is lost."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from accounts.permissions import role_required
from opske.confirm import confirmation_page, confirmed
from opske.errors import ApplicationError
from opske.forms import AmountField, AmountInput
from opske.ids import int_or_none
from opske.money import format_eur
from opske.views_util import or_404 as _or_404
from verification import selectors_check as sel
from verification import services
from verification.filters_check import CheckQueueFilterSet
from verification.models import ExpenditureItem, SampleExtension, VerificationRequest
from verification.rules import checks as rules
from verification.rules import item_sampling
from verification.services.checks import report_problems

S = VerificationRequest.State
STAFF = (Role.VERIFIER, Role.SUPERVISOR, Role.PROGRAMME_ADMIN, Role.AUDITOR)
PAGE_SIZE = 20


class ItemResultForm(forms.Form):
    eligible_amount = AmountField(
        label="Επιλέξιμο ποσό (€)",
        max_digits=14,
        widget=AmountInput(attrs={"class": "govgr-input govgr-input--width-10"}),
    )
    ineligible_reason = forms.CharField(
        label="Αιτιολογία μη επιλέξιμου ποσού",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "govgr-textarea"}),
    )
    correction_category = forms.ChoiceField(
        label="Κατηγορία ΔΚΔ (αν υπάρχει μη επιλέξιμο ποσό)",
        choices=list(rules.CORRECTION_CATEGORIES.items()),
        initial="1",
        widget=forms.Select(attrs={"class": "govgr-select"}),
    )
    reason = forms.CharField(
        label="Αιτιολόγηση της διόρθωσης",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "govgr-textarea"}),
    )


def _place(form, exc: ApplicationError) -> None:
    placed = False
    for field, msgs in exc.fields.items():
        if field in form.fields:
            for m in msgs:
                form.add_error(field, m)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


# --- staff queue --------------------------------------------------------------------------------


@role_required(*STAFF)
def check_queue(request):
    """Submitted ΔΔΔ to verify, with filters and pagination."""
    filterset = CheckQueueFilterSet(
        request.GET or None, queryset=sel.requests_for_checks(request.user), user=request.user
    )
    qs = filterset.qs if (not filterset.is_bound or filterset.is_valid()) else filterset.queryset.none()
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "verification/check/queue.html",
        {"page": page, "requests": page.object_list, "filter": filterset, "query": query.urlencode()},
    )


# --- the check workspace ------------------------------------------------------------------------


def _workspace_context(request, req, **extra):
    check = sel.check_of(req)
    user = request.user
    ctx = {
        "req": req,
        "op": req.operation,
        "check": check,
        "items": list(ExpenditureItem.objects.filter(request=req).order_by("category", "pk")),
        "is_my_check": bool(check and check.verifier_id == user.pk),
        "is_verifier": user.has_role(Role.VERIFIER),
        "is_supervisor": user.has_role(Role.SUPERVISOR),
        "answer_choices": list(rules.ANSWER_LABELS.items()),
        "scopes": SampleExtension.Scope.choices,
        "min_percent": None,
        "reduced_percents": [],
    }
    if req.state == S.SUBMITTED and user.has_role(Role.VERIFIER):
        from evaluation.selectors import users_who_evaluated

        ctx["conflict"] = rules.conflict_of_interest(user.pk, users_who_evaluated(req.operation.application))
    if check:
        answers = {a.code: a for a in check.answers.all()}
        posted = extra.pop("posted_answers", None)
        ctx["checklist_rows"] = [
            {
                "item": i,
                "answer": (posted or {}).get(i["code"], {}).get("answer")
                or (answers[i["code"]].answer if i["code"] in answers else ""),
                "note": (posted or {}).get(i["code"], {}).get("note")
                or (answers[i["code"]].note if i["code"] in answers else ""),
                "error": extra.get("checklist_errors", {}).get(i["code"], ""),
            }
            for i in check.checklist
        ]
        ctx["explanation"] = sel.sample_explanation(check)
        ctx["categories"] = sorted({i.category for i in ctx["items"]})
        ctx["findings"] = list(check.findings.select_related("item"))
        ctx["report"] = getattr(check, "report", None)
        ctx["problems"] = report_problems(req, check) if req.state == S.UNDER_CHECK else []
        params = item_sampling.SamplingParams.from_config(req.operation.call.config)
        ctx["min_percent"] = item_sampling.minimum_percent(len(ctx["items"]), params)
        ctx["reduced_percents"] = params.reduced_percents
        ctx["many_items_threshold"] = params.many_items_threshold
        ctx["objection"] = (
            getattr(req, "result_objection", None) if hasattr(req, "result_objection") else None
        )
    ctx.update(extra)
    return ctx


def _answers_from_post(post, check) -> dict:
    return {
        i["code"]: {"answer": post.get(f"answer_{i['code']}", ""), "note": post.get(f"note_{i['code']}", "")}
        for i in check.checklist
    }


def _confirm(request, req, *, title, irreversible, button, summary=None):
    return confirmation_page(
        request,
        title=title,
        caption=f"ΔΔΔ {req.seq} · {req.operation.code}",
        irreversible=irreversible,
        button=button,
        check_label="Επιβεβαιώνω την ενέργεια",
        cancel_url=reverse("verification:check-detail", args=[req.pk]),
        summary=summary,
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def check_detail(request, pk):
    req = _or_404(sel.request_get_for_staff, user=request.user, pk=pk)
    if request.method == "GET":
        return render(request, "verification/check/detail.html", _workspace_context(request, req))
    action = request.POST.get("action", "")
    post = request.POST
    here = redirect("verification:check-detail", pk=req.pk)
    extra: dict = {}
    try:
        if action == "take":
            if not confirmed(request):
                return _confirm(
                    request,
                    req,
                    title="Ανάληψη του αιτήματος για διοικητική επαλήθευση",
                    irreversible="Το αίτημα ανατίθεται σε εσάς· κανείς άλλος επαληθευτής δεν θα μπορεί να το αναλάβει.",  # noqa: E501
                    button="Ανάληψη",
                    summary=[("Πράξη", req.operation.code), ("Δηλωθέν ποσό", format_eur(req.declared_total))],
                )
            services.desk_check_take(actor=request.user, request_id=req.pk)
            messages.success(request, "Αναλάβατε το αίτημα για διοικητική επαλήθευση.")
            return here
        if action == "accept_no_check":
            if not confirmed(request):
                return _confirm(
                    request,
                    req,
                    title="Αποδοχή χωρίς διοικητική επαλήθευση",
                    irreversible="Το δηλωθέν ποσό γίνεται «αποδεκτό διαχείρισης» χωρίς έλεγχο (Ο.3 §4.3.1.Α).",  # noqa: E501
                    button="Αποδοχή χωρίς έλεγχο",
                    summary=[("Ποσό", format_eur(req.declared_total))],
                )
            services.request_accept_without_check(
                actor=request.user, request_id=req.pk, reason=post.get("reason", "")
            )
            messages.success(request, "Το αίτημα έγινε αποδεκτό χωρίς διοικητική επαλήθευση.")
            return here
        if action == "checklist":
            check = sel.check_of(req)
            answers = _answers_from_post(post, check) if check else {}
            extra["posted_answers"] = answers
            services.checklist_save(actor=request.user, request_id=req.pk, answers=answers)
            messages.success(request, "Η λίστα ελέγχου αποθηκεύτηκε.")
            return here
        if action == "draw":
            percent = _percent(post.get("percent", ""))
            items_categories = sorted(
                set(ExpenditureItem.objects.filter(request=req).values_list("category", flat=True))
            )
            per_category = {
                c: _percent(post.get(f"percent_{n}", ""), field="category_percents")
                for n, c in enumerate(items_categories, 1)
            }
            marked = [n for x in post.getlist("marked") if (n := int_or_none(x)) is not None]
            if not confirmed(request):
                return _confirm(
                    request,
                    req,
                    title="Επιλογή δείγματος δαπανών",
                    irreversible="Το δείγμα επιλέγεται μία φορά με αποθηκευμένο σπόρο· μετά μόνο επεκτείνεται με αιτιολόγηση.",  # noqa: E501
                    button="Επιλογή δείγματος",
                    summary=[
                        ("Ποσοστό", f"{percent}%" if percent is not None else "ελάχιστο του κανόνα"),
                        ("Επισημασμένες ως ασυνήθιστες", str(len(marked))),
                    ],
                )
            services.sample_draw(
                actor=request.user,
                request_id=req.pk,
                percent=percent,
                justification=post.get("justification", ""),
                marked=marked,
                category_percents=per_category,
            )
            messages.success(request, "Το δείγμα επιλέχθηκε.")
            return redirect("verification:check-sample", pk=req.pk)
        if action == "extend":
            services.sample_extend(
                actor=request.user,
                request_id=req.pk,
                scope=post.get("scope", ""),
                categories=post.getlist("categories"),
                reason=post.get("reason", ""),
            )
            messages.success(request, "Το δείγμα επεκτάθηκε.")
            return redirect("verification:check-sample", pk=req.pk)
        if action == "finding":
            services.finding_add(
                actor=request.user,
                request_id=req.pk,
                text=post.get("text", ""),
                item_id=post.get("item") or None,
                provisions=post.get("provisions", ""),
                irregularity=post.get("irregularity") == "on",
            )
            messages.success(request, "Το εύρημα καταχωρίστηκε.")
            return here
        if action == "draft":
            if not confirmed(request):
                return _confirm(
                    request,
                    req,
                    title="Σύνταξη της έκθεσης επαλήθευσης",
                    irreversible="Η έκθεση υποβάλλεται για έγκριση σε ιεραρχικά ανώτερο πρόσωπο· δεν αλλάζει πια από εσάς, εκτός αν σας επιστραφεί.",  # noqa: E501
                    button="Σύνταξη και υποβολή για έγκριση",
                )
            services.report_draft(
                actor=request.user,
                request_id=req.pk,
                conclusions=post.get("conclusions", ""),
                systemic_assessment=post.get("systemic_assessment", ""),
            )
            messages.success(request, "Η έκθεση συντάχθηκε και υποβλήθηκε για έγκριση.")
            return here
        if action == "approve":
            report = req.desk_check.report
            if not confirmed(request):
                return _confirm(
                    request,
                    req,
                    title="Έγκριση της έκθεσης επαλήθευσης",
                    irreversible="Το αποτέλεσμα κοινοποιείται στον δικαιούχο και αρχίζει η προθεσμία αντιρρήσεων.",  # noqa: E501
                    button="Έγκριση και κοινοποίηση",
                    summary=[
                        ("Δηλωθέν", format_eur(report.declared_total)),
                        ("Διορθώσεις (ΔΚΔ)", format_eur(report.corrections_total)),
                        ("Αποδεκτό διαχείρισης", format_eur(report.accepted_total)),
                    ],
                )
            services.report_approve(actor=request.user, request_id=req.pk)
            messages.success(request, "Η έκθεση εγκρίθηκε και το αποτέλεσμα κοινοποιήθηκε στον δικαιούχο.")
            return here
        if action == "return":
            services.report_return(actor=request.user, request_id=req.pk, reason=post.get("reason", ""))
            messages.success(request, "Η έκθεση επιστράφηκε στον επαληθευτή.")
            return here
        if action == "decide_objection":
            accepted = post.get("accepted")
            if accepted not in ("yes", "no"):
                raise _field_error("accepted", "Επιλέξτε αν οι αντιρρήσεις γίνονται δεκτές.")
            changes = {}
            if accepted == "yes":
                for item in ExpenditureItem.objects.filter(request=req, check_result__isnull=False):
                    raw = post.get(f"eligible_{item.pk}", "").strip()
                    if raw:
                        from opske.money import parse_amount

                        changes[item.pk] = (parse_amount(raw), post.get(f"category_{item.pk}", "1"))
            if not confirmed(request):
                return _confirm(
                    request,
                    req,
                    title="Απόφαση επί των αντιρρήσεων",
                    irreversible="Η απόφαση κοινοποιείται στον δικαιούχο και το αίτημα ολοκληρώνεται.",
                    button="Καταχώριση απόφασης",
                    summary=[
                        ("Αντιρρήσεις", "Γίνονται δεκτές" if accepted == "yes" else "Απορρίπτονται"),
                        ("Αιτιολόγηση", post.get("reasons", "")),
                    ],
                )
            services.objection_decide(
                actor=request.user,
                request_id=req.pk,
                accepted=accepted == "yes",
                reasons=post.get("reasons", ""),
                item_changes=changes,
            )
            messages.success(request, "Η απόφαση επί των αντιρρήσεων καταχωρίστηκε.")
            return here
        raise _field_error("action", "Άγνωστη ενέργεια.")
    except ApplicationError as exc:
        extra["error"] = exc.message
        extra["status"] = exc.http_status
        extra["field_errors"] = {k: v[0] for k, v in exc.fields.items()}
        if action == "checklist":
            extra["checklist_errors"] = extra["field_errors"]
        extra["posted"] = post
        req.refresh_from_db()
        return render(
            request,
            "verification/check/detail.html",
            _workspace_context(request, req, **extra),
            status=extra.pop("status", 400),
        )


def _field_error(field, message):
    from opske.errors import ValidationFailed

    return ValidationFailed(message, fields={field: [message]})


def _percent(raw: str, field: str = "percent") -> Decimal | None:
    raw = (raw or "").strip().replace(",", ".").rstrip("%")
    if not raw:
        return None
    try:
        return Decimal(raw)
    except Exception:
        raise _field_error(field, "Γράψτε το ποσοστό ως αριθμό, π.χ. 20 ή 22,5.") from None


@role_required(*STAFF)
def check_sample(request, pk):
    """Why each item is in the sample, and the coverage per category."""
    req = _or_404(sel.request_get_for_staff, user=request.user, pk=pk)
    check = sel.check_of(req)
    if check is None:
        raise Http404("Το αίτημα δεν έχει αναληφθεί.")
    return render(
        request,
        "verification/check/sample.html",
        {"req": req, "op": req.operation, "check": check, "explanation": sel.sample_explanation(check)},
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def check_item(request, pk, item_pk):
    """One sampled item: the verifier records its result; the approver corrects it with reasons."""
    req = _or_404(sel.request_get_for_staff, user=request.user, pk=pk)
    item = ExpenditureItem.objects.filter(pk=item_pk, request=req).first()
    check = sel.check_of(req)
    if item is None or check is None:
        raise Http404("Η δαπάνη δεν βρέθηκε.")
    result = getattr(item, "check_result", None) if hasattr(item, "check_result") else None
    correcting = req.state == S.REPORT_DRAFTED
    initial = {}
    if result:
        initial = {
            "eligible_amount": result.eligible_amount,
            "ineligible_reason": result.reason,
            "correction_category": result.correction_category,
        }
    form = ItemResultForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if correcting:
                services.report_correct(
                    actor=request.user,
                    request_id=req.pk,
                    item_id=item.pk,
                    eligible_amount=data["eligible_amount"],
                    reason=data["reason"],
                    ineligible_reason=data["ineligible_reason"],
                    correction_category=data["correction_category"],
                )
                messages.success(request, "Η διόρθωση της έκθεσης καταχωρίστηκε και η έκθεση αναπαράχθηκε.")
            else:
                services.item_result_record(
                    actor=request.user,
                    request_id=req.pk,
                    item_id=item.pk,
                    eligible_amount=data["eligible_amount"],
                    ineligible_reason=data["ineligible_reason"],
                    correction_category=data["correction_category"],
                )
                messages.success(request, f"Το αποτέλεσμα της δαπάνης {item.document_number} καταχωρίστηκε.")
            return redirect("verification:check-detail", pk=req.pk)
        except ApplicationError as exc:
            _place(form, exc)
    return render(
        request,
        "verification/check/item.html",
        {
            "req": req,
            "op": req.operation,
            "item": item,
            "result": result,
            "form": form,
            "correcting": correcting,
            "check": check,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET"])
def report_pdf(request, pk):
    """The report's PDF: staff always; the beneficiary once approved."""
    if sel.can_read_checks(request.user):
        req = _or_404(sel.request_get_for_staff, user=request.user, pk=pk)
    else:
        req = _or_404(sel.request_get_for_beneficiary, user=request.user, pk=pk)
    check = sel.check_of(req)
    report = getattr(check, "report", None) if check else None
    if report is None or (not sel.can_read_checks(request.user) and not report.approved_at):
        raise Http404("Η έκθεση δεν βρέθηκε.")
    document = report.document
    if document is not None and document.state == "ready" and document.file:
        return redirect("opske:document-download", pk=document.pk)
    from opske.pdf import render_pdf
    from verification.services.checks import REPORT_TEMPLATE, report_context

    data = render_pdf(REPORT_TEMPLATE, report_context(req))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ekthesi-epalithefsis-{req.pk}.pdf"'
    return response


# --- the beneficiary ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def beneficiary_result(request, pk):
    """The result served on the beneficiary: accept in the portal or object within the window."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    req = _or_404(sel.request_get_for_beneficiary, user=request.user, pk=pk)
    error, field_errors, status = "", {}, 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                if not confirmed(request):
                    return confirmation_page(
                        request,
                        title="Αποδοχή του αποτελέσματος επαλήθευσης",
                        caption=f"ΔΔΔ {req.seq}",
                        irreversible="Με την αποδοχή παραιτείστε από το δικαίωμα υποβολής αντιρρήσεων (Πρόσκληση 004 §11.1.Γ).",  # noqa: E501
                        button="Αποδοχή",
                        check_label="Αποδέχομαι το αποτέλεσμα",
                        cancel_url=reverse("verification:beneficiary-result", args=[req.pk]),
                        summary=[("Αποδεκτό διαχείρισης", format_eur(req.accepted_total))],
                    )
                services.result_accept(actor=request.user, request_id=req.pk)
                messages.success(
                    request,
                    f"Αποδεχθήκατε το αποτέλεσμα στις {timezone.localtime():%d/%m/%Y %H:%M}. "
                    "Το αποδεικτικό καταχωρίστηκε στο ιστορικό του αιτήματος.",
                )
                return redirect("verification:beneficiary-result", pk=req.pk)
            if action == "object":
                text = request.POST.get("text", "")
                if not text.strip():
                    raise _field_error("text", "Γράψτε τις αντιρρήσεις σας.")
                if not confirmed(request):
                    return confirmation_page(
                        request,
                        title="Υποβολή αντιρρήσεων",
                        caption=f"ΔΔΔ {req.seq}",
                        irreversible="Οι αντιρρήσεις υποβάλλονται μία φορά και εξετάζονται από την υπηρεσία.",
                        button="Υποβολή αντιρρήσεων",
                        check_label="Υποβάλλω τις αντιρρήσεις",
                        cancel_url=reverse("verification:beneficiary-result", args=[req.pk]),
                        summary=[("Αντιρρήσεις", text)],
                    )
                obj = services.result_object(actor=request.user, request_id=req.pk, text=text)
                messages.success(
                    request,
                    f"Οι αντιρρήσεις σας υποβλήθηκαν στις {timezone.localtime(obj.filed_at):%d/%m/%Y %H:%M} "
                    f"(αριθμός καταχώρισης {obj.pk}).",
                )
                return redirect("verification:beneficiary-result", pk=req.pk)
            raise _field_error("action", "Άγνωστη ενέργεια.")
        except ApplicationError as exc:
            error, field_errors = exc.message, {k: v[0] for k, v in exc.fields.items()}
            status = exc.http_status
            req.refresh_from_db()
    check = sel.check_of(req)
    report = getattr(check, "report", None) if check else None
    return render(
        request,
        "verification/check/result.html",
        {
            "req": req,
            "op": req.operation,
            "check": check,
            "report": report if report and report.approved_at else None,
            "explanation": sel.sample_explanation(check) if check and report and report.approved_at else None,
            "objection": getattr(req, "result_objection", None) if hasattr(req, "result_objection") else None,
            "error": error,
            "field_errors": field_errors,
            "posted": request.POST,
        },
        status=status if error else 200,
    )
