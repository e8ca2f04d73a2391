"""Each programme's payment rules: how much a final verification result lets the business be paid.

A provider is registered per evaluation method of the call (the programme's kind) and turns a
verification request whose result became final into the payment lines (`Line`), or into no
payment (e.g. a call 004 request that only certifies expenditure against the advance).
`payments.hooks.open_payment_for_request` asks the provider and opens the DRAFT payment.

Modules: `kya7066` (ΚΥΑ 7066, fcfs_direct), `call004` (Πρόσκληση 004, comparative); ΚΥΑ 16936 pays
wages from the monthly dossier (`payments.services.wages`), not from verification requests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Line:
    label: str
    amount: Decimal
    citation: str = ""
    detail: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"label": self.label, "amount": f"{self.amount:.2f}", "citation": self.citation, **self.detail}


@dataclass(frozen=True)
class PaymentPlan:
    """What a provider decided for one verification request."""

    kind: str  # Payment.Kind
    lines: tuple[Line, ...]
    warnings: tuple[str, ...] = ()

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))


Provider = Callable[[object], "PaymentPlan | None"]
_PROVIDERS: dict[str, Provider] = {}


def register(method: str, provider: Provider) -> Provider:
    _PROVIDERS[method] = provider
    return provider


def default_plan(request) -> PaymentPlan | None:
    """Without a programme rule: the amount accepted by management, as one line."""
    from payments.models import Payment

    total = request.accepted_total if request.accepted_total is not None else request.declared_total
    if not total:
        return None
    return PaymentPlan(
        kind=Payment.Kind.INTERIM,
        lines=(Line("Ποσό «αποδεκτό διαχείρισης» του αιτήματος επαλήθευσης", Decimal(total)),),
    )


def plan_for(request) -> PaymentPlan | None:
    provider = _PROVIDERS.get(request.operation.call.evaluation_method, default_plan)
    return provider(request)
