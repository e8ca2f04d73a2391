"""Every write of the administrative (desk) verification of a ΔΔΔ (Guidance Ο.3 §4.3; call 004
§11.1.Β-Γ; ΚΥΑ 7066 Art. 8.3, 8.5): take, checklist, sample and extension, item results,
findings, report, approval with corrections, the beneficiary's acceptance or objection, and the
objection's decision. Each service is `transaction.atomic`, locks the request row, moves the FSM
and writes one audit event.
"""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition

from accounts.models import Membership, Role
from evaluation.selectors import users_who_evaluated
from opske import audit
from opske.dates import ATHENS
from opske.deadlines import SWEEPER_ACTOR, deadline_cancel, deadline_handler, deadline_schedule
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.money import format_eur
from opske.notifications import notify
from opske.pdf import document_request
from verification import hooks
from verification.models import (
    CheckFinding,
    ChecklistAnswer,
    Correction,
    DeskCheck,
    ExpenditureItem,
    ItemResult,
    ReportCorrection,
    ResultObjection,
    SampleEntry,
    SampleExtension,
    VerificationReport,
    VerificationRequest,
)
from verification.rules import checks as rules
from verification.rules import item_sampling
from verification.rules.subprojects import subproject_type_for

S = VerificationRequest.State
ZERO = Decimal("0.00")
OBJECTION_WINDOW_KIND = "verification.result_objection_window"
RESULT_NOTICE_KIND = "verification.result"
REPORT_TEMPLATE = "verification/check/pdf/report.html"


# --- helpers ------------------------------------------------------------------------------------


def _locked(request_id) -> VerificationRequest:
    try:
        pk = int(request_id)
    except (TypeError, ValueError):
        raise NotFound("Το αίτημα επαλήθευσης δεν βρέθηκε.") from None
    req = (
        VerificationRequest.objects.select_for_update(of=("self",))
        .select_related("operation__call", "operation__application", "operation__business")
        .filter(pk=pk)
        .first()
    )
    if req is None:
        raise NotFound("Το αίτημα επαλήθευσης δεν βρέθηκε.")
    return req


def _save(obj) -> None:
    try:
        obj.save()
    except ConcurrentTransition as exc:
        raise Conflict(
            "Άλλος χρήστης άλλαξε ήδη το αίτημα· ανανεώστε τη σελίδα.", code="concurrent_change"
        ) from exc


def _need_role(actor, *roles) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_role(*roles):
        raise PermissionDenied("Δεν έχετε τον απαιτούμενο ρόλο για αυτή την ενέργεια.")


def _need_state(req: VerificationRequest, *states) -> None:
    if req.state not in states:
        raise Conflict(
            f"Η ενέργεια δεν επιτρέπεται: το αίτημα είναι «{req.get_state_display()}».", code="wrong_state"
        )


def _check_of(req: VerificationRequest) -> DeskCheck:
    check = DeskCheck.objects.filter(request=req).first()
    if check is None:
        raise Conflict("Το αίτημα δεν έχει αναληφθεί για επαλήθευση.", code="not_taken")
    return check


def _as_verifier(actor, req: VerificationRequest) -> DeskCheck:
    _need_role(actor, Role.VERIFIER)
    check = _check_of(req)
    if check.verifier_id != actor.pk:
        raise PermissionDenied(
            "Το αίτημα το έχει αναλάβει άλλος επαληθευτής· μόνο αυτός καταχωρίζει τον έλεγχο.",
            code="not_your_check",
        )
    return check


def beneficiary_users(req: VerificationRequest) -> list:
    """The business's coordinators and legal representatives (who receive the result's notice)."""
    business_id = req.operation.business_id or req.operation.application.business_id
    if not business_id:
        person = req.operation.application.person
        return [person.user] if person and person.user_id else []
    return [
        m.user
        for m in Membership.objects.filter(
            business_id=business_id,
            state=Membership.State.ACTIVE,
            role__in=[Membership.BusinessRole.COORDINATOR, Membership.BusinessRole.LEGAL_REPRESENTATIVE],
        ).select_related("user")
        if m.user_id
    ]


def _notice_addresses(req: VerificationRequest) -> list[str]:
    """Where the result is served: the addresses a legal notice about the application goes to
    (call 004 §11.1.Γ: the beneficiary's and the coordinator's registered e-mail; ΚΥΑ 7066 Art. 8.5)."""
    from evaluation.services import notice_addresses_for

    return notice_addresses_for(req.operation.application)


def _is_beneficiary(actor, req: VerificationRequest) -> bool:
    from applications.selectors import applications_for_user

    return applications_for_user(actor).filter(pk=req.operation.application_id).exists()


def _supervisors() -> list:
    return list(
        get_user_model().objects.filter(role_assignments__role=Role.SUPERVISOR, is_active=True).distinct()
    )


def sample_items(req: VerificationRequest) -> list[item_sampling.SampleItem]:
    return [
        item_sampling.SampleItem(i.pk, i.category, i.amount)
        for i in ExpenditureItem.objects.filter(request=req).order_by("pk")
    ]


def _today() -> datetime.date:
    return timezone.now().astimezone(ATHENS).date()


# --- take ---------------------------------------------------------------------------------------


