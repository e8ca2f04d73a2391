"""ΚΥΑ 16936: the points round of a call, each candidate's assessment, the frozen tables, placements.

A `PointsRound` follows the programme (note 002 §6.1 P7–P12): assessing → provisional tables
posted → objection window closed (by the durable deadline) → final table posted. Tables are
frozen copies (`RankingRow`): once posted, a row never changes; an upheld objection changes the
assessment and shows in the final table. Placements follow Art. 6: allocated by rank and
preference → referred by ΚΠΑ2 → hired, or declined / left / excluded → replaced from the
remaining ranking.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class PointsRound(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        ASSESSING = "assessing", "Μοριοδότηση σε εξέλιξη"
        PROVISIONAL = "provisional", "Αναρτήθηκαν οι προσωρινοί πίνακες"
        OBJECTIONS_CLOSED = "objections_closed", "Έληξε η προθεσμία ενστάσεων"
        FINAL = "final", "Αναρτήθηκε ο οριστικός πίνακας"

    call = models.OneToOneField("calls.Call", on_delete=models.PROTECT, related_name="points_round")
    state = FSMField(
        "κατάσταση", max_length=20, choices=State.choices, default=State.ASSESSING, protected=True
    )
    # Art. 5(6): the critical time for conditions and criteria is the end of the application window.
    critical_date = models.DateField("κρίσιμη ημερομηνία (λήξη αιτήσεων)")
    provisional_posted_on = models.DateField("ανάρτηση προσωρινών πινάκων", null=True, blank=True)
    objection_deadline = models.DateField("λήξη προθεσμίας ενστάσεων", null=True, blank=True)
    examination_deadline = models.DateField("λήξη εξέτασης ενστάσεων", null=True, blank=True)
    final_posted_on = models.DateField("ανάρτηση οριστικού πίνακα", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "γύρος μοριοδότησης"
        verbose_name_plural = "γύροι μοριοδότησης"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Κατάταξη {self.call.code}"

    @transition(field=state, source=State.ASSESSING, target=State.PROVISIONAL)
    def post_provisional(self):
        pass

    @transition(field=state, source=State.PROVISIONAL, target=State.OBJECTIONS_CLOSED)
    def close_objections(self):
        pass

    @transition(field=state, source=State.OBJECTIONS_CLOSED, target=State.FINAL)
    def post_final(self):
        pass


class PointsAssessment(models.Model):
    """One application's points and eligibility, with the facts used and where they came from."""

    class Status(models.TextChoices):
        PENDING = "pending", "Αναμονή στοιχείων ΔΥΠΑ"
        ASSESSED = "assessed", "Μοριοδοτήθηκε"

    round = models.ForeignKey(PointsRound, on_delete=models.CASCADE, related_name="assessments")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("κατάσταση", max_length=10, choices=Status.choices, default=Status.PENDING)
    # Copied from the application at round start so the ranking reads one table.
    code = models.CharField("κωδικός αίτησης", max_length=60)
    submitted_at = models.DateTimeField("χρόνος υποβολής")
    education = models.CharField("κατηγορία εκπαίδευσης", max_length=2, blank=True)
    preferences = models.JSONField("προτιμήσεις", default=list)

    # What the register said (`register`), as of which date, when it was fetched, and from where.
    register = models.JSONField("απάντηση μητρώου ΔΥΠΑ", default=dict, blank=True)
    register_status = models.CharField("αποτέλεσμα μητρώου", max_length=10, blank=True)
    facts_source = models.CharField("πηγή στοιχείων", max_length=30, blank=True)
    facts_as_on = models.DateField("στοιχεία κατά την", null=True, blank=True)
    facts_fetched_at = models.DateTimeField("λήψη στοιχείων", null=True, blank=True)
    # Facts changed by an upheld objection (Art. 5(9)), kept beside the register's answer.
    corrections = models.JSONField("διορθώσεις μετά από ένσταση", default=dict, blank=True)
    facts = models.JSONField("στοιχεία που χρησιμοποιήθηκαν", default=dict, blank=True)

    points_unemployment = models.PositiveSmallIntegerField("i. ανεργία", default=0)
    points_income = models.PositiveSmallIntegerField("ii. εισόδημα", default=0)
    points_age = models.PositiveSmallIntegerField("iii. ηλικία", default=0)
    points_children = models.PositiveSmallIntegerField("iv. τέκνα", default=0)
    total = models.PositiveIntegerField("σύνολο μορίων", default=0)
    income_column = models.CharField("στήλη εισοδήματος", max_length=10, blank=True)
    eligible = models.BooleanField("επιλέξιμος/η", default=False)
    exclusion_reasons = models.JSONField("λόγοι αποκλεισμού", default=list, blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "μοριοδότηση"
        verbose_name_plural = "μοριοδοτήσεις"
        constraints = [
            models.UniqueConstraint(fields=["round", "application"], name="uniq_points_assessment"),
        ]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self):
        return f"{self.code}: {self.total} μόρια"


