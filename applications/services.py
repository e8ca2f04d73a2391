"""Every write to an application: create a draft, save a step, submit, re-edit, withdraw.

Final submission is the order-sensitive write of the portal. Its shape (STYLE.md practices 6–7):
lock the application, validate it, then lock the call's counter row — the serialisation point —
take the next priority number and the server timestamp, reserve the requested amount in the
area's pool with one conditional UPDATE, and commit. Because the counter row stays locked until
commit, priority order is commit order and no two submissions can interleave their reservations.
Side effects (receipt PDF, e-mails) are recorded in the same transaction and run after commit.
"""

from __future__ import annotations

import datetime
import functools
import logging
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Business, Membership, Person
from accounts.selectors import businesses_for_user, user_business_roles
from applications import rules
from applications.call_data import call_rule_data
from applications.hooks import submission_recorded
from applications.models import (
    Application,
    BudgetLine,
    CallCounter,
    ClusterPartner,
    Position,
    RegistrySnapshot,
    Submission,
)
from applications.reserves import reserves_promote
from applications.selectors import load_submission_rows, submission_load_locked
from calls import rules as call_rules
from calls.gaps import gap_value
from calls.models import BudgetPool, Call
from calls.services import pool_release, pool_reserve
from opske import audit
from opske.dates import parse_date
from opske.db import service_atomic
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.money import AmountError, parse_amount
from opske.notifications import notify
from opske.pdf import document_request
from opske.rawrows import execute_prepared, numbered

EDIT_ROLES = frozenset(
    {
        Membership.BusinessRole.COORDINATOR,
        Membership.BusinessRole.LEGAL_REPRESENTATIVE,
        Membership.BusinessRole.FINANCIAL_OFFICER,
    }
)
SUBMIT_ROLES = frozenset({Membership.BusinessRole.COORDINATOR, Membership.BusinessRole.LEGAL_REPRESENTATIVE})
# ΚΥΑ 7066 Art. 6.2α: the coordinator acts for the business in the action, withdrawal included.
WITHDRAW_ROLES = frozenset({Membership.BusinessRole.COORDINATOR})
LIVE_STATUSES = (
    Application.Status.DRAFT,
    Application.Status.SUBMITTED,
    Application.Status.RESERVE,
    Application.Status.UNDER_EVALUATION,
    Application.Status.APPROVED,
    Application.Status.APPROVED_NOT_FUNDED,
)
AUDIT_FIELDS = [
    "status",
    "protocol_number",
    "priority_seq",
    "submitted_at",
    "requested_amount",
    "reserved_amount",
]
ONE_MICROSECOND = datetime.timedelta(microseconds=1)
# What final submission changes on the application row (a narrow UPDATE inside the counter lock).
SUBMIT_FIELDS = [
    "status",
    "protocol_seq",
    "protocol_number",
    "priority_seq",
    "submitted_at",
    "first_submitted_at",
    "requested_amount",
    "reserved_amount",
    "pool",
    "call_version",
    "updated_at",
]
logger = logging.getLogger(__name__)


# --- permissions -------------------------------------------------------------------------------