def desk_check_take(*, actor, request_id) -> DeskCheck:
    """A verifier takes a submitted ΔΔΔ flagged «προς επαλήθευση». One wins: the request row is
    locked and the FSM moves SUBMITTED → UNDER_CHECK once. Who evaluated the application is refused
    (ΚΥΑ 7066 Art. 7.1, 8.3)."""
    _need_role(actor, Role.VERIFIER)
    with transaction.atomic():
        req = _locked(request_id)
        if req.state == S.UNDER_CHECK:
            holder = DeskCheck.objects.filter(request=req).select_related("verifier").first()
            who = (
                holder.verifier.get_full_name() or holder.verifier.username if holder else "άλλος επαληθευτής"
            )
            raise Conflict(f"Το αίτημα το ανέλαβε ήδη ο/η {who}.", code="already_taken")
        _need_state(req, S.SUBMITTED)
        if req.selected is False:
            raise Conflict(
                "Το αίτημα δεν επιλέχθηκε για διοικητική επαλήθευση (Ο.3 §4.3.1.Α)· γίνεται αποδεκτό "
                "χωρίς έλεγχο ή επιλέγεται με αιτιολόγηση.",
                code="not_selected",
            )
        conflict = rules.conflict_of_interest(actor.pk, users_who_evaluated(req.operation.application))
        if conflict:
            raise PermissionDenied(conflict, code="conflict_of_interest")
        config = req.operation.call.config or {}
        check = DeskCheck.objects.create(
            request=req,
            verifier=actor,
            taken_at=timezone.now(),
            checklist=rules.checklist_for(config),
            subproject_type=subproject_type_for(req.operation),
        )
        req.take_for_check()
        _save(req)
        audit.record(
            actor=actor,
            action="verification.check.taken",
            obj=req,
            before={"state": S.SUBMITTED},
            after={"state": req.state, "verifier": actor.pk, "subproject_type": check.subproject_type},
        )
    return check


def request_accept_without_check(*, actor, request_id, reason: str = "") -> VerificationRequest:
    """Ο.3 §3: a ΔΔΔ not selected is accepted on the risk-based assurance; accepted = declared."""
    _need_role(actor, Role.VERIFIER, Role.SUPERVISOR)
    with transaction.atomic():
        req = _locked(request_id)
        _need_state(req, S.SUBMITTED)
        if req.selected:
            raise Conflict(
                "Το αίτημα έχει επιλεγεί για διοικητική επαλήθευση και δεν γίνεται αποδεκτό χωρίς έλεγχο.",
                code="selected",
            )
        req.accept_without_check()
        req.accepted_total = req.declared_total
        req.accepted_at = timezone.now()
        req.accepted_how = "no_check"
        _save(req)
        hooks.result_final(req)
        audit.record(
            actor=actor,
            action="verification.request.accepted_without_check",
            obj=req,
            before={"state": S.SUBMITTED},
            after={"state": req.state, "accepted_total": req.accepted_total},
            reason=reason,
        )
        notify(
            recipients=beneficiary_users(req),
            subject=f"Αίτημα επαλήθευσης {req.seq} — αποδεκτό διαχείρισης",
            body=(
                f"Το αίτημα επαλήθευσης {req.seq} της πράξης {req.operation.code} έγινε αποδεκτό χωρίς "
                f"διοικητική επαλήθευση, με ποσό {format_eur(req.accepted_total)} (Οδηγία Ο.3 §4.3.1.Α)."
            ),
            kind=RESULT_NOTICE_KIND,
            obj=req,
            actor=actor,
        )
    return req


# --- checklist ----------------------------------------------------------------------------------


def checklist_save(*, actor, request_id, answers: dict[str, dict]) -> DeskCheck:
    """Store the answers given (Ναι / Όχι / Δ.Α. with a note); an «Όχι» without a note is refused
    at its item. Unanswered items may be completed later; drafting the report needs them all."""
    with transaction.atomic():
        req = _locked(request_id)
        check = _as_verifier(actor, req)
        _need_state(req, S.UNDER_CHECK)
        codes = {i["code"] for i in check.checklist}
        given = {c: a for c, a in answers.items() if c in codes and (a.get("answer") or "")}
        errors = rules.checklist_errors([i for i in check.checklist if i["code"] in given], given)
        if errors:
            raise ValidationFailed("Διορθώστε τις απαντήσεις της λίστας ελέγχου.", fields=errors)
        before = {a.code: a.answer for a in check.answers.all()}
        for code, a in given.items():
            ChecklistAnswer.objects.update_or_create(
                check_record=check,
                code=code,
                defaults={"answer": a["answer"], "note": (a.get("note") or "").strip()},
            )
        audit.record(
            actor=actor,
            action="verification.check.checklist_saved",
            obj=req,
            before={"answers": before},
            after={"answers": {c: a["answer"] for c, a in given.items()}},
        )
    return check


# --- sample -------------------------------------------------------------------------------------


