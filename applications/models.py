"""Applications (Αιτήσεις χρηματοδότησης): drafts, final submission and what they carry.

An application belongs to one call and one applicant: a business (ΚΥΑ 7066), a cluster entity
with partners (call 004) or a natural person (ΚΥΑ 16936). Registry answers are stored beside it
(`RegistrySnapshot`, with when they were fetched) so a later reader sees what the registry said
then. Final submission (οριστικοποίηση) stamps a protocol number, a server timestamp with
microseconds and a per-call priority sequence, all taken under the call's counter row lock
together with the budget reservation (`applications.services.application_submit`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from opske.money import format_eur

ZERO = Decimal("0.00")


class Application(ConcurrentTransitionMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Προσωρινή αποθήκευση")
        SUBMITTED = "submitted", _("Οριστικοποιημένη")
        RESERVE = "reserve", _("Επιλαχούσα (εξαντλήθηκε ο προϋπολογισμός)")
        UNDER_EVALUATION = "under_evaluation", _("Υπό αξιολόγηση")
        APPROVED = "approved", _("Εγκρίθηκε")
        APPROVED_NOT_FUNDED = "approved_not_funded", _("Εγκεκριμένη μη χρηματοδοτούμενη")
        REJECTED = "rejected", _("Απορρίφθηκε")
        WITHDRAWN = "withdrawn", _("Αποσύρθηκε")
        # ΚΥΑ 16936 Art. 5(5): a new application replaces the previous one, which is cancelled.
        CANCELLED = "cancelled", _("Ακυρώθηκε (αντικαταστάθηκε από νεότερη αίτηση)")

    class Kind(models.TextChoices):
        BUSINESS = "business", _("Επιχείρηση")
        CLUSTER = "cluster", _("Φορέας συνεργατικού σχηματισμού")
        NATURAL_PERSON = "natural_person", _("Φυσικό πρόσωπο")

    class Education(models.TextChoices):
        PE = "ΠΕ", _("ΠΕ (Πανεπιστημιακή)")
        TE = "ΤΕ", _("ΤΕ (Τεχνολογική)")
        DE = "ΔΕ", _("ΔΕ (Δευτεροβάθμια)")
        YE = "ΥΕ", _("ΥΕ (Υποχρεωτική)")

    call = models.ForeignKey("calls.Call", on_delete=models.PROTECT, related_name="applications")
    call_version = models.ForeignKey(
        "calls.CallVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("είδος αιτούντος", max_length=20, choices=Kind.choices)
    business = models.ForeignKey(
        "accounts.Business", null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    person = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications_created"
    )
    status = FSMField(
        "κατάσταση", max_length=30, choices=Status.choices, default=Status.DRAFT, protected=True
    )

    title = models.CharField("τίτλος", max_length=300, blank=True)
    email = models.EmailField("e-mail επικοινωνίας (νόμιμη κοινοποίηση)", blank=True)
    # Steps of the form that are not rows of their own (declarations, facts, consents), as
    # plain JSON validated by applications.rules at each save and at submission.
    data = models.JSONField("στοιχεία", default=dict, blank=True)

    # ΚΥΑ 16936: ΑΜΚΑ, one education category, 1–3 placement services (Art. 5(1)).
    amka = models.CharField("ΑΜΚΑ", max_length=11, blank=True)
    education = models.CharField("κατηγορία εκπαίδευσης", max_length=2, choices=Education.choices, blank=True)
    placement_preferences = models.JSONField("προτιμήσεις τοποθέτησης", default=list, blank=True)

    # Final submission (ΚΥΑ 7066 Art. 6.3, 6.8, 7.2): number kept on re-edit, timestamp renewed.
    protocol_seq = models.PositiveIntegerField("αύξων αριθμός πρωτοκόλλου", null=True, blank=True)
    protocol_number = models.CharField("αριθμός πρωτοκόλλου", max_length=60, blank=True)
    priority_seq = models.PositiveBigIntegerField("σειρά προτεραιότητας", null=True, blank=True)
    submitted_at = models.DateTimeField("χρόνος οριστικοποίησης", null=True, blank=True)
    first_submitted_at = models.DateTimeField("πρώτη οριστικοποίηση", null=True, blank=True)
    pool = models.ForeignKey(
        "calls.BudgetPool", null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    requested_amount = models.DecimalField(
        "αιτούμενο ποσό (€)", max_digits=14, decimal_places=2, default=ZERO
    )
    reserved_amount = models.DecimalField(
        "δεσμευμένο στο ταμείο (€)", max_digits=14, decimal_places=2, default=ZERO
    )
    reopened_count = models.PositiveSmallIntegerField("επανεπεξεργασίες", default=0)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField("λόγος απόσυρσης", blank=True)
    # ΚΥΑ 16936 Art. 5(5): the newer application that replaced this one, and why it was cancelled.
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )
    cancelled_at = models.DateTimeField("ακύρωση", null=True, blank=True)
    cancellation_reason = models.TextField("λόγος ακύρωσης", blank=True)
    receipt = models.ForeignKey(
        "opske.GeneratedDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # The registry prefill is owed while this is set (when it was asked for): the outbox sweep
    # re-sends it if its task was lost (broker down, worker killed); the task clears it when every
    # registry has answered or has a `RegistryWait` of its own (opske.tasks.register_outbox).
    registry_prefill_requested_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "αίτηση"
        verbose_name_plural = "αιτήσεις"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["call", "priority_seq"], name="uniq_application_priority"),
            models.UniqueConstraint(fields=["call", "protocol_seq"], name="uniq_application_protocol"),
            models.CheckConstraint(
                condition=Q(business__isnull=False) | Q(person__isnull=False),
                name="application_has_applicant",
            ),
            models.CheckConstraint(
                condition=Q(reserved_amount__gte=0), name="application_reserved_non_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["call", "status"]),
            # The staff list's order over submitted applications, with the key: its count and the
            # keys of any page are read off this index alone (issue 11, deep pages at 100,000).
            models.Index(
                fields=["call", "priority_seq", "id"],
                condition=~Q(status="draft"),
                name="application_staff_order",
            ),
            models.Index(fields=["call", "submitted_at"]),
            # The outbox sweep reads only the few applications whose prefill is owed.
            models.Index(
                fields=["registry_prefill_requested_at"],
                condition=Q(registry_prefill_requested_at__isnull=False),
                name="application_prefill_owed",
            ),
        ]

    def __str__(self):
        return self.protocol_number or f"Αίτηση #{self.pk} (προσωρινή)"

    @property
    def applicant_label(self) -> str:
        if self.business_id:
            return f"{self.business.name} ({self.business.afm})"
        return f"{self.person.last_name} {self.person.first_name} ({self.person.amka})"

    @property
    def public_label(self) -> str:
        """The applicant as an act published on Diavgeia names it: a legal entity by name and ΑΦΜ; a
        sole proprietor (a natural person) by name only, never the person's ΑΦΜ; a citizen applicant
        (ΚΥΑ 16936, published by code) by the application's protocol number only."""
        if self.business_id:
            if self.business.is_natural_person:
                return self.business.name
            return f"{self.business.name} ({self.business.afm})"
        return f"αιτών/ούσα με κωδικό αίτησης {self.protocol_number or self.pk}"

    def get_status_display(self) -> str:
        """The status's Greek label. Django's own builds a hashable copy of every choice on each call
        (~0.2 ms; a submission asks three times, under the call's counter lock); an unknown value is
        shown as it is, as Django's does."""
        try:
            return str(self.Status(self.status).label)
        except ValueError:
            return str(self.status)

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    # --- FSM (guards only; services write the audit event) ----------------------------------
    @transition(field=status, source=Status.DRAFT, target=Status.SUBMITTED)
    def submit(self):
        pass

    @transition(field=status, source=Status.DRAFT, target=Status.RESERVE)
    def submit_as_reserve(self):
        """Accepted after the area's pool ran out: a reserve (επιλαχούσα), ΚΥΑ 7066 Art. 7.3."""

    @transition(field=status, source=[Status.SUBMITTED, Status.RESERVE], target=Status.DRAFT)
    def reopen(self):
        """Re-editing (επανεπεξεργασία), ΚΥΑ 7066 Art. 6.7; conditions checked by the service."""
        self.reopened_count += 1

    @transition(
        field=status, source=[Status.DRAFT, Status.SUBMITTED, Status.RESERVE], target=Status.WITHDRAWN
    )
    def withdraw(self):
        pass

    @transition(field=status, source=[Status.SUBMITTED, Status.RESERVE], target=Status.CANCELLED)
    def cancel_superseded(self):
        """Replaced by a newer final submission of the same person (ΚΥΑ 16936 Art. 5(5))."""

    @transition(field=status, source=Status.RESERVE, target=Status.SUBMITTED)
    def promote_from_reserve(self):
        """Freed budget reached this επιλαχούσα in priority order (applications/reserves.py)."""

    # Owned by evaluation/: declared here so the FSM is one graph.
    @transition(field=status, source=[Status.SUBMITTED, Status.RESERVE], target=Status.UNDER_EVALUATION)
    def start_evaluation(self):
        pass

    @transition(field=status, source=Status.UNDER_EVALUATION, target=Status.APPROVED)
    def approve(self):
        pass

    @transition(field=status, source=Status.UNDER_EVALUATION, target=Status.APPROVED_NOT_FUNDED)
    def approve_not_funded(self):
        pass

    @transition(
        field=status, source=[Status.REJECTED, Status.APPROVED_NOT_FUNDED], target=Status.UNDER_EVALUATION
    )
    def reopen_for_reexamination(self):
        """An accepted objection sends the application back to evaluation (ΚΥΑ 7066 Art. 7.5)."""

    @transition(field=status, source=Status.UNDER_EVALUATION, target=Status.REJECTED)
    def reject(self):
        pass


