"""Calls as data: a programme's call, its versions (amendments), budget pools and rules configuration.

A call is configuration, never code. While a call is a draft its configuration lives in normalised
child rows (pools, areas, ΚΑΔ list, expense catalogue, attachments, deadlines, criteria) so the staff
UI can edit them with ordinary forms and other apps can query them (e.g. "which pool covers this
municipality"). Publishing, and every later amendment, freezes the whole configuration into an
immutable `CallVersion` whose JSON is validated against `calls.schema.CALL_VERSION_SCHEMA`; an
application records the version it was submitted under, and the field-by-field diff between two
versions is computed from those snapshots (`calls.versioning`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from opske.money import format_eur

ZERO = Decimal("0.00")
PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Programme(models.Model):
    """The legal act or operational programme a call belongs to (ΚΥΑ, ΠΕΠ)."""

    code = models.SlugField("κωδικός", max_length=40, unique=True)
    title = models.CharField("τίτλος", max_length=400)
    legal_act = models.CharField(
        "νομική πράξη", max_length=300, blank=True, help_text="π.χ. ΚΥΑ 7066/15.03.2025 (ΦΕΚ Β' 1269)"
    )
    operational_programme = models.CharField("επιχειρησιακό πρόγραμμα", max_length=300, blank=True)
    cci = models.CharField("CCI", max_length=40, blank=True)
    fund = models.CharField("ταμείο", max_length=120, blank=True)
    managing_authority = models.CharField("διαχειριστική αρχή", max_length=300, blank=True)

    class Meta:
        verbose_name = "πρόγραμμα"
        verbose_name_plural = "προγράμματα"
        ordering = ["code"]

    def __str__(self):
        return self.title


class CallQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status__in=[Call.Status.PUBLISHED, Call.Status.ARCHIVED])

    def open_at(self, when=None):
        when = when or timezone.now()
        return self.filter(
            status=Call.Status.PUBLISHED, submission_opens_at__lte=when, submission_closes_at__gt=when
        )

    def upcoming_at(self, when=None):
        when = when or timezone.now()
        return self.filter(status=Call.Status.PUBLISHED).filter(
            Q(submission_opens_at__gt=when) | Q(submission_opens_at__isnull=True)
        )

    def closed_at(self, when=None):
        when = when or timezone.now()
        return self.filter(
            Q(status=Call.Status.ARCHIVED) | Q(status=Call.Status.PUBLISHED, submission_closes_at__lte=when)
        )


# The call's scalar settings, as edited in the call form, frozen in every version and diffed
# between versions (one list, so the form, the services and the snapshots cannot drift apart).
CALL_SETTINGS_FIELDS = (
    "title",
    "summary",
    "aid_regime",
    "gber_articles",
    "action_code",
    "call_code",
    "operation_code",
    "managing_authority",
    "implementing_body",
    "applicant_kind",
    "evaluation_method",
    "submission_opens_at",
    "submission_closes_at",
    "official_window_start",
    "official_window_end",
    "expenditure_eligibility_end",
    "total_budget",
    "min_project_budget",
    "max_project_budget",
    "pass_mark",
    "one_application_per_afm",
    "over_pool_policy",
    "tie_policy",
    "part_funding_allowed",
    "kad_list_mode",
    "kad_scope",
)
# List-valued settings edited with their own widgets.
CALL_LIST_FIELDS = ("eligible_legal_forms", "eligible_sizes")


class Call(ConcurrentTransitionMixin, models.Model):
    """A call for applications (Πρόσκληση). Its phase (upcoming/open/closed) is derived from the window."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Σχέδιο")
        PUBLISHED = "published", _("Δημοσιευμένη")
        ARCHIVED = "archived", _("Αρχειοθετημένη")

    class Phase(models.TextChoices):
        DRAFT = "draft", _("Σχέδιο")
        UPCOMING = "upcoming", _("Προσεχώς")
        OPEN = "open", _("Ανοιχτή")
        CLOSED = "closed", _("Έκλεισε")
        ARCHIVED = "archived", _("Αρχειοθετημένη")

    class AidRegime(models.TextChoices):
        DE_MINIMIS = "de_minimis", _("Ήσσονος σημασίας (Καν. (ΕΕ) 2023/2831)")
        GBER = "gber", _("Απαλλακτικός Κανονισμός ΓΑΚ (Καν. (ΕΕ) 651/2014)")
        NOT_STATE_AID = "not_state_aid", _("Δεν συνιστά κρατική ενίσχυση")

    class ApplicantKind(models.TextChoices):
        BUSINESS = "business", _("Επιχείρηση")
        CLUSTER = "cluster", _("Φορέας συνεργατικού σχηματισμού")
        NATURAL_PERSON = "natural_person", _("Φυσικό πρόσωπο")

    class EvaluationMethod(models.TextChoices):
        FCFS_DIRECT = "fcfs_direct", _("Άμεση αξιολόγηση (σειρά προτεραιότητας)")
        COMPARATIVE = "comparative", _("Συγκριτική αξιολόγηση")
        POINTS_RANKING = "points_ranking", _("Μοριοδότηση και κατάταξη")

    class OverPoolPolicy(models.TextChoices):
        RESERVE_LIST = "reserve_list", _("Λίστα επιλαχουσών (εγκεκριμένες μη χρηματοδοτούμενες)")
        REFUSE = "refuse", _("Απόρριψη υποβολής όταν εξαντληθεί ο προϋπολογισμός")

    class TiePolicy(models.TextChoices):
        SUBMISSION_TIME = "submission_time", _("Νωρίτερη οριστική υποβολή")
        CRITERIA_ORDER = "criteria_order", _("Σειρά κριτηρίων και μετά χρόνος υποβολής")
        COMMITTEE = "committee", _("Απόφαση επιτροπής / αύξηση προϋπολογισμού")

    class KadListMode(models.TextChoices):
        NONE = "none", _("Χωρίς λίστα ΚΑΔ")
        EXCLUDE = "exclude", _("Λίστα αποκλειόμενων ΚΑΔ")
        ALLOW = "allow", _("Λίστα επιλέξιμων ΚΑΔ")

    class KadScope(models.TextChoices):
        MAIN = "main", _("Μόνο ο κύριος ΚΑΔ")
        MAIN_AND_ESTABLISHMENT = "main_and_establishment", _("Κύριος ΚΑΔ και ΚΑΔ της εγκατάστασης")
        ANY = "any", _("Οποιοσδήποτε ενεργός ΚΑΔ")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="calls")
    code = models.SlugField("κωδικός", max_length=60, unique=True)
    title = models.CharField("τίτλος", max_length=400)
    summary = models.TextField("περίληψη", blank=True)
    status = FSMField(
        "κατάσταση", max_length=20, choices=Status.choices, default=Status.DRAFT, protected=True
    )

    aid_regime = models.CharField("καθεστώς ενίσχυσης", max_length=20, choices=AidRegime.choices)
    gber_articles = models.CharField(
        "άρθρα ΓΑΚ", max_length=60, blank=True, help_text="π.χ. «25, 27» για Καν. 651/2014"
    )
    action_code = models.CharField("κωδικός δράσης", max_length=60, blank=True)
    # Folded title, code, summary, programme and action code (opske.search), written by the
    # services that write the call, so that search ignores accents and case on every database.
    search_text = models.TextField("κείμενο αναζήτησης", blank=True, default="", editable=False)
    call_code = models.CharField("κωδικός πρόσκλησης ΟΠΣ", max_length=60, blank=True)
    operation_code = models.CharField("κωδικός πράξης ΟΠΣ", max_length=60, blank=True)
    managing_authority = models.CharField("διαχειριστική αρχή", max_length=300, blank=True)
    implementing_body = models.CharField("φορέας υλοποίησης / ενδιάμεσος φορέας", max_length=300, blank=True)
    applicant_kind = models.CharField("δικαιούχοι", max_length=20, choices=ApplicantKind.choices)
    evaluation_method = models.CharField(
        "μέθοδος αξιολόγησης", max_length=20, choices=EvaluationMethod.choices
    )

    submission_opens_at = models.DateTimeField("έναρξη υποβολών", null=True, blank=True)
    submission_closes_at = models.DateTimeField("λήξη υποβολών", null=True, blank=True)
    official_window_start = models.DateTimeField(
        "επίσημη έναρξη υποβολών", null=True, blank=True, help_text="Όπως ορίζει το κείμενο της πρόσκλησης."
    )
    official_window_end = models.DateTimeField("επίσημη λήξη υποβολών", null=True, blank=True)
    expenditure_eligibility_end = models.DateField("λήξη επιλεξιμότητας δαπανών", null=True, blank=True)

    total_budget = models.DecimalField("συνολικός προϋπολογισμός (€)", max_digits=14, decimal_places=2)
    min_project_budget = models.DecimalField(
        "ελάχιστος π/υ έργου (€)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    max_project_budget = models.DecimalField(
        "μέγιστος επιχορηγούμενος π/υ έργου (€)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    pass_mark = models.DecimalField(
        "βάση βαθμολογίας", max_digits=6, decimal_places=2, null=True, blank=True,
        help_text="Πρόσκληση 004 Παρ. V: ελάχιστο αποδεκτό αποτέλεσμα 5.",
    )  # fmt: skip

    one_application_per_afm = models.BooleanField(
        "μία αίτηση ανά ΑΦΜ",
        default=True,
        help_text="Πρόσκληση 004 §8: περισσότερες αιτήσεις → απορρίπτονται όλες.",
    )
    over_pool_policy = models.CharField(
        "όταν εξαντληθεί ο προϋπολογισμός",
        max_length=20,
        choices=OverPoolPolicy.choices,
        default=OverPoolPolicy.RESERVE_LIST,
        help_text="ΚΥΑ 7066 Άρθ. 7.3: «εγκεκριμένες μη επιχορηγούμενες».",
    )
    tie_policy = models.CharField(
        "ισοβαθμία",
        max_length=20,
        choices=TiePolicy.choices,
        default=TiePolicy.SUBMISSION_TIME,
        help_text="ΚΥΑ 16936 Άρθ. 6(2): σειρά κριτηρίων· Πρόσκληση 004: δεν ορίζεται (κενό).",
    )
    part_funding_allowed = models.BooleanField(
        "μερική χρηματοδότηση",
        default=False,
        help_text=(
            "ΚΥΑ 7066 Άρθ. 2.2, 6.1, 7.3 (κενό 19): προεπιλογή όχι → «εγκεκριμένη μη χρηματοδοτούμενη»."
        ),
    )
    kad_list_mode = models.CharField(
        "λίστα ΚΑΔ", max_length=10, choices=KadListMode.choices, default=KadListMode.NONE
    )
    kad_scope = models.CharField(
        "ποιοι ΚΑΔ ελέγχονται",
        max_length=30,
        choices=KadScope.choices,
        default=KadScope.MAIN_AND_ESTABLISHMENT,
        help_text=(
            "ΚΥΑ 7066 Παρ. 2 και Άρθ. 4.1.7(v) (κενό 18): κύριος ΚΑΔ και ΚΑΔ της εγκατάστασης απασχόλησης."
        ),
    )
    eligible_legal_forms = models.JSONField(
        "επιλέξιμες νομικές μορφές", default=list, blank=True, help_text="Κενό = όλες. Πρόσκληση 004 §4.c6."
    )
    eligible_sizes = models.JSONField(
        "επιλέξιμα μεγέθη", default=list, blank=True, help_text="micro/small/medium/large· κενό = όλα."
    )
    # Programme-specific parameters (points grid, partner composition, unit cost, gap choices),
    # validated against calls.schema.CALL_CONFIG_SCHEMA on every service write.
    config = models.JSONField("παράμετροι", default=dict, blank=True)

    current_version = models.ForeignKey(
        "CallVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = "πρόσκληση"
        verbose_name_plural = "προσκλήσεις"
        ordering = ["-submission_opens_at", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(submission_closes_at__isnull=True)
                | Q(submission_opens_at__isnull=True)
                | Q(submission_closes_at__gt=F("submission_opens_at")),
                name="call_window_ordered",
                violation_error_message="Η λήξη υποβολών πρέπει να είναι μετά την έναρξη.",
            ),
            models.CheckConstraint(
                condition=Q(total_budget__gte=0),
                name="call_budget_non_negative",
                violation_error_message="Ο προϋπολογισμός πρέπει να είναι μη αρνητικός.",
            ),
        ]
        permissions = [("administer_calls", "Διαχείριση προσκλήσεων")]

    def __str__(self):
        return f"{self.code} · {self.title}"

    # --- FSM (guards only; services write the audit event) ----------------------------------
    @transition(field=status, source=Status.DRAFT, target=Status.PUBLISHED)
    def publish(self):
        self.published_at = timezone.now()

    @transition(field=status, source=[Status.DRAFT, Status.PUBLISHED], target=Status.ARCHIVED)
    def archive(self):
        pass

    # --- derived ---------------------------------------------------------------------------
    def phase_at(self, when=None) -> str:
        when = when or timezone.now()
        if self.status == self.Status.DRAFT:
            return self.Phase.DRAFT
        if self.status == self.Status.ARCHIVED:
            return self.Phase.ARCHIVED
        if self.submission_opens_at is None or when < self.submission_opens_at:
            return self.Phase.UPCOMING
        if self.submission_closes_at is not None and when >= self.submission_closes_at:
            return self.Phase.CLOSED
        return self.Phase.OPEN

    @property
    def phase(self) -> str:
        return self.phase_at()

    def get_phase_display(self) -> str:
        return self.Phase(self.phase).label

    @property
    def is_open(self) -> bool:
        return self.phase == self.Phase.OPEN

    @property
    def is_fcfs(self) -> bool:
        return self.evaluation_method == self.EvaluationMethod.FCFS_DIRECT


class CallVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Οι εκδόσεις πρόσκλησης είναι αμετάβλητες.")

    def delete(self):
        raise TypeError("Οι εκδόσεις πρόσκλησης είναι αμετάβλητες.")


class CallVersion(models.Model):
    """An immutable snapshot of the whole call configuration: the original (1) or an amendment (2, 3…)."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("αριθμός έκδοσης")
    label = models.CharField("ονομασία", max_length=200, help_text="π.χ. «Αρχική», «2η τροποποίηση»")
    reason = models.TextField("αιτιολογία / σημείωμα τροποποίησης", blank=True)
    decision_ref = models.CharField(
        "απόφαση (ΑΔΑ / αρ. πρωτ.)", max_length=200, blank=True, help_text="π.χ. ΑΔΑ 9ΑΜ67ΛΛ-Ε0Η"
    )
    snapshot = models.JSONField("διαμόρφωση")
    schema_version = models.PositiveSmallIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CallVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "έκδοση πρόσκλησης"
        verbose_name_plural = "εκδόσεις πρόσκλησης"
        ordering = ["call", "number"]
        constraints = [models.UniqueConstraint(fields=["call", "number"], name="uniq_call_version_number")]

    def __str__(self):
        return f"{self.call.code} v{self.number} ({self.label})"

    def save(self, *args, **kwargs):
        # Immutability is a storage invariant, not a business rule: a version once written is history.
        if self.pk is not None:
            raise TypeError("Οι εκδόσεις πρόσκλησης είναι αμετάβλητες.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Οι εκδόσεις πρόσκλησης είναι αμετάβλητες.")


class BudgetPool(models.Model):
    """A slice of the call budget that applications draw from (by area and/or year).

    `reserved` and `committed` change only through `calls.services.pool_*`, each a single
    conditional UPDATE, never read-modify-write. The check constraint is the last line of defence.
    """

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="pools")
    code = models.SlugField("κωδικός", max_length=40)
    label = models.CharField("ονομασία", max_length=200)
    year = models.PositiveSmallIntegerField("έτος", null=True, blank=True)
    share_percent = models.DecimalField(
        "ποσοστό του π/υ", max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    amount = models.DecimalField("ποσό (€)", max_digits=14, decimal_places=2)
    reserved = models.DecimalField("δεσμευμένο προσωρινά (€)", max_digits=14, decimal_places=2, default=ZERO)
    committed = models.DecimalField("εγκεκριμένο (€)", max_digits=14, decimal_places=2, default=ZERO)
    citation = models.CharField("άρθρο", max_length=120, blank=True)

    class Meta:
        verbose_name = "ταμείο προϋπολογισμού"
        verbose_name_plural = "ταμεία προϋπολογισμού"
        ordering = ["call", "year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="uniq_pool_code"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0) & Q(committed__gte=0), name="pool_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=F("reserved") + F("committed")), name="pool_never_overcommitted"
            ),
        ]

    def __str__(self):
        return f"{self.label} ({format_eur(self.amount)})"

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.reserved - self.committed


class AnnualAllocation(models.Model):
    """Budget per financial year (ΚΥΑ 7066 Rec. 53; ΚΥΑ 16936 Rec. 35): cash ceilings, not a queue."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="annual_allocations")
    year = models.PositiveSmallIntegerField("έτος")
    amount = models.DecimalField("ποσό (€)", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "ετήσια κατανομή"
        verbose_name_plural = "ετήσιες κατανομές"
        ordering = ["call", "year"]
        constraints = [models.UniqueConstraint(fields=["call", "year"], name="uniq_call_year")]

    def __str__(self):
        return f"{self.year}: {format_eur(self.amount)}"


class EligibleArea(models.Model):
    """An eligible area at region, regional-unit or municipality level, optionally tied to a pool."""

    class Level(models.TextChoices):
        REGION = "region", _("Περιφέρεια")
        REGIONAL_UNIT = "regional_unit", _("Περιφερειακή ενότητα")
        MUNICIPALITY = "municipality", _("Δήμος")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="areas")
    level = models.CharField("επίπεδο", max_length=20, choices=Level.choices)
    region = models.CharField("περιφέρεια", max_length=120)
    regional_unit = models.CharField("περιφερειακή ενότητα", max_length=120, blank=True)
    municipality = models.CharField("δήμος", max_length=120, blank=True)
    pool = models.ForeignKey(
        BudgetPool,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="areas",
        verbose_name="ταμείο",
    )

    class Meta:
        verbose_name = "επιλέξιμη περιοχή"
        verbose_name_plural = "επιλέξιμες περιοχές"
        ordering = ["call", "region", "regional_unit", "municipality"]

    def __str__(self):
        return self.municipality or self.regional_unit or self.region

    def as_rule_data(self) -> dict:
        return {
            "level": self.level,
            "region": self.region,
            "regional_unit": self.regional_unit,
            "municipality": self.municipality,
            "pool": self.pool.code if self.pool_id else "",
        }