def _category_percents(raw, items, method, justification) -> dict[str, Decimal]:
    """Ο.3 §4.3.1.B(2): own percentages for riskier categories, with the reason recorded."""
    if method != "sample":
        return {}
    known = {i.category for i in items}
    out = {}
    for category, value in (raw or {}).items():
        if value is None:
            continue
        if category not in known or value <= 0 or value > 100 or value != value.quantize(Decimal("0.01")):
            raise ValidationFailed(
                f"Μη έγκυρο ποσοστό για την κατηγορία «{category}» (0–100%, έως δύο δεκαδικά).",
                fields={"category_percents": ["Μη έγκυρο ποσοστό κατηγορίας."]},
            )
        out[category] = value
    if out and not justification.strip():
        raise ValidationFailed(
            "Αιτιολογήστε τα διαφορετικά ποσοστά ανά κατηγορία "
            "(Ο.3 §4.3.1.Β: κατηγορία με μεγαλύτερο κίνδυνο).",
            fields={"justification": ["Συμπληρώστε την αιτιολόγηση."]},
        )
    return out


def sample_draw(
    *,
    actor,
    request_id,
    percent: Decimal | None = None,
    justification: str = "",
    marked=(),
    seed: int | None = None,
    category_percents: dict[str, Decimal] | None = None,
) -> DeskCheck:
    """Draw the item sample once, with a stored seed (Ο.3 §4.3.1.B)."""
    with transaction.atomic():
        req = _locked(request_id)
        check = _as_verifier(actor, req)
        _need_state(req, S.UNDER_CHECK)
        if check.sampled_at:
            raise Conflict(
                "Το δείγμα έχει ήδη επιλεγεί· επεκτείνετε το δείγμα με αιτιολόγηση.", code="sampled"
            )
        items = sample_items(req)
        if not items:
            raise Conflict("Το αίτημα δεν έχει δαπάνες.", code="no_items")
        params = item_sampling.SamplingParams.from_config(req.operation.call.config)
        method = item_sampling.item_check_method(check.subproject_type)
        if method == "sample":
            percent = percent if percent is not None else item_sampling.minimum_percent(len(items), params)
            errors = item_sampling.percent_errors(
                percent, item_count=len(items), justification=justification, params=params
            )
            if errors:
                raise ValidationFailed(errors[0], fields={"percent": errors})
        ids = {i.id for i in items}
        marked = {int(m) for m in marked}
        if marked - ids:
            raise ValidationFailed(
                "Μία από τις επισημασμένες δαπάνες δεν ανήκει στο αίτημα.",
                fields={"marked": ["Άγνωστη δαπάνη."]},
            )
        per_category = _category_percents(category_percents, items, method, justification)
        seed = seed if seed is not None else secrets.randbits(48)
        sample = item_sampling.draw_sample(
            items,
            subproject_type=check.subproject_type,
            seed=seed,
            percent=percent,
            marked=marked,
            params=params,
            category_percents=per_category,
        )
        if per_category:
            minimum = min(sample.percent, item_sampling.minimum_percent(len(items), params))
            errors = item_sampling.overall_errors(sample, minimum=minimum)
            if errors:
                raise ValidationFailed(errors[0], fields={"category_percents": errors})
        SampleEntry.objects.bulk_create(
            [
                SampleEntry(check_record=check, item_id=p.item_id, reason=p.reason, draw=p.draw)
                for p in sample.picks
            ]
        )
        check.sample_method = sample.method
        check.sample_seed = seed
        check.sample_percent = sample.percent
        check.sample_category_percents = {c: str(p) for c, p in per_category.items()}
        check.sample_justification = "\n".join([justification.strip(), *sample.notes]).strip()
        check.sampled_at = timezone.now()
        check.save(
            update_fields=[
                "sample_method",
                "sample_seed",
                "sample_percent",
                "sample_category_percents",
                "sample_justification",
                "sampled_at",
            ]
        )
        audit.record(
            actor=actor,
            action="verification.check.sample_drawn",
            obj=req,
            after={
                "method": sample.method,
                "seed": seed,
                "percent": str(sample.percent),
                "items": sorted(sample.item_ids),
                "marked": sorted(marked),
                "category_percents": {c: str(p) for c, p in per_category.items()},
            },
            reason=justification,
        )
    return check


def sample_extend(*, actor, request_id, scope: str, categories=(), reason: str) -> SampleExtension:
    """Ο.3 §4.3.2: extend to the findings' category, more categories or the whole ΔΔΔ, with a reason."""
    with transaction.atomic():
        req = _locked(request_id)
        check = _as_verifier(actor, req)
        _need_state(req, S.UNDER_CHECK)
        if not check.sampled_at:
            raise Conflict("Επιλέξτε πρώτα το δείγμα.", code="not_sampled")
        if not reason.strip():
            raise ValidationFailed(
                "Αιτιολογήστε την επέκταση του δείγματος.",
                fields={"reason": ["Συμπληρώστε την αιτιολόγηση."]},
            )
        if scope not in SampleExtension.Scope.values:
            raise ValidationFailed("Επιλέξτε την έκταση.", fields={"scope": ["Επιλέξτε την έκταση."]})
        items = sample_items(req)
        known = {i.category for i in items}
        cats = [c for c in categories if c]
        if scope == SampleExtension.Scope.WHOLE:
            cats = None
        else:
            if not cats or set(cats) - known:
                raise ValidationFailed(
                    "Επιλέξτε κατηγορίες του αιτήματος.", fields={"categories": ["Επιλέξτε κατηγορία."]}
                )
            if scope == SampleExtension.Scope.CATEGORY and len(cats) != 1:
                raise ValidationFailed(
                    "Επιλέξτε μία κατηγορία.", fields={"categories": ["Επιλέξτε μία κατηγορία."]}
                )
        already = set(SampleEntry.objects.filter(check_record=check).values_list("item_id", flat=True))
        picks = item_sampling.extend_sample(items, already=already, categories=cats)
        if not picks:
            raise Conflict("Όλες οι δαπάνες αυτής της έκτασης είναι ήδη στο δείγμα.", code="nothing_to_add")
        ext = SampleExtension.objects.create(
            check_record=check,
            scope=scope,
            categories=cats or [],
            reason=reason.strip(),
            by=actor,
            at=timezone.now(),
        )
        SampleEntry.objects.bulk_create(
            [
                SampleEntry(check_record=check, item_id=p.item_id, reason=p.reason, extension=ext)
                for p in picks
            ]
        )
        audit.record(
            actor=actor,
            action="verification.check.sample_extended",
            obj=req,
            after={"scope": scope, "categories": cats or [], "items": [p.item_id for p in picks]},
            reason=reason,
        )
    return ext