class Position(models.Model):
    """A position to fill (ΚΥΑ 7066 Art. 6.2β): specialty, qualifications, category, place."""

    class Category(models.TextChoices):
        C0122 = "01.22", _("01.22 — άνεργοι πληττόμενων/μετασχηματιζόμενων κλάδων (100%)")
        C0123 = "01.23", _("01.23 — άνεργοι λοιπών επιχειρήσεων (70%)")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="positions")
    specialty = models.CharField("ειδικότητα", max_length=200)
    qualifications = models.TextField("επιθυμητά προσόντα", blank=True)
    category = models.CharField("κατηγορία ανέργου", max_length=5, choices=Category.choices)
    persons = models.PositiveSmallIntegerField("αριθμός ατόμων", default=1)
    place_label = models.CharField("τόπος απασχόλησης (έδρα/υποκατάστημα)", max_length=200, blank=True)
    place_region = models.CharField("περιφέρεια", max_length=120)
    place_regional_unit = models.CharField("περιφερειακή ενότητα", max_length=120, blank=True)
    place_municipality = models.CharField("δήμος", max_length=120, blank=True)
    position = models.PositiveSmallIntegerField("α/α", default=0)

    class Meta:
        verbose_name = "θέση"
        verbose_name_plural = "θέσεις"
        ordering = ["application", "position", "pk"]
        constraints = [models.CheckConstraint(condition=Q(persons__gte=1), name="position_persons_positive")]

    def __str__(self):
        return f"{self.specialty} × {self.persons} ({self.category})"