class KadRule(models.Model):
    """One code of the call's ΚΑΔ list; its meaning (exclude/allow) is `Call.kad_list_mode`."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="kad_rules")
    code = models.CharField(
        "ΚΑΔ", max_length=11, help_text="Με τελείες, σε οποιοδήποτε επίπεδο: 01, 47.8, 47.81.10.01"
    )
    description = models.CharField("περιγραφή", max_length=400, blank=True)
    position = models.PositiveIntegerField("α/α", default=0)

    class Meta:
        verbose_name = "ΚΑΔ λίστας"
        verbose_name_plural = "ΚΑΔ λίστας"
        ordering = ["call", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="uniq_call_kad")]

    def __str__(self):
        return self.code


class UnitRate(models.Model):
    """A per-category subsidy rate (ΚΥΑ 7066 Άρθ. 5.1.3: 01.22 = 100%, 01.23 = 70% of €1,185)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="unit_rates")
    code = models.CharField("κωδικός κατηγορίας", max_length=20)
    label = models.CharField("κατηγορία", max_length=300)
    rate_percent = models.DecimalField("ποσοστό", max_digits=5, decimal_places=2, validators=PERCENT)
    monthly_amount = models.DecimalField("μηνιαίο ποσό (€)", max_digits=10, decimal_places=2)
    citation = models.CharField("άρθρο", max_length=120, blank=True)

    class Meta:
        verbose_name = "μοναδιαίο ποσό"
        verbose_name_plural = "μοναδιαία ποσά"
        ordering = ["call", "code"]
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="uniq_call_rate")]

    def __str__(self):
        return f"{self.code}: {format_eur(self.monthly_amount)}"


