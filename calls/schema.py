"""JSON schemas for the call's free-form parameters and for the frozen version snapshot.

Why JSON for versions and rows for drafts: a version must hold the *whole* configuration as it was
when published and never change, even when rows are edited later; one validated JSON document per
version gives that cheaply, and a field-by-field diff between two documents is a plain walk.
Drafts stay in rows because staff edit them with forms and other apps query them.
"""

from __future__ import annotations

import jsonschema

MONEY = {"type": "string", "pattern": r"^-?\d+(\.\d{1,2})?$"}
NUMBER_STR = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}
NULLABLE_INT = {"type": ["integer", "null"], "minimum": 0}

POINTS_GRID_SCHEMA = {
    "type": "object",
    "required": ["unemployment", "income_bands", "age_bands", "children", "tie_breakers"],
    "properties": {
        "unemployment": {
            "type": "object",
            "required": ["points_per_month", "cap_months"],
            "properties": {"points_per_month": {"type": "integer"}, "cap_months": {"type": "integer"}},
        },
        "income_bands": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["individual_max", "family_max", "points"],
                "properties": {
                    "individual_max": {"anyOf": [MONEY, {"type": "null"}]},
                    "family_max": {"anyOf": [MONEY, {"type": "null"}]},
                    "points": {"type": "integer"},
                },
            },
        },
        "age_bands": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["min", "max", "points"],
                "properties": {
                    "min": {"type": "integer"},
                    "max": NULLABLE_INT,
                    "points": {"type": "integer"},
                },
            },
        },
        "children": {
            "type": "object",
            "required": ["points_per_child"],
            "properties": {"points_per_child": {"type": "integer"}, "cap": NULLABLE_INT},
        },
        "tie_breakers": {"type": "array", "items": {"type": "string"}},
    },
}


def _pending(schema: dict, capability: str) -> dict:
    """A key nothing reads yet: hidden from the call editor until `capability` is built (calls.gaps)."""
    return {**schema, "x-pending": capability}


