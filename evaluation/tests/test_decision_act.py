"""Decisions are Greek administrative acts, and every amount and time on the way is shown in Greek.

The approval of a ΚΥΑ 7066 application is evaluated, reviewed, signed and published over HTTP to
the sandboxes; its PDF (read back with pdftotext) carries the issuing authority, place and date,
protocol number, ΘΕΜΑ, «Έχοντας υπόψη» from the call's configuration, «Αποφασίζουμε», the
signature block and, once published, «ΑΔΑ: …». The staff pages around it show 14.220,00 €, never
14220.00 €, and no timestamp with microseconds.
"""

import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import Decision
from evaluation.tests.factories import approved_and_notified, submitted_application
from opske.models import GeneratedDocument
from opske.pdf import render_pdf

RAW_AMOUNT = re.compile(r"\d+\.\d{2} ?€")  # «24174.00 €»: Python notation next to a euro sign
MICROSECONDS = re.compile(r"\d{2}:\d{2}:\d{2}[.,]\d{3,6}")
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def pdf_text(data: bytes) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    # reading order (no -layout), so the header's two columns do not interleave
    done = subprocess.run([tool, "-", "-"], input=data, capture_output=True, check=True, timeout=60)  # noqa: S603
    return done.stdout.decode()


def _document_bytes(decision) -> bytes:
    decision.refresh_from_db()
    with decision.document.file.open("rb") as fh:
        return fh.read()


def assert_greek_formats(text: str, where: str):
    assert not RAW_AMOUNT.findall(text), (where, RAW_AMOUNT.findall(text)[:5])
    assert not MICROSECONDS.findall(text), (where, MICROSECONDS.findall(text)[:5])
    assert not ISO_MOMENT.findall(text), (where, ISO_MOMENT.findall(text)[:5])


def test_published_approval_is_an_administrative_act_with_its_ada(
    kya7066, evaluator, supervisor, django_capture_on_commit_callbacks
):
    # given a ΚΥΑ 7066 application approved, signed and published to Diavgeia
    app, _ = submitted_application(kya7066)
    approval = approved_and_notified(app, evaluator, supervisor, django_capture_on_commit_callbacks)
    assert approval.ada

    # when the served copy is read
    text = pdf_text(_document_bytes(approval))
    flat = " ".join(text.split())

    # then it has every part of a Greek administrative act, in order
    parts = [
        f"ΑΔΑ: {approval.ada}",
        "ΕΛΛΗΝΙΚΗ ΔΗΜΟΚΡΑΤΙΑ",
        "ΔΗΜΟΣΙΑ ΥΠΗΡΕΣΙΑ ΑΠΑΣΧΟΛΗΣΗΣ (Δ.ΥΠ.Α.)",
        "Αθήνα,",
        f"Αρ. πρωτ.: {approval.protocol_number}",
        "ΘΕΜΑ:",
        "Ο/Η ΠΡΟΪΣΤΑΜΕΝΟΣ/Η ΤΟΥ ΚΠΑ2",
        "Έχοντας υπόψη:",
        "1. Τον ν. 4921/2022",
        "Την υπ’ αριθμ. 7066/15.03.2025 κοινή απόφαση",
        f"Την αίτηση με αρ. πρωτ. {app.protocol_number}",
        "Αποφασίζουμε",
        "Εγκρίνουμε την αίτηση χρηματοδότησης",
        "14.220,00 €",
        "Ο/Η Προϊστάμενος/η του ΚΠΑ2",
        supervisor.get_full_name(),
    ]
    positions = [flat.find(p) for p in parts]
    assert all(p >= 0 for p in positions), [x for x, p in zip(parts, positions, strict=True) if p < 0]
    assert positions == sorted(positions), parts
    assert_greek_formats(text, "decision PDF")
    # and the file sent to Diavgeia at signing (no ΑΔΑ yet) is kept as it was
    documents = GeneratedDocument.objects.filter(object_id=str(approval.pk), kind="decision_approval")
    sent = documents.order_by("pk").first()
    assert documents.count() == 2 and sent.pk != approval.document_id
    with sent.file.open("rb") as fh:
        assert "ΑΔΑ:" not in pdf_text(fh.read())