class ExpenseCategory(models.Model):
    """An eligible expense sub-category with its GBER article, budget group and aid intensity."""

    class BudgetGroup(models.TextChoices):
        INVESTMENT = "investment", _("Επενδυτικές δαπάνες")
        OPERATING = "operating", _("Λειτουργικές δαπάνες")
        RND = "rnd", _("Έρευνα και ανάπτυξη")
        OTHER = "other", _("Λοιπές")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="expense_categories")
    code = models.CharField("κωδικός ΟΠΣΚΕ", max_length=10)
    name = models.CharField("ονομασία", max_length=300)
    gber_article = models.CharField("άρθρο ΓΑΚ", max_length=10, blank=True)
    budget_group = models.CharField("ομάδα", max_length=20, choices=BudgetGroup.choices)
    is_personnel = models.BooleanField("δαπάνη προσωπικού", default=False)
    flat_rate_percent = models.DecimalField(
        "κατ' αποκοπή % επί προσωπικού",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
        help_text="Έμμεσες δαπάνες 09.02: 15% των άμεσων δαπανών προσωπικού (Πρόσκληση 004 §6.1).",
    )
    aid_intensity_percent = models.DecimalField(
        "ένταση ενίσχυσης %", max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    # R&D intensities depend on research type and size (GBER Art. 25; call 004 §7.2), e.g.
    # {"industrial": {"micro": 70, "small": 70, "medium": 60}, "dissemination_bonus": 15, "cap": 80}.
    intensity_table = models.JSONField("πίνακας εντάσεων", default=dict, blank=True)
    conditions = models.TextField("προϋποθέσεις", blank=True)
    position = models.PositiveIntegerField("α/α", default=0)

    class Meta:
        verbose_name = "κατηγορία δαπάνης"
        verbose_name_plural = "κατηγορίες δαπανών"
        ordering = ["call", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="uniq_call_expense_code")]

    def __str__(self):
        return f"{self.code} {self.name}"


