"""The business dashboard's panel of the hires area: its ΚΥΑ 7066 operations, with the positions
and the two-month claims (registered at app ready, accounts.dashboard)."""

from __future__ import annotations


def _context(request, business) -> dict:
    from operations.selectors_hires import operations_for_user

    ops = operations_for_user(request.user).filter(business=business, call__evaluation_method="fcfs_direct")
    return {"hire_operations": list(ops.prefetch_related("positions")[:20])}


def register() -> None:
    from accounts.dashboard import register_panel

    register_panel(audience="business", template="operations/hires/_panel.html", context=_context, order=30)
