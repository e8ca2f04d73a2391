"""ΚΥΑ 16936: the monthly wage dossier of a placement service and its lines (Art. 7, 8).

After each month of employment the placement service (host) submits to ΚΠΑ2 the month's dossier
(Art. 8(1)): the certificate of the legal representative (α), the monthly summary statement with one
line per participant (β: items i–xiv, here `WageLine`), the ΑΠΔ (γ), the ΦΜΥ payment note (δ) and
the ΤΠΤΕ payment identity (ε). ΚΠΑ2 checks it (universal administrative check, Art. 10(2)) and
verifies it or returns it for correction; once verified the payments are opened: the net pay of each
participant to their IBAN and the contributions with the ΦΜΥ through ΤΠΤΕ (Art. 8(3)).

DRAFT → SUBMITTED (host) → VERIFIED (ΚΠΑ2) → PAYMENTS_OPENED, or SUBMITTED → RETURNED → SUBMITTED.
Every change goes through `payments.services.wages`.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

ZERO = Decimal("0.00")


def _money(label: str, **kwargs):
    return models.DecimalField(label, max_digits=12, decimal_places=2, default=ZERO, **kwargs)


class WageDossier(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Σε σύνταξη από την υπηρεσία τοποθέτησης"
        SUBMITTED = "submitted", "Υποβλήθηκε στο ΚΠΑ2"
        RETURNED = "returned", "Επεστράφη για διόρθωση"
        VERIFIED = "verified", "Επαληθεύτηκε από το ΚΠΑ2"
        PAYMENTS_OPENED = "payments_opened", "Ανοίχτηκαν οι πληρωμές"

    call = models.ForeignKey("calls.Call", on_delete=models.PROTECT, related_name="wage_dossiers")
    service = models.ForeignKey(
        "calls.PlacementService", on_delete=models.PROTECT, related_name="wage_dossiers"
    )
    month = models.DateField("μήνας απασχόλησης (1η ημέρα)")
    code = models.CharField("κωδικός φακέλου", max_length=60, unique=True)
    state = FSMField("κατάσταση", max_length=20, choices=State.choices, default=State.DRAFT, protected=True)
    # Art. 8(1)(α), (γ)–(ε): the other items of the dossier, as the host records them.
    certificate_confirmed = models.BooleanField("βεβαίωση νόμιμου εκπροσώπου (Άρθ. 8(1)(α))", default=False)
    apd_reference = models.CharField("αρ. υποβολής ΑΠΔ (Άρθ. 8(1)(γ))", max_length=60, blank=True)
    fmy_note_reference = models.CharField("σημείωμα πληρωμής ΦΜΥ (Άρθ. 8(1)(δ))", max_length=60, blank=True)
    tpte_identity = models.CharField("ταυτότητα πληρωμής ΤΠΤΕ (Άρθ. 8(1)(ε))", max_length=40, blank=True)
    protocol_number = models.CharField("αριθμός πρωτοκόλλου υποβολής", max_length=80, blank=True)
    submitted_at = models.DateTimeField("υποβολή", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("απόφαση ΚΠΑ2", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reasons = models.TextField("λόγοι επιστροφής για διόρθωση", blank=True)
    verification_note = models.TextField("σημείωση επαλήθευσης", blank=True)
    contributions_payment = models.OneToOneField(
        "payments.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="wage_dossier"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "μηνιαίος φάκελος μισθοδοσίας"
        verbose_name_plural = "μηνιαίοι φάκελοι μισθοδοσίας"
        ordering = ["-month", "service_id", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "service", "month"], name="uniq_wage_dossier_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="wage_dossier_month_first_day"),
        ]

    def __str__(self):
        return f"{self.code} · {self.month:%m/%Y}"

    @property
    def editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)

    @transition(field=state, source=[State.DRAFT, State.RETURNED], target=State.SUBMITTED)
    def submit(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.RETURNED)
    def return_for_correction(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.VERIFIED)
    def verify(self):
        pass

    @transition(field=state, source=State.VERIFIED, target=State.PAYMENTS_OPENED)
    def open_payments(self):
        pass


class WageLine(models.Model):
    """One participant's month in the summary statement of Art. 8(1)(β) (items viii–xiii)."""

    dossier = models.ForeignKey(WageDossier, on_delete=models.CASCADE, related_name="lines")
    placement = models.ForeignKey(
        "evaluation_points.Placement", on_delete=models.PROTECT, related_name="wage_lines"
    )
    attendance = models.ForeignKey(
        "evaluation_points.MonthlyAttendance",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wage_lines",
    )
    insured_days = models.PositiveSmallIntegerField("ημέρες ασφάλισης (viii)", default=0)
    unjustified_absence_days = models.PositiveSmallIntegerField("ημέρες αδικαιολόγητης απουσίας", default=0)
    justified_leave_days = models.PositiveSmallIntegerField("ημέρες δικαιολογημένης άδειας", default=0)
    base_gross = _money("μηνιαίες μικτές αποδοχές πρόσκλησης (€)")
    absence_divisor = models.PositiveSmallIntegerField("διαιρέτης ημερών", default=25)
    absence_deduction = _money("περικοπή αδικαιολόγητης απουσίας (€)")
    hazardous_allowance = _money("επίδομα επικίνδυνης και ανθυγιεινής εργασίας (€)")
    gross = _money("επιλέξιμες μικτές αποδοχές (€)")
    employee_percent = models.DecimalField(
        "συντελεστής εισφορών ωφελούμενου (%)", max_digits=5, decimal_places=2
    )
    employer_percent = models.DecimalField(
        "συντελεστής εργοδοτικών εισφορών (%)", max_digits=5, decimal_places=2
    )
    employee_contributions = _money("εισφορές ωφελούμενου (ix) (€)")
    employer_contributions = _money("εισφορές φορέα υποδοχής (x) (€)")
    total_contributions = _money("συνολικές εισφορές (xi) (€)")
    income_tax = _money("ΦΜΥ (xii) (€)")
    net = _money("καθαρές αποδοχές (xiii) (€)")
    dypa_cost = _money("κόστος ΔΥΠΑ (μικτές + εργοδοτικές) (€)")
    # Lines the host claimed beyond the gross (only the hazardous allowance is accepted, Example D).
    claims = models.JSONField("πρόσθετες γραμμές αξίωσης", default=list, blank=True)
    net_payment = models.OneToOneField(
        "payments.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="wage_line"
    )

    class Meta:
        verbose_name = "γραμμή μηνιαίας κατάστασης"
        verbose_name_plural = "γραμμές μηνιαίας κατάστασης"
        ordering = ["dossier", "placement__final_rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "placement"], name="uniq_wage_line_placement"),
            models.CheckConstraint(condition=Q(net__gte=0) & Q(gross__gte=0), name="wage_line_non_negative"),
        ]

    def __str__(self):
        return f"{self.dossier.code} · {self.placement_id}"


class ParticipantAccount(models.Model):
    """The participant's bank account, given with the first payment (Art. 8(1)(β)(xiv)): an IBAN
    with the participant as mandatory first holder. Personal data: staff and the host only."""

    placement = models.OneToOneField(
        "evaluation_points.Placement", on_delete=models.PROTECT, related_name="wage_account"
    )
    iban = models.CharField("IBAN", max_length=34)
    bic = models.CharField("BIC", max_length=11, blank=True)
    first_holder_confirmed = models.BooleanField("ο/η ωφελούμενος/η είναι πρώτος/η δικαιούχος", default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField()

    class Meta:
        verbose_name = "λογαριασμός ωφελούμενου"
        verbose_name_plural = "λογαριασμοί ωφελουμένων"

    def __str__(self):
        return f"{self.placement_id} · {mask_iban(self.iban)}"

    @property
    def masked(self) -> str:
        return mask_iban(self.iban)


def mask_iban(iban: str) -> str:
    """GR16 **** 7890: the country, check digits and last four only."""
    value = (iban or "").replace(" ", "")
    if len(value) < 8:
        return "****" if value else ""
    return f"{value[:4]} **** {value[-4:]}"