# --- item results and findings ------------------------------------------------------------------


def _apply_item_result(*, check, item, eligible: Decimal, reason: str, category: str, actor) -> ItemResult:
    amounts, errors = rules.item_amounts(item.amount, eligible, reason)
    if category not in rules.CORRECTION_CATEGORIES:
        errors["correction_category"] = "Επιλέξτε κατηγορία ΔΚΔ 1, 2 ή 6."
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)
    result, _ = ItemResult.objects.update_or_create(
        item=item,
        defaults={
            "check_record": check,
            "declared_amount": item.amount,
            "eligible_amount": amounts.eligible,
            "ineligible_amount": amounts.ineligible,
            "reason": reason.strip() if amounts.ineligible else "",
            "correction_category": category,
            "recorded_by": actor,
            "recorded_at": timezone.now(),
        },
    )
    ExpenditureItem.objects.filter(pk=item.pk).update(
        eligible_amount=amounts.eligible, ineligible_reason=result.reason
    )
    return result


def _sampled_item(check: DeskCheck, item_id) -> ExpenditureItem:
    try:
        item_id = int(item_id)
    except (TypeError, ValueError):
        raise NotFound("Η δαπάνη δεν βρέθηκε.") from None
    item = ExpenditureItem.objects.filter(pk=item_id, request_id=check.request_id).first()
    if item is None:
        raise NotFound("Η δαπάνη δεν βρέθηκε.")
    if not SampleEntry.objects.filter(check_record=check, item=item).exists():
        raise Conflict(
            "Η δαπάνη δεν είναι στο δείγμα· δεν επαληθεύεται ούτε διορθώνεται (Ο.3 §4.3.2: καμία "
            "προβολή στον ανέλεγκτο πληθυσμό). Επεκτείνετε το δείγμα αν χρειάζεται.",
            code="not_sampled",
        )
    return item


def item_result_record(
    *,
    actor,
    request_id,
    item_id,
    eligible_amount: Decimal,
    ineligible_reason: str = "",
    correction_category: str = "1",
) -> ItemResult:
    with transaction.atomic():
        req = _locked(request_id)
        check = _as_verifier(actor, req)
        _need_state(req, S.UNDER_CHECK)
        item = _sampled_item(check, item_id)
        before = ItemResult.objects.filter(item=item).values("eligible_amount", "reason").first()
        result = _apply_item_result(
            check=check,
            item=item,
            eligible=eligible_amount,
            reason=ineligible_reason,
            category=correction_category,
            actor=actor,
        )
        audit.record(
            actor=actor,
            action="verification.check.item_result",
            obj=req,
            before={"item": item.pk, **(before or {})},
            after={
                "item": item.pk,
                "eligible_amount": result.eligible_amount,
                "ineligible_amount": result.ineligible_amount,
                "correction_category": result.correction_category,
            },
            reason=result.reason,
        )
    return result


def finding_add(
    *, actor, request_id, text: str, item_id=None, provisions: str = "", irregularity: bool = False
) -> CheckFinding:
    with transaction.atomic():
        req = _locked(request_id)
        check = _as_verifier(actor, req)
        _need_state(req, S.UNDER_CHECK)
        if not text.strip():
            raise ValidationFailed("Περιγράψτε το εύρημα.", fields={"text": ["Περιγράψτε το εύρημα."]})
        item = None
        if item_id:
            item = ExpenditureItem.objects.filter(pk=item_id, request=req).first()
            if item is None:
                raise ValidationFailed(
                    "Η δαπάνη δεν ανήκει στο αίτημα.", fields={"item": ["Άγνωστη δαπάνη."]}
                )
        finding = CheckFinding.objects.create(
            check_record=check,
            item=item,
            text=text.strip(),
            provisions=provisions.strip(),
            irregularity=irregularity,
            recorded_by=actor,
        )
        audit.record(
            actor=actor,
            action="verification.check.finding_added",
            obj=req,
            after={"finding": finding.pk, "item": item.pk if item else None, "irregularity": irregularity},
            reason=text.strip(),
        )
    return finding


# --- report -------------------------------------------------------------------------------------


def _totals(req: VerificationRequest) -> tuple[Decimal, Decimal]:
    ineligible = [r.ineligible_amount for r in ItemResult.objects.filter(item__request=req)]
    corrections = sum(ineligible, ZERO)
    return corrections, rules.accepted_total(req.declared_total, ineligible)


