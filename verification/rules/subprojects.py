"""The sub-project type (είδος υποέργου, Guidance Ο.3 footnote 4, Ο.1) of an operation.

Guidance Ο.3 §4.3.1.B sets the items verified inside a selected ΔΔΔ by sub-project type, and risk
factor 11/12 (§4.2.1) read it too; both areas read it from `subproject_type_for`.

Which type the portal's calls carry [INTERP, documented choice]: Ο.3 covers operations «πλην ΚΕ»
(§4.2; Annex I is «ΤΑΞΙΝΟΜΗΣΗ ΠΡΑΞΕΩΝ ΠΛΗΝ ΚΕ»), while both calls here are state aid (ΚΥΑ 7066:
de minimis; call 004: ΓΑΚ άρθ. 25, 27), so no Annex I group names them. The portal applies the
level-B rule of the closest type, «5005 Επιχορήγηση για εκτέλεση υποέργου με ίδια μέσα» (Annex I
group 10.1 «Επιχορήγηση φορέων για συγκεκριμένο έργο»): the recipient implements with its own
means and declares its own invoices and payroll in several expenditure categories, the case of
§4.3.1.B(2) («όπου κατά κανόνα υπάρχουν περισσότερες από μία κατηγορίες δαπανών»). Not 5011: that
type is for ESF+ special cases verified by second-level sampling of service providers and
participants (§4.5); the ΚΥΑ 7066 businesses are aid recipients paid a unit cost, not service
providers, and its fund is the JTF. A call sets another type in its configuration
(`subproject_type`), e.g. 5004 for a public-contract operation, which then gets 100% checks.
"""

from __future__ import annotations

SUBPROJECT_TYPES: dict[str, str] = {
    "5001": "Μελέτες και υπηρεσίες τεχνικών έργων (δημόσια σύμβαση)",
    "5002": "Τεχνικό έργο / εργολαβία (δημόσια σύμβαση)",
    "5003": "Προμήθειες (δημόσια σύμβαση)",
    "5004": "Υπηρεσίες και μελέτες πλην τεχνικών έργων (δημόσια σύμβαση)",
    "5005": "Επιχορήγηση για εκτέλεση υποέργου με ίδια μέσα",
    "5007": "Αρχαιολογικές εργασίες / έρευνες με ίδια μέσα",
    "5008": "Απαλλοτριώσεις",
    "5009": "Εργασίες Ο.Κ.Ω.",
    "5011": "Ειδικές Περιπτώσεις ΕΚΤ+",
    "5013": "Ενέργειες ΤΒ μη αποκλειστικά με δημόσια σύμβαση",
    "5014": "Ειδικές Περιπτώσεις ΕΤΠΑ",
}

# Ο.3 §4.3.1.B(1): the whole of each selected ΔΔΔ.
FULL_CHECK_TYPES = frozenset({"5001", "5002", "5003", "5004", "5008", "5009"})
# Ο.3 §4.3.1.B(2): a sample by amount per expenditure category.
SAMPLED_TYPES = frozenset({"5005", "5007", "5013"})
# Ο.3 §4.3.1.B(3), §4.5: second-level sampling of bodies and participants.
SECOND_LEVEL_TYPES = frozenset({"5011"})

DEFAULT_SUBPROJECT_TYPE = "5005"


def subproject_type_of_config(config: dict | None) -> str:
    value = str((config or {}).get("subproject_type") or DEFAULT_SUBPROJECT_TYPE)
    return value if value in SUBPROJECT_TYPES else DEFAULT_SUBPROJECT_TYPE


def subproject_type_for(operation) -> str:
    """The sub-project type code of `operation`: its call's configuration key «subproject_type»."""
    return subproject_type_of_config(operation.call.config)


def item_check_method(subproject_type: str) -> str:
    """«full», «sample» or «second_level» (Ο.3 §4.3.1.B)."""
    if subproject_type in FULL_CHECK_TYPES:
        return "full"
    if subproject_type in SECOND_LEVEL_TYPES:
        return "second_level"
    return "sample"


# --- the names the risk method reads (verification/rules/risk.py, selection.py) ---------------------

PUBLIC_CONTRACT_TYPES = frozenset({"5001", "5002", "5003", "5004"})
OWN_MEANS_TYPES = frozenset({"5005", "5007"})
ESF_SPECIAL_CASE = "5011"


def subproject_type_for_config(config: dict | None, evaluation_method: str = "") -> str:
    """The same reading from a bare configuration (the risk run reads calls in bulk). The method
    does not change the default: see the module docstring for why ΚΥΑ 7066 is not 5011."""
    return subproject_type_of_config(config)


def is_public_contract(subproject_type: str) -> bool:
    """Sub-projects implemented exclusively through public contracts, types 5001–5004 (§4.3.1.A)."""
    return subproject_type in PUBLIC_CONTRACT_TYPES