class BudgetGroupLimit(models.Model):
    """Maximum share of the subsidised budget a budget group may take (call 004 §7.5)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="budget_limits")
    budget_group = models.CharField("ομάδα", max_length=20, choices=ExpenseCategory.BudgetGroup.choices)
    max_share_percent = models.DecimalField(
        "μέγιστο ποσοστό", max_digits=5, decimal_places=2, validators=PERCENT
    )
    citation = models.CharField("άρθρο", max_length=120, blank=True)

    class Meta:
        verbose_name = "όριο ομάδας δαπανών"
        verbose_name_plural = "όρια ομάδων δαπανών"
        ordering = ["call", "budget_group"]
        constraints = [models.UniqueConstraint(fields=["call", "budget_group"], name="uniq_call_group_limit")]

    def __str__(self):
        return f"{self.get_budget_group_display()} ≤ {self.max_share_percent}%"


class RequiredAttachment(models.Model):
    """A document the applicant must upload, with its ΟΠΣΚΕ document code (category.type)."""

    class Stage(models.TextChoices):
        APPLICATION = "application", _("Αίτημα χρηματοδότησης")
        MODIFICATION = "modification", _("Αίτημα τροποποίησης")
        ADVANCE = "advance", _("Αίτημα προκαταβολής")
        PAYMENT = "payment", _("Αίτημα καταβολής ενίσχυσης")
        PAYMENT_DOCS = "payment_docs", _("Δικαιολογητικά πληρωμής")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="attachments")
    opske_code = models.CharField("κωδικός ΟΠΣΚΕ", max_length=10)
    name = models.CharField("έγγραφο", max_length=300)
    stage = models.CharField("ενέργεια", max_length=20, choices=Stage.choices, default=Stage.APPLICATION)
    mandatory = models.BooleanField("υποχρεωτικό", default=True)
    applies_to = models.CharField(
        "ισχύει για", max_length=120, blank=True, help_text="π.χ. «υφιστάμενοι/νέοι», «κάθε εταίρος»"
    )
    max_files = models.PositiveSmallIntegerField("μέγ. αρχεία", default=5)
    max_file_mb = models.PositiveSmallIntegerField("μέγ. MB ανά αρχείο", default=10)
    allowed_extensions = models.CharField("επιτρεπτοί τύποι", max_length=60, default="pdf,jpg,png")
    citation = models.CharField("άρθρο", max_length=120, blank=True)
    position = models.PositiveIntegerField("α/α", default=0)

    class Meta:
        verbose_name = "απαιτούμενο δικαιολογητικό"
        verbose_name_plural = "απαιτούμενα δικαιολογητικά"
        ordering = ["call", "stage", "position", "opske_code"]
        constraints = [
            models.UniqueConstraint(fields=["call", "opske_code", "stage"], name="uniq_call_attachment_stage")
        ]

    def __str__(self):
        return f"{self.opske_code} {self.name}"


class CallDeadline(models.Model):
    """A deadline rule the platform's deadline engine applies later (kind, length, counting, anchor)."""

    class Kind(models.TextChoices):
        CLARIFICATION_REPLY = "clarification_reply", _("Απάντηση σε διευκρινίσεις")
        OBJECTION = "objection", _("Υποβολή ενστάσεων")
        OBJECTION_DECISION = "objection_decision", _("Απόφαση επί ενστάσεων")
        HIRING = "hiring", _("Πρόσληψη")
        PAYMENT_REQUEST = "payment_request", _("Αίτημα καταβολής")
        PAYMENT_OBJECTION = "payment_objection", _("Αντιρρήσεις επί επαλήθευσης / πληρωμής")
        MODIFICATION_OBJECTION = "modification_objection", _("Αντιρρήσεις επί τροποποίησης")
        FIRST_VERIFICATION = "first_verification", _("Πρώτο αίτημα επαλήθευσης")
        FINAL_VERIFICATION = "final_verification", _("Τελικό αίτημα επαλήθευσης")
        COMPLETION = "completion", _("Ολοκλήρωση έργου")
        REPLACEMENT = "replacement", _("Αντικατάσταση αποχωρήσαντος")
        REPAYMENT = "repayment", _("Επιστροφή ποσών")
        OTHER = "other", _("Άλλη")

    class Unit(models.TextChoices):
        DAYS = "days", _("ημέρες")
        MONTHS = "months", _("μήνες")
        YEARS = "years", _("έτη")

    class Counting(models.TextChoices):
        CALENDAR = "calendar", _("Ημερολογιακές")
        WORKING = "working", _("Εργάσιμες")

    class Anchor(models.TextChoices):
        NOTIFICATION = "notification", _("Από την ηλεκτρονική κοινοποίηση")
        DAY_AFTER_NOTIFICATION = "day_after_notification", _("Από την επομένη της κοινοποίησης")
        DAY_AFTER_POSTING = "day_after_posting", _("Από την επομένη της ανάρτησης")
        REQUEST = "request", _("Από το αίτημα")
        OBJECTION_DEADLINE = "objection_deadline", _("Από τη λήξη της προθεσμίας ενστάσεων")
        APPROVAL = "approval", _("Από την έγκριση (Τ0)")
        REFERRAL = "referral", _("Από την προσκόμιση του συστατικού σημειώματος")
        PERIOD_END = "period_end", _("Από τη λήξη της περιόδου")
        FORMAL_END = "formal_end", _("Από τη λήξη του έργου")
        EVENT = "event", _("Από το γεγονός")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField("είδος", max_length=30, choices=Kind.choices)
    label = models.CharField("περιγραφή", max_length=200, blank=True)
    length = models.PositiveIntegerField("διάρκεια")
    unit = models.CharField("μονάδα", max_length=10, choices=Unit.choices, default=Unit.DAYS)
    counting = models.CharField("μέτρηση", max_length=10, choices=Counting.choices, default=Counting.CALENDAR)
    anchor = models.CharField("αφετηρία", max_length=30, choices=Anchor.choices)
    roll_to_working_day = models.BooleanField("μεταφορά σε εργάσιμη αν λήγει σε αργία", default=False)
    citation = models.CharField("άρθρο", max_length=120, blank=True)

    class Meta:
        verbose_name = "προθεσμία πρόσκλησης"
        verbose_name_plural = "προθεσμίες πρόσκλησης"
        ordering = ["call", "kind"]
        constraints = [models.UniqueConstraint(fields=["call", "kind"], name="uniq_call_deadline_kind")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.length} {self.get_unit_display()}"