def applicant_roles(user, application: Application) -> frozenset[str]:
    """The roles `user` holds for the applicant of `application` («self» for a person's own)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if application.business_id:
        # Read with the row lock when the caller asked for it (`_locked(roles_of=user)`).
        if getattr(application, "_roles_of", None) == user.pk:
            return frozenset(application._roles)
        return user_business_roles(user, application.business)
    if application.person_id and application.person.user_id == user.pk:
        return frozenset({"self"})
    return frozenset()


def _require(user, application: Application, allowed: frozenset[str]) -> None:
    roles = applicant_roles(user, application)
    if not roles:
        raise NotFound("Η αίτηση δεν βρέθηκε.")  # another applicant's application: a 404, not a 403
    if "self" not in roles and not roles & allowed:
        raise PermissionDenied("Ο ρόλος σας στην επιχείρηση δεν επιτρέπει αυτή την ενέργεια.")


def _locked(application_id) -> Application:
    app = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call__programme", "call_version", "business", "person", "pool")
        .filter(pk=application_id)
        .first()
    )
    if app is None:
        raise NotFound("Η αίτηση δεν βρέθηκε.")
    return app


def _locked_for_submission(application_id, actor) -> Application:
    """The application row-locked with everything final submission reads (one statement on
    PostgreSQL, selectors.submission_load_locked; the ORM's lock and prefetches elsewhere)."""
    if connection.vendor == "postgresql":
        app = submission_load_locked(application_id=application_id, user=actor)
        if app is None:
            raise NotFound("Η αίτηση δεν βρέθηκε.")
        return app
    app = _locked(application_id)
    load_submission_rows(app)
    return app


def _reedit_policy(call: Call) -> str:
    """Per-call reading of «new timestamp» after re-editing (Art. 6.7); see rules.priority_after_reedit."""
    return gap_value(call.config, "reedit_priority")


# --- create ----------------------------------------------------------------------------------------


def application_create(*, actor, call_id: int, business_afm: str = "") -> Application:
    """Start a draft for a published call; its number comes with the first final submission."""
    call = Call.objects.public().select_related("current_version").filter(pk=call_id).first()
    if call is None:
        raise NotFound("Η πρόσκληση δεν βρέθηκε.")
    if call.phase not in (Call.Phase.OPEN, Call.Phase.UPCOMING):
        raise Conflict(
            f"Η πρόσκληση δεν δέχεται αιτήσεις ({call.get_phase_display()}).", code="call_not_accepting"
        )
    business = person = None
    if call.applicant_kind == Call.ApplicantKind.NATURAL_PERSON:
        person = Person.objects.filter(user=actor).first() if actor.is_authenticated else None
        if person is None:
            raise PermissionDenied(
                "Η πρόσκληση απευθύνεται σε φυσικά πρόσωπα· συνδεθείτε με τους προσωπικούς σας "
                "κωδικούς TAXISnet.",
                code="not_a_person",
            )
    else:
        businesses = businesses_for_user(actor)
        business = businesses.filter(afm=business_afm).first() if business_afm else businesses.first()
        if business is None:
            raise PermissionDenied(
                "Η πρόσκληση απευθύνεται σε επιχειρήσεις· συνδεθείτε ως επιχείρηση ή μέλος της.",
                code="not_a_business",
            )
        if not user_business_roles(actor, business) & SUBMIT_ROLES:
            raise PermissionDenied("Μόνο ο συντονιστής ή ο νόμιμος εκπρόσωπος ξεκινά αίτηση.")
        if not business.is_active:
            raise Conflict(
                "Ο ΑΦΜ της επιχείρησης είναι απενεργοποιημένος στην ΑΑΔΕ (ΚΥΑ 7066 Άρθ. 6.5).",
                code="afm_inactive",
            )
    with service_atomic():
        second = rules.second_application_outcome(
            applicant_kind=call.applicant_kind, one_per_applicant=call.one_application_per_afm
        )
        if second == rules.SECOND_REPLACES:
            # ΚΥΑ 16936 Art. 5(5): a new application may replace the submitted one; an open draft
            # is continued rather than doubled (it is the replacement being written).
            draft = Application.objects.filter(
                call=call, person=person, status=Application.Status.DRAFT
            ).first()
            if draft is not None:
                return draft
        elif second == rules.SECOND_REFUSED:
            existing = (
                Application.objects.filter(call=call, status__in=LIVE_STATUSES)
                .filter(**({"business": business} if business else {"person": person}))
                .first()
            )
            if existing is not None:
                raise Conflict(
                    f"Υπάρχει ήδη αίτηση για αυτή την πρόσκληση ({existing}); η πρόσκληση δέχεται μία αίτηση "
                    "ανά ΑΦΜ.",
                    code="duplicate_application",
                )
        app = Application.objects.create(
            call=call,
            call_version=call.current_version,
            kind=call.applicant_kind,
            business=business,
            person=person,
            applicant_user=actor,
            email=actor.email or "",
            amka=person.amka if person else "",
            title=call.title[:300] if call.applicant_kind == Call.ApplicantKind.BUSINESS else "",
            registry_prefill_requested_at=timezone.now(),  # recorded with the draft, swept if lost
        )
        audit.record(
            actor=actor,
            action="application.created",
            obj=app,
            after={"call": call.pk, "kind": app.kind, "business": app.business_id, "person": app.person_id},
        )
        transaction.on_commit(lambda: _enqueue_registry_checks(app.pk))
    return app


def _enqueue_registry_checks(application_id: int) -> None:
    from applications.tasks import prefill_registries

    try:
        prefill_registries.delay(application_id)
    except Exception:
        # The broker is down: the request that committed the draft is not failed for it. The
        # prefill is recorded as owed (`registry_prefill_requested_at`) and the outbox sweep sends
        # it again (opske.tasks.sweep_outbox); the panel keeps saying the answers are awaited.
        logger.warning("could not enqueue the registry prefill of application %s", application_id)


def application_request_registry_refresh(*, actor, application: Application) -> None:
    """Ask the registries again (a button in the form); the answers arrive through the worker."""
    _require(actor, application, EDIT_ROLES)
    Application.objects.filter(pk=application.pk).update(registry_prefill_requested_at=timezone.now())
    transaction.on_commit(lambda: _enqueue_registry_checks(application.pk))


def application_prefill_done(*, application_id: int, requested_at) -> bool:
    """The prefill asked for at `requested_at` has run: every registry answered or waits on its own
    `RegistryWait`. A refresh asked for meanwhile (a newer time) stays owed. Returns whether cleared."""
    if requested_at is None:
        return False
    return bool(
        Application.objects.filter(pk=application_id, registry_prefill_requested_at=requested_at).update(
            registry_prefill_requested_at=None
        )
    )


# --- draft steps -----------------------------------------------------------------------------------

STEPS = ("general", "positions", "de_minimis", "partners", "budget", "person", "declarations")


def _decimal(value, field: str, label: str) -> Decimal:
    """An amount of a step: Greek text from the pages («200.000» = 200.000,00 €), a Decimal already
    read by the API serializer (opske.money). Refused at `field` with the row's label."""
    try:
        return parse_amount(value, max_integer_digits=12)  # the columns are Decimal(14, 2)
    except AmountError as exc:
        raise ValidationFailed(fields={field: [f"{label}: {exc.message}"]}, code=exc.code) from None


def _amount_text(value, field: str, label: str) -> str:
    """An amount kept in the application's JSON data: "" when blank, else Python notation "1234.50"."""
    if value in (None, "") or (isinstance(value, str) and not value.strip()):
        return ""
    return f"{_decimal(value, field, label):f}"


def _save_positions(app: Application, rows: list) -> None:
    if len(rows) > 200:
        raise ValidationFailed(fields={"positions": ["Έως 200 θέσεις ανά αίτηση."]})
    objs = []
    for i, row in enumerate(rows, 1):
        try:
            persons = int(row.get("persons") or 1)
        except (TypeError, ValueError):
            raise ValidationFailed(
                fields={"positions": [f"Θέση {i}: ο αριθμός ατόμων πρέπει να είναι ακέραιος."]}
            ) from None
        if not 1 <= persons <= 100:
            raise ValidationFailed(fields={"positions": [f"Θέση {i}: από 1 έως 100 άτομα ανά θέση."]})
        objs.append(
            Position(
                application=app,
                specialty=str(row.get("specialty") or "")[:200],
                qualifications=str(row.get("qualifications") or "")[:4000],
                category=str(row.get("category") or "")[:5],
                persons=persons,
                place_label=str(row.get("place_label") or "")[:200],
                place_region=str(row.get("place_region") or "")[:120],
                place_regional_unit=str(row.get("place_regional_unit") or "")[:120],
                place_municipality=str(row.get("place_municipality") or "")[:120],
                position=i,
            )
        )
    app.positions.all().delete()
    Position.objects.bulk_create(objs)


def _save_partners(app: Application, rows: list) -> None:
    objs, seen = [], set()
    known = {
        b.afm: b for b in Business.objects.filter(afm__in=[str(r.get("afm") or "").strip() for r in rows])
    }
    for i, row in enumerate(rows, 1):
        afm = str(row.get("afm") or "").strip()
        if not (len(afm) == 9 and afm.isdigit()):
            raise ValidationFailed(fields={"partners": [f"Εταίρος {i}: ο ΑΦΜ πρέπει να έχει 9 ψηφία."]})
        if afm in seen:
            raise ValidationFailed(fields={"partners": [f"Εταίρος {i}: ο ΑΦΜ {afm} δηλώθηκε δύο φορές."]})
        seen.add(afm)
        kind = str(row.get("kind") or "")
        if kind not in ClusterPartner.Kind.values:
            raise ValidationFailed(fields={"partners": [f"Εταίρος {i}: επιλέξτε είδος εταίρου."]})
        business = known.get(afm)
        name = business.name if business else str(row.get("name") or "")[:200]
        objs.append(
            ClusterPartner(
                application=app,
                afm=afm,
                name=name,
                kind=kind,
                size=str(row.get("size") or "")[:10],
                position=i,
            )
        )
    app.partners.all().delete()
    ClusterPartner.objects.bulk_create(objs)


def _save_budget(app: Application, rows: list) -> None:
    # TODO(money): parse with opske.money.parse_amount («400.000» = €400,000.00) when it lands.
    objs = []
    for i, row in enumerate(rows, 1):
        objs.append(
            BudgetLine(
                application=app,
                category=str(row.get("category") or "")[:10],
                description=str(row.get("description") or "")[:300],
                amount=_decimal(row.get("amount") or "0", "budget", f"Γραμμή {i}"),
                total_amount=(
                    _decimal(row["total_amount"], "budget", f"Γραμμή {i}, συνολικό ποσό")
                    if str(row.get("total_amount") or "").strip()
                    else None
                ),
                research_type=str(row.get("research_type") or "")[:20],
                dissemination=bool(row.get("dissemination")),
                position=i,
            )
        )
    app.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(objs)


# The shape of each step's payload: which keys carry a table (a list of rows, each an object), an
# object, or a list of plain values. Checked before anything is read, so a wrong shape from an API
# client is a 400 at its field, never a 500 from deep inside a step (issue 11).
STEP_TABLES = ("positions", "grants", "partners", "lines")
STEP_OBJECTS = ("cluster",)
STEP_LISTS = ("placement_preferences",)


def step_shape_problems(payload) -> dict[str, list[str]]:
    if not isinstance(payload, dict):
        return {"payload": ["Τα στοιχεία του βήματος πρέπει να είναι αντικείμενο JSON."]}
    problems: dict[str, list[str]] = {}
    for key in STEP_TABLES:
        rows = payload.get(key)
        if rows in (None, ""):
            continue
        if not isinstance(rows, list):
            problems[key] = ["Πρέπει να είναι πίνακας γραμμών (λίστα αντικειμένων)."]
        elif not all(isinstance(row, dict) for row in rows):
            problems[key] = ["Κάθε γραμμή του πίνακα πρέπει να είναι αντικείμενο με τα πεδία της."]
        elif any(isinstance(v, dict | list) for row in rows for v in row.values()):
            problems[key] = ["Τα πεδία κάθε γραμμής είναι απλές τιμές (κείμενο, αριθμός, ναι/όχι)."]
    for key in STEP_OBJECTS:
        value = payload.get(key)
        if value not in (None, "") and not isinstance(value, dict):
            problems[key] = ["Πρέπει να είναι αντικείμενο με τα πεδία του."]
    for key in STEP_LISTS:
        value = payload.get(key)
        if value in (None, ""):
            continue
        if not isinstance(value, list) or any(isinstance(v, dict | list) for v in value):
            problems[key] = ["Πρέπει να είναι λίστα απλών τιμών."]
    return problems


def application_save_step(*, actor, application_id: int, step: str, payload: dict) -> Application:
    """Save one step of a draft (autosave). Incomplete is fine; only malformed input is refused."""
    if step not in STEPS:
        raise ValidationFailed(fields={"step": [f"Άγνωστο βήμα «{step}»."]})
    shape_problems = step_shape_problems(payload)
    if shape_problems:
        raise ValidationFailed(fields=shape_problems)
    with transaction.atomic():
        app = _locked(application_id)
        _require(actor, app, EDIT_ROLES)
        if not app.is_editable:
            raise Conflict(
                "Η αίτηση έχει οριστικοποιηθεί· αλλαγές μόνο μετά από επανεπεξεργασία (ΚΥΑ 7066 Άρθ. "
                "6.6–6.7).",
                code="not_editable",
            )
        data = dict(app.data or {})
        if step == "general":
            app.title = str(payload.get("title", app.title) or "")[:300]
            app.email = str(payload.get("email", app.email) or "").strip()[:254]
            if app.email and "@" not in app.email:
                raise ValidationFailed(fields={"email": ["Μη έγκυρη διεύθυνση e-mail."]})
            if "cluster" in payload:
                data["cluster"] = {k: str(v)[:500] for k, v in dict(payload["cluster"] or {}).items()}
        elif step == "positions":
            _save_positions(app, list(payload.get("positions") or []))
        elif step == "de_minimis":
            rows = [
                {
                    k: str(r.get(k) or "").strip()[:200]
                    for k in ("grantor", "regulation", "date", "amount", "afm")
                }
                | {"amount": r.get("amount") if r.get("amount") not in (None, "") else ""}
                for r in list(payload.get("grants") or [])[:50]
            ]
            rows = [r for r in rows if any(r.values())]
            for i, r in enumerate(rows, 1):
                r["amount"] = _amount_text(r["amount"], "de_minimis", f"Γραμμή {i} του πίνακα ενισχύσεων")
            problems = rules.declared_grants_problems(rows)
            if problems:
                raise ValidationFailed(fields=rules.problems_as_fields(problems))
            for r in rows:  # typed as ΗΗ/ΜΜ/ΕΕΕΕ, kept as ISO (shown day first again)
                r["date"] = parse_date(r["date"]).isoformat()
            data["de_minimis"] = {"declared": bool(payload.get("declared")), "grants": rows}
        elif step == "partners":
            _save_partners(app, list(payload.get("partners") or []))
        elif step == "budget":
            _save_budget(app, list(payload.get("lines") or []))
            data["enterprise_size"] = str(
                payload.get("enterprise_size") or data.get("enterprise_size") or ""
            )[:10]
        elif step == "person":
            education = str(payload.get("education") or "")
            if education and education not in Application.Education.values:
                raise ValidationFailed(
                    fields={"education": ["Επιλέξτε κατηγορία εκπαίδευσης ΠΕ, ΤΕ, ΔΕ ή ΥΕ."]}
                )
            app.education = education
            prefs = [str(p) for p in list(payload.get("placement_preferences") or []) if str(p).strip()]
            app.placement_preferences = prefs[:10]
            data["person_facts"] = _person_facts(payload, education=education, call=app.call)
        elif step == "declarations":
            data["declarations"] = {
                "solemn": bool(payload.get("solemn")),
                "data_processing": bool(payload.get("data_processing")),
            }
        app.data = data
        app.save()
        audit.record(actor=actor, action="application.draft_saved", obj=app, after={"step": step})
    return app


def _person_facts(payload: dict, *, education: str, call: Call) -> dict:
    """The person step's declarations (ΚΥΑ 16936 Art. 4(1)(γ), 4(3)): numbers are digits only, and
    a Greek-language certificate is recorded with its level and issuer. Refused as a whole with
    every field's message, so nothing typed is half-saved."""
    problems = []
    children = str(payload.get("minor_children") or "").strip()
    found = rules.whole_number_problem(children, field="minor_children", label="Ανήλικα τέκνα")
    if found:
        problems.append(found)
    level = str(payload.get("greek_cert_level") or "").strip()
    if level and level not in rules.GREEK_LEVEL_ORDER:
        problems.append(
            rules.Problem("greek_level_unknown", "greek_cert_level", "Επιλέξτε επίπεδο από τη λίστα.")
        )
    issuer = str(payload.get("greek_cert_issuer") or "").strip()
    if issuer and issuer not in dict(rules.GREEK_CERT_ISSUERS):
        problems.append(
            rules.Problem("greek_issuer_unknown", "greek_cert_issuer", "Επιλέξτε φορέα από τη λίστα.")
        )
    if level and not issuer:
        problems.append(
            rules.Problem(
                "greek_issuer_missing",
                "greek_cert_issuer",
                "Δηλώστε τον φορέα που χορήγησε το πιστοποιητικό ελληνομάθειας (ΚΥΑ 16936 Άρθ. 4(1)(γ)).",
            )
        )
    omogenis = bool(payload.get("omogenis"))
    proof = str(payload.get("omogenis_proof") or "").strip()[:500]
    if omogenis and not proof:
        problems.append(
            rules.Problem(
                "omogenis_proof_missing",
                "omogenis_proof",
                "Δηλώστε με ποιο έγγραφο αποδεικνύεται η ιδιότητα του ομογενούς (π.χ. ειδικό δελτίο "
                "ταυτότητας ομογενούς)· δεν απαιτείται πιστοποιητικό ιθαγένειας (ΚΥΑ 16936 Άρθ. 4(1)(γ), "
                "ν.δ. 3832/1958).",
            )
        )
    if problems:
        raise ValidationFailed(
            problems[0].message, code=problems[0].code, fields=rules.problems_as_fields(problems)
        )
    return {
        "minor_children": children,
        "individual_income": _amount_text(
            payload.get("individual_income"), "individual_income", "Ατομικό εισόδημα"
        ),
        "family_income": _amount_text(payload.get("family_income"), "family_income", "Οικογενειακό εισόδημα"),
        "greek_cert_level": level,
        "greek_cert_issuer": issuer,
        "greek_cert_number": str(payload.get("greek_cert_number") or "").strip()[:60],
        "omogenis": omogenis,
        "omogenis_proof": proof if omogenis else "",
    }


# --- what blocks a final submission -----------------------------------------------------------------


def _rows(app: Application, name: str) -> list:
    """The application's `name` rows (registry_snapshots, positions, partners, budget_lines, and the
    business's ΚΑΔ as `activities`) as final submission loaded them with the row lock
    (selectors.submission_load_locked), else through the ORM (prefetched or not)."""
    loaded = getattr(app, "_submission_rows", None)
    if loaded is not None:
        return loaded[name]
    if name == "activities":
        return list(app.business.activities.all()) if app.business_id else []
    return list(getattr(app, name).all())


def _snapshot(app: Application, registry: str) -> RegistrySnapshot | None:
    return next((s for s in _rows(app, "registry_snapshots") if s.registry == registry), None)


def _pool_rates(call: Call) -> dict[str, Decimal]:
    return _call_data(call)["rates"]


# The call's configuration, compiled once per version (applications.call_data).
_call_data = call_rule_data


def evaluate_submission(app: Application) -> tuple[list[rules.Problem], str | None, Decimal]:
    """Everything Art. 6.5 requires before the system lets a submission complete.

    Returns (problems, pool code, requested amount). Registry-based prerequisites use the answers
    stored on the application; a registry that has not answered yet blocks with its own code.
    """
    call = app.call
    problems: list[rules.Problem] = []
    pool_code: str | None = None
    amount = Decimal("0.00")
    areas = _call_data(call)["areas"]
    source = call.programme.legal_act or call.title
    # Where the call's text puts its geographic condition (ΚΥΑ 7066 Art. 4.1.1; call 004 §4.c5).
    area_source = (
        f"{source}, Άρθ. 4.1.1" if call.aid_regime == Call.AidRegime.DE_MINIMIS else f"{source}, §4.c5"
    )
    if not app.email:
        problems.append(
            rules.Problem(
                "email_missing",
                "email",
                "Δηλώστε e-mail επικοινωνίας· εκεί λαμβάνετε τις ειδοποιήσεις για τους πίνακες κατάταξης "
                "(ΚΥΑ 16936 Άρθ. 5(7), 5(9))."
                if app.kind == Application.Kind.NATURAL_PERSON
                else "Δηλώστε e-mail επικοινωνίας· οι κοινοποιήσεις σε αυτό έχουν νόμιμη ισχύ (ΚΥΑ 7066 "
                "Άρθ. 6.10).",
            )
        )
    declarations = (app.data or {}).get("declarations") or {}
    if not declarations.get("solemn"):
        problems.append(
            rules.Problem(
                "solemn_declaration_missing",
                "declarations",
                "Η αίτηση επέχει θέση υπεύθυνης δήλωσης (ν. 1599/1986 άρθ. 8)· επιβεβαιώστε τη δήλωση "
                "(ΚΥΑ 7066 Άρθ. 6.11· ΚΥΑ 16936 Άρθ. 5(4)).",
            )
        )

    if app.kind in (Application.Kind.BUSINESS, Application.Kind.CLUSTER):
        aade = _snapshot(app, RegistrySnapshot.Registry.AADE)
        if aade is None:
            problems.append(
                rules.Problem(
                    "registry_pending",
                    "business",
                    "Αναμένεται η απάντηση της ΑΑΔΕ για τα στοιχεία της επιχείρησης· δοκιμάστε σε λίγο.",
                )
            )
        elif (
            not_found := rules.afm_not_found_problem(aade.status, aade.data, afm=app.business.afm)
        ) is not None:
            problems.append(not_found)
        elif aade.status == RegistrySnapshot.Status.OK and not aade.data.get("is_active", True):
            problems.append(
                rules.Problem(
                    "afm_inactive", "business", "Ο ΑΦΜ είναι απενεργοποιημένος στην ΑΑΔΕ (ΚΥΑ 7066 Άρθ. 6.5)."
                )
            )
        if app.kind == Application.Kind.CLUSTER or _blocks_on_registry_data(call):
            problems += kad_problems_for(app)
        problems += _form_and_size_problems(app, call, aade)

    if app.kind == Application.Kind.BUSINESS:
        positions = [
            {
                "specialty": p.specialty,
                "category": p.category,
                "persons": p.persons,
                "place_region": p.place_region,
                "place_regional_unit": p.place_regional_unit,
                "place_municipality": p.place_municipality,
            }
            for p in _rows(app, "positions")
        ]
        rates = _pool_rates(call)
        found, pool_code = rules.position_problems(
            positions, areas=areas, categories=rates, source=area_source
        )
        problems += found
        months = int((call.config or {}).get("subsidy_months") or rules.DEFAULT_SUBSIDY_MONTHS)
        amount = rules.requested_amount_for_positions(positions, rates, months=months)
    elif app.kind == Application.Kind.CLUSTER:
        cfg = (call.config or {}).get("partner_composition") or {}
        problems += rules.cluster_problems(
            [p.kind for p in _rows(app, "partners")],
            min_research=int(cfg.get("min_research_orgs", 1)),
            min_smes=int(cfg.get("min_smes", 5)),
        )
        sectors = (call.config or {}).get("sectors") or []
        sector = str(((app.data or {}).get("cluster") or {}).get("sector") or "")
        if sectors and sector not in sectors:
            # §5: exactly one of the call's smart-specialisation sectors, the one the plan serves most.
            problems.append(
                rules.Problem(
                    "sector_invalid",
                    "general",
                    f"Επιλέξτε έναν από τους {len(sectors)} τομείς της πρόσκλησης"
                    + (f" («{sector}» δεν είναι ένας από αυτούς)" if sector else "")
                    + " (Πρόσκληση 004 §5).",
                )
            )
        lines = _budget_lines(app)
        if not lines:
            problems.append(
                rules.Problem(
                    "budget_missing", "budget", "Συμπληρώστε τον πίνακα προϋπολογισμού (Πρόσκληση 004 §6.1)."
                )
            )
        else:
            check = budget_check(app, lines)
            problems += [rules.Problem(v.code, "budget", v.reason) for v in check.violations]
            amount = check.public_aid
        pool_code = _single_pool(call)
    else:
        if not app.education:
            problems.append(
                rules.Problem(
                    "education_missing",
                    "education",
                    "Επιλέξτε μία κατηγορία εκπαίδευσης (ΚΥΑ 16936 Άρθ. 5(1)).",
                )
            )
        pref_cfg = (call.config or {}).get("placement_preferences") or {}
        problems += rules.preference_problems(
            app.placement_preferences,
            allowed=_call_data(call)["placement_services"],
            minimum=int(pref_cfg.get("min", 1)),
            maximum=int(pref_cfg.get("max", 3)),
        )
        dypa = _snapshot(app, RegistrySnapshot.Registry.DYPA)
        if dypa is None:
            problems.append(
                rules.Problem(
                    "registry_pending", "amka", "Αναμένεται η απάντηση του μητρώου ανέργων της ΔΥΠΑ."
                )
            )
        else:
            problems += _person_problems(app, dypa)

    if call.aid_regime == Call.AidRegime.DE_MINIMIS and app.kind != Application.Kind.NATURAL_PERSON:
        declared = (app.data or {}).get("de_minimis") or {}
        if not declared.get("declared"):
            problems.append(
                rules.Problem(
                    "de_minimis_declaration_missing",
                    "de_minimis",
                    "Συμπληρώστε την υπεύθυνη δήλωση σώρευσης de minimis με τον πίνακα ενισχύσεων "
                    "(ΚΥΑ 7066 Παρ. 1, 09.04).",
                )
            )
        problems += _de_minimis_submission_problems(app, call, amount)
    problems += import_module("applications.attachments").submission_problems(app)  # δικαιολογητικά
    return problems, pool_code, amount


def de_minimis_cumulation_for(app: Application, *, registry_data, amount, as_on=None):
    """The one de minimis rule (applications.rules.de_minimis_cumulation) over what ΠΣΣΕΗΣ holds for
    the single undertaking and the grants the applicant declared (ΚΥΑ 7066 Άρθ. 2.10, 2.16, 7.2)."""
    call = app.call
    declared = ((app.data or {}).get("de_minimis") or {}).get("grants") or []
    aids = rules.prior_aids(registry_awards=(registry_data or {}).get("awards") or [], declared_rows=declared)
    return rules.de_minimis_cumulation(
        requested=amount,
        aids=aids,
        as_on=as_on or timezone.localdate(),
        general_ceiling=Decimal(
            str((call.config or {}).get("de_minimis_ceiling") or rules.DE_MINIMIS_CEILING)
        ),
    )


# Which reading each ΚΥΑ 7066 check follows (Art. 6.5 blocks the final submission; Annex 4 evaluates,
# a ΟΧΙ being a reasoned rejection the business may object to, Art. 7.2, 7.5):
# - window (Art. 6.1), completeness and the solemn declarations (Art. 6.5 first sentence, 6.11),
#   positions and their area (Art. 4.1.1, 6.2β), the mandatory documents (Annex 1): block — they are
#   the form itself, which cannot be final while incomplete;
# - ΑΦΜ deactivated or not found at AADE: block — the registry shows the applicant is no potential
#   beneficiary at all (Art. 6.5, 4.1.1), there is nothing to evaluate;
# - Annex 2 ΚΑΔ exclusion (ΑΑΔΕ) and the de minimis ceiling in ΠΣΣΕΗΣ: the seed allows both (Art. 6.5
#   against Annex 4 criterion 4(δ), 4(στ)), so the call chooses (`interoperable_prerequisite_failure`,
#   default «block_submission»); under «evaluate_and_reject» the re-check before approval computes
#   criterion 4 ΟΧΙ with the figures (evaluation.services.pre_inclusion_check_complete);
# - aid only the applicant's declaration shows, and the staff reduction (ΕΡΓΑΝΗ): always evaluated —
#   the first is no interoperable data, and a reduction may still be covered until the evaluation
#   date (Art. 4.1.4), so neither can block at submission.
def _blocks_on_registry_data(call: Call) -> bool:
    return gap_value(call.config, "interoperable_prerequisite_failure") == "block_submission"


def kad_problems_for(app: Application) -> list[rules.Problem]:
    """The Annex 2 check of the business's ΚΑΔ in the call's scope (ΚΥΑ 7066 Παρ. 2, κενό 18)."""
    if not app.business_id:
        return []
    call = app.call
    source = call.programme.legal_act or call.title
    return _kad_problems(call, _kads_in_scope(app, call), source)


def _de_minimis_submission_problems(app: Application, call: Call, amount) -> list[rules.Problem]:
    """ΚΥΑ 7066 Art. 6.5 at final submission. What ΠΣΣΕΗΣ alone shows over a ceiling blocks when the
    call reads Art. 6.5 that way (gap `interoperable_prerequisite_failure`, default); under the
    Annex 4 reading it is criterion 4 at evaluation. Aid only the declaration shows never blocks
    here: it is counted at the re-check before approval (Art. 7.2) and rejects with the figures."""
    registry = _snapshot(app, RegistrySnapshot.Registry.DEMINIMIS)
    if registry is None:
        return [
            rules.Problem(
                "registry_pending", "de_minimis", "Αναμένεται η απάντηση του ΠΣΣΕΗΣ (μητρώο de minimis)."
            )
        ]
    if registry.status not in (RegistrySnapshot.Status.OK, RegistrySnapshot.Status.MANUAL):
        return []
    if not _blocks_on_registry_data(call):
        return []
    ceiling = Decimal(str((call.config or {}).get("de_minimis_ceiling") or rules.DE_MINIMIS_CEILING))
    if "awards" not in registry.data:  # an answer kept before the awards were stored: its total
        prior = Decimal(str(registry.data.get("total_gge") or "0"))
        return rules.de_minimis_problems(prior_total=prior, requested=amount, ceiling=ceiling)
    # Only the register's awards: what blocks a submission is interoperable data (Art. 6.5).
    result = rules.de_minimis_cumulation(
        requested=amount,
        aids=rules.prior_aids(registry_awards=registry.data["awards"]),
        as_on=timezone.localdate(),
        general_ceiling=ceiling,
    )
    return rules.de_minimis_cumulation_problems(result)


def call_publication_date(call: Call) -> datetime.date | None:
    """The day the call was published (ΚΥΑ 16936 Art. 4(1)(α), Art. 11), Athens time: its
    publication on the portal, else the opening of submissions."""
    when = call.published_at or call.submission_opens_at
    return timezone.localtime(when).date() if when else None


def _person_problems(app: Application, dypa: RegistrySnapshot) -> list[rules.Problem]:
    """ΚΥΑ 16936 Art. 4(1)(α), (γ) on the register's answer and the person step's declarations."""
    data = dypa.data if dypa.status == RegistrySnapshot.Status.OK else {}
    since = data.get("registered_since")
    found = rules.registration_problem(
        registered=bool(data.get("registered")),
        registered_since=datetime.date.fromisoformat(since) if since else None,
        publication_date=call_publication_date(app.call),
    )
    problems = [found] if found else []
    facts = (app.data or {}).get("person_facts") or {}
    country = str(data.get("citizenship") or "").upper()
    if country and country != "GR" and country in rules.EU_COUNTRIES and app.education:
        found = rules.greek_language_problem(
            level=str(facts.get("greek_cert_level") or ""),
            education=app.education,
            administrative=app.education in administrative_categories(app.call),
        )
        if found:
            problems.append(found)
    elif country and country not in rules.EU_COUNTRIES and not facts.get("omogenis"):
        problems.append(
            rules.Problem(
                "citizenship_not_eligible",
                "omogenis",
                f"Η ιθαγένεια ({country}) δεν είναι ελληνική ή άλλου κράτους-μέλους της ΕΕ· αν είστε "
                "ομογενής (και Βορειοηπειρώτης, από την Κωνσταντινούπολη, την Ίμβρο ή την Τένεδο), "
                "δηλώστε το με το έγγραφο που το αποδεικνύει (ΚΥΑ 16936 Άρθ. 4(1)(γ)).",
            )
        )
    return problems


def _terms(call: Call, comparative: str) -> str:
    """Where the condition is written: call 004's article, or the call's own terms elsewhere."""
    if call.evaluation_method == Call.EvaluationMethod.COMPARATIVE:
        return comparative
    return f"όροι της πρόσκλησης {call.code}"


def _form_and_size_problems(
    app: Application, call: Call, aade: RegistrySnapshot | None
) -> list[rules.Problem]:
    """The call's `eligible_legal_forms` against AADE's legal form and its `eligible_sizes` against
    the declared size (call 004 §4 όροι 2 και 6; the AADE answer prevails over the stored profile,
    §8). A registry that has not answered yet is reported once, by the registry check above."""
    problems: list[rules.Problem] = []
    if call.eligible_legal_forms and (aade is not None or app.business_id):
        record = aade.data if aade is not None and aade.status == RegistrySnapshot.Status.OK else {}
        form = str(record.get("legal_form") or (app.business.legal_form if app.business_id else "") or "")
        problems += rules.legal_form_problems(
            form,
            is_natural_person=bool(record.get("is_natural_person")),
            eligible=call.eligible_legal_forms,
            citation=_terms(call, "Πρόσκληση 004 §4 όρος 6"),
        )
    if call.eligible_sizes:
        problems += rules.size_problems(
            str((app.data or {}).get("enterprise_size") or ""),
            eligible=call.eligible_sizes,
            citation=_terms(call, "Πρόσκληση 004 §4 όρος 2"),
        )
    return problems


def administrative_categories(call: Call) -> set[str]:
    """Education categories whose positions in this call are administrative staff (Art. 4(1)(γ) εδ. β':
    the Greek-language level differs). Call setting `administrative_categories`; by default every
    category, as the host's positions at ΟΠΕΚΕΠΕ are administrative (Annex II of its request)."""
    value = (call.config or {}).get("administrative_categories")
    return set(Application.Education.values) if value is None else set(value)


# Which step of the form holds each field a submission problem names, and the element id the
# final check list links to (the step's own field or table).
FIELD_STEPS = {
    "email": ("general", "id_email"),
    "business": ("general", "registry-panel"),
    "positions": ("positions", "positions-table"),
    "de_minimis": ("de_minimis", "grants-table"),
    "partners": ("partners", "partners-table"),
    "budget": ("budget", "budget-table"),
    "education": ("person", "id_education"),
    "placement_preferences": ("person", "placement-preferences"),
    "amka": ("person", "registry-panel"),
    "attachments": ("attachments", "attachments-list"),
    "declarations": ("declarations", "id_solemn"),
}


def problem_location(problem: rules.Problem) -> tuple[str, str]:
    """(step, element id) where `problem` is fixed; ("", "") when no step holds it."""
    step, anchor = FIELD_STEPS.get(problem.field, ("", ""))
    return step, (problem.anchor or anchor)


def step_problems(app: Application, step: str) -> list[rules.Problem]:
    """What the final submission would refuse that this step can fix, checked when the step is saved.

    The same rules as `evaluate_submission` (no second copy of them): its problems, kept to the ones
    that sit on `step`. A registry that has not answered yet is not the applicant's to fix here.
    """
    problems, _pool, _amount = evaluate_submission(app)
    return [p for p in problems if problem_location(p)[0] == step and p.code != "registry_pending"]


def _budget_lines(app: Application) -> list[dict]:
    """The budget table as the §7.5 check reads it (call 004)."""
    return [
        {
            "category": b.category,
            "amount": b.amount,
            "total_amount": b.total_amount,
            "research_type": b.research_type,
            "dissemination": b.dissemination,
        }
        for b in _rows(app, "budget_lines")
    ]


def budget_check(app: Application, lines: list[dict] | None = None) -> call_rules.BudgetCheck:
    """The budget table against the call's §7.5 limits, with the aid from the intensities (read-only)."""
    call = app.call
    if lines is None:
        lines = _budget_lines(app)
    data = _call_data(call)
    return call_rules.check_budget_table(
        lines,
        data["categories"],
        data["limits"],
        size=(app.data or {}).get("enterprise_size") or "small",
        min_budget=call.min_project_budget,
        max_budget=call.max_project_budget,
        # Call 004 §6.5.1 vs §4.c22, §6.2 and §4.c24(i): the call's readings (calls.gaps, schema).
        min_budget_inclusive=gap_value(call.config, "min_budget_inclusive") == "inclusive",
        indirect_rule=gap_value(call.config, "indirect_cost_rule"),
        min_private_share_percent=(call.config or {}).get("min_private_share_percent"),
    )


def budget_summary(check: call_rules.BudgetCheck) -> dict:
    """The budget table's computed figures as the budget step, the application page, the receipt
    and the committee show them: plan, subsidised budget, aid and private participation (call 004
    §6.5.1, §7.2, §7.4, §7.5). Amounts formatted in Greek; `violations` the reasons it is refused."""
    return {
        "groups": [
            (call_rules.GROUP_LABELS.get(g, g), rules.fmt_eur(v))
            for g, v in sorted(check.group_totals.items())
        ],
        "plan": rules.fmt_eur(check.total_budget),
        "total": rules.fmt_eur(check.subsidised_total),
        "non_subsidised": rules.fmt_eur(check.non_subsidised),
        "aid": rules.fmt_eur(check.public_aid),
        "private": rules.fmt_eur(check.private_participation),
        "private_share": f"{check.private_share_percent}".replace(".", ",") + "%",
        "indirect_expected": rules.fmt_eur(check.indirect_expected)
        if check.indirect_expected is not None
        else "",
        "violations": [v.reason for v in check.violations],
    }


def _single_pool(call: Call) -> str | None:
    pools = list(_call_data(call)["pools"])
    return pools[0] if len(pools) == 1 else None


def _kad_problems(call: Call, kads: list[str], source: str) -> list[rules.Problem]:
    """Annex 2 check per ΚΑΔ, memoised per call version: a pure function of (list, ΚΑΔ)."""
    memo = _call_data(call)["kad_results"]
    problems: list[rules.Problem] = []
    for kad in kads:
        if kad not in memo:
            memo[kad] = rules.kad_problems(
                [kad],
                mode=call.kad_list_mode,
                codes=_call_data(call)["kad_codes"],
                source=f"Παράρτημα 2 {source}" if call.kad_list_mode == "exclude" else source,
            )
        problems += memo[kad]
    return problems


def _kads_in_scope(app: Application, call: Call) -> list[str]:
    """ΚΥΑ 7066 Παρ. 2 (κενό 18): which ΚΑΔ are tested is the call's `kad_scope`.

    The establishment ΚΑΔ is not in the AADE answer we hold, so `main_and_establishment` tests the
    main ΚΑΔ; `any` tests every active ΚΑΔ. They are registry data (AADE), read-only for the applicant.
    """
    activities = _rows(app, "activities")
    if call.kad_scope == Call.KadScope.ANY:
        return [a.code for a in activities]
    return [a.code for a in activities if a.kind == "1"]


# --- final submission ---------------------------------------------------------------------------------


# The call's counter, the area's pool and the audit chain's head in one statement, locked in that
# order (the pool's UPDATE and the head's lock read the counter's result, so the counter is always
# taken first; the head after the pool, as every audited write takes it last): the numbers, the
# conditional reservation (ΚΥΑ 7066 Art. 6.1, as calls.services.pool_reserve), whether the pool
# exists, and the head the submission's audit event will follow.
_NUMBERS_SQL = """
WITH numbers AS (
  UPDATE applications_callcounter
     SET last_priority = last_priority + $1,
         last_protocol = last_protocol + $2,
         last_submitted_at = GREATEST(clock_timestamp(), last_submitted_at + interval '1 microsecond')
   WHERE call_id = $3
  RETURNING last_priority, last_protocol, last_submitted_at),
held AS (
  UPDATE calls_budgetpool p SET reserved = p.reserved + $5
    FROM numbers
   WHERE p.id = $4 AND p.amount >= p.reserved + p.committed + $5
  RETURNING p.id),
head AS (
  SELECT h.last_seq, h.last_hash
    FROM opske_auditchainhead h JOIN numbers ON true LEFT JOIN held ON true
   WHERE h.id = 1
     FOR UPDATE OF h)
SELECT n.last_priority, n.last_protocol, n.last_submitted_at,
       EXISTS (SELECT 1 FROM held), EXISTS (SELECT 1 FROM calls_budgetpool WHERE id = $4),
       head.last_seq, head.last_hash
  FROM numbers n LEFT JOIN head ON true
"""


@dataclass(frozen=True)
class _Numbers:
    priority: int
    protocol: int
    at: datetime.datetime
    reserved: bool  # the amount is held in the pool
    pool_exists: bool
    audit_head: tuple[int, str] | None  # locked, on PostgreSQL


def _take_numbers(
    call: Call, *, advance: bool, new_protocol: bool, pool_id: int | None, amount: Decimal
) -> _Numbers:
    """Lock the call's counter row, take (priority, protocol, timestamp), and hold `amount` in
    pool `pool_id` if it still fits.

    The row lock is held until commit, so the next submission of this call waits here: priority
    order is commit order, and the timestamp (the database clock, to the microsecond) strictly
    increases with it even if the clock steps back. On PostgreSQL one round trip (_NUMBERS_SQL),
    which also locks the audit chain's head; SQLite (the embedded default) serialises writers
    anyway and takes the same numbers through the ORM and calls.services.pool_reserve.
    """
    if connection.vendor == "postgresql":
        params = [int(advance), int(new_protocol), call.pk, pool_id, amount]
        with connection.cursor() as cursor:
            execute_prepared(cursor, "opske_submission_numbers", _NUMBERS_SQL, params)
            row = cursor.fetchone()
            if row is None:  # the call's first submission creates its counter row
                CallCounter.objects.bulk_create([CallCounter(call=call)], ignore_conflicts=True)
                execute_prepared(cursor, "opske_submission_numbers", _NUMBERS_SQL, params)
                row = cursor.fetchone()
        priority, protocol, at, reserved, pool_exists, head_seq, head_hash = row
        head = (head_seq, head_hash) if head_seq is not None else None
        return _Numbers(priority, protocol, at, reserved, pool_exists, head)
    CallCounter.objects.bulk_create([CallCounter(call=call)], ignore_conflicts=True)
    counter = CallCounter.objects.select_for_update().get(call=call)
    now = timezone.now()
    if counter.last_submitted_at is not None and now <= counter.last_submitted_at:
        now = counter.last_submitted_at + ONE_MICROSECOND
    counter.last_priority += int(advance)
    counter.last_protocol += int(new_protocol)
    counter.last_submitted_at = now
    counter.save()
    reserved = exists = False
    if pool_id is not None:
        try:
            pool_reserve(pool_id=pool_id, amount=amount)
            reserved = exists = True
        except Conflict as exc:
            if exc.code != "pool_exhausted":
                raise
            exists = True
        except NotFound:
            exists = False
    return _Numbers(counter.last_priority, counter.last_protocol, now, reserved, exists, None)


def application_submit(*, actor, application_id: int) -> Application:
    """Οριστικοποίηση: validate, stamp number/timestamp/priority, reserve the budget, all at once.

    Everything that can be done before the call's counter lock is done before it; inside it only
    the numbers, the conditional pool UPDATE, the application row, the submission history row and
    the audit event. The receipt PDF and the notices are recorded by a task after commit.
    """
    with service_atomic():
        app = _locked_for_submission(application_id, actor)
        _require(actor, app, SUBMIT_ROLES)
        if app.status != Application.Status.DRAFT:
            raise Conflict(
                f"Η αίτηση έχει ήδη οριστικοποιηθεί ({app.protocol_number}).",
                code="already_submitted",
            )
        call = app.call
        window_source = (
            "ΚΥΑ 16936 Άρθ. 5(3)" if app.kind == Application.Kind.NATURAL_PERSON else "ΚΥΑ 7066 Άρθ. 6.1"
        )
        closed = rules.window_problem(
            now=timezone.now(),
            opens_at=call.submission_opens_at,
            closes_at=call.submission_closes_at,
            source=window_source,
        )
        if closed:
            raise Conflict(closed.message, code=closed.code, fields={closed.field: [closed.message]})
        problems, pool_code, amount = evaluate_submission(app)
        if problems:
            raise ValidationFailed(
                "Η αίτηση δεν μπορεί να οριστικοποιηθεί: " + problems[0].message,
                code=problems[0].code if len({p.code for p in problems}) == 1 else "submission_blocked",
                fields=rules.problems_as_fields(problems),
            )
        pool_id = _call_data(call)["pools"].get(pool_code) if pool_code else None
        previous_seq = (app.data or {}).get("previous_priority_seq")
        keep_place = _reedit_policy(call) == rules.REEDIT_KEEP and previous_seq is not None
        before = audit.snapshot(app, AUDIT_FIELDS)
        app.requested_amount = amount
        app.pool_id = pool_id
        # Submitted under the call's version in force now (the receipt names it).
        if app.call_version_id != call.current_version_id:
            app.call_version = call.current_version
        snapshot = receipt_context(app)

        second = rules.second_application_outcome(
            applicant_kind=app.kind, one_per_applicant=call.one_application_per_afm
        )
        # ΚΥΑ 16936 Art. 5(5): the person's earlier submitted applications, locked before the
        # counter (applications before the counter, as every submission locks them).
        replaced = _replaced_by_submission(app) if second == rules.SECOND_REPLACES else []

        # The serialisation point: from here to commit, one submission at a time per call.
        want_pool = call.is_fcfs and pool_id is not None and amount > 0
        taken = _take_numbers(
            call,
            advance=not keep_place,
            new_protocol=app.protocol_seq is None,
            pool_id=pool_id if want_pool else None,
            amount=amount,
        )
        seq, protocol_seq, now, reserved = taken.priority, taken.protocol, taken.at, taken.reserved
        late = rules.window_problem(
            now=now,
            opens_at=call.submission_opens_at,
            closes_at=call.submission_closes_at,
            source=window_source,
        )
        if late:  # it waited for the lock past the closing time: the stamped time is what counts
            raise Conflict(late.message, code=late.code, fields={late.field: [late.message]})
        if second == rules.SECOND_REFUSED:
            owner = {"business_id": app.business_id} if app.business_id else {"person_id": app.person_id}
            other = (
                Application.objects.filter(call=call, **owner)
                .exclude(pk=app.pk)
                .exclude(status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])
                .first()
            )
            if other is not None:
                raise Conflict(
                    f"Η πρόσκληση δέχεται μία αίτηση ανά ΑΦΜ· υπάρχει ήδη η {other}.",
                    code="duplicate_application",
                )
        if want_pool and not reserved:
            if not taken.pool_exists:
                raise NotFound("Το ταμείο δεν βρέθηκε.")
            if call.over_pool_policy == Call.OverPoolPolicy.REFUSE:
                label = _call_data(call)["pool_labels"][pool_id]
                raise Conflict(
                    f"Ο προϋπολογισμός της περιοχής «{label}» έχει εξαντληθεί· η πρόσκληση δεν δέχεται "
                    "άλλες αιτήσεις για αυτήν (ΚΥΑ 7066 Άρθ. 6.1).",
                    code="pool_exhausted",
                )
        if app.protocol_seq is None:
            app.protocol_seq = protocol_seq
            app.protocol_number = f"ΟΠΣΚΕ-{call.pk}-{protocol_seq:06d}"
        if reserved or not (call.is_fcfs and pool_id is not None):
            app.submit()
        else:
            app.submit_as_reserve()
        app.priority_seq = previous_seq if keep_place else seq
        app.submitted_at = now
        app.first_submitted_at = app.first_submitted_at or now
        app.reserved_amount = amount if reserved else Decimal("0.00")
        snapshot.update(
            protocol_number=app.protocol_number,
            priority_seq=app.priority_seq,
            submitted_at=now.isoformat(timespec="microseconds"),
            submitted_at_display=timezone.localtime(now).strftime("%d/%m/%Y %H:%M:%S"),
            status=str(app.get_status_display()),
            reserved=reserved,
        )
        submission = Submission(
            application=app,
            call=call,
            priority_seq=app.priority_seq,
            submitted_at=now,
            requested_amount=amount,
            reserved=reserved,
            snapshot=snapshot,
        )
        audited = {
            "actor": actor,
            "action": "application.submitted"
            if app.status == Application.Status.SUBMITTED
            else "application.submitted_as_reserve",
            "obj": app,
            "before": before,
            "after": audit.snapshot(app, AUDIT_FIELDS),
        }
        if taken.audit_head is not None:  # the head is locked: the event goes with the writes
            event = audit.new_event(head=taken.audit_head, **audited)
            _write_submission(app, submission, previous_status=Application.Status.DRAFT, event=event)
        else:
            _write_submission(app, submission, previous_status=Application.Status.DRAFT)
            audit.record(**audited)
        for old in replaced:
            _cancel_superseded(old, new=app, actor=actor, at=now)
        transaction.on_commit(lambda: _enqueue_after_submission(submission.pk))
    return app


