"""Browser UI for calls: the public list and call page, and the programme administrators' editor.

Views are thin: they read through selectors, validate with forms and write through services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from calls import selectors, services
from calls.filters import CallFilterSet
from calls.forms import (
    SECTION_FORMS,
    AmendmentMetaForm,
    ArchiveForm,
    CallMainForm,
    GapForm,
    KadListForm,
    PublishForm,
    formset_rows,
    section_formset,
)
from calls.models import Call
from calls.versioning import SECTIONS, diff_snapshots
from opske.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from opske.search import filter_folded

PAGE_SIZE = 10


# --- public -----------------------------------------------------------------------------------


def call_list(request):
    filterset = CallFilterSet(request.GET or None, queryset=selectors.call_list_public())
    if filterset.is_bound and not filterset.is_valid():
        qs = selectors.call_list_public().none()
    else:
        qs = filterset.qs
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "calls/list.html",
        {"filter": filterset, "page": page, "calls": page.object_list, "querystring": query.urlencode()},
    )


def _public_call_or_404(code):
    try:
        return selectors.call_get_public(code=code)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def call_detail(request, code):
    call = _public_call_or_404(code)
    versions = list(call.versions.all())
    return render(
        request,
        "calls/detail.html",
        {
            "call": call,
            "pools": list(call.pools.all()),
            "versions": versions,
            "amendments": [v for v in versions if v.number > 1],
        },
    )


def call_pools_partial(request, code):
    """The live remaining budget per pool, polled by htmx every ~10 s on FCFS call pages."""
    try:
        call, pools = selectors.call_pools_public(code=code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "calls/_pools.html", {"call": call, "pools": pools})


# --- staff ------------------------------------------------------------------------------------


def _require_admin(request):
    if not services.can_administer_calls(request.user):
        raise PermissionDenied("Μόνο οι διαχειριστές προγράμματος διαχειρίζονται προσκλήσεις.")


def _admin_call(request, pk) -> Call:
    try:
        return selectors.call_get_for_admin(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _forbidden(request, exc):
    return render(request, "errors/403.html", {"message": exc.message}, status=403)


@login_required
def manage_list(request):
    try:
        _require_admin(request)
    except ApplicationError as exc:
        return _forbidden(request, exc)
    qs = selectors.call_list_for_admin(user=request.user)
    status = request.GET.get("status")
    if status in Call.Status.values:
        qs = qs.filter(status=status)
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = filter_folded(qs, "search_text", q)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "calls/manage/list.html",
        {"page": page, "statuses": Call.Status.choices, "status": status, "q": q},
    )


def _initial_rows(call, section):
    if call is None:
        return []
    related, _keys, _values = SECTIONS.get(section, (section, (), ()))
    _title, form_class = SECTION_FORMS[section]
    names = list(form_class.base_fields)
    rows = []
    for obj in getattr(call, related).all():
        row = {n: getattr(obj, n) for n in names if n != "pool" and hasattr(obj, n)}
        if section == "areas":
            row["pool"] = obj.pool.code if obj.pool_id else ""
        rows.append(row)
    return rows


def _bump_rows(data, section):
    data = data.copy()
    key = f"{section}-TOTAL_FORMS"
    data[key] = str(int(data.get(key, "0") or 0) + 1)
    return data


def _apply_service_errors(exc: ValidationFailed, main_form, request):
    placed = False
    for field, msgs in exc.fields.items():
        if field in main_form.fields:
            for msg in msgs:
                main_form.add_error(field, msg)
            placed = True
        else:
            label = SECTION_FORMS.get(field, (field,))[0] if field in SECTION_FORMS else field
            for msg in msgs:
                main_form.add_error(None, f"{label}: {msg}" if field != "__all__" else msg)
            placed = True
    if not placed or exc.message:
        messages.error(request, exc.message)


@login_required
@require_http_methods(["GET", "POST"])
def call_editor(request, pk=None, mode="create"):
    """Create a draft, edit a draft, or prepare an amendment of a published call (same form)."""
    try:
        _require_admin(request)
    except ApplicationError as exc:
        return _forbidden(request, exc)
    call = _admin_call(request, pk) if pk else None
    if call is not None and mode == "edit" and call.status != Call.Status.DRAFT:
        return redirect("calls:manage-amend", pk=call.pk)
    if call is not None and mode == "amend" and call.status != Call.Status.PUBLISHED:
        messages.error(request, "Τροποποιείται μόνο δημοσιευμένη πρόσκληση.")
        return redirect("calls:manage-list")

    data = request.POST if request.method == "POST" else None
    add_section = request.POST.get("add_row") if data is not None else None
    if add_section in SECTION_FORMS:
        data = _bump_rows(data, add_section)
    method = (data or {}).get("evaluation_method") or (call.evaluation_method if call else "fcfs_direct")
    main = CallMainForm(data, instance=call or Call(), creating=call is None)
    gaps = GapForm(data, method=method, current=(call.config or {}).get("gaps") if call else None)
    kad = KadListForm(data, request.FILES if data is not None else None)
    # A bound formset is read from the posted rows only: with initial data as well, a posted row
    # identical to its initial value would count as "unchanged" and be dropped.
    formsets = {
        s: section_formset(s, data=data, initial=None if data is not None else _initial_rows(call, s))
        for s in SECTION_FORMS
    }
    meta = AmendmentMetaForm(data) if mode == "amend" else None

    if data is not None and not add_section:
        forms_ok = all(
            [main.is_valid(), gaps.is_valid(), kad.is_valid(), *(f.is_valid() for f in formsets.values())]
            + ([meta.is_valid()] if meta else [])
        )
        if forms_ok:
            fields = main.service_fields()
            fields["config"] = {**fields.get("config", {}), "gaps": gaps.gaps()}
            children = {s: formset_rows(f) for s, f in formsets.items()}
            kad_rows = kad.rows()
            if kad_rows is not None:
                children["kad_rules"] = kad_rows
            try:
                if call is None:
                    call = services.call_create(
                        actor=request.user,
                        programme_id=main.cleaned_data["programme"].pk,
                        code=main.cleaned_data["code"],
                        fields=fields,
                        children=children,
                    )
                    messages.success(request, "Το σχέδιο της πρόσκλησης δημιουργήθηκε.")
                elif mode == "amend":
                    version = services.call_amend(
                        actor=request.user,
                        call_id=call.pk,
                        reason=meta.cleaned_data["reason"],
                        label=meta.cleaned_data["label"],
                        decision_ref=meta.cleaned_data["decision_ref"],
                        fields=fields,
                        children=children,
                    )
                    messages.success(request, f"Η τροποποίηση δημοσιεύθηκε ως έκδοση {version.number}.")
                    return redirect("calls:manage-versions", pk=call.pk)
                else:
                    services.call_update_draft(
                        actor=request.user, call_id=call.pk, fields=fields, children=children
                    )
                    messages.success(request, "Οι αλλαγές αποθηκεύτηκαν.")
                return redirect("calls:manage-edit", pk=call.pk)
            except ValidationFailed as exc:
                _apply_service_errors(exc, main, request)
            except ApplicationError as exc:
                messages.error(request, exc.message)
        else:
            messages.error(request, "Διορθώστε τα σημειωμένα πεδία.")

    return render(
        request,
        "calls/manage/editor.html",
        {
            "call": call,
            "mode": mode,
            "main": main,
            "gaps": gaps,
            "kad": kad,
            "meta": meta,
            "sections": [(s, SECTION_FORMS[s][0], formsets[s]) for s in SECTION_FORMS],
            "kad_count": call.kad_rules.count() if call else 0,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_publish(request, pk):
    try:
        _require_admin(request)
    except ApplicationError as exc:
        return _forbidden(request, exc)
    call = _admin_call(request, pk)
    form = PublishForm(request.POST or None)
    problems = services.publish_problems(call) if call.status == Call.Status.DRAFT else {}
    if request.method == "POST" and form.is_valid():
        try:
            version = services.call_publish(
                actor=request.user,
                call_id=call.pk,
                reason=form.cleaned_data["reason"],
                decision_ref=form.cleaned_data["decision_ref"],
            )
            messages.success(request, f"Η πρόσκληση δημοσιεύθηκε (έκδοση {version.number}).")
            return redirect("calls:detail", code=call.code)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            problems = exc.fields or problems
    return render(request, "calls/manage/publish.html", {"call": call, "form": form, "problems": problems})


@login_required
@require_http_methods(["GET", "POST"])
def call_archive(request, pk):
    try:
        _require_admin(request)
    except ApplicationError as exc:
        return _forbidden(request, exc)
    call = _admin_call(request, pk)
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_archive(actor=request.user, call_id=call.pk, reason=form.cleaned_data["reason"])
            messages.success(request, "Η πρόσκληση αρχειοθετήθηκε.")
            return redirect("calls:manage-list")
        except ApplicationError as exc:
            messages.error(request, exc.message)
    return render(request, "calls/manage/archive.html", {"call": call, "form": form})


@login_required
def call_versions(request, pk):
    """Version history with the field-by-field diff of each version against the previous one."""
    try:
        _require_admin(request)
    except ApplicationError as exc:
        return _forbidden(request, exc)
    call = _admin_call(request, pk)
    versions = selectors.call_versions(call=call)
    history = []
    previous = None
    for version in versions:
        history.append(
            {"version": version, "changes": diff_snapshots(previous, version.snapshot) if previous else []}
        )
        previous = version.snapshot
    history.reverse()
    return render(request, "calls/manage/versions.html", {"call": call, "history": history})


def manage_url(call) -> str:
    return reverse("calls:manage-edit", kwargs={"pk": call.pk})