def report_problems(req: VerificationRequest, check: DeskCheck) -> list[str]:
    """What still stops the report from being drafted."""
    problems = []
    answers = {a.code: {"answer": a.answer, "note": a.note} for a in check.answers.all()}
    if rules.checklist_errors(check.checklist, answers):
        problems.append("Συμπληρώστε όλη τη λίστα ελέγχου (σημείωση σε κάθε «Όχι»).")
    if not check.sampled_at:
        problems.append("Επιλέξτε το δείγμα των δαπανών.")
    missing = SampleEntry.objects.filter(check_record=check, item__check_result__isnull=True).count()
    if missing:
        problems.append(f"Καταχωρίστε το αποτέλεσμα για {missing} δαπάνη(-ες) του δείγματος.")
    return problems


def report_context(req: VerificationRequest) -> dict:
    """Plain values for the PDF (stored with the document, so it renders the same later)."""
    from verification.selectors_check import sample_explanation

    check = req.desk_check
    report = getattr(check, "report", None)
    answers = {a.code: a for a in check.answers.all()}
    explanation = sample_explanation(check)
    op = req.operation
    return {
        "title": "Έκθεση Διοικητικής Επαλήθευσης",
        "request": f"ΔΔΔ {req.seq} ({req.get_kind_display()})",
        "operation": op.code,
        "operation_title": op.title,
        "call_title": op.call.title,
        "beneficiary": str(op.business or op.application.business or ""),
        "period": (
            f"{req.period_start:%d/%m/%Y} – {req.period_end:%d/%m/%Y}"
            if req.period_start and req.period_end
            else ""
        ),
        "verifier": check.verifier.get_full_name() or check.verifier.username,
        "taken_at": check.taken_at.astimezone(ATHENS).strftime("%d/%m/%Y %H:%M"),
        "checklist": [
            {
                "code": i["code"],
                "text": i["text"],
                "citation": i.get("citation", ""),
                "answer": rules.ANSWER_LABELS.get(answers[i["code"]].answer, "")
                if i["code"] in answers
                else "—",
                "note": answers[i["code"]].note if i["code"] in answers else "",
            }
            for i in check.checklist
        ],
        "subproject_type": check.subproject_type,
        "method": explanation["method_label"],
        "seed": check.sample_seed,
        "percent": str(check.sample_percent or ""),
        "justification": check.sample_justification,
        "coverage": [
            {k: str(v) if isinstance(v, Decimal) else v for k, v in row.items()}
            for row in explanation["coverage"]
        ],
        "items": [
            {
                "document": r["item"].document_number,
                "supplier": r["item"].supplier_name,
                "category": r["item"].category,
                "declared": str(r["item"].amount),
                "why": r["why"],
                "eligible": str(r["result"].eligible_amount) if r["result"] else "",
                "ineligible": str(r["result"].ineligible_amount) if r["result"] else "",
                "reason": r["result"].reason if r["result"] else "",
                "ddk": r["result"].correction_category
                if r["result"] and r["result"].ineligible_amount
                else "",
            }
            for r in explanation["rows"]
        ],
        "extensions": [
            {"scope": e.get_scope_display(), "categories": ", ".join(e.categories), "reason": e.reason}
            for e in check.extensions.all()
        ],
        "findings": [
            {
                "text": f.text,
                "provisions": f.provisions,
                "irregularity": f.irregularity,
                "item": f.item.document_number if f.item else "",
            }
            for f in check.findings.select_related("item")
        ],
        "conclusions": check.conclusions,
        "systemic": check.systemic_assessment,
        "declared_total": str(req.declared_total),
        "corrections_total": str(report.corrections_total) if report else "0.00",
        "accepted_total": str(report.accepted_total) if report else str(req.declared_total),
        "version": report.version if report else 1,
        "drafted_by": (report.drafted_by.get_full_name() or report.drafted_by.username) if report else "",
        "approved_by": (
            (report.approved_by.get_full_name() or report.approved_by.username)
            if report and report.approved_by
            else ""
        ),
        "approved_at": report.approved_at.astimezone(ATHENS).strftime("%d/%m/%Y %H:%M")
        if report and report.approved_at
        else "",
        "report_corrections": [
            {
                "stage": c.get_stage_display(),
                "field": c.field,
                "before": c.before,
                "after": c.after,
                "reason": c.reason,
            }
            for c in (report.corrections.all() if report else [])
        ],
        "objection": _objection_context(req),
    }


def _objection_context(req) -> dict | None:
    obj = ResultObjection.objects.filter(request=req).first()
    if obj is None:
        return None
    return {"text": obj.text, "state": obj.get_state_display(), "reasons": obj.reasons}


def _render_report(req: VerificationRequest, report: VerificationReport, actor) -> None:
    document = document_request(
        obj=report,
        kind="verification_report",
        template=REPORT_TEMPLATE,
        context=report_context(req),
        actor=actor,
    )
    VerificationReport.objects.filter(pk=report.pk).update(document=document)
    report.document = document