def _replaced_by_submission(app: Application) -> list[Application]:
    """The same person's submitted applications to the same call, row-locked (ΚΥΑ 16936 Art. 5(5))."""
    return list(
        Application.objects.select_for_update(of=("self",))
        .filter(
            call_id=app.call_id,
            person_id=app.person_id,
            status__in=[Application.Status.SUBMITTED, Application.Status.RESERVE],
        )
        .exclude(pk=app.pk)
        .order_by("pk")
    )


def _cancel_superseded(old: Application, *, new: Application, actor, at) -> None:
    """ΚΥΑ 16936 Art. 5(5): the previous application is cancelled by the new one (audited); a
    reservation it held goes back to its pool."""
    before = audit.snapshot(old, [*AUDIT_FIELDS, "cancellation_reason"])
    old.cancel_superseded()
    old.superseded_by = new
    old.cancelled_at = at
    old.cancellation_reason = rules.CANCELLED_BY_REPLACEMENT.format(new=new.protocol_number)
    held = old.reserved_amount
    if held and old.pool_id:
        pool_release(pool_id=old.pool_id, amount=held)
        old.reserved_amount = Decimal("0.00")
    old.save()
    audit.record(
        actor=actor,
        action="application.cancelled_superseded",
        obj=old,
        before=before,
        after={**audit.snapshot(old, [*AUDIT_FIELDS, "cancellation_reason"]), "superseded_by": new.pk},
        reason=old.cancellation_reason,
    )


