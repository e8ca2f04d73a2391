"""The ledger report of a call as XLSX (openpyxl): the same rows the page shows, amounts as numbers
in the euro format the other exports use (`opske.money.XLSX_EUR_FORMAT`), so the sheet sums them."""

from __future__ import annotations

import io
from decimal import Decimal

from opske.money import XLSX_EUR_FORMAT

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_MOVEMENTS = 50_000  # a request renders the sheet itself; the ledger of one call stays far below
AMOUNT_HEADERS = [
    "Ανώτατο ποσό (€)",
    "Δεσμευμένο (€)",
    "Πληρωμένο (€)",
    "Ανακτηθέν (€)",
    "Αδέσμευτο (€)",
    "Διαθέσιμο προς πληρωμή (€)",
]


def _amounts(row) -> list[Decimal]:
    return [row.ceiling, row.committed, row.paid, row.recovered, row.uncommitted, row.available]


def ledger_xlsx(report: dict, entries) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from payments.services.ledger_reports import source_label

    wb = Workbook(write_only=True)

    def sheet(title, headers, rows, numeric_from):
        ws = wb.create_sheet(title)
        ws.append(headers)
        for values in rows:
            out = []
            for i, v in enumerate(values):
                if i >= numeric_from and isinstance(v, Decimal):
                    cell = WriteOnlyCell(ws, value=v)
                    cell.number_format = XLSX_EUR_FORMAT
                    out.append(cell)
                else:
                    out.append(v)
            ws.append(out)

    call = report["call"]
    sheet("Πρόσκληση", ["Πρόσκληση", *AMOUNT_HEADERS], [[call.code, *_amounts(report["total"])]], 1)
    sheet(
        "Ταμεία",
        ["Κωδικός", "Ταμείο (περιοχή)", *AMOUNT_HEADERS],
        [[r.code, r.label, *_amounts(r)] for r in report["pools"]],
        2,
    )
    sheet("Έτη", ["Έτος", *AMOUNT_HEADERS], [[int(r.key), *_amounts(r)] for r in report["years"]], 1)
    sheet(
        "Πράξεις",
        ["Κωδικός πράξης", "Τίτλος", "Ταμείο", *AMOUNT_HEADERS],
        [[r.code, r.label, r.extra.get("pool", ""), *_amounts(r)] for r in report["operations"]],
        3,
    )
    sheet(
        "Κινήσεις",
        ["Ημερομηνία λογισμού", "Κίνηση", "Εύρος", "Πράξη", "Αιτία", "Ποσό (€)"],
        (
            [
                e.booked_on.strftime("%d/%m/%Y"),
                e.get_kind_display(),
                e.balance.get_scope_display(),
                e.balance.operation.code if e.balance.operation_id else "",
                source_label(e),
                e.amount,
            ]
            for e in entries[:MAX_MOVEMENTS]
        ),
        5,
    )
    projection = report.get("projection")
    if projection is not None:
        sheet(
            "Πρόβλεψη ανά έτος",
            ["Έτος", "Ετήσιο όριο (€)", "Προβλεπόμενες δεσμεύσεις (€)", "Υπέρβαση (€)"],
            [[y.year, y.ceiling, y.projected, y.excess] for y in projection.years]
            + [["Σύνολο", projection.total_ceiling, projection.projected, projection.shortfall]],
            1,
        )
    indicator = report.get("indicator")
    if indicator is not None:
        sheet(
            f"Δείκτης {indicator.code}",
            ["Μήνας", "Νέοι συμμετέχοντες", "Σωρευτικά", "Στόχος"],
            [[m.month.strftime("%m/%Y"), m.new, m.cumulative, indicator.target] for m in indicator.months],
            99,
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