class EvaluationCriterion(models.Model):
    """An evaluation criterion: binary (ΝΑΙ/ΟΧΙ), scored with weight and sub-criteria, or points."""

    class Kind(models.TextChoices):
        BINARY = "binary", _("Ναι/Όχι")
        SCORED = "scored", _("Βαθμολογούμενο")
        POINTS = "points", _("Μοριοδότηση")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField("α/α", max_length=10)
    title = models.CharField("κριτήριο", max_length=400)
    kind = models.CharField("είδος", max_length=10, choices=Kind.choices)
    group = models.CharField("ομάδα", max_length=200, blank=True)
    weight_percent = models.DecimalField(
        "στάθμιση %", max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    max_score = models.DecimalField(
        "μέγιστη βαθμολογία", max_digits=6, decimal_places=2, null=True, blank=True
    )
    # [{"code": "α", "title": "...", "max": "2.5", "scale": [{"score": "2.5", "label": "Άριστα"}, ...]}]
    sub_criteria = models.JSONField("υποκριτήρια", default=list, blank=True)
    citation = models.CharField("άρθρο", max_length=120, blank=True)
    position = models.PositiveIntegerField("σειρά", default=0)

    class Meta:
        verbose_name = "κριτήριο αξιολόγησης"
        verbose_name_plural = "κριτήρια αξιολόγησης"
        ordering = ["call", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="uniq_call_criterion")]

    def __str__(self):
        return f"{self.code}. {self.title}"


class PlacementService(models.Model):
    """A host placement service with its positions (ΚΥΑ 16936 Art. 3(1)(α), Annex I of the host request)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="placement_services")
    code = models.SlugField("κωδικός", max_length=40)
    name = models.CharField("υπηρεσία τοποθέτησης", max_length=300)
    regional_unit = models.CharField("περιφερειακή ενότητα", max_length=120, blank=True)
    positions = models.PositiveIntegerField("θέσεις")

    class Meta:
        verbose_name = "υπηρεσία τοποθέτησης"
        verbose_name_plural = "υπηρεσίες τοποθέτησης"
        ordering = ["call", "code"]
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="uniq_call_placement")]

    def __str__(self):
        return f"{self.name} ({self.positions})"