@functools.cache
def _submission_write_sql(with_event: bool) -> tuple[str, list, list]:
    """UPDATE the application's SUBMIT_FIELDS and INSERT its Submission row (and its audit event,
    with the chain head moved, when `with_event`) in one statement."""
    quote = connection.ops.quote_name
    app_fields = [Application._meta.get_field(name) for name in SUBMIT_FIELDS]
    sub_fields = [f for f in Submission._meta.concrete_fields if not f.primary_key]
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in app_fields)
    columns = ", ".join(quote(f.column) for f in sub_fields)
    placeholders = ", ".join(["%s"] * len(sub_fields))
    # Names come from the models; values are parameters.
    sql = (
        f"WITH changed AS (UPDATE {quote(Application._meta.db_table)} SET {assignments} "  # noqa: S608
        "WHERE id = %s AND status = %s RETURNING id), "
        f"submitted AS (INSERT INTO {quote(Submission._meta.db_table)} ({columns}) "
        f"SELECT {placeholders} FROM changed RETURNING id)"
    )
    if with_event:
        members = audit.append_members()
        sql += f", {members} SELECT (SELECT id FROM submitted), (SELECT id FROM audit_appended)"  # noqa: S608
    else:
        sql += " SELECT (SELECT id FROM submitted), NULL"
    return numbered(sql), app_fields, sub_fields


