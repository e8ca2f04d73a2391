"""Results tables as files, rendered by the worker (never in the request).

`results_table_context()` freezes what the table shows at the moment it is asked for — the same
rows the page shows, so a published list carries only what the seed allows (ΚΥΑ 7066 Art. 7.6:
approved recipients only; ΚΥΑ 16936: application codes, not names) — as plain JSON kept on the
`GeneratedDocument`. The PDF is the template `evaluation/pdf/results.html`; the XLSX is
`results_xlsx`, a marked renderer of `opske.pdf`.
"""

from __future__ import annotations

import hashlib
import io
import json
from decimal import Decimal

from opske.money import XLSX_EUR_FORMAT
from opske.pdf import document_renderer, renderer_template

HEADERS = {
    "code": "Κωδικός αίτησης",
    "applicant": "Δικαιούχος",
    "title": "Τίτλος",
    "kind": "Αποτέλεσμα",
    "amount": "Ποσό (€)",
    "ada": "ΑΔΑ",
    "priority": "Σειρά προτεραιότητας",
    "state": "Κατάσταση απόφασης",
}
FORMATS = ("pdf", "xlsx")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TEMPLATE = "evaluation/pdf/results.html"


def _plain(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return "" if value is None else value


def results_table_context(call, rows: list[dict], *, public: bool) -> dict:
    """The table as JSON values, with a fingerprint so an unchanged table is rendered once."""
    columns = [c for c in HEADERS if any(c in r for r in rows)] or ["code", "title", "amount"]
    body = {
        "call": {"title": call.title, "code": call.code},
        "columns": [HEADERS[c] for c in columns],
        "numeric": [i for i, c in enumerate(columns) if c == "amount"],
        "rows": [[_plain(r.get(c, "")) for c in columns] for r in rows],
        "public": public,
    }
    digest = hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    return {**body, "fingerprint": digest}


def document_kind(fmt: str, *, public: bool) -> str:
    return f"results_{'public' if public else 'internal'}_{fmt}"


@document_renderer(extension="xlsx", content_type=XLSX_CONTENT_TYPE)
def results_xlsx(context: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Αποτελέσματα")
    ws.append(list(context["columns"]))
    numeric = set(context.get("numeric") or [])

    def amount(v):
        # a number the sheet can sum, shown as «24.174,00 €» by Excel/LibreOffice in a Greek locale
        cell = WriteOnlyCell(ws, value=Decimal(v))
        cell.number_format = XLSX_EUR_FORMAT
        return cell

    for row in context["rows"]:
        ws.append([amount(v) if i in numeric and v != "" else v for i, v in enumerate(row)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_for(fmt: str) -> str:
    return renderer_template(results_xlsx) if fmt == "xlsx" else PDF_TEMPLATE