class RankingTable(models.Model):
    """A posted table (Art. 5(6)–(9)): its rows are frozen copies, identified by application code."""

    class Kind(models.TextChoices):
        PROVISIONAL = "provisional", "Προσωρινός Πίνακας Κατάταξης Ανέργων"
        FINAL = "final", "Οριστικός Πίνακας Κατάταξης Ανέργων"

    round = models.ForeignKey(PointsRound, on_delete=models.CASCADE, related_name="tables")
    kind = models.CharField("είδος", max_length=12, choices=Kind.choices)
    posted_at = models.DateTimeField("ανάρτηση")
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_by_label = models.CharField("υπογράφει", max_length=200, blank=True)
    ranked_count = models.PositiveIntegerField(default=0)
    excluded_count = models.PositiveIntegerField(default=0)
    # The signed table is published to Diavgeia after commit (`tasks.publish_table`); the posting
    # on the ΔΥΠΑ site (posted_at) is what starts the objection window (Art. 5(8)), not the ΑΔΑ.
    ada = models.CharField("ΑΔΑ", max_length=30, blank=True)
    diavgeia_url = models.URLField("σύνδεσμος Διαύγειας", blank=True)
    publish_error = models.TextField("τελευταίο σφάλμα ανάρτησης", blank=True)
    xlsx = models.ForeignKey(
        "opske.GeneratedDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pdf = models.ForeignKey(
        "opske.GeneratedDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "πίνακας κατάταξης"
        verbose_name_plural = "πίνακες κατάταξης"
        constraints = [models.UniqueConstraint(fields=["round", "kind"], name="uniq_points_table_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.round.call.code}"


class RankingRow(models.Model):
    class Status(models.TextChoices):
        RANKED = "ranked", "Κατατάσσεται"
        EXCLUDED = "excluded", "Αποκλείεται"

    # No index of its own: both unique constraints below start with `table`.
    table = models.ForeignKey(RankingTable, on_delete=models.CASCADE, related_name="rows", db_index=False)
    # A frozen copy of an assessment, which holds the real foreign key; no database-level check
    # here spares 100,000 deferred look-ups at commit (applications are never deleted: PROTECT).
    # Looked up through (table, application), the unique constraint's index: no index of its own.
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    rank = models.PositiveIntegerField("σειρά", null=True, blank=True)
    code = models.CharField("κωδικός αίτησης", max_length=60)
    education = models.CharField("κατηγορία", max_length=2, blank=True)
    preferences = models.JSONField("προτιμήσεις", default=list)
    points_unemployment = models.PositiveSmallIntegerField(default=0)
    points_income = models.PositiveSmallIntegerField(default=0)
    points_age = models.PositiveSmallIntegerField(default=0)
    points_children = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField()
    # Art. 5(6): ranked «ανά κατηγορία εκπαίδευσης»: the rank within the row's category (`rank` is
    # the table's running order, categories one after the other).
    category_rank = models.PositiveIntegerField("σειρά στην κατηγορία", null=True, blank=True)
    # Art. 6(2): which tie-breaker put this row before the next one with the same total.
    tie_note = models.CharField("ισοβαθμία: προηγείται λόγω", max_length=80, blank=True)
    # Art. 5(6): the table states the placement service each candidate is matched with.
    service_code = models.CharField("υπηρεσία τοποθέτησης", max_length=40, blank=True)
    reasons = models.JSONField("λόγοι αποκλεισμού", default=list, blank=True)

    class Meta:
        ordering = ["table", "status", "rank", "code"]
        constraints = [
            models.UniqueConstraint(fields=["table", "application"], name="uniq_points_row_application"),
            models.UniqueConstraint(fields=["table", "rank"], name="uniq_points_row_rank"),
            models.CheckConstraint(
                condition=Q(status="ranked", rank__isnull=False) | Q(status="excluded", rank__isnull=True),
                name="points_row_rank_iff_ranked",
            ),
        ]

    def __str__(self):
        return f"{self.rank or '—'} · {self.code}"


class Placement(ConcurrentTransitionMixin, models.Model):
    """A candidate of the final table matched with a placement service (Art. 6)."""

    class State(models.TextChoices):
        ALLOCATED = "allocated", "Επιλέχθηκε"
        ON_HOLD = "on_hold", "Προσωρινή απώλεια ιδιότητας ανέργου (Άρθ. 5(11))"
        REFERRED = "referred", "Υποδείχθηκε από ΚΠΑ2"
        HIRED = "hired", "Προσλήφθηκε"
        DECLINED = "declined", "Δεν αποδέχθηκε"
        EXCLUDED = "excluded", "Αποκλείστηκε κατά τον έλεγχο"
        LEFT = "left", "Αποχώρησε"
        REPLACED = "replaced", "Αντικαταστάθηκε"
        HOST_REJECTED = "host_rejected", "Δεν έγινε αποδεκτός/ή από τον φορέα (Άρθ. 6(7))"
        COMPLETED = "completed", "Ολοκλήρωσε την απασχόληση (Άρθ. 6(11))"

    class EndKind(models.TextChoices):
        """Why an employment ended early (Art. 6(5), 6(8)–(10)); decides whether the position is refilled."""

        VOLUNTARY = "voluntary", "Οικειοθελής αποχώρηση (Άρθ. 6(5))"
        SERIOUS_REASON = "serious_reason", "Σπουδαίος υπηρεσιακός λόγος (Άρθ. 6(8))"
        FORCE_MAJEURE_BENEFICIARY = "force_majeure", "Ανωτέρα βία (Άρθ. 6(8))"
        FORCE_MAJEURE_HOST = "force_majeure_host", "Ανωτέρα βία που αφορά τον φορέα (Άρθ. 6(9))"
        OTHER_NOT_BENEFICIARY = (
            "other_not_beneficiary",
            "Άλλος λόγος που δεν οφείλεται στον/στην ωφελούμενο/η (Άρθ. 6(10))",
        )

    ACTIVE_STATES = (State.ALLOCATED, State.ON_HOLD, State.REFERRED, State.HIRED)

    round = models.ForeignKey(PointsRound, on_delete=models.CASCADE, related_name="placements")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("calls.PlacementService", on_delete=models.PROTECT, related_name="+")
    final_rank = models.PositiveIntegerField("σειρά στον οριστικό πίνακα")
    preference_rank = models.PositiveSmallIntegerField("σειρά προτίμησης")
    state = FSMField(
        "κατάσταση", max_length=16, choices=State.choices, default=State.ALLOCATED, protected=True
    )
    kpa2_label = models.CharField("ΚΠΑ2", max_length=120, blank=True)
    referral_note = models.TextField("συστατικό σημείωμα", blank=True)
    referred_at = models.DateTimeField(null=True, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hired_on = models.DateField("ημ. πρόσληψης (Ε3)", null=True, blank=True)
    ended_reason = models.TextField("αιτιολογία", blank=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    # Art. 6(7): a candidate the host did not accept is placed by the ΔΥΠΑ Board in another placement
    # service over its approved positions; the service first refused is kept for the record.
    over_quota = models.BooleanField("καθ' υπέρβαση των θέσεων (Άρθ. 6(7))", default=False)
    rejected_by_service = models.ForeignKey(
        "calls.PlacementService", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    board_decision = models.CharField("απόφαση Δ.Σ. ΔΥΠΑ", max_length=200, blank=True)
    # Employment (Art. 3(3), 6(4), 6(11)): the day the beneficiary brought the referral note to the
    # service starts the 60 days for the Ε3; `hired_on` is the start of employment the Ε3 announces.
    note_brought_on = models.DateField("προσκόμιση συστατικού σημειώματος", null=True, blank=True)
    e3_due_on = models.DateField("προθεσμία αναγγελίας Ε3", null=True, blank=True)
    e3_filed_on = models.DateField("ημ. υποβολής Ε3", null=True, blank=True)
    e3_protocol = models.CharField("αρ. πρωτοκόλλου Ε3", max_length=40, blank=True)
    contract_months = models.PositiveSmallIntegerField("διάρκεια απασχόλησης (μήνες)", default=12)
    contract_ends_on = models.DateField("λήξη απασχόλησης", null=True, blank=True)
    ended_on = models.DateField("τελευταία ημέρα απασχόλησης", null=True, blank=True)
    end_kind = models.CharField("λόγος λήξης", max_length=24, choices=EndKind.choices, blank=True)
    # Art. 6(9)–(10): after an early end not due to the beneficiary, the Board places them in another
    # service over its quota with that service's consent; the new placement points to the old one.
    relocated_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="relocated_to"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "τοποθέτηση"
        verbose_name_plural = "τοποθετήσεις"
        ordering = ["round", "final_rank"]
        constraints = [
            # A candidate is placed at most once per round: one who declined is deleted from the
            # final table (Art. 6(5)) and is never offered another position.
            # (A Board relocation after an early end not due to them, Art. 6(9)–(10), is their one
            # further placement: it carries `relocated_from`.)
            models.UniqueConstraint(
                fields=["round", "application"],
                condition=Q(relocated_from__isnull=True),
                name="uniq_points_placement",
            ),
        ]

    def __str__(self):
        return f"#{self.final_rank} → {self.service.name}"

    @transition(field=state, source=State.ALLOCATED, target=State.REFERRED)
    def refer(self):
        pass

    @transition(field=state, source=State.ALLOCATED, target=State.ON_HOLD)
    def hold(self):
        pass

    @transition(field=state, source=State.ON_HOLD, target=State.ALLOCATED)
    def release_hold(self):
        pass

    @transition(field=state, source=State.REFERRED, target=State.HIRED)
    def hire(self):
        pass

    @transition(field=state, source=[State.ALLOCATED, State.REFERRED], target=State.DECLINED)
    def decline(self):
        pass

    @transition(field=state, source=[State.ALLOCATED, State.ON_HOLD, State.REFERRED], target=State.EXCLUDED)
    def exclude(self):
        pass

    @transition(field=state, source=State.HIRED, target=State.LEFT)
    def leave(self):
        pass

    @transition(field=state, source=[State.DECLINED, State.EXCLUDED, State.LEFT], target=State.REPLACED)
    def mark_replaced(self):
        pass

    @transition(field=state, source=[State.ALLOCATED, State.REFERRED], target=State.HOST_REJECTED)
    def host_reject(self):
        """Art. 6(7): the host does not accept the referred candidate; the position stays uncovered."""

    @transition(field=state, source=State.HOST_REJECTED, target=State.ALLOCATED)
    def relocate_over_quota(self):
        """Art. 6(7): the Board places the candidate in another placement service, over its quota."""

    @transition(field=state, source=State.HIRED, target=State.COMPLETED)
    def complete(self):
        """Art. 6(11): the employment ends by itself when its period passes."""


class HostServiceStaff(models.Model):
    """A staff user of a placement service (Υπηρεσία Τοποθέτησης): records the start of employment,
    the monthly attendance and its requests for the placements of that service only."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="host_services")
    service = models.ForeignKey("calls.PlacementService", on_delete=models.CASCADE, related_name="staff")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "στέλεχος υπηρεσίας τοποθέτησης"
        verbose_name_plural = "στελέχη υπηρεσιών τοποθέτησης"
        constraints = [models.UniqueConstraint(fields=["user", "service"], name="uniq_host_service_staff")]

    def __str__(self):
        return f"{self.user} · {self.service.name}"


class HostRequest(ConcurrentTransitionMixin, models.Model):
    """The placement service's request to ΚΠΑ2 for a person to fill a vacated position (Art. 6(5),
    6(8)): «ενημερώνουν σχετικά το ΚΠΑ2 … και δύνανται να ζητήσουν την αντικατάστασή τους».
    ΚΠΑ2 approves it (the next candidate of the final table is placed) or refuses it with reasons."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", "Υποβλήθηκε"
        APPROVED = "approved", "Εγκρίθηκε"
        REFUSED = "refused", "Απορρίφθηκε"

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="host_requests")
    service = models.ForeignKey("calls.PlacementService", on_delete=models.PROTECT, related_name="+")
    state = FSMField(
        "κατάσταση", max_length=10, choices=State.choices, default=State.SUBMITTED, protected=True
    )
    reason = models.TextField("αιτιολογία αιτήματος")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reasons = models.TextField("αιτιολόγηση απόφασης ΚΠΑ2", blank=True)
    replacement = models.OneToOneField(
        Placement, null=True, blank=True, on_delete=models.PROTECT, related_name="from_request"
    )

    class Meta:
        verbose_name = "αίτημα αντικατάστασης υπηρεσίας τοποθέτησης"
        verbose_name_plural = "αιτήματα αντικατάστασης υπηρεσιών τοποθέτησης"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # One live request per vacated position: a refused one may be asked again.
            models.UniqueConstraint(
                fields=["placement"], condition=~Q(state="refused"), name="uniq_live_host_request"
            ),
        ]

    def __str__(self):
        return f"Αίτημα αντικατάστασης #{self.pk}"

    @transition(field=state, source=State.SUBMITTED, target=State.APPROVED)
    def approve(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.REFUSED)
    def refuse(self):
        pass


class MonthlyAttendance(models.Model):
    """One month of a hired placement as the placement service records it after the month ends
    (Art. 8(1)): days worked, unjustified absences (each cuts the gross pay, Art. 7(6)) and
    justified leave (leave, short sick leave, blameless impediment of arts 657–658 ΑΚ: no cut)."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="attendance")
    month = models.DateField("μήνας (1η ημέρα)")
    days_worked = models.PositiveSmallIntegerField("ημέρες εργασίας")
    unjustified_absence_days = models.PositiveSmallIntegerField("ημέρες αδικαιολόγητης απουσίας", default=0)
    justified_leave_days = models.PositiveSmallIntegerField("ημέρες δικαιολογημένης άδειας", default=0)
    note = models.TextField("παρατηρήσεις", blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField()

    class Meta:
        verbose_name = "μηνιαία παρουσία"
        verbose_name_plural = "μηνιαίες παρουσίες"
        ordering = ["placement", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "month"], name="uniq_attendance_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="attendance_month_first_day"),
        ]

    def __str__(self):
        return f"{self.month:%m/%Y} · {self.days_worked} ημέρες"


class ProgrammeBar(models.Model):
    """A bar on a person from a later ΔΥΠΑ programme, with its source and article.

    - declined placement (Art. 6(5) εδ. β'): recorded by `placement_decline`, bars every later call;
    - dismissal from a public-sector post (Art. 4(2)(ε)): recorded by staff, bars for 5 years.
    Keyed by ΑΜΚΑ (the register's key), so a later call's assessment finds it for any applicant.
    """

    class Kind(models.TextChoices):
        DECLINED_PLACEMENT = "declined_placement", "Μη αποδοχή θέσης τοποθέτησης (Άρθ. 6(5) εδ. β')"
        PUBLIC_DISMISSAL = "public_dismissal", "Απόλυση από θέση του δημόσιου τομέα (Άρθ. 4(2)(ε))"

    amka = models.CharField("ΑΜΚΑ", max_length=11, db_index=True)
    kind = models.CharField("είδος", max_length=20, choices=Kind.choices)
    occurred_on = models.DateField("ημερομηνία")
    source = models.CharField("πηγή (πρόγραμμα ή φορέας)", max_length=300)
    article = models.CharField("άρθρο", max_length=80)
    note = models.TextField("σημείωση", blank=True)
    source_call = models.ForeignKey(
        "calls.Call", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_placement = models.OneToOneField(
        Placement, null=True, blank=True, on_delete=models.PROTECT, related_name="bar"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "αποκλεισμός από προγράμματα"
        verbose_name_plural = "αποκλεισμοί από προγράμματα"
        ordering = ["-recorded_at"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.occurred_on:%d/%m/%Y}"


class RankingObjection(ConcurrentTransitionMixin, models.Model):
    """Ένσταση against the provisional tables (Art. 5(8)–(9)), once per candidate.

    Not `evaluation.Objection`: that one hangs on a per-application `Decision`, and ΚΥΑ 16936
    issues none: the posted table is the act and the candidate objects to their row of it.
    """

    class State(models.TextChoices):
        FILED = "filed", "Υποβλήθηκε"
        ACCEPTED = "accepted", "Έγινε δεκτή"
        REJECTED = "rejected", "Απορρίφθηκε"

    round = models.ForeignKey(PointsRound, on_delete=models.CASCADE, related_name="objections")
    row = models.ForeignKey(RankingRow, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="+")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField()
    text = models.TextField("λόγοι της ένστασης")
    state = FSMField("κατάσταση", max_length=10, choices=State.choices, default=State.FILED, protected=True)
    filing_deadline = models.DateField("προθεσμία υποβολής")
    decision_due = models.DateField("προθεσμία εξέτασης")
    outcome_reasons = models.TextField("αιτιολόγηση απόφασης Δ.Σ.", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "ένσταση κατά πίνακα"
        verbose_name_plural = "ενστάσεις κατά πινάκων"
        ordering = ["filed_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "application"], name="uniq_points_objection"),
        ]

    def __str__(self):
        return f"Ένσταση {self.row.code}"

    @transition(field=state, source=State.FILED, target=State.ACCEPTED)
    def accept(self):
        pass

    @transition(field=state, source=State.FILED, target=State.REJECTED)
    def reject(self):
        pass