def _write_submission(app: Application, submission: Submission, *, previous_status: str, event=None) -> None:
    """The application row (SUBMIT_FIELDS, only if still `previous_status`, as the FSM's concurrent
    save checks), the new Submission row and, given one, its audit event (the chain head locked by
    _take_numbers): one round trip inside the counter lock on PostgreSQL."""
    if connection.vendor != "postgresql":
        app.save(update_fields=SUBMIT_FIELDS)
        submission.save(force_insert=True)
        return
    sql, app_fields, sub_fields = _submission_write_sql(event is not None)
    params = [f.get_db_prep_save(f.pre_save(app, False), connection) for f in app_fields]
    params += [app.pk, previous_status]
    params += [f.get_db_prep_save(f.pre_save(submission, True), connection) for f in sub_fields]
    if event is not None:
        params += audit.append_parts(event)[1]
    name = "opske_submission_write_audited" if event is not None else "opske_submission_write"
    with connection.cursor() as cursor:
        execute_prepared(cursor, name, sql, params)
        submission_id, event_id = cursor.fetchone()
    if submission_id is None:  # the row lock makes this unreachable; never write half a submission
        raise Conflict("Η αίτηση άλλαξε κατάσταση ενώ οριστικοποιούνταν.", code="concurrent_change")
    submission.pk = submission_id
    submission._state.adding = False
    submission._state.db = connection.alias
    app._update_initial_state()  # what the FSM's next concurrent save compares against, as save() does
    if event is not None:
        audit.appended(event, event_id)


