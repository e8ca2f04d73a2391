"""Result-table exports: XLSX (openpyxl, write-only) and PDF (WeasyPrint through `opske.pdf`).

Both carry only the columns Art. 5(6) lists, identified by application code, never by name.
"""

from __future__ import annotations

import io

from evaluation.points import selectors
from evaluation.points.models import RankingRow, RankingTable

HEADERS = ["Σειρά", "Κωδικός αίτησης", "Κατηγορία", "i. Ανεργία", "ii. Εισόδημα", "iii. Ηλικία", "iv. Τέκνα",
           "Σύνολο", "Προτιμήσεις", "Υπηρεσία τοποθέτησης"]  # fmt: skip
EXCLUDED_HEADERS = ["Κωδικός αίτησης", "Κατηγορία", "Λόγοι αποκλεισμού"]


def table_xlsx(table: RankingTable) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ranked = wb.create_sheet("Κατάταξη")
    ranked.append(HEADERS)
    for r in selectors.public_rows(table, RankingRow.Status.RANKED).iterator(chunk_size=5000):
        ranked.append([
            r["rank"], r["code"], r["education"], r["points_unemployment"], r["points_income"], r["points_age"],
            r["points_children"], r["total"], ", ".join(r["preferences"] or []), r["service_code"],
        ])  # fmt: skip
    excluded = wb.create_sheet("Αποκλειόμενοι")
    excluded.append(EXCLUDED_HEADERS)
    for r in selectors.public_rows(table, RankingRow.Status.EXCLUDED).iterator(chunk_size=5000):
        excluded.append([r["code"], r["education"], " · ".join(x["message"] for x in r["reasons"] or [])])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def table_pdf_context(table_id: int) -> dict:
    table = RankingTable.objects.select_related("round__call").get(pk=table_id)
    return {
        "table": table,
        "call": table.round.call,
        "rnd": table.round,
        "ranked": list(selectors.public_rows(table, RankingRow.Status.RANKED)),
        "excluded": list(selectors.public_rows(table, RankingRow.Status.EXCLUDED)),
    }


def table_pdf_bytes(table: RankingTable) -> bytes:
    """Render now (the worker's `render_document` does the same for the posted copy)."""
    from opske.pdf import render_pdf

    return render_pdf("evaluation/points/pdf/table.html", {"table_id": table.pk})
