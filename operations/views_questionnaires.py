"""Pages of the participant questionnaires (ΚΥΑ 7066 Art. 7.4, Annex 6): thin views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from operations import selectors_questionnaires as selectors
from operations.filters_questionnaires import QuestionnaireFilter
from operations.forms_questionnaires import CATEGORY_LABELS, LEVEL_LABELS, QuestionnaireForm
from operations.models import ParticipantQuestionnaire
from operations.rules.questionnaires import exit_due_on
from operations.services.questionnaires import can_record, questionnaire_record
from opske.errors import ApplicationError, NotFound, PermissionDenied


def _operation(request, pk):
    try:
        return selectors.operation_for_questionnaires(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def questionnaire_list(request, operation_pk):
    operation = _operation(request, operation_pk)
    qs = selectors.questionnaires_of(operation)
    filters = QuestionnaireFilter(request.GET or None, queryset=qs)
    page = Paginator(filters.qs if filters.is_bound else qs, 25).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "operations/questionnaires/list.html",
        {
            "operation": operation,
            "filters": filters,
            "page": page,
            "rows": [(q, selectors.mask_amka(q.amka)) for q in page],
            "query": params.urlencode(),
            "summary": selectors.questionnaire_summary(operation),
            "can_record": can_record(request.user, operation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_new(request, operation_pk, kind):
    operation = _operation(request, operation_pk)
    if kind not in ParticipantQuestionnaire.Kind.values:
        raise Http404
    if not can_record(request.user, operation):
        return render(
            request,
            "errors/403.html",
            {"message": "Τα απογραφικά δελτία καταχωρίζει η δικαιούχος επιχείρηση."},
            status=403,
        )
    form = QuestionnaireForm(
        request.POST or None, request.FILES or None, kind=kind, initial={"amka": request.GET.get("amka", "")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            q = questionnaire_record(
                actor=request.user,
                operation_id=operation.pk,
                amka=data["amka"],
                kind=kind,
                participation_date=data["participation_date"],
                completed_on=data["completed_on"],
                answers=form.answers(),
                document=data.get("document"),
            )
        except ApplicationError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            if exc.fields:
                for name, msgs in exc.fields.items():
                    for m in msgs:
                        form.add_error(name if name in form.fields else None, m)
            else:
                form.add_error(None, exc.message)
        else:
            messages.success(request, f"Καταχωρίστηκε το {q.get_kind_display().lower()}.")
            return redirect("operations:questionnaire-detail", operation_pk=operation.pk, pk=q.pk)
    return render(
        request,
        "operations/questionnaires/form.html",
        {
            "operation": operation,
            "form": form,
            "kind": kind,
            "title": ParticipantQuestionnaire.Kind(kind).label,
        },
    )


@login_required
def questionnaire_detail(request, operation_pk, pk):
    """The receipt of a recorded questionnaire (its answers, who recorded it and when)."""
    operation = _operation(request, operation_pk)
    q = selectors.questionnaires_of(operation).filter(pk=pk).select_related("recorded_by").first()
    if q is None:
        raise Http404
    answers = q.answers or {}
    return render(
        request,
        "operations/questionnaires/detail.html",
        {
            "operation": operation,
            "q": q,
            "categories": [CATEGORY_LABELS.get(c, c) for c in answers.get("education_categories", [])],
            "level": LEVEL_LABELS.get(answers.get("education_level", ""), ""),
            "exit_due": exit_due_on(q.participation_date) if q.kind == "exit" else None,
            "has_exit": q.kind == "entry"
            and selectors.questionnaires_of(operation).filter(amka=q.amka, kind="exit").exists(),
            "can_record": can_record(request.user, operation),
        },
    )
