"""Browser UI of applications: thin views over the services, htmx autosave per step.

Every step posts to the same view: with htmx (autosave on change) the answer is a small «saved»
partial; without it (the «Αποθήκευση και συνέχεια» button) a redirect to the next step. A failed
save keeps what the applicant typed and shows the service's Greek message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from applications import attachments as attachment_services
from applications import rules, selectors, services
from applications.filters import ApplicationFilter
from applications.models import Application, ClusterPartner, Position, RegistrySnapshot
from applications.selectors import STAFF_READ_ROLES
from calls.models import Call, RequiredAttachment
from interop.waiting import open_waits_for
from opske.db import retry_transient
from opske.errors import ApplicationError, NotFound
from opske.ids import int_or_none
from opske.pagination import IdsFirstPaginator
from opske.views_util import paginate

STEPS_BY_KIND = {
    Application.Kind.BUSINESS: [
        ("general", _("Στοιχεία αιτούντος")),
        ("positions", _("Θέσεις προς κάλυψη")),
        ("de_minimis", _("Δήλωση de minimis")),
        ("declarations", _("Δηλώσεις")),
    ],
    Application.Kind.CLUSTER: [
        ("general", _("Φορέας σχηματισμού")),
        ("partners", _("Εταίροι")),
        ("budget", _("Προϋπολογισμός")),
        ("de_minimis", _("Δήλωση de minimis")),
        ("declarations", _("Δηλώσεις")),
    ],
    Application.Kind.NATURAL_PERSON: [
        ("person", _("Στοιχεία αίτησης")),
        ("general", _("Επικοινωνία")),
        ("declarations", _("Δηλώσεις")),
    ],
}


ATTACHMENTS_STEP = ("attachments", _("Επισυναπτόμενα"))


def _get(request, pk) -> Application:
    try:
        return selectors.application_get_for_user(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _steps(app: Application) -> list[tuple[str, str]]:
    steps = STEPS_BY_KIND[app.kind]
    if app.call.aid_regime != Call.AidRegime.DE_MINIMIS:
        steps = [s for s in steps if s[0] != "de_minimis"]
    if app.call.attachments.filter(stage=RequiredAttachment.Stage.APPLICATION).exists():
        # Documents come last before the declarations, as in the call's Annex (ΚΥΑ 7066 Παρ. 1).
        at = next((i for i, (s, _) in enumerate(steps) if s == "declarations"), len(steps))
        steps = [*steps[:at], ATTACHMENTS_STEP, *steps[at:]]
    return steps


def _rows(post, prefix: str, names: tuple[str, ...]) -> list[dict]:
    """Table rows posted as parallel lists (`positions-specialty`, ...); blank rows are dropped."""
    columns = {n: post.getlist(f"{prefix}-{n}") for n in names}
    count = max((len(v) for v in columns.values()), default=0)
    rows = []
    for i in range(count):
        row = {n: (columns[n][i] if i < len(columns[n]) else "").strip() for n in names}
        if any(v for k, v in row.items() if k not in ("persons", "category", "kind", "dissemination")):
            rows.append(row)
    return rows


POSITION_FIELDS = (
    "specialty",
    "qualifications",
    "category",
    "persons",
    "place_label",
    "place_region",
    "place_regional_unit",
    "place_municipality",
)


TABLES = {
    "positions": ("positions", POSITION_FIELDS, {"persons": 1}),
    "partners": ("partners", ("afm", "name", "kind", "size"), {}),
    "budget": ("lines", ("category", "description", "total_amount", "amount", "research_type"), {}),
    "de_minimis": ("grants", ("grantor", "regulation", "date", "amount"), {}),
}


def _payload(step: str, post) -> dict:
    if step == "general":
        return {
            "title": post.get("title", ""),
            "email": post.get("email", ""),
            "cluster": {"type": post.get("cluster_type", ""), "sector": post.get("cluster_sector", "")},
        }
    if step == "positions":
        return {"positions": _rows(post, "positions", POSITION_FIELDS)}
    if step == "de_minimis":
        return {
            "declared": post.get("declared") == "on",
            "grants": _rows(post, "grants", ("grantor", "regulation", "date", "amount")),
        }
    if step == "partners":
        return {"partners": _rows(post, "partners", ("afm", "name", "kind", "size"))}
    if step == "budget":
        rows = _rows(post, "lines", ("category", "description", "total_amount", "amount", "research_type"))
        return {
            "lines": [r for r in rows if r.get("category")],
            "enterprise_size": post.get("enterprise_size", ""),
        }
    if step == "person":
        return {
            "education": post.get("education", ""),
            "placement_preferences": [p for p in post.getlist("placement_preferences") if p],
            "minor_children": post.get("minor_children", ""),
            "individual_income": post.get("individual_income", ""),
            "family_income": post.get("family_income", ""),
            "greek_cert_level": post.get("greek_cert_level", ""),
            "greek_cert_issuer": post.get("greek_cert_issuer", ""),
            "greek_cert_number": post.get("greek_cert_number", ""),
            "omogenis": post.get("omogenis") == "on",
            "omogenis_proof": post.get("omogenis_proof", ""),
        }
    return {"solemn": post.get("solemn") == "on", "data_processing": post.get("data_processing") == "on"}


def _registry_context(app: Application) -> dict:
    snaps = {s.registry: s for s in app.registry_snapshots.all()}
    deminimis = snaps.get("deminimis")
    ctx = {"snapshots": snaps}
    if deminimis and deminimis.status == "ok":
        ceiling = (app.call.config or {}).get("de_minimis_ceiling") or rules.DE_MINIMIS_CEILING
        prior = deminimis.data.get("total_gge") or "0"
        if "awards" in deminimis.data:  # what counts towards the €300,000 (SGEI aid does not)
            prior = (
                rules.de_minimis_cumulation(
                    requested=0,
                    aids=rules.prior_aids(registry_awards=deminimis.data["awards"]),
                    as_on=timezone.localdate(),
                    general_ceiling=ceiling,
                )
                .lines[0]
                .prior
            )
        ctx["de_minimis_prior"] = rules.fmt_eur(prior)
        ctx["de_minimis_headroom"] = rules.fmt_eur(rules.de_minimis_headroom(prior, ceiling))
    ergani = snaps.get("ergani")
    if ergani and ergani.status == "ok":
        ctx["headcount"] = ergani.data.get("headcount")
    expected = {"aade", "deminimis"} if app.business_id else {"dypa"}
    if app.business_id and app.call.aid_regime != Call.AidRegime.DE_MINIMIS:
        expected.discard("deminimis")
    missing = expected - set(snaps)
    # A registry that is down has its own wait (retried by beat): named on the panel, polled
    # slowly. While the prefill itself is owed (sent, or to be re-sent by the outbox sweep) the
    # panel polls often; once every registry answered, it stops.
    names = dict(RegistrySnapshot.Registry.choices)
    ctx["registry_waits"] = [
        {"name": names.get(w.registry, w.registry), "wait": w}
        for w in (open_waits_for(app) if missing else [])
        if w.registry in missing
    ]
    ctx["registry_pending"] = bool(missing)
    ctx["registry_poll_seconds"] = 3 if app.registry_prefill_requested_at or not ctx["registry_waits"] else 30
    return ctx


# --- applicant pages -----------------------------------------------------------------------------


@login_required
def my_applications(request):
    applications = selectors.applications_for_user(request.user)
    open_calls = Call.objects.open_at().select_related("programme").order_by("submission_closes_at")
    return render(
        request, "applications/my_list.html", {"applications": applications, "open_calls": open_calls}
    )


@login_required
@require_POST
def application_start(request, call_pk):
    try:
        app = services.application_create(
            actor=request.user, call_id=call_pk, business_afm=request.POST.get("business_afm", "")
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("applications:mine")
    messages.success(request, "Η αίτηση δημιουργήθηκε· αποθηκεύεται αυτόματα καθώς τη συμπληρώνετε.")
    return redirect("applications:step", pk=app.pk, step=_steps(app)[0][0])


@login_required
def application_detail(request, pk):
    app = _get(request, pk)
    roles = services.applicant_roles(request.user, app)
    return render(
        request,
        "applications/detail.html",
        {
            "app": app,
            "steps": _steps(app),
            "can_withdraw": "self" in roles or bool(roles & services.WITHDRAW_ROLES),
            "submissions": app.submissions.order_by("submitted_at"),
            "preference_services": _preference_names(app),
            # Call 004: plan, subsidised budget, aid and private participation (§6.5.1, §7.4).
            "budget": services.budget_summary(services.budget_check(app))
            if app.kind == Application.Kind.CLUSTER and app.budget_lines.exists()
            else None,
            **_registry_context(app),
        },
    )


def _preference_names(app: Application) -> list[str]:
    """A person's placement preferences by name, in their order (codes are not shown to people)."""
    if app.kind != Application.Kind.NATURAL_PERSON:
        return []
    names = dict(app.call.placement_services.values_list("code", "name"))
    return [names.get(code, code) for code in app.placement_preferences or []]


