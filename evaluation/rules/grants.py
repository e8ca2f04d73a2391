"""What follows a notified decision: the ΠΣΣΕΗΣ grant registration and the inclusion act.

- Grant date. ΚΥΑ 7066 Art. 7.6 (last paragraph): «Ως ημερομηνία χορήγησης της σχετικής ενίσχυσης
  θεωρείται η ημερομηνία έκδοσης της κοινοποίησης του εγκριτικού αποτελέσματος μέσω ΟΠΣΚΕ»; Art. 7.3
  makes the same sending time the commitment and the start of implementation, and Art. 2.18 calls
  it «η ημερομηνία της εγκριτικής απόφασης». So the *approval's* notice grants the aid; the later
  inclusion act grants nothing new and is never registered a second time.
- Registration. Reg. (EU) 2023/2831 Art. 6(2)–(4): the granting Member State records every de
  minimis grant in the central register. A grant in cash is already transparent: its gross grant
  equivalent is its nominal amount (Art. 4(1)–(2)).
- Inclusion. ΚΥΑ 7066 Art. 7.6: «Η ένταξη των πράξεων γίνεται με απόφαση του Υποδιοικητή της
  Δ.ΥΠ.Α. … με βάση την αξιολόγηση των αιτήσεων». The approval (Art. 7.3, Head of ΚΠΑ2) is the
  evaluation result and the grant; a *separate* inclusion decision follows it, stating what the
  approval approved (persons, amount per category, total, de minimis amount — Art. 7.3, 2.17),
  and is later amended or updated under Art. 9.4.
- Objections run against the evaluation result, once (Art. 7.5: «άπαξ επί του αποτελέσματος της
  αξιολόγησης»): the ΚΥΑ 7066 inclusion act, which only follows the approval, opens no new window.
"""

from __future__ import annotations

from decimal import Decimal

from evaluation.rules import money

DE_MINIMIS_REGIME = "de_minimis"
REGULATION = "2023/2831"
FCFS_DIRECT = "fcfs_direct"
APPROVAL = "approval"
INCLUSION = "inclusion"
INSTRUMENT_GRANT = "grant"


def grant_registration_due(*, aid_regime: str, kind: str, amount: Decimal) -> bool:
    """Whether notifying this decision grants de minimis aid to be recorded in ΠΣΣΕΗΣ
    (ΚΥΑ 7066 Art. 7.6, 7.3, 2.18; Reg. 2023/2831 Art. 6)."""
    return aid_regime == DE_MINIMIS_REGIME and kind == APPROVAL and money(amount) > 0


def gross_grant_equivalent(nominal: Decimal, *, instrument: str = INSTRUMENT_GRANT) -> Decimal:
    """ΑΙΕ of a cash grant = its nominal amount (Reg. 2023/2831 Art. 4(1)–(2))."""
    if instrument != INSTRUMENT_GRANT:
        raise ValueError(f"ΑΙΕ για μέσο {instrument!r} δεν υπολογίζεται εδώ")
    return money(nominal)


def inclusion_follows(*, method: str, kind: str) -> bool:
    """ΚΥΑ 7066 Art. 7.6: a notified approval is followed by a separate inclusion decision."""
    return method == FCFS_DIRECT and kind == APPROVAL


def objection_window_applies(*, method: str, kind: str) -> bool:
    """ΚΥΑ 7066 Art. 7.5: the objection is against the evaluation result, not the inclusion act."""
    return not (method == FCFS_DIRECT and kind == INCLUSION)