class ClusterPartner(models.Model):
    """A member of the cluster (call 004 §4.c): research organisation, SME or other."""

    class Kind(models.TextChoices):
        RESEARCH = "research", _("Ερευνητικός οργανισμός")
        SME = "sme", _("ΜΜΕ")
        LARGE = "large", _("Μεγάλη επιχείρηση")
        OTHER = "other", _("Λοιπός φορέας")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners")
    afm = models.CharField("ΑΦΜ", max_length=9)
    name = models.CharField("επωνυμία", max_length=200, blank=True)
    kind = models.CharField("είδος", max_length=10, choices=Kind.choices)
    size = models.CharField("μέγεθος", max_length=10, blank=True)
    position = models.PositiveSmallIntegerField("α/α", default=0)

    class Meta:
        verbose_name = "εταίρος"
        verbose_name_plural = "εταίροι"
        ordering = ["application", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["application", "afm"], name="uniq_partner_afm")]

    def __str__(self):
        return f"{self.name or self.afm} ({self.get_kind_display()})"


class BudgetLine(models.Model):
    """One line of the budget table by expense category (call 004 §6.1, §7.2, §7.5)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField("κατηγορία δαπάνης", max_length=10)
    description = models.CharField("περιγραφή", max_length=300, blank=True)
    amount = models.DecimalField("επιχορηγούμενο ποσό (€)", max_digits=14, decimal_places=2)
    # The line's whole cost; the part above `amount` is not aided and is private participation
    # (call 004 §6.5.1, §7.4). Empty means the whole line is subsidised.
    total_amount = models.DecimalField(
        "συνολικό ποσό (€)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    research_type = models.CharField("είδος έρευνας", max_length=20, blank=True)
    dissemination = models.BooleanField("ευρεία διάδοση", default=False)
    position = models.PositiveSmallIntegerField("α/α", default=0)

    class Meta:
        verbose_name = "γραμμή προϋπολογισμού"
        verbose_name_plural = "γραμμές προϋπολογισμού"
        ordering = ["application", "position", "pk"]

    def __str__(self):
        return f"{self.category}: {format_eur(self.amount)}"


class RegistrySnapshot(models.Model):
    """What a registry said about the applicant and when (AADE, ΕΡΓΑΝΗ, ΠΣΣΕΗΣ, ΔΥΠΑ)."""

    class Registry(models.TextChoices):
        AADE = "aade", _("ΑΑΔΕ (μητρώο)")
        ERGANI = "ergani", _("ΕΡΓΑΝΗ (προσωπικό)")
        DEMINIMIS = "deminimis", _("ΠΣΣΕΗΣ (de minimis)")
        DYPA = "dypa", _("ΔΥΠΑ (μητρώο ανέργων)")

    class Status(models.TextChoices):
        OK = "ok", _("Απάντησε")
        REFUSED = "refused", _("Απέρριψε το αίτημα")
        MANUAL = "manual", _("Χειροκίνητος έλεγχος")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="registry_snapshots")
    registry = models.CharField("μητρώο", max_length=20, choices=Registry.choices)
    status = models.CharField("αποτέλεσμα", max_length=10, choices=Status.choices)
    data = models.JSONField("απάντηση", default=dict, blank=True)
    fetched_at = models.DateTimeField("χρόνος λήψης")

    class Meta:
        verbose_name = "απάντηση μητρώου"
        verbose_name_plural = "απαντήσεις μητρώων"
        constraints = [
            models.UniqueConstraint(fields=["application", "registry"], name="uniq_application_registry")
        ]

    def __str__(self):
        return f"{self.get_registry_display()} @ {self.fetched_at:%d/%m/%Y %H:%M}"


class Submission(models.Model):
    """Each final submission of an application: the history kept across re-edits (Art. 6.7)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="submissions")
    call = models.ForeignKey("calls.Call", on_delete=models.PROTECT, related_name="+")
    priority_seq = models.PositiveBigIntegerField("σειρά προτεραιότητας")
    submitted_at = models.DateTimeField("χρόνος οριστικοποίησης")
    requested_amount = models.DecimalField(max_digits=14, decimal_places=2)
    reserved = models.BooleanField("δεσμεύτηκε προϋπολογισμός", default=False)
    snapshot = models.JSONField("τι υποβλήθηκε", default=dict)
    # Set by the after-commit task that records the receipt and the notices (idempotency marker).
    receipt = models.ForeignKey(
        "opske.GeneratedDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "οριστικοποίηση"
        verbose_name_plural = "οριστικοποιήσεις"
        ordering = ["call", "submitted_at"]
        indexes = [models.Index(fields=["call", "priority_seq"])]

    def __str__(self):
        from opske.dates import format_timestamp

        return f"{self.application} #{self.priority_seq} @ {format_timestamp(self.submitted_at)}"


class CallCounter(models.Model):
    """Per-call counters, locked by every final submission of that call.

    Locking this row first serialises submissions of one call, so the priority sequence, the
    timestamp and the pool reservation are taken in commit order (STYLE.md practice 7).
    """

    call = models.OneToOneField("calls.Call", on_delete=models.CASCADE, primary_key=True, related_name="+")
    last_priority = models.PositiveBigIntegerField(default=0)
    last_protocol = models.PositiveIntegerField(default=0)
    last_submitted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.call_id}: {self.last_priority}"