@login_required
def application_registry(request, pk):
    """The registry panel, polled by htmx while an answer is still awaited."""
    app = _get(request, pk)
    return render(request, "applications/_registry.html", {"app": app, **_registry_context(app)})


@login_required
def application_step(request, pk, step):
    app = _get(request, pk)
    steps = _steps(app)
    names = [s for s, _ in steps]
    if step not in names:
        raise Http404("Άγνωστο βήμα.")
    if step == ATTACHMENTS_STEP[0]:
        return _attachments_page(request, app, steps)
    errors: dict = {}
    posted = None
    step_problems: list = []
    if request.method == "POST":
        try:
            services.application_save_step(
                actor=request.user, application_id=app.pk, step=step, payload=_payload(step, request.POST)
            )
        except ApplicationError as exc:
            errors = exc.fields or {"__all__": [exc.message]}
            if not exc.fields:
                errors = {"__all__": [exc.message]}
            posted = request.POST
            if request.headers.get("HX-Request"):
                return render(request, "applications/_saved.html", {"errors": errors}, status=200)
        else:
            # Saved: now check what this step can fix, with the final submission's own rules.
            app = _get(request, pk)
            found = services.step_problems(app, step)
            if request.headers.get("HX-Request"):
                return render(
                    request,
                    "applications/_saved.html",
                    {"saved_at": timezone.localtime(), "step_problems": found},
                )
            if found:
                step_problems = found
                messages.warning(
                    request,
                    "Τα στοιχεία αποθηκεύτηκαν, αλλά το βήμα θέλει διορθώσεις πριν από την οριστικοποίηση.",
                )
            else:
                index = names.index(step)
                if index + 1 < len(names):
                    return redirect("applications:step", pk=app.pk, step=names[index + 1])
                return redirect("applications:confirm", pk=app.pk)
        app = _get(request, pk)
    elif app.is_editable and request.GET.get("check") == "1":
        step_problems = services.step_problems(app, step)
    context = {
        "app": app,
        "steps": steps,
        "step": step,
        "step_label": dict(steps)[step],
        "errors": errors,
        "posted": posted,
        "step_problems": step_problems,
        "step_errors": rules.problems_as_fields(p for p in step_problems if not p.anchor),
        "row_errors": _row_errors(step_problems),
        "categories": Position.Category.choices,
        "partner_kinds": ClusterPartner.Kind.choices,
        "education_choices": Application.Education.choices,
        **_registry_context(app),
    }
    if posted is not None and step in TABLES:
        prefix, names, blank = TABLES[step]
        # A refused save shows back exactly what was typed: nothing is lost.
        context["rows"] = _rows(posted, prefix, names) + [blank] * 2
        context["grants"] = context["rows"]
    elif step == "positions":
        rows = list(app.positions.all())
        if not rows and app.business_id:
            b = app.business
            rows = [
                Position(
                    place_label="Έδρα",
                    place_region=b.region,
                    place_regional_unit=b.regional_unit,
                    place_municipality=b.municipality,
                    category="",
                    persons=1,
                )
            ]
        context["rows"] = rows + [Position(persons=1, category="")] * 2
    elif step == "partners":
        # Enough blank rows for the minimum composition (1 research organisation + 5 SMEs, call 004
        # §4.c), and never fewer than three, so the whole partnership fits in one save.
        partners = list(app.partners.all())
        context["rows"] = partners + [ClusterPartner()] * max(3, 6 - len(partners))
    elif step == "budget":
        context["rows"] = list(app.budget_lines.all()) + [{}] * 3
    if step == "budget":
        context["expense_categories"] = list(app.call.expense_categories.all())
        if app.budget_lines.exists():
            check = services.budget_check(app)
            context["budget"] = services.budget_summary(check)
    if step == "de_minimis" and posted is None:
        grants = list(((app.data or {}).get("de_minimis") or {}).get("grants") or [])
        context["grants"] = grants + [{}] * 2
    if step == "person":
        context["placement_services"] = list(app.call.placement_services.all())
        context["greek_levels"] = rules.GREEK_LEVELS
        context["greek_issuers"] = rules.GREEK_CERT_ISSUERS
        # What the form shows: what was just typed when the save was refused, else what is saved.
        saved = (app.data or {}).get("person_facts") or {}
        if posted is not None:
            person = {
                **_payload("person", posted),
                "placement_preferences": posted.getlist("placement_preferences"),
            }
        else:
            person = {
                **saved,
                "education": app.education,
                "placement_preferences": list(app.placement_preferences or []),
            }
        context["person"] = person
    return render(request, "applications/step.html", context)


