"""ΚΥΑ 7066 Annex 6: each participant's entry and exit questionnaire (απογραφικά δελτία εισόδου /
εξόδου), recorded by the business for the hired participant (Art. 7.4). Keyed by operation and
ΑΜΚΑ (the participant's identity in ΟΠΣΚΕ), not by the hire, so the two areas stay apart.
The entry form gates the first two-month tranche, the exit form the last (Art. 7.4, 8.6):
operations.rules.questionnaires.questionnaire_gate."""

from django.conf import settings
from django.db import models


class ParticipantQuestionnaire(models.Model):
    class Kind(models.TextChoices):
        ENTRY = "entry", "Απογραφικό δελτίο εισόδου"
        EXIT = "exit", "Απογραφικό δελτίο εξόδου"

    operation = models.ForeignKey(
        "operations.Operation", on_delete=models.PROTECT, related_name="questionnaires"
    )
    amka = models.CharField("ΑΜΚΑ συμμετέχοντα", max_length=11)
    kind = models.CharField("είδος", max_length=5, choices=Kind.choices)
    # Entry: «ΗΜΕΡ/ΝΙΑ εισόδου συμμετέχοντα»; exit: «ΗΜΕΡ/ΝΙΑ λήξης συμμετοχής στη δράση».
    participation_date = models.DateField("ημερομηνία εισόδου / λήξης συμμετοχής")
    completed_on = models.DateField("ημερομηνία συμπλήρωσης από τον/τη συμμετέχοντα/ουσα")
    # Annex 6 answers: {"in_education": bool, "education_categories": ["B.1", …], "education_level": "Γ.5"}
    # (entry) or {"in_education": bool, "education_categories": […], "qualification_gained": bool} (exit).
    answers = models.JSONField("απαντήσεις", default=dict)
    document = models.FileField(
        "υπογεγραμμένο δελτίο", upload_to="questionnaires/%Y/%m/", blank=True, max_length=300
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = "απογραφικό δελτίο συμμετέχοντα"
        verbose_name_plural = "απογραφικά δελτία συμμετεχόντων"
        ordering = ["operation", "amka", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["operation", "amka", "kind"], name="uniq_questionnaire_per_participant"
            ),
        ]
        indexes = [models.Index(fields=["operation", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.operation.code}"