def test_staff_and_business_pages_show_greek_amounts_and_times(
    client, kya7066, evaluator, supervisor, django_capture_on_commit_callbacks
):
    app, user = submitted_application(kya7066)
    approval = approved_and_notified(app, evaluator, supervisor, django_capture_on_commit_callbacks)
    client.force_login(supervisor)
    pages = {
        "decision": reverse("evaluation:decision", args=[approval.pk]),
        "staff list": "/applications/staff/",
        "results": reverse("evaluation:results", args=[kya7066.code]),
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert_greek_formats(re.sub(r"<[^>]+>", " ", response.content.decode()), name)
    assert "14.220,00 €" in client.get(pages["decision"]).content.decode()
    client.force_login(user)
    mine = client.get(reverse("evaluation:my-decision", args=[approval.pk])).content.decode()
    assert "14.220,00 €" in mine
    assert_greek_formats(re.sub(r"<[^>]+>", " ", mine), "my decision")


def _rejection(app, supervisor):
    return services.decision_create(
        actor=supervisor,
        application=app,
        kind=Decision.Kind.REJECTION,
        subject="Απόρριψη αίτησης χρηματοδότησης",
        details={"reasons": ["Κριτήριο 4(στ) = ΟΧΙ: υπέρβαση ορίου de minimis 304.220,00 € > 300.000,00 €."]},
    )


def test_rejection_act_states_the_reasons_after_we_decide(kya7066, supervisor):
    app, _ = submitted_application(kya7066)
    text = " ".join(
        pdf_text(
            render_pdf("evaluation/pdf/decision.html", services.decision_context(_rejection(app, supervisor)))
        ).split()
    )
    assert text.index("Έχοντας υπόψη:") < text.index("Αποφασίζουμε") < text.index("Απορρίπτουμε την αίτηση")
    assert text.index("Απορρίπτουμε") < text.index("Αιτιολογία") < text.index("304.220,00 €")
    assert "ΑΔΑ:" not in text  # not published yet


def test_setting_legal_basis_changes_outcome(kya7066, supervisor):
    # given the call's «Έχοντας υπόψη» list
    app, _ = submitted_application(kya7066)
    decision = _rejection(app, supervisor)
    before = services.decision_context(decision)["legal_basis"]
    assert before[0].startswith("Τον ν. 4921/2022")
    # when the programme administrator replaces it
    kya7066.config = {**kya7066.config, "legal_basis": ["Τον ν. 9999/2030 «Δοκιμαστικός νόμος»."]}
    kya7066.save(update_fields=["config"])
    decision.refresh_from_db()
    after = services.decision_context(decision)["legal_basis"]
    # then the decision cites the new list first, then the call, the application and the evaluation
    assert after[0] == "Τον ν. 9999/2030 «Δοκιμαστικός νόμος»." and "Τον ν. 4921/2022" not in " ".join(after)
    assert after[1].startswith("Την πρόσκληση «") and after[2].startswith("Την αίτηση με αρ. πρωτ.")
    text = " ".join(
        pdf_text(render_pdf("evaluation/pdf/decision.html", services.decision_context(decision))).split()
    )
    assert "1. Τον ν. 9999/2030 «Δοκιμαστικός νόμος»." in text


def test_setting_decision_act_changes_outcome(kya7066, supervisor):
    app, _ = submitted_application(kya7066)
    decision = _rejection(app, supervisor)
    assert services.decision_context(decision)["place"] == "Αθήνα"
    kya7066.config = {
        **kya7066.config,
        "decision_act": {
            "authority": ["ΔΗΜΟΣΙΑ ΥΠΗΡΕΣΙΑ ΑΠΑΣΧΟΛΗΣΗΣ (Δ.ΥΠ.Α.)", "ΚΠΑ2 ΚΟΖΑΝΗΣ"],
            "place": "Κοζάνη",
            "issuer": "Ο ΠΡΟΪΣΤΑΜΕΝΟΣ ΤΟΥ ΚΠΑ2 ΚΟΖΑΝΗΣ",
            "signatory_role": "Ο Προϊστάμενος του ΚΠΑ2 Κοζάνης",
        },
    }
    kya7066.save(update_fields=["config"])
    decision.refresh_from_db()
    context = services.decision_context(decision)
    assert (context["place"], context["authority"][-1], context["signer_title"]) == (
        "Κοζάνη",
        "ΚΠΑ2 ΚΟΖΑΝΗΣ",
        "Ο Προϊστάμενος του ΚΠΑ2 Κοζάνης",
    )
    text = " ".join(pdf_text(render_pdf("evaluation/pdf/decision.html", context)).split())
    assert "ΚΠΑ2 ΚΟΖΑΝΗΣ" in text and "Κοζάνη," in text and "Ο ΠΡΟΪΣΤΑΜΕΝΟΣ ΤΟΥ ΚΠΑ2 ΚΟΖΑΝΗΣ" in text


def test_an_act_for_a_sole_proprietor_names_the_business_but_not_the_persons_afm(kya7066):
    # given a ΚΥΑ 7066 application of a sole proprietorship (its ΑΦΜ is a natural person's)
    app, _ = submitted_application(kya7066)
    business = app.business
    business.is_natural_person = True
    business.save(update_fields=["is_natural_person"])
    app.refresh_from_db()
    decision = Decision(application=app, kind=Decision.Kind.APPROVAL, protocol_number="Δ-1")

    # when the act that goes to Diavgeia is composed
    context = services.decision_context(decision)

    # then it names the business, never the person's ΑΦΜ (which staff pages still show)
    assert context["applicant"] == business.name
    assert business.afm not in context["applicant"] and business.afm in app.applicant_label