class IdempotencyRecord(models.Model):
    """The first answer to an API request carrying an Idempotency-Key, replayed on retries."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    scope = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="uniq_idempotency_key")]

    def __str__(self):
        return f"{self.scope} · {self.key}"


def attachment_upload_to(instance, filename: str) -> str:
    # Stored under an unguessable name: the original name is kept on the row, never trusted on disk.
    import uuid

    suffixes = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
    suffix = suffixes.get(instance.content_type, "bin")
    app = instance.application
    return f"applications/{app.call_id}/{app.pk}/{uuid.uuid4().hex}.{suffix}"


class ApplicationAttachment(models.Model):
    """A document uploaded with an application (ΚΥΑ 7066 Παρ. 1; Πρόσκληση 004 Παρ. I).

    A document holds up to its call's `max_files` current files; replacing one supersedes that file
    only, and a deletion only marks the row: earlier versions stay on record for the audit trail,
    never shown as current.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    required_attachment = models.ForeignKey(
        "calls.RequiredAttachment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="uploads",
        help_text="κενό για πρόσθετο έγγραφο",
    )
    file = models.FileField("αρχείο", upload_to=attachment_upload_to, max_length=300)
    original_name = models.CharField("όνομα αρχείου", max_length=255)
    content_type = models.CharField("τύπος", max_length=50)
    size = models.PositiveBigIntegerField("μέγεθος (bytes)")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("χρόνος ανάρτησης", auto_now_add=True)
    is_current = models.BooleanField("τρέχον", default=True)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )
    deleted_at = models.DateTimeField("χρόνος διαγραφής", null=True, blank=True)

    class Meta:
        verbose_name = "συνημμένο αίτησης"
        verbose_name_plural = "συνημμένα αιτήσεων"
        ordering = ["application", "required_attachment__position", "uploaded_at", "pk"]
        # A document holds several current files (up to its `max_files`, Πρόσκληση 004 §9), so
        # there is no «one current per document» constraint; the upload service counts them
        # under the row locks of the application and its current files.
        indexes = [models.Index(fields=["application", "is_current"])]

    def __str__(self):
        return self.original_name

    @property
    def code(self) -> str:
        return self.required_attachment.opske_code if self.required_attachment_id else ""