def pool_code(app: Application) -> str | None:
    """The code of the pool the application is counted against, from the call's compiled data."""
    if not app.pool_id:
        return None
    return _call_data(app.call)["pool_codes"].get(app.pool_id) or app.pool.code


# Receipts are recorded in batches under a surge: the web process publishes one «record what is
# pending» task per APPLICATIONS_RECEIPT_BATCH_SECONDS instead of one message per submission (a
# broker round trip inside every finalisation). A submission committed while a batch is scheduled
# is older than that batch's start (its ETA lies ahead of the commit), so the batch finds it.
_receipt_batch = {"next": 0.0}
_receipt_batch_lock = threading.Lock()


def _enqueue_after_submission(submission_id: int) -> None:
    from applications.tasks import after_submission, after_submissions

    seconds = float(getattr(settings, "APPLICATIONS_RECEIPT_BATCH_SECONDS", 0) or 0)
    try:
        if seconds <= 0 or settings.CELERY_TASK_ALWAYS_EAGER:
            after_submission.delay(submission_id)  # inline without a broker: the receipt at once
            return
        now = time.monotonic()
        with _receipt_batch_lock:
            if now < _receipt_batch["next"]:
                return  # the batch already scheduled will find this one
            _receipt_batch["next"] = now + seconds
        try:
            after_submissions.apply_async(countdown=seconds)
        except Exception:
            with _receipt_batch_lock:
                _receipt_batch["next"] = 0.0
            raise
    except Exception:  # the outbox sweep re-enqueues submissions still without a receipt
        logger.warning("could not enqueue the receipt of submission %s", submission_id)