def _row_errors(problems) -> dict[int, list[str]]:
    """Problems of one table row (anchor «position-3») by row number, shown in that row."""
    rows: dict[int, list[str]] = {}
    for p in problems:
        number = p.anchor.rsplit("-", 1)[-1] if p.anchor else ""
        if (row := int_or_none(number)) is not None:
            rows.setdefault(row, []).append(p.message)
    return rows


def _problem_links(app: Application, problems) -> list[dict]:
    """The final check list: each problem with a link to the step and field that fixes it."""
    out, names = [], {s for s, _ in _steps(app)}
    for p in problems:
        step, anchor = services.problem_location(p)
        url = ""
        if step in names:
            url = (
                reverse("applications:step", args=[app.pk, step])
                + "?check=1"
                + (f"#{anchor}" if anchor else "")
            )
        out.append({"code": p.code, "message": p.message, "url": url})
    return out


@login_required
def application_confirm(request, pk):
    """The confirmation step before the irreversible final submission (οριστικοποίηση)."""
    app = _get(request, pk)
    if request.method == "POST":
        if request.POST.get("confirm") != "on":
            messages.error(request, "Επιβεβαιώστε ότι θέλετε να οριστικοποιήσετε την αίτηση.")
            return redirect("applications:confirm", pk=app.pk)
        try:
            app = retry_transient(lambda: services.application_submit(actor=request.user, application_id=pk))
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("applications:confirm", pk=pk)
        if app.kind == Application.Kind.NATURAL_PERSON:
            replaced = ", ".join(str(a) for a in app.supersedes.all())
            text = f"Η αίτηση οριστικοποιήθηκε με αριθμό {app.protocol_number}."
            if replaced:
                text += f" Η προηγούμενη αίτηση {replaced} ακυρώθηκε (ΚΥΑ 16936 Άρθ. 5(5))."
            messages.success(request, text)
        else:
            messages.success(
                request,
                f"Η αίτηση οριστικοποιήθηκε με αριθμό {app.protocol_number} και σειρά προτεραιότητας "
                f"{app.priority_seq}.",
            )
        return redirect("applications:detail", pk=app.pk)
    problems, pool_code, amount = services.evaluate_submission(app) if app.is_editable else ([], None, None)
    return render(
        request,
        "applications/confirm.html",
        {
            "app": app,
            "steps": _steps(app),
            "problems": _problem_links(app, problems),
            "amount": rules.fmt_eur(amount) if amount is not None else "",
            "closes_at": app.call.submission_closes_at,
            # ΚΥΑ 16936 Art. 5(5): the submitted applications this one will cancel.
            "to_cancel": list(
                Application.objects.filter(
                    call_id=app.call_id,
                    person_id=app.person_id,
                    status__in=[Application.Status.SUBMITTED, Application.Status.RESERVE],
                ).exclude(pk=app.pk)
            )
            if app.kind == Application.Kind.NATURAL_PERSON and app.is_editable
            else [],
            **_registry_context(app),
        },
    )