def report_draft(
    *, actor, request_id, conclusions: str = "", systemic_assessment: str = ""
) -> VerificationReport:
    with transaction.atomic():
        req = _locked(request_id)
        check = _as_verifier(actor, req)
        _need_state(req, S.UNDER_CHECK)
        problems = report_problems(req, check)
        if problems:
            raise ValidationFailed(" ".join(problems), code="report_incomplete")
        check.conclusions = conclusions.strip()
        check.systemic_assessment = systemic_assessment.strip()
        check.save(update_fields=["conclusions", "systemic_assessment"])
        corrections, accepted = _totals(req)
        report = VerificationReport.objects.filter(check_record=check).first()
        if report is None:
            report = VerificationReport.objects.create(
                check_record=check,
                drafted_by=actor,
                drafted_at=timezone.now(),
                declared_total=req.declared_total,
                corrections_total=corrections,
                accepted_total=accepted,
            )
        else:  # re-drafted after the supervisor returned it
            report.version += 1
            report.drafted_at = timezone.now()
            report.corrections_total, report.accepted_total = corrections, accepted
            report.save(update_fields=["version", "drafted_at", "corrections_total", "accepted_total"])
        req.draft_report()
        _save(req)
        _render_report(req, report, actor)
        audit.record(
            actor=actor,
            action="verification.report.drafted",
            obj=req,
            before={"state": S.UNDER_CHECK},
            after={
                "state": req.state,
                "report": report.pk,
                "version": report.version,
                "corrections_total": corrections,
                "accepted_total": accepted,
            },
        )
        notify(
            recipients=_supervisors(),
            subject=f"Έκθεση επαλήθευσης προς έγκριση — ΔΔΔ {req.seq} {req.operation.code}",
            body=(
                "Η έκθεση διοικητικής επαλήθευσης συντάχθηκε και αναμένει έγκριση "
                "από ιεραρχικά ανώτερο όργανο."
            ),
            kind="verification.report_drafted",
            obj=req,
            actor=actor,
        )
    return report


def _as_approver(actor, req: VerificationRequest) -> VerificationReport:
    _need_role(actor, Role.SUPERVISOR)
    check = _check_of(req)
    report = VerificationReport.objects.filter(check_record=check).first()
    if report is None:
        raise Conflict("Δεν έχει συνταχθεί έκθεση.", code="no_report")
    if actor.pk in (check.verifier_id, report.drafted_by_id):
        raise PermissionDenied(
            "Την έκθεση εγκρίνει ιεραρχικά ανώτερο και διαφορετικό πρόσωπο από αυτό που τη συνέταξε "
            "(Πρόσκληση 004 §11.1.Γ· ΚΥΑ 7066 Άρθ. 8.5).",
            code="maker_checker",
        )
    return report


def report_correct(
    *,
    actor,
    request_id,
    item_id,
    eligible_amount: Decimal,
    reason: str,
    ineligible_reason: str = "",
    correction_category: str = "1",
) -> ReportCorrection:
    """The approver corrects an item's amounts with documented reasons; the PDF is regenerated."""
    with transaction.atomic():
        req = _locked(request_id)
        report = _as_approver(actor, req)
        _need_state(req, S.REPORT_DRAFTED)
        return _correct_item(
            actor=actor,
            req=req,
            report=report,
            stage=ReportCorrection.Stage.APPROVAL,
            item_id=item_id,
            eligible=eligible_amount,
            reason=reason,
            ineligible_reason=ineligible_reason,
            category=correction_category,
        )


def _correct_item(
    *, actor, req, report, stage, item_id, eligible, reason, ineligible_reason, category
) -> ReportCorrection:
    if not reason.strip():
        raise ValidationFailed(
            "Αιτιολογήστε τη διόρθωση.", fields={"reason": ["Συμπληρώστε την αιτιολόγηση."]}
        )
    check = report.check_record
    item = _sampled_item(check, item_id)
    old = ItemResult.objects.filter(item=item).first()
    before = f"{format_eur(old.eligible_amount)} επιλέξιμο" if old else "—"
    result = _apply_item_result(
        check=check,
        item=item,
        eligible=eligible,
        reason=ineligible_reason or (old.reason if old else "") or reason,
        category=category,
        actor=actor,
    )
    correction = ReportCorrection.objects.create(
        report=report,
        stage=stage,
        item=item,
        field=f"Δαπάνη {item.document_number or item.pk}: επιλέξιμο ποσό",
        before=before,
        after=f"{format_eur(result.eligible_amount)} επιλέξιμο",
        reason=reason.strip(),
        by=actor,
        at=timezone.now(),
    )
    report.corrections_total, report.accepted_total = _totals(req)
    report.version += 1
    report.save(update_fields=["corrections_total", "accepted_total", "version"])
    _render_report(req, report, actor)
    audit.record(
        actor=actor,
        action="verification.report.corrected",
        obj=req,
        before={"item": item.pk, "eligible_amount": old.eligible_amount if old else None},
        after={
            "item": item.pk,
            "eligible_amount": result.eligible_amount,
            "stage": stage,
            "accepted_total": report.accepted_total,
            "version": report.version,
        },
        reason=reason.strip(),
    )
    return correction