CALL_CONFIG_SCHEMA = {
    "type": "object",
    "properties": {
        # ΚΥΑ 7066 Άρθ. 5.1: the monthly amounts themselves are the unit-rate rows (UnitRate).
        "unit_cost": MONEY,
        "subsidy_months": {"type": "integer", "minimum": 1},
        "full_month_days": {"type": "integer", "minimum": 1},
        "clearance_threshold": MONEY,  # payments.services.flow.clearance_required (ΚΥΑ 7066 Art. 8.2 §2)
        "de_minimis_ceiling": MONEY,
        # ΚΥΑ 7066 Art. 1.3, 2.19: the output indicator's target (EECO02), read by the ledger report.
        "positions_target": {"type": "integer", "minimum": 0},
        # ΚΥΑ 16936 Art. 2(3): the monthly gross pay (payments.programmes.kya16936).
        "monthly_gross_pay": MONEY,
        # ΚΥΑ 16936 Art. 7(1)–(2): contribution rates (percent) of the participants' e-ΕΦΚΑ package;
        # without them the placeholders 13.87 / 21.79 of note 002 §7.3 apply, flagged on every page.
        "wage_contribution_rates": {
            "type": "object",
            "properties": {"employee_percent": NUMBER_STR, "employer_percent": NUMBER_STR},
            "additionalProperties": False,
        },
        "points_grid": POINTS_GRID_SCHEMA,
        # ΚΥΑ 16936 Art. 4(1)(γ) εδ. β': categories whose positions are administrative staff.
        "administrative_categories": {"type": "array", "items": {"enum": ["ΠΕ", "ΤΕ", "ΔΕ", "ΥΕ"]}},
        # ΚΥΑ 16936 Art. 5(6): positions per placement service and education category.
        "category_positions": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "propertyNames": {"enum": ["ΠΕ", "ΤΕ", "ΔΕ", "ΥΕ"]},
                "additionalProperties": {"type": "integer", "minimum": 0},
            },
        },
        "placement_preferences": {
            "type": "object",
            "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}},
        },
        "partner_composition": {
            "type": "object",
            "properties": {
                "min_research_orgs": {"type": "integer", "minimum": 0},
                "min_smes": {"type": "integer", "minimum": 0},
                "max_partner_share_percent_under_establishment": NUMBER_STR,
                "cluster_types": {"type": "array", "items": {"type": "string"}},
            },
        },
        "partner_count_scale": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["min_partners", "score"],
                "properties": {"min_partners": {"type": "integer"}, "score": NUMBER_STR},
            },
        },
        # Πρόσκληση 004 §5: the cluster selects exactly one of these sectors (general step).
        "sectors": {"type": "array", "items": {"type": "string"}},
        # Πρόσκληση 004 §4 όρος 24(i): the beneficiary's own participation, % of the plan.
        "min_private_share_percent": NUMBER_STR,
        # Πρόσκληση 004 §9: all the documents of one application together «μικρότερο των 50 MB»
        # (decimal megabytes, as the call states them: 50 MB = 50,000,000 bytes).
        "attachments_total_max_mb": {"type": "integer", "minimum": 1},
        "project_duration_months": {"type": "integer", "minimum": 1},
        "implementation_end_cap": {"type": "string", "format": "date"},
        "gaps": {"type": "object", "additionalProperties": {"type": "string"}},
        # The decisions as Greek administrative acts (evaluation/pdf/decision.html): «Έχοντας υπόψη»
        # items, and the issuing authority's header, place, issuer and signatory.
        "legal_basis": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "decision_act": {
            "type": "object",
            "properties": {
                "authority": {"type": "array", "items": {"type": "string"}},
                "place": {"type": "string"},
                "issuer": {"type": "string"},
                "signatory_role": {"type": "string"},
            },
            "additionalProperties": False,
        },
        "implementation": {"type": "object"},
        # Πρόσκληση 004 §11.1.A: the limits of verification requests (αιτήματα επαλήθευσης), read by
        # verification.rules.requests; percentages of the approved subsidised budget. The months
        # of the first request and the days of the final one are the call's deadlines
        # (CallDeadline first_verification / final_verification). A call without this key sets no
        # percentage or count limit on its requests.
        "verification_requests": {
            "type": "object",
            "properties": {
                "first_min_percent": NUMBER_STR,
                "interim_min_percent": NUMBER_STR,
                "interim_max_percent": NUMBER_STR,
                "interim_max_count": {"type": "integer", "minimum": 0},
                "last_interim_months_before_end": {"type": "integer", "minimum": 0},
                "cash_max_net": MONEY,
            },
            "additionalProperties": False,
        },
        # Guidance Ο.3 §4.3.1.B, Annex I: the sub-project type decides the items verified in a ΔΔΔ,
        # risk factors 9, 11, 12 and Table 1's «last ΔΔΔ» for 5001–5004
        # (verification/rules/subprojects.py documents the choice for state-aid calls).
        "subproject_type": {
            "type": "string",
            "enum": ["5001", "5002", "5003", "5004", "5005", "5007", "5008", "5009", "5011", "5013", "5014"],
        },
        # Ο.3 §4.3.1.B(2): sample percentages by amount per expenditure category.
        "item_sampling": {
            "type": "object",
            "properties": {
                "percent": NUMBER_STR,
                "many_items_threshold": {"type": "integer", "minimum": 1},
                "many_items_percent": NUMBER_STR,
                "reduced_percents": {"type": "array", "items": NUMBER_STR},
                "mandatory_share": NUMBER_STR,
            },
            "additionalProperties": False,
        },
        # The administrative verification checklist of the call (answers Ναι / Όχι / Δ.Α.).
        "verification_checklist": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "text"],
                "properties": {
                    "code": {"type": "string"},
                    "text": {"type": "string"},
                    "citation": {"type": "string"},
                },
            },
        },
        # Objections to a verification result: call 004 §11.1.Γ (15 calendar days from the day
        # after the notice, rolled to a working day); ΚΥΑ 7066 Art. 8.5 (15 with a correction, 30 without).
        "verification_objection": {
            "type": "object",
            "properties": {
                "days": {"type": "integer", "minimum": 1},
                "counting": {"enum": ["calendar", "working"]},
                "roll_to_working_day": {"type": "boolean"},
                "days_without_correction": NULLABLE_INT,
            },
            "additionalProperties": False,
        },
        "notes": _pending({"type": "array", "items": {"type": "string"}}, "publication"),
    },
    "additionalProperties": False,
}

# Keys of the call configuration that are not settings of their own: `gaps` holds the
# calls.gaps choices, each walked as a setting of its own.
CONFIG_CONTAINERS = frozenset({"gaps"})


def pending_config_keys() -> dict[str, str]:
    """Configuration keys the editor hides, with the capability each waits for."""
    return {
        key: spec["x-pending"]
        for key, spec in CALL_CONFIG_SCHEMA["properties"].items()
        if spec.get("x-pending")
    }


_SECTION = {"type": "object", "additionalProperties": {"type": "object"}}

CALL_VERSION_SCHEMA = {
    "type": "object",
    "required": ["schema_version", "call", "config", "pools", "kad_list"],
    "properties": {
        "schema_version": {"const": 1},
        "call": {
            "type": "object",
            "required": ["code", "title", "aid_regime", "evaluation_method", "total_budget"],
            "properties": {"total_budget": MONEY},
        },
        "config": CALL_CONFIG_SCHEMA,
        "pools": _SECTION,
        "annual_allocations": {"type": "object", "additionalProperties": MONEY},
        "areas": _SECTION,
        "kad_list": {"type": "array", "items": {"type": "string"}},
        "unit_rates": _SECTION,
        "expense_categories": _SECTION,
        "budget_limits": _SECTION,
        "attachments": _SECTION,
        "deadlines": _SECTION,
        "criteria": _SECTION,
        "placement_services": _SECTION,
    },
}


def schema_errors(document, schema) -> list[str]:
    """Human-readable messages (Greek prefix, technical detail) for every schema violation."""
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    out = []
    for err in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in err.absolute_path) or "(ρίζα)"
        out.append(f"Μη έγκυρη παράμετρος στο «{where}»: {err.message}")
    return out
