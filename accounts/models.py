"""Users, the businesses and persons they act for, and roles.

A business acts through members (ΚΥΑ 7066 Art. 6.2, 8.1: συντονιστής, οικονομικός υπεύθυνος,
νόμιμος εκπρόσωπος). Staff hold one or more roles. Registry data on Business and Person is read-only
for the applicant: it is refreshed from AADE / ΗΔΙΚΑ, never typed in.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from accounts.validators import validate_afm, validate_amka


class Role(models.TextChoices):
    PROGRAMME_ADMIN = "programme_admin", "Διαχειριστής προγράμματος"
    EVALUATOR = "evaluator", "Αξιολογητής"
    COMMITTEE_MEMBER = "committee_member", "Μέλος επιτροπής αξιολόγησης"
    SUPERVISOR = "supervisor", "Προϊστάμενος ΚΠΑ2 / εγκρίνων"
    VERIFIER = "verifier", "Επαληθευτής"
    PAYMENT_OFFICER = "payment_officer", "Υπάλληλος πληρωμών"
    AUDITOR = "auditor", "Ελεγκτής (μόνο ανάγνωση)"
    API_CLIENT = "api_client", "Πελάτης API"


STAFF_ROLES = frozenset(r for r in Role if r != Role.API_CLIENT)


class User(AbstractUser):
    """Anyone who logs in. Businesses and persons arrive through TAXISnet; staff by password."""

    class Kind(models.TextChoices):
        TAXISNET = "taxisnet", "Χρήστης TAXISnet"
        STAFF = "staff", "Στέλεχος"
        API_CLIENT = "api_client", "Πελάτης API"

    kind = models.CharField("είδος", max_length=20, choices=Kind.choices, default=Kind.STAFF)
    # ΑΦΜ of the TAXISnet identity (GSIS userinfo `taxid`), empty for staff.
    afm = models.CharField("ΑΦΜ TAXISnet", max_length=9, blank=True, db_index=True)
    father_name = models.CharField("πατρώνυμο", max_length=100, blank=True)
    mother_name = models.CharField("μητρώνυμο", max_length=100, blank=True)
    birth_year = models.PositiveSmallIntegerField("έτος γέννησης", null=True, blank=True)
    # Set when a TAXISnet login went on without AADE (down or slow): the refresh is owed and done in
    # the background (interop.identity.taxisnet_refresh), cleared when AADE has answered.
    aade_refresh_requested_at = models.DateTimeField("εκκρεμής ενημέρωση από ΑΑΔΕ", null=True, blank=True)

    class Meta:
        verbose_name = "χρήστης"
        verbose_name_plural = "χρήστες"
        constraints = [
            models.UniqueConstraint(
                fields=["afm"], condition=Q(kind="taxisnet") & ~Q(afm=""), name="uniq_taxisnet_afm"
            )
        ]

    def role_set(self) -> frozenset[str]:
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = (
                frozenset(self.role_assignments.values_list("role", flat=True)) if self.pk else frozenset()
            )
            self._role_cache = cached
        return cached

    def has_role(self, *roles) -> bool:
        return bool(self.role_set() & {str(r) for r in roles})

    @property
    def is_staff_member(self) -> bool:
        return bool(self.role_set() & {str(r) for r in STAFF_ROLES})


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField("ρόλος", max_length=30, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ανάθεση ρόλου"
        verbose_name_plural = "αναθέσεις ρόλων"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="uniq_user_role")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"


class Business(models.Model):
    """An undertaking as the tax registry (AADE RgWsPublic2 basic_rec) describes it."""

    afm = models.CharField("ΑΦΜ", max_length=9, unique=True, validators=[validate_afm])
    name = models.CharField("επωνυμία", max_length=200)
    commercial_title = models.CharField("διακριτικός τίτλος", max_length=200, blank=True)
    # Folded name, commercial title and ΑΦΜ (opske.search) for staff searches; written with the name.
    search_text = models.TextField("κείμενο αναζήτησης", blank=True, default="", editable=False)
    legal_form = models.CharField("νομική μορφή", max_length=60, blank=True)
    is_natural_person = models.BooleanField("φυσικό πρόσωπο", default=False)
    is_active = models.BooleanField("ενεργός ΑΦΜ", default=True)
    doy_code = models.CharField("κωδ. ΔΟΥ", max_length=4, blank=True)
    doy_name = models.CharField("ΔΟΥ", max_length=100, blank=True)
    street = models.CharField("οδός", max_length=150, blank=True)
    street_number = models.CharField("αριθμός", max_length=20, blank=True)
    postal_code = models.CharField("ΤΚ", max_length=5, blank=True)
    city = models.CharField("περιοχή", max_length=100, blank=True)
    region = models.CharField("περιφέρεια", max_length=100, blank=True)
    regional_unit = models.CharField("περιφερειακή ενότητα", max_length=100, blank=True)
    municipality = models.CharField("δήμος", max_length=100, blank=True)
    start_date = models.DateField("ημ. έναρξης", null=True, blank=True)
    stop_date = models.DateField("ημ. διακοπής", null=True, blank=True)
    registry_refreshed_at = models.DateTimeField("τελευταία ενημέρωση από ΑΑΔΕ", null=True, blank=True)
    # What the registry answered, kept so a later reader sees what was known then.
    registry_snapshot = models.JSONField("απάντηση μητρώου", default=dict, blank=True)
    # The contact profile for legal notices (ΚΥΑ 7066 Art. 6.10, 7.3: «προφίλ επικοινωνίας»). Only a
    # confirmed address counts as service; a new one waits in `notice_email_pending` until its
    # link is followed, and the one in force stays until then (accounts.services).
    notice_email = models.EmailField("e-mail νόμιμων κοινοποιήσεων", blank=True)
    notice_email_confirmed_at = models.DateTimeField("επιβεβαίωση e-mail", null=True, blank=True)
    notice_email_pending = models.EmailField("e-mail σε αναμονή επιβεβαίωσης", blank=True)
    notice_phone = models.CharField("τηλέφωνο επικοινωνίας", max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "επιχείρηση"
        verbose_name_plural = "επιχειρήσεις"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.afm})"

    @property
    def main_kad(self):
        return next((a for a in self.activities.all() if a.kind == BusinessActivity.Kind.MAIN), None)


class BusinessActivity(models.Model):
    """A ΚΑΔ of the business (AADE firm_act_tab item)."""

    class Kind(models.TextChoices):
        MAIN = "1", "Κύρια"
        SECONDARY = "2", "Δευτερεύουσα"
        OTHER = "3", "Λοιπή"
        AUXILIARY = "4", "Βοηθητική"

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="activities")
    code = models.CharField("ΚΑΔ", max_length=8)
    description = models.CharField("περιγραφή", max_length=300, blank=True)
    kind = models.CharField("είδος", max_length=1, choices=Kind.choices)

    class Meta:
        verbose_name = "δραστηριότητα (ΚΑΔ)"
        verbose_name_plural = "δραστηριότητες (ΚΑΔ)"
        ordering = ["kind", "code"]
        constraints = [models.UniqueConstraint(fields=["business", "code", "kind"], name="uniq_business_kad")]

    def __str__(self):
        return f"{self.dotted_code} {self.description}"

    @property
    def dotted_code(self) -> str:
        """ΚΑΔ as written in legal texts: 56101101 -> 56.10.11.01."""
        c = self.code
        parts = [c[0:2], c[2:4], c[4:6], c[6:8]]
        return ".".join(p for p in parts if p)


class Person(models.Model):
    """A natural person known by ΑΜΚΑ: an applicant (ΚΥΑ 16936) or a person to be hired (ΚΥΑ 7066)."""

    amka = models.CharField("ΑΜΚΑ", max_length=11, unique=True, validators=[validate_amka])
    afm = models.CharField("ΑΦΜ", max_length=9, blank=True, db_index=True, validators=[validate_afm])
    first_name = models.CharField("όνομα", max_length=100)
    last_name = models.CharField("επώνυμο", max_length=100)
    father_name = models.CharField("πατρώνυμο", max_length=100, blank=True)
    mother_name = models.CharField("μητρώνυμο", max_length=100, blank=True)
    birth_date = models.DateField("ημ. γέννησης", null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    registry_refreshed_at = models.DateTimeField(null=True, blank=True)
    registry_snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "φυσικό πρόσωπο"
        verbose_name_plural = "φυσικά πρόσωπα"
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return f"{self.last_name} {self.first_name} ({self.amka})"


class Membership(models.Model):
    """A user acting for a business in one role. Invited by ΑΦΜ; active once that person logs in."""

    class BusinessRole(models.TextChoices):
        COORDINATOR = "coordinator", "Συντονιστής"
        FINANCIAL_OFFICER = "financial_officer", "Οικονομικός υπεύθυνος"
        LEGAL_REPRESENTATIVE = "legal_representative", "Νόμιμος εκπρόσωπος"

    class State(models.TextChoices):
        INVITED = "invited", "Σε πρόσκληση"
        ACTIVE = "active", "Ενεργό"
        REVOKED = "revoked", "Ανακλήθηκε"

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    invited_afm = models.CharField("ΑΦΜ προσκεκλημένου", max_length=9, validators=[validate_afm])
    role = models.CharField("ρόλος", max_length=30, choices=BusinessRole.choices)
    state = models.CharField("κατάσταση", max_length=10, choices=State.choices, default=State.INVITED)
    email = models.EmailField("e-mail επικοινωνίας", blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "μέλος επιχείρησης"
        verbose_name_plural = "μέλη επιχειρήσεων"
        constraints = [
            models.UniqueConstraint(
                fields=["business", "invited_afm", "role"],
                condition=~Q(state="revoked"),
                name="uniq_live_membership",
            )
        ]

    def __str__(self):
        return f"{self.business} · {self.get_role_display()} · {self.invited_afm}"