def report_return(*, actor, request_id, reason: str) -> VerificationRequest:
    """The approver sends the report back to the verifier with reasons."""
    with transaction.atomic():
        req = _locked(request_id)
        _as_approver(actor, req)
        _need_state(req, S.REPORT_DRAFTED)
        if not reason.strip():
            raise ValidationFailed(
                "Αιτιολογήστε την επιστροφή.", fields={"reason": ["Συμπληρώστε την αιτιολόγηση."]}
            )
        req.return_report()
        _save(req)
        audit.record(
            actor=actor,
            action="verification.report.returned",
            obj=req,
            before={"state": S.REPORT_DRAFTED},
            after={"state": req.state},
            reason=reason.strip(),
        )
        notify(
            recipients=[req.desk_check.verifier],
            subject=f"Επιστροφή έκθεσης επαλήθευσης — ΔΔΔ {req.seq} {req.operation.code}",
            body=reason.strip(),
            kind="verification.report_returned",
            obj=req,
            actor=actor,
        )
    return req


def _sync_corrections(req: VerificationRequest, actor) -> None:
    """One ΔΚΔ (origin administrative) per item with an ineligible amount; none for the others."""
    results = {r.item_id: r for r in ItemResult.objects.filter(item__request=req)}
    existing = {
        c.item_id: c for c in Correction.objects.filter(request=req, origin=Correction.Origin.ADMINISTRATIVE)
    }
    for item_id, c in existing.items():
        r = results.get(item_id)
        if r is None or not r.ineligible_amount:
            c.delete()
    for item_id, r in results.items():
        if not r.ineligible_amount:
            continue
        c = existing.get(item_id)
        values = {"amount": r.ineligible_amount, "category": r.correction_category, "reason": r.reason}
        if c is None:
            Correction.objects.create(
                operation=req.operation,
                request=req,
                item_id=item_id,
                origin=Correction.Origin.ADMINISTRATIVE,
                recorded_by=actor if getattr(actor, "pk", None) else req.desk_check.verifier,
                **values,
            )
        elif any(getattr(c, k) != v for k, v in values.items()):
            Correction.objects.filter(pk=c.pk).update(**values)


def report_approve(*, actor, request_id) -> VerificationReport:
    """Approve the report: the result is served on the beneficiary, the ΔΚΔ recorded, the objection
    window scheduled on the deadline engine (call 004 §11.1.Γ; ΚΥΑ 7066 Art. 8.5)."""
    with transaction.atomic():
        req = _locked(request_id)
        report = _as_approver(actor, req)
        _need_state(req, S.REPORT_DRAFTED)
        now = timezone.now()
        report.approved_by, report.approved_at = actor, now
        report.save(update_fields=["approved_by", "approved_at"])
        _sync_corrections(req, actor)
        window = rules.ObjectionWindow.from_config(req.operation.call.config)
        deadline = rules.objection_deadline(
            now.astimezone(ATHENS).date(), window, has_correction=report.corrections_total > 0
        )
        req.approve_report()
        req.accepted_total = report.accepted_total
        req.result_notified_at = now
        req.objection_deadline = deadline
        _save(req)
        _render_report(req, report, actor)
        deadline_schedule(obj=req, kind=OBJECTION_WINDOW_KIND, due_at=deadline, actor=actor)
        audit.record(
            actor=actor,
            action="verification.report.approved",
            obj=req,
            before={"state": S.REPORT_DRAFTED},
            after={
                "state": req.state,
                "accepted_total": req.accepted_total,
                "corrections_total": report.corrections_total,
                "objection_deadline": deadline,
            },
        )
        notify(
            recipients=beneficiary_users(req),
            subject=f"Αποτέλεσμα επαλήθευσης — ΔΔΔ {req.seq} {req.operation.code}",
            body=(
                f"Η έκθεση διοικητικής επαλήθευσης του αιτήματος {req.seq} εγκρίθηκε. Δηλωθέν ποσό "
                f"{format_eur(req.declared_total)}, διορθώσεις {format_eur(report.corrections_total)}, "
                f"αποδεκτό διαχείρισης {format_eur(report.accepted_total)}.\n\nΜπορείτε να αποδεχθείτε "
                f"το αποτέλεσμα στην πύλη ή να υποβάλετε αντιρρήσεις έως και {deadline:%d/%m/%Y}. "
                "Αν η προθεσμία παρέλθει χωρίς αντιρρήσεις, το αποτέλεσμα θεωρείται αποδεκτό."
            ),
            kind=RESULT_NOTICE_KIND,
            obj=req,
            legal=True,
            addresses=_notice_addresses(req),
            actor=actor,
        )
    return report


# --- the beneficiary's answer ------------------------------------------------------------------


def _as_beneficiary_in_window(actor, req) -> None:
    if not _is_beneficiary(actor, req):
        raise NotFound("Το αίτημα επαλήθευσης δεν βρέθηκε.")
    _need_state(req, S.REPORT_APPROVED)
    if req.objection_deadline and _today() > req.objection_deadline:
        raise Conflict(
            f"Η προθεσμία έληξε στις {req.objection_deadline:%d/%m/%Y}· το αποτέλεσμα θεωρείται αποδεκτό.",
            code="window_closed",
        )