def submissions_record_pending(*, limit: int = 500) -> list[int]:
    """Record the receipt and notices of up to `limit` submissions still without one, oldest
    first (the batch task; each is idempotent). Returns their ids."""
    ids = list(
        Submission.objects.filter(receipt__isnull=True).order_by("pk").values_list("pk", flat=True)[:limit]
    )
    for submission_id in ids:
        submission_record_receipt_and_notices(submission_id=submission_id)
    return ids


def submission_record_receipt_and_notices(*, submission_id: int) -> Submission | None:
    """After commit: record the receipt PDF (rendered by the worker) and the e-mails. Runs once."""
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("application__call", "application__business", "application__person")
            .filter(pk=submission_id)
            .first()
        )
        if submission is None or submission.receipt_id is not None:
            return submission
        app = submission.application
        document = document_request(
            obj=app,
            kind="application_receipt",
            template="applications/pdf/receipt.html",
            context=submission.snapshot,
            actor="applications.after_submission",
        )
        Submission.objects.filter(pk=submission.pk).update(receipt=document)
        if app.submitted_at == submission.submitted_at:  # the latest submission's receipt is the one shown
            Application.objects.filter(pk=app.pk).update(receipt=document)
        _notify_submitted(app, submission)
        submission_recorded(app)
        submission.receipt = document
    return submission


def _notify_submitted(app: Application, submission: Submission) -> None:
    """E-mail to the business's members (coordinator, legal representative) and the declared address."""
    if app.business_id:
        recipients = [
            m.user
            for m in Membership.objects.filter(
                business=app.business, state=Membership.State.ACTIVE, role__in=SUBMIT_ROLES
            ).select_related("user")
            if m.user is not None
        ]
    else:
        recipients = [app.person.user] if app.person.user_id else []
    when = timezone.localtime(submission.submitted_at).strftime("%d/%m/%Y %H:%M:%S")
    status = submission.snapshot.get("status", "")
    subject = f"Οριστικοποίηση αίτησης {app.protocol_number}"
    body = (
        f"Η αίτηση {app.protocol_number} στην πρόσκληση «{app.call.title}» οριστικοποιήθηκε στις {when}.\n"
        f"Σειρά προτεραιότητας: {submission.priority_seq}. Κατάσταση: {status}.\n"
        f"Αιτούμενο ποσό: {rules.fmt_eur(submission.requested_amount)}.\n"
        "Το αποδεικτικό υποβολής (PDF) είναι διαθέσιμο στην πύλη."
    )
    notify(
        recipients=recipients,
        subject=subject,
        body=body,
        kind="application.submitted",
        obj=app,
        legal=True,
        actor="applications.after_submission",
    )
    member_emails = {(u.email or "").lower() for u in recipients}
    if app.email and app.email.lower() not in member_emails:
        address, app_id = app.email, app.pk
        transaction.on_commit(lambda: _enqueue_declared_email(app_id, address, subject, body))


