"""Demo of the call 004 payments (Πρόσκληση 004 §11.3): nothing is created. The cluster operation of
operations/demo.py (ΑΦΜ 994681285, TAXISnet «cluster») starts with no advance and no verification
request, which is where a person tries the advance against a bank guarantee; a payment written
here would close that door (§11.3.Α: the advance precedes the first verification request)."""

from operations.models import Operation
from opske.money import format_eur
from payments.programmes import call004 as provider
from payments.rules_call004 import advance_max

CLUSTER_AFM = "994681285"


def load(stdout) -> None:
    op = Operation.objects.filter(business__afm=CLUSTER_AFM, call__evaluation_method="comparative").first()
    if op is None:
        return
    funding, _warning = provider.public_funding(op)
    stdout.write(
        f"  payments/call004: πράξη {op.code}: δημόσια χρηματοδότηση {format_eur(funding)}, προκαταβολή έως "
        f"{format_eur(advance_max(funding))} (TAXISnet «cluster» → Πράξη → «Αίτημα προκαταβολής»).\n"
    )