def result_accept(*, actor, request_id) -> VerificationRequest:
    """Acceptance in the portal waives the right to object (call 004 §11.1.Γ)."""
    with transaction.atomic():
        req = _locked(request_id)
        _as_beneficiary_in_window(actor, req)
        req.accept_result()
        req.accepted_at = timezone.now()
        req.accepted_how = "beneficiary"
        _save(req)
        hooks.result_final(req)
        deadline_cancel(obj=req, kind=OBJECTION_WINDOW_KIND, actor=actor, reason="αποδοχή από τον δικαιούχο")
        audit.record(
            actor=actor,
            action="verification.result.accepted",
            obj=req,
            before={"state": S.REPORT_APPROVED},
            after={"state": req.state, "accepted_total": req.accepted_total},
        )
    return req


def result_object(*, actor, request_id, text: str) -> ResultObjection:
    with transaction.atomic():
        req = _locked(request_id)
        _as_beneficiary_in_window(actor, req)
        if not text.strip():
            raise ValidationFailed(
                "Γράψτε τις αντιρρήσεις σας.", fields={"text": ["Γράψτε τις αντιρρήσεις σας."]}
            )
        obj = ResultObjection.objects.create(
            request=req,
            text=text.strip(),
            filed_by=actor,
            filed_at=timezone.now(),
            deadline=req.objection_deadline or _today(),
        )
        req.object_to_result()
        _save(req)
        deadline_cancel(obj=req, kind=OBJECTION_WINDOW_KIND, actor=actor, reason="υποβλήθηκαν αντιρρήσεις")
        audit.record(
            actor=actor,
            action="verification.result.objected",
            obj=req,
            before={"state": S.REPORT_APPROVED},
            after={"state": req.state, "objection": obj.pk},
            reason=text.strip(),
        )
        notify(
            recipients=_supervisors(),
            subject=f"Αντιρρήσεις επί αποτελέσματος επαλήθευσης — ΔΔΔ {req.seq} {req.operation.code}",
            body=text.strip(),
            kind="verification.objection_filed",
            obj=req,
            actor=actor,
        )
    return obj


@deadline_handler(OBJECTION_WINDOW_KIND)
def objection_window_passed(deadline, req) -> None:
    """The window passed without objection: the result counts as accepted."""
    if req is None or req.state != S.REPORT_APPROVED:
        return
    with transaction.atomic():
        req = _locked(req.pk)
        if req.state != S.REPORT_APPROVED:
            return
        req.accept_result()
        req.accepted_at = timezone.now()
        req.accepted_how = "window_passed"
        _save(req)
        hooks.result_final(req)
        audit.record(
            actor=SWEEPER_ACTOR,
            action="verification.result.accepted_by_lapse",
            obj=req,
            before={"state": S.REPORT_APPROVED},
            after={"state": req.state, "accepted_total": req.accepted_total},
        )


def objection_decide(
    *, actor, request_id, accepted: bool, reasons: str, item_changes: dict | None = None
) -> ResultObjection:
    """The supervisor decides: accepted → the report is corrected (items changed, new version,
    PDF regenerated, ΔΚΔ updated); rejected → the result stands. Reasons are always recorded."""
    _need_role(actor, Role.SUPERVISOR)
    with transaction.atomic():
        req = _locked(request_id)
        _need_state(req, S.OBJECTED)
        obj = ResultObjection.objects.select_for_update().get(request=req)
        if not reasons.strip():
            raise ValidationFailed(
                "Αιτιολογήστε την απόφαση.", fields={"reasons": ["Συμπληρώστε την αιτιολόγηση."]}
            )
        report = req.desk_check.report
        if accepted:
            if not item_changes:
                raise ValidationFailed(
                    "Όταν οι αντιρρήσεις γίνονται δεκτές, διορθώστε το επιλέξιμο ποσό "
                    "τουλάχιστον μίας δαπάνης.",
                    fields={"items": ["Διορθώστε τουλάχιστον μία δαπάνη."]},
                )
            for item_id, (eligible, category) in item_changes.items():
                _correct_item(
                    actor=actor,
                    req=req,
                    report=report,
                    stage=ReportCorrection.Stage.OBJECTION,
                    item_id=item_id,
                    eligible=eligible,
                    reason=reasons,
                    ineligible_reason="",
                    category=category,
                )
            _sync_corrections(req, actor)
            req.accepted_total = report.accepted_total
            obj.accept()
        else:
            obj.reject()
        obj.decided_by, obj.decided_at, obj.reasons = actor, timezone.now(), reasons.strip()
        obj.save()
        req.close_objection()
        req.accepted_at = timezone.now()
        req.accepted_how = "objection_decided"
        _save(req)
        hooks.result_final(req)
        _render_report(req, report, actor)
        audit.record(
            actor=actor,
            action="verification.objection.decided",
            obj=req,
            before={"state": S.OBJECTED},
            after={"state": req.state, "objection": obj.state, "accepted_total": req.accepted_total},
            reason=reasons.strip(),
        )
        notify(
            recipients=beneficiary_users(req),
            subject=f"Απόφαση επί των αντιρρήσεών σας — ΔΔΔ {req.seq} {req.operation.code}",
            body=(
                f"Οι αντιρρήσεις σας {'έγιναν δεκτές' if accepted else 'απορρίφθηκαν'}. {reasons.strip()}\n\n"
                f"Αποδεκτό διαχείρισης: {format_eur(req.accepted_total)}."
            ),
            kind="verification.objection_decided",
            obj=req,
            legal=True,
            addresses=_notice_addresses(req),
            actor=actor,
        )
    return obj