def _enqueue_declared_email(application_id: int, address: str, subject: str, body: str) -> None:
    from applications.tasks import email_declared_address

    try:
        email_declared_address.delay(application_id, address, subject, body)
    except Exception:  # the members' copies go through the opske outbox, which retries
        logger.warning("could not enqueue the declared-address e-mail of application %s", application_id)


def receipt_context(app: Application) -> dict:
    """What was submitted, as plain JSON: the receipt PDF and the submission history read it."""
    call = app.call
    ctx = {
        "title": "Αποδεικτικό οριστικοποίησης αίτησης",
        "protocol_number": app.protocol_number,
        "priority_seq": app.priority_seq,
        "submitted_at": app.submitted_at.isoformat(timespec="microseconds") if app.submitted_at else "",
        "submitted_at_display": timezone.localtime(app.submitted_at).strftime("%d/%m/%Y %H:%M:%S")
        if app.submitted_at
        else "",
        "status": str(app.get_status_display()),
        "call": {"code": call.code, "title": call.title, "legal_act": call.programme.legal_act},
        "call_version": app.call_version.number if app.call_version_id else None,
        "applicant": app.applicant_label,
        "email": app.email,
        "requested_amount": rules.fmt_eur(app.requested_amount),
        "reserved": app.reserved_amount > 0,
        "pool": _call_data(call)["pool_labels"].get(app.pool_id, "") if app.pool_id else "",
        "positions": [
            {
                "specialty": p.specialty,
                "qualifications": p.qualifications,
                "category": p.category,
                "persons": p.persons,
                "place": ", ".join(
                    x
                    for x in (p.place_label, p.place_municipality, p.place_regional_unit, p.place_region)
                    if x
                ),
            }
            for p in _rows(app, "positions")
        ]
        if app.kind == Application.Kind.BUSINESS
        else [],
        "de_minimis": (app.data or {}).get("de_minimis") or {},
        "partners": [
            {"afm": p.afm, "name": p.name, "kind": str(p.get_kind_display())} for p in _rows(app, "partners")
        ]
        if app.kind == Application.Kind.CLUSTER
        else [],
        "budget_lines": [
            {
                "category": b.category,
                "description": b.description,
                "total_amount": rules.fmt_eur(b.total_amount if b.total_amount is not None else b.amount),
                "amount": rules.fmt_eur(b.amount),
            }
            for b in _rows(app, "budget_lines")
        ]
        if app.kind == Application.Kind.CLUSTER
        else [],
        # Plan, subsidised budget, aid and private participation as submitted (§6.5.1, §7.4).
        "budget": budget_summary(budget_check(app)) if app.kind == Application.Kind.CLUSTER else None,
        "education": app.education,
        "placement_preferences": list(app.placement_preferences or []),
        # A person's receipt (ΚΥΑ 16936) carries no amount, pool or priority: it is ranked by points.
        "is_person": app.kind == Application.Kind.NATURAL_PERSON,
        "attachments": import_module("applications.attachments").receipt_rows(app),
        "registry": {
            s.registry: {"status": s.status, "fetched_at": s.fetched_at.isoformat()}
            for s in _rows(app, "registry_snapshots")
        },
    }
    return ctx


# --- re-edit and withdrawal ----------------------------------------------------------------------------


def application_reopen(*, actor, application_id: int) -> Application:
    """Επανεπεξεργασία (ΚΥΑ 7066 Άρθ. 6.7): back to draft, keeping its number; the reservation is
    released and a new one (and a new timestamp) is taken when it is resubmitted."""
    with service_atomic():
        app = _locked(application_id)
        _require(actor, app, SUBMIT_ROLES)
        if app.status not in (Application.Status.SUBMITTED, Application.Status.RESERVE):
            raise Conflict(
                "Επανεπεξεργασία επιτρέπεται μόνο σε οριστικοποιημένη αίτηση που δεν αξιολογείται "
                "(ΚΥΑ 7066 Άρθ. 6.7β).",
                code="reedit_evaluation_started"
                if app.status == Application.Status.UNDER_EVALUATION
                else "not_submitted",
            )
        pool_remaining, waiting = None, False
        if app.pool_id:
            pool = BudgetPool.objects.get(pk=app.pool_id)
            pool_remaining = pool.remaining  # after every hold, this application's own included
            waiting = Application.objects.filter(
                pool_id=app.pool_id, status=Application.Status.RESERVE
            ).exists()
        problem = rules.reedit_problem(
            now=timezone.now(),
            closes_at=app.call.submission_closes_at,
            evaluation_started=False,
            pool_remaining=pool_remaining if app.call.is_fcfs else None,
            pool_exhausted=waiting and app.call.is_fcfs,
        )
        if problem:
            raise Conflict(problem.message, code=problem.code)
        before = audit.snapshot(app, AUDIT_FIELDS)
        released_from = app.pool_id if app.reserved_amount > 0 else None
        if released_from:
            pool_release(pool_id=app.pool_id, amount=app.reserved_amount)
        app.data = {**(app.data or {}), "previous_priority_seq": app.priority_seq}
        app.reopen()
        app.reserved_amount = Decimal("0.00")
        app.priority_seq = None
        app.save()
        audit.record(
            actor=actor,
            action="application.reopened",
            obj=app,
            before=before,
            after=audit.snapshot(app, AUDIT_FIELDS),
            reason="ΚΥΑ 7066 Άρθ. 6.7",
        )
        if released_from:
            reserves_promote(pool_id=released_from, actor=actor)
    return app


def application_withdraw(*, actor, application_id: int, reason: str = "") -> Application:
    """Απόσυρση by the coordinator; a held reservation goes back to the pool."""
    with service_atomic():
        app = _locked(application_id)
        _require(actor, app, WITHDRAW_ROLES)
        if app.status not in (
            Application.Status.DRAFT,
            Application.Status.SUBMITTED,
            Application.Status.RESERVE,
        ):
            raise Conflict(
                f"Η αίτηση δεν μπορεί να αποσυρθεί στην κατάσταση «{app.get_status_display()}».",
                code="not_withdrawable",
            )
        before = audit.snapshot(app, AUDIT_FIELDS)
        released = app.reserved_amount > 0
        if released:
            pool_release(pool_id=app.pool_id, amount=app.reserved_amount)
        app.withdraw()
        app.reserved_amount = Decimal("0.00")
        app.withdrawn_at = timezone.now()
        app.withdrawal_reason = (reason or "")[:2000]
        app.save()
        audit.record(
            actor=actor,
            action="application.withdrawn",
            obj=app,
            before=before,
            after=audit.snapshot(app, AUDIT_FIELDS),
            reason=app.withdrawal_reason,
        )
        if released:
            reserves_promote(pool_id=app.pool_id, actor=actor)
    return app


# --- registry answers -----------------------------------------------------------------------------------


def application_store_registry_result(
    *, application: Application, registry: str, status: str, data, fetched_at
) -> None:
    """Keep what the registry said and when; a newer answer replaces the older one (audited).

    The application row is locked first, as every autosave does (`_locked`, then the audit chain
    head): the snapshot's foreign key would otherwise take a share lock on it that the ΔΥΠΑ
    education prefill below must upgrade, a cycle with an autosave queued for the same row."""
    with transaction.atomic():
        list(Application.objects.select_for_update(of=("self",)).filter(pk=application.pk).values_list("pk"))
        snapshot, created = RegistrySnapshot.objects.update_or_create(
            application=application,
            registry=registry,
            defaults={
                "status": status,
                "data": data if isinstance(data, dict) else {"value": data},
                "fetched_at": fetched_at,
            },
        )
        audit.record(
            actor=None,
            action="application.registry_snapshot_stored",
            obj=application,
            after={"registry": registry, "status": status, "fetched_at": fetched_at.isoformat()},
        )
        if (
            registry == RegistrySnapshot.Registry.DYPA
            and status == RegistrySnapshot.Status.OK
            and not application.education
        ):
            # Prefill (editable) the education category the register holds (ΚΥΑ 16936 Art. 5(1)).
            education = (data or {}).get("education", "")
            if education in Application.Education.values and application.status == Application.Status.DRAFT:
                Application.objects.filter(pk=application.pk, education="").update(education=education)


def demo_sandbox_ergani_password() -> str | None:
    """The sandbox employer password, used only while the registry sandboxes stand in for ΕΡΓΑΝΗ."""
    if not settings.SANDBOXES_ENABLED:
        return None
    from interop.sandboxes.data_people import ERGANI_PASSWORD

    return ERGANI_PASSWORD
