"""Demo round of the comparative evaluation (idempotent), run by `manage.py load_demo`.

The live call 004 of the demo is still open, so the evaluation is shown on a copy whose window
closed yesterday: five submitted cluster applications, the Evaluation Committee (demo user
«committee» as chair, appointed by «supervisor») and its signed no-conflict declarations. Log in
as «committee» to score, cut and rank; as «supervisor» to approve.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Business, Membership, User
from applications.models import Application, BudgetLine, ClusterPartner
from calls import seeds
from calls import services as call_services
from calls.models import Call, Programme
from evaluation import services as common
from evaluation.comparative import services
from evaluation.models import Assignment

ACTOR = "load_demo"
SUFFIX = "-synkritiki-demo"
# (category, subsidised amount[, the line's total]): the first plan is €550,000 of which €400,000 is
# subsidised, so the committee sees a private participation above the subsidised budget (§6.5.1).
BUDGETS = (
    [("02.06", "200000", "350000"), ("01.10", "120000"), ("07.12", "80000")],
    [("02.07", "200000"), ("01.09", "150000")],
    [("06.07", "180000"), ("01.10", "200000"), ("07.05", "20000")],
    [("02.06", "150000"), ("01.07", "160000")],
    [("02.19", "220000"), ("01.10", "180000"), ("07.08", "40000")],
)
PARTNER_COUNTS = (10, 8, 7, 9, 6)


def _call(now) -> Call:
    seed = seeds.call004()
    first = seed["versions"][0]
    values = dict(seed["programme"])
    code = values.pop("code")
    programme = Programme.objects.filter(code=code).first() or call_services.programme_get_or_create(
        actor=ACTOR, code=code, **values
    )
    call = call_services.call_create(
        actor=ACTOR,
        programme_id=programme.pk,
        code=seed["code"] + SUFFIX,
        fields={
            **first["fields"],
            "title": first["fields"]["title"] + " (γύρος αξιολόγησης επίδειξης)",
            "submission_opens_at": now - datetime.timedelta(days=90),
            "submission_closes_at": now - datetime.timedelta(days=1),
        },
        children=first["children"],
    )
    call_services.call_publish(
        actor=ACTOR, call_id=call.pk, reason="Επίδειξη συγκριτικής αξιολόγησης", label="Αρχική"
    )
    return Call.objects.get(pk=call.pk)


def load(stdout) -> None:
    if Call.objects.filter(code__endswith=SUFFIX).exists():
        stdout.write("  evaluation.comparative: ο γύρος επίδειξης υπάρχει ήδη.\n")
        return
    chair = User.objects.filter(username="committee").first()
    boss = User.objects.filter(username="supervisor").first()
    fallback = User.objects.filter(username="admin").first()
    businesses = list(Business.objects.filter(is_natural_person=False).order_by("afm")[:5])
    if chair is None or boss is None or fallback is None or len(businesses) < 2:
        stdout.write(
            "  evaluation.comparative: λείπουν χρήστες ή επιχειρήσεις της επίδειξης· παραλείπεται.\n"
        )
        return
    now = timezone.now().replace(microsecond=0)
    call = _call(now)
    partner_afms = list(Business.objects.order_by("afm").values_list("afm", flat=True))
    for i, business in enumerate(businesses):
        member = (
            Membership.objects.filter(business=business, user__isnull=False).select_related("user").first()
        )
        app = Application.objects.create(
            call=call,
            call_version=call.current_version,
            kind=Application.Kind.CLUSTER,
            business=business,
            applicant_user=member.user if member else fallback,
            status=Application.Status.SUBMITTED,
            title=f"Σχηματισμός καινοτομίας {business.name[:60]}",
            email=f"cluster{i + 1}@example.gr",
            protocol_seq=i + 1,
            priority_seq=i + 1,
            protocol_number=f"ΠΚΜ-004-Δ{i + 1:03d}",
            submitted_at=now - datetime.timedelta(days=5, hours=i),
            first_submitted_at=now - datetime.timedelta(days=5, hours=i),
            data={"enterprise_size": "small"},
        )
        count = PARTNER_COUNTS[i]
        afms = [a for a in partner_afms if a != business.afm][:count]
        afms += [f"{900000000 + i * 100 + k}" for k in range(count - len(afms))]
        ClusterPartner.objects.bulk_create(
            ClusterPartner(application=app, afm=afm, kind="research" if k == 0 else "sme", position=k + 1)
            for k, afm in enumerate(afms)
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(
                application=app,
                category=line[0],
                amount=Decimal(line[1]),
                total_amount=Decimal(line[2]) if len(line) > 2 else None,
                position=k + 1,
            )
            for k, line in enumerate(BUDGETS[i])
        )
    services.committee_set(
        actor=boss,
        call_id=call.pk,
        chair_id=chair.pk,
        member_ids=[chair.pk],
        appointment_ref="Επίδειξη 1/2026",
    )
    # Appointing the committee assigned it every application of the round; the chair declares.
    for assignment in Assignment.objects.filter(application__call=call, evaluator=chair, role="committee"):
        common.conflict_declaration_sign(
            actor=chair, assignment_id=assignment.pk, has_conflict=False, confirm=True
        )
    stdout.write(
        f"  evaluation.comparative: γύρος «{call.code}» με 5 αιτήσεις → /evaluation/comparative/ "
        "(committee: βαθμολόγηση, supervisor: έγκριση).\n"
    )