@login_required
@require_POST
def application_reopen(request, pk):
    app = _get(request, pk)
    try:
        services.application_reopen(actor=request.user, application_id=app.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            "Η αίτηση επανήλθε σε επεξεργασία. Κρατά τον αριθμό της· με την επανυποβολή παίρνει νέα "
            "χρονοσφραγίδα "
            "και νέα θέση προτεραιότητας (ΚΥΑ 7066 Άρθ. 6.7).",
        )
    return redirect("applications:detail", pk=pk)


@login_required
def application_withdraw(request, pk):
    app = _get(request, pk)
    if request.method == "POST":
        try:
            services.application_withdraw(
                actor=request.user, application_id=app.pk, reason=request.POST.get("reason", "")
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, "Η αίτηση αποσύρθηκε· το δεσμευμένο ποσό επιστράφηκε στον προϋπολογισμό."
            )
        return redirect("applications:detail", pk=pk)
    return render(request, "applications/withdraw.html", {"app": app})


@login_required
def application_refresh_registries(request, pk):
    app = _get(request, pk)
    if request.method == "POST":
        services.application_request_registry_refresh(actor=request.user, application=app)
        messages.info(request, "Ζητήθηκαν ξανά τα στοιχεία από τα μητρώα.")
    return redirect("applications:detail", pk=pk)


