"""Browser pages of the budget ledger (area «ledger»): the calls' ledgers, a call's report (pools,
years, operations, the output indicator, the yearly projection, the reconciliation), its movements
list with filters, and its XLSX. Staff only, read-only."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from accounts.permissions import role_required
from opske.views_util import paginate
from payments.exports_ledger import XLSX_CONTENT_TYPE, ledger_xlsx
from payments.filters_ledger import LedgerEntryFilterSet
from payments.models import LedgerBalance
from payments.services import ledger_reports as reports

PER_PAGE = 25


def _call(pk):
    return get_object_or_404(reports.calls_for_ledger(), pk=pk)


def _filtered(request, call):
    data = request.GET.copy()
    if not data.get("scope"):
        data["scope"] = LedgerBalance.Scope.CALL
    filterset = LedgerEntryFilterSet(data, queryset=reports.movements(call))
    qs = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return filterset, qs


@role_required(*reports.LEDGER_READERS)
def index(request):
    rows = reports.call_rows(reports.calls_for_ledger())
    return render(request, "payments/ledger/index.html", {"rows": rows})


@role_required(*reports.LEDGER_READERS)
def call_report(request, pk):
    call = _call(pk)
    return render(request, "payments/ledger/call.html", reports.call_report(call))


@role_required(*reports.LEDGER_READERS)
def movements(request, pk):
    call = _call(pk)
    filterset, qs = _filtered(request, call)
    page, query = paginate(request, qs, PER_PAGE)
    for entry in page.object_list:
        entry.cause = reports.source_label(entry)
    return render(
        request,
        "payments/ledger/movements.html",
        {"call": call, "filter": filterset, "page": page, "entries": page.object_list, "query": query},
    )


@role_required(*reports.LEDGER_READERS)
def export_xlsx(request, pk):
    call = _call(pk)
    _, qs = _filtered(request, call)
    body = ledger_xlsx(reports.call_report(call), qs)
    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="ledger-{call.code}-{stamp}.xlsx"'
    return response
