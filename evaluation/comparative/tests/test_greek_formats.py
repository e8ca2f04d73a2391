"""The comparative ranking in Greek formats: the page and the PDF show «300.000,00 €» (never
«300000.00 €»), the XLSX holds numbers the sheet can sum, shown with a euro number format."""

import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from evaluation.comparative import services
from evaluation.comparative.tests.factories import (
    HIGH,
    ClusterApplicationFactory,
    closed_call004,
    committee,
    committee_member,
    declare,
    score_fully,
    supervisor,
)
from opske.money import XLSX_EUR_FORMAT

pytestmark = pytest.mark.django_db

RAW_AMOUNT = re.compile(r"\d+\.\d{2} ?€")
MICROSECONDS = re.compile(r"\d{2}:\d{2}:\d{2}[.,]\d{3,6}")


def _pdf_text(data: bytes) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    done = subprocess.run([tool, "-", "-"], input=data, capture_output=True, check=True, timeout=60)  # noqa: S603
    return done.stdout.decode()


def test_ranking_page_pdf_and_xlsx_show_amounts_the_greek_way(client):
    # given a call 004 round with two scored applications ranked on a 300.000 € budget
    call = closed_call004()
    boss, chair = supervisor(), committee_member(username="chair")
    committee(call, boss, [chair])
    apps = [ClusterApplicationFactory(call=call) for _ in range(2)]
    for app in apps:
        declare(boss, chair, app)
    score_fully(chair, apps[0])
    score_fully(chair, apps[1], {**HIGH, "6.—": "2"})
    run = services.ranking_compute(actor=chair, call_id=call.pk, budget="300.000")
    client.force_login(chair)

    # when the committee opens the ranking page, the PDF and the XLSX
    page = re.sub(
        r"<[^>]+>",
        " ",
        client.get(reverse("evaluation_comparative:ranking", args=[call.pk])).content.decode(),
    )
    pdf = _pdf_text(client.get(reverse("evaluation_comparative:export-pdf", args=[run.pk])).content)
    book = load_workbook(
        io.BytesIO(client.get(reverse("evaluation_comparative:export-xlsx", args=[run.pk])).content)
    )

    # then amounts read 300.000,00 € and no time carries microseconds
    for where, text in (("page", page), ("pdf", pdf)):
        assert "300.000,00 €" in text, where
        assert not RAW_AMOUNT.findall(text), (where, RAW_AMOUNT.findall(text)[:5])
        assert not MICROSECONDS.findall(text), where
    # and the PDF is headed as an act of the issuing authority
    assert "ΕΛΛΗΝΙΚΗ ΔΗΜΟΚΡΑΤΙΑ" in pdf
    # and the sheet's budget cells are numbers with the euro format, the score a number
    funded = book.worksheets[0]
    header = [c.value for c in funded[2]]
    eligible = funded.cell(row=3, column=header.index("Επιλέξιμος π/υ (€)") + 1)
    score = funded.cell(row=3, column=header.index("Βαθμολογία") + 1)
    assert isinstance(eligible.value, int | float) and eligible.number_format == XLSX_EUR_FORMAT
    assert isinstance(score.value, int | float) and score.number_format == "0.00"