# --- attachments (Επισυναπτόμενα) -------------------------------------------------------------------


def _attachments_page(request, app, steps, *, errors=None, notice=""):
    """The documents step: each required document with its status and an upload form.

    Uploads are ordinary multipart forms (they work without JavaScript); with htmx the answer is
    the same page, of which only the list is swapped in.
    """
    roles = services.applicant_roles(request.user, app)
    return render(
        request,
        "applications/attachments.html",
        {
            "app": app,
            "steps": steps,
            "step": ATTACHMENTS_STEP[0],
            "step_label": ATTACHMENTS_STEP[1],
            "rows": attachment_services.attachment_rows(app),
            "errors": errors or {},
            "notice": notice,
            "max_mb": attachment_services.max_bytes() // attachment_services.MB,
            "total_mb": (attachment_services.total_limit_bytes(app.call) or 0) // attachment_services.MB,
            "can_upload": app.is_editable and ("self" in roles or bool(roles & services.SUBMIT_ROLES)),
        },
    )


@login_required
@require_POST
def attachment_upload(request, pk):
    app = _get(request, pk)
    raw = request.POST.get("required_attachment", "").strip()
    try:
        required_id = int(raw) if raw else None
    except ValueError:
        required_id = 0  # refused by the service as «not a document of this call»
    replaces = request.POST.get("replaces", "").strip()
    try:
        attachment = attachment_services.attachment_upload(
            actor=request.user,
            application_id=app.pk,
            required_attachment_id=required_id,
            file=request.FILES.get("file"),
            replaces_id=int_or_none(replaces),
        )
    except ApplicationError as exc:
        # The message goes beside the document it concerns; what is already uploaded stays.
        messages_ = [m for msgs in (exc.fields or {}).values() for m in msgs] or [exc.message]
        return _attachments_page(request, _get(request, pk), _steps(app), errors={raw or "extra": messages_})
    notice = f"Αναρτήθηκε το αρχείο «{attachment.original_name}»."
    if request.headers.get("HX-Request"):
        return _attachments_page(request, _get(request, pk), _steps(app), notice=notice)
    messages.success(request, notice)
    return redirect("applications:step", pk=app.pk, step=ATTACHMENTS_STEP[0])


@login_required
def attachment_delete(request, pk, attachment_pk):
    """Delete with confirmation: a page that asks, and a POST that does it."""
    app = _get(request, pk)
    try:
        attachment = attachment_services.attachment_get_for_user(
            user=request.user, application_id=app.pk, pk=attachment_pk
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if request.method == "POST":
        try:
            attachment_services.attachment_delete(
                actor=request.user, application_id=app.pk, attachment_id=attachment.pk
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Διαγράφηκε το αρχείο «{attachment.original_name}».")
        return redirect("applications:step", pk=app.pk, step=ATTACHMENTS_STEP[0])
    return render(request, "applications/attachment_delete.html", {"app": app, "attachment": attachment})


@login_required
def attachment_download(request, pk, attachment_pk):
    """The file, to the applicant's members, staff readers and the assigned evaluators; else 404."""
    try:
        attachment = attachment_services.attachment_get_for_user(
            user=request.user, application_id=pk, pk=attachment_pk
        )
        handle = attachment.file.open("rb")
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except OSError as exc:
        raise Http404("Το αρχείο δεν είναι διαθέσιμο.") from exc
    return FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )


# --- staff list ----------------------------------------------------------------------------------


@role_required(*STAFF_READ_ROLES)
def staff_list(request):
    # The «Πρόσκληση» menu: a call's configuration is not read here.
    calls = selectors.calls_for_staff_menu()
    default = next((c for c in calls if c.has_submitted), calls[0] if calls else None)
    call = next((c for c in calls if str(c.pk) == request.GET.get("call", "")), default)
    qs = selectors.application_rows_for_staff(user=request.user, call=call)
    filterset = ApplicationFilter(request.GET, queryset=qs)
    page, query = paginate(
        request,
        filterset.qs,
        50,
        paginator_class=IdsFirstPaginator,
        defaults={"call": str(call.pk)} if call is not None else None,  # the pager keeps the call shown
    )
    return render(
        request,
        "applications/staff_list.html",
        {"calls": calls, "call": call, "filter": filterset, "page": page, "query": query},
    )
