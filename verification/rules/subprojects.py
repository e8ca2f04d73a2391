"""The sub-project type (είδος υποέργου, 50xx) of an operation, Guidance Ο.3 §4.3.1.B and Annex I.

The portal keeps one sub-project per operation (its approved budget is the sub-project budget). A
call may say its type in the configuration key `subproject_type`; when it does not, the default per
programme kind is [INTERP]:
- ΚΥΑ 7066 (FCFS hiring subsidies, grant per subsidised position): **5011** «Ειδικές Περιπτώσεις
  ΕΚΤ+» — Annex I groups 6.2 / 8.9 (subsidised employment of unemployed persons) map to 5011;
- call 004 (comparative, a cluster's own project): **5005** «Επιχορήγηση για εκτέλεση με ίδια μέσα» —
  Annex I groups 9.1 / 10.1 (research projects, grants to bodies for a specific project);
- anything else: 5005.
"""

from __future__ import annotations

PUBLIC_CONTRACT_TYPES = frozenset({"5001", "5002", "5003", "5004"})
OWN_MEANS_TYPES = frozenset({"5005", "5007"})
ESF_SPECIAL_CASE = "5011"
DEFAULT_BY_METHOD = {"fcfs_direct": "5011", "comparative": "5005"}
DEFAULT_TYPE = "5005"


def subproject_type_for_config(config: dict | None, evaluation_method: str = "") -> str:
    value = str((config or {}).get("subproject_type") or "").strip()
    if value:
        return value
    return DEFAULT_BY_METHOD.get(evaluation_method or "", DEFAULT_TYPE)


def subproject_type_for(operation) -> str:
    """The 50xx type of the operation's (single) sub-project, from its call's configuration."""
    call = operation.call
    return subproject_type_for_config(call.config, call.evaluation_method)


def is_public_contract(subproject_type: str) -> bool:
    """Sub-projects implemented exclusively through public contracts, types 5001–5004 (§4.3.1.A)."""
    return subproject_type in PUBLIC_CONTRACT_TYPES
