"""Result-table exports: XLSX (openpyxl, write-only) and PDF (WeasyPrint through `opske.pdf`).

Both carry only the columns Art. 5(6) lists, identified by application code, never by name.
"""

from __future__ import annotations

import io

from evaluation.points import selectors
from evaluation.points.models import RankingRow, RankingTable
from opske.pdf import document_renderer

HEADERS = [
    "Σειρά",
    "Κωδικός αίτησης",
    "Κατηγορία",
    "i. Ανεργία",
    "ii. Εισόδημα",
    "iii. Ηλικία",
    "iv. Τέκνα",
    "Σύνολο",
    "Προτιμήσεις",
    "Υπηρεσία τοποθέτησης",
    "Σειρά στην κατηγορία",
    "Ισοβαθμία: προηγείται λόγω",
]
EXCLUDED_HEADERS = ["Κωδικός αίτησης", "Κατηγορία", "Λόγοι αποκλεισμού"]


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INLINE_XLSX_LIMIT = 20_000  # rows a request may still render itself while the worker has not


@document_renderer(extension="xlsx", content_type=XLSX_CONTENT_TYPE)
def table_xlsx_document(context: dict) -> bytes:
    """The worker's XLSX of a posted table (`opske.pdf` renderer; context {"table_id"})."""
    return table_xlsx(RankingTable.objects.get(pk=int(context["table_id"])))


def table_xlsx(table: RankingTable) -> bytes:
    from openpyxl import Workbook

    names = selectors.service_names(table.round.call_id)
    wb = Workbook(write_only=True)
    ranked = wb.create_sheet("Κατάταξη")
    ranked.append(HEADERS)
    for r in selectors.public_rows(table, RankingRow.Status.RANKED).iterator(chunk_size=5000):
        ranked.append(
            [
                r["rank"],
                r["code"],
                r["education"],
                r["points_unemployment"],
                r["points_income"],
                r["points_age"],
                r["points_children"],
                r["total"],
                ", ".join(names.get(p, p) for p in r["preferences"] or []),
                names.get(r["service_code"], r["service_code"] or ""),
                r["category_rank"],
                r["tie_note"],
            ]
        )
    excluded = wb.create_sheet("Αποκλειόμενοι")
    excluded.append(EXCLUDED_HEADERS)
    for r in selectors.public_rows(table, RankingRow.Status.EXCLUDED).iterator(chunk_size=5000):
        excluded.append([r["code"], r["education"], " · ".join(x["message"] for x in r["reasons"] or [])])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


LINES_PER_PAGE = 45
# Fixed-width columns: WeasyPrint lays out a 10,000-row <table> in minutes (cell by cell), while
# preformatted lines take seconds; the PDF is a listing, the XLSX is the table to work with.
COLUMNS = (
    ("Σειρά", 6),
    ("Κωδικός αίτησης", 18),
    ("Κατ.", 4),
    ("i", 3),
    ("ii", 3),
    ("iii", 4),
    ("iv", 4),
    ("Σύνολο", 7),
    ("Προτιμήσεις", 66),
    ("Υπηρεσία", 30),
)


def _line(values) -> str:
    return " ".join(str(v).ljust(w)[:w] for v, (_, w) in zip(values, COLUMNS, strict=True)).rstrip()


def table_pdf_context(table_id: int) -> dict:
    table = RankingTable.objects.select_related("round__call").get(pk=table_id)
    names = selectors.service_names(table.round.call_id)
    lines = [
        _line(
            (
                r["rank"],
                r["code"],
                r["education"],
                r["points_unemployment"],
                r["points_income"],
                r["points_age"],
                r["points_children"],
                r["total"],
                ", ".join(r["preferences"] or []),  # codes, named in the legend below the table
                names.get(r["service_code"], r["service_code"] or ""),
            )
        )
        for r in selectors.public_rows(table, RankingRow.Status.RANKED).iterator(chunk_size=5000)
    ]
    excluded = [
        f"{r['code']:<18} " + " · ".join(x["message"] for x in r["reasons"] or [])
        for r in selectors.public_rows(table, RankingRow.Status.EXCLUDED).iterator(chunk_size=5000)
    ]
    return {
        "table": table,
        "call": table.round.call,
        "rnd": table.round,
        "header": _line([name for name, _ in COLUMNS]),
        "services": sorted(names.items()),
        "pages": ["\n".join(lines[i : i + LINES_PER_PAGE]) for i in range(0, len(lines), LINES_PER_PAGE)],
        "excluded_pages": [
            "\n".join(excluded[i : i + LINES_PER_PAGE]) for i in range(0, len(excluded), LINES_PER_PAGE)
        ],
    }


def table_pdf_bytes(table: RankingTable) -> bytes:
    """Render now (the worker's `render_document` does the same for the posted copy)."""
    from opske.pdf import render_pdf

    return render_pdf("evaluation/points/pdf/table.html", {"table_id": table.pk})
