"""The uploaded ΕΡΓΑΝΗ «Πίνακας Προσωπικού» export: the alternative to the business's credentials."""

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from interop.ergani import ErganiClient, ErganiCredentials, parse_ergani_export
from opske.errors import ValidationFailed

SAMPLE = Path(__file__).parent / "fixtures" / "ergani_staff_804773470_2026-03-31.csv"


def _sample_lines() -> list[str]:
    return SAMPLE.read_text(encoding="utf-8").splitlines()


def test_sample_export_gives_the_monthly_workforce():
    report = parse_ergani_export(SAMPLE.read_bytes())

    assert report.employer_afm == "804773470"
    assert report.as_on == date(2026, 3, 31)
    assert report.source == "export"
    assert len(report.months) == 12
    assert report.month(2026, 1).headcount == 10
    assert report.headcount == 11


@pytest.mark.django_db
def test_export_and_api_tell_the_same_story():
    from_api = ErganiClient(credentials=ErganiCredentials("ergani-804773470", "ergani-demo")).workforce(
        "804773470", date(2026, 3, 31)
    )

    from_export = parse_ergani_export(SAMPLE.read_bytes())

    assert from_export.months == from_api.months


def test_windows_1253_export_is_read_too():
    report = parse_ergani_export(SAMPLE.read_text(encoding="utf-8").encode("cp1253"))

    assert report.employer_name == "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ ΜΟΝΟΠΡΟΣΩΠΗ ΙΚΕ"


def test_xlsx_export_with_the_same_layout_is_read():
    # As a spreadsheet saves it: ΑΦΜ and ΑΜΚΑ become numbers and lose their leading zero.
    book = Workbook()
    sheet = book.active
    for line in _sample_lines():
        sheet.append([int(cell) if cell.isdigit() else cell for cell in line.split(";")])
    buffer = io.BytesIO()
    book.save(buffer)

    report = parse_ergani_export(buffer.getvalue())

    assert report.months == parse_ergani_export(SAMPLE.read_bytes()).months


def test_bad_cells_are_reported_by_row_and_column():
    lines = _sample_lines()
    cells = lines[6].split(";")
    cells[5] = "2019-04-01"  # ISO instead of DD/MM/YYYY
    cells[9] = "σαράντα"
    lines[6] = ";".join(cells)

    with pytest.raises(ValidationFailed) as exc:
        parse_ergani_export("\n".join(lines).encode())

    problems = exc.value.fields["file"]
    assert exc.value.code == "ergani_export_invalid"
    assert "Γραμμή 7, στήλη «ΗΜΕΡΟΜΗΝΙΑ ΠΡΟΣΛΗΨΗΣ»" in problems[0]
    assert any("Γραμμή 7, στήλη «ΩΡΕΣ ΕΒΔΟΜΑΔΙΑΙΩΣ»" in p for p in problems)
    assert "Γραμμή 7" in exc.value.message


def test_a_missing_column_is_named():
    lines = [line.replace("ΚΑΘΕΣΤΩΣ ΑΠΑΣΧΟΛΗΣΗΣ", "ΚΑΘΕΣΤΩΣ") for line in _sample_lines()]

    with pytest.raises(ValidationFailed) as exc:
        parse_ergani_export("\n".join(lines).encode())

    assert "«ΚΑΘΕΣΤΩΣ ΑΠΑΣΧΟΛΗΣΗΣ»" in exc.value.message


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "κενό"),
        (b"\x00\x01binary", "CSV"),
        (b"PK\x03\x04not really a zip", "XLSX"),
        ("ΑΦΜ ΕΡΓΟΔΟΤΗ;804773470\nΑΜΚΑ;ΕΠΩΝΥΜΟ\n".encode(), "ΗΜΕΡΟΜΗΝΙΑ ΑΝΑΦΟΡΑΣ"),
    ],
)
def test_files_that_are_not_an_export_get_a_clear_error(content, expected):
    with pytest.raises(ValidationFailed) as exc:
        parse_ergani_export(content)

    assert expected in exc.value.message
