"""Business-registry facts of the demo world: ΠΣΣΕΗΣ de minimis awards, ΓΕΜΗ companies.

Keyed by the ΑΦΜ of `registry_data.TAXPAYERS`, so a business that logs in sees in the de minimis
register and in ΓΕΜΗ what AADE says about it. Award dates are offsets back from the day the
sandbox answers, so the rolling three-year window gives the same picture whenever the demo runs:
- 808982626 ΓΡΕΒΕΝΑ ΞΥΛΟΤΕΧΝΙΚΗ: €290,000 of de minimis inside three years (its own €180,000 plus
  €110,000 of its linked ΓΡΕΒΕΝΑ ΞΥΛΕΜΠΟΡΙΚΗ), and an older €120,000 award 1,100 days back that
  falls just outside the window (proof that the window rolls rather than counting fiscal years).
- 804773470 ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ: no aid of its own; its linked ΛΙΓΝΙΤΗΣ ΕΝΕΡΓΕΙΑΚΗ has €45,000.
- 806994236 ΑΡΚΑΔΙΚΑ ΑΡΤΟΠΟΙΗΜΑΤΑ: one small award (€12,500).
- 994681285 the cluster: a GBER award (not de minimis, so never counted towards the ceiling).
- everyone else: nothing.
"""

from __future__ import annotations

from interop.sandboxes.registry_data import TAXPAYERS

# Companies that exist only as members of a single undertaking (not demo users themselves).
LINKED_COMPANIES: dict[str, str] = {
    "801700016": "ΛΙΓΝΙΤΗΣ ΕΝΕΡΓΕΙΑΚΗ ΜΟΝΟΠΡΟΣΩΠΗ ΑΕ",
    "801700028": "ΓΡΕΒΕΝΑ ΞΥΛΕΜΠΟΡΙΚΗ ΑΝΩΝΥΜΗ ΕΤΑΙΡΕΙΑ",
}

# Single undertakings (Reg. 2023/2831 Art. 2(2)): group id -> members with the link (α)-(δ).
SINGLE_UNDERTAKINGS: dict[str, list[tuple[str, str]]] = {
    "ΕΕ-804773470": [("804773470", "μητρική"), ("801700016", "α: πλειοψηφία δικαιωμάτων ψήφου")],
    "ΕΕ-808982626": [("808982626", "μητρική"), ("801700028", "β: διορισμός πλειοψηφίας ΔΣ")],
}

# De minimis / state-aid awards: (days before today, fields of the award record).
_AUTHORITY = "ΕΥΔ ΕΠ Δίκαιη Αναπτυξιακή Μετάβαση"
AWARDS: list[tuple[int, dict]] = [
    (
        400,
        {
            "registry_id": "ΠΣΣΕΗΣ-DEMO-0001",
            "measure_code": "ΜΚΕ-2023-0415",
            "sa_number": "",
            "regulation": "2023/2831",
            "beneficiary_afm": "808982626",
            "granting_authority": _AUTHORITY,
            "instrument": "grant",
            "nominal_amount": "180000.00",
            "gge_amount": "180000.00",
            "nace": "16.23",
            "nuts": "EL531",
            "ada": "ΨΑ1Β2Γ3Δ4Ε-Ζ5Η",
        },
    ),
    (
        800,
        {
            "registry_id": "ΠΣΣΕΗΣ-DEMO-0002",
            "measure_code": "ΜΚΕ-2022-0102",
            "sa_number": "",
            "regulation": "1407/2013",
            "beneficiary_afm": "801700028",
            "granting_authority": "Περιφέρεια Δυτικής Μακεδονίας",
            "instrument": "grant",
            "nominal_amount": "110000.00",
            "gge_amount": "110000.00",
            "nace": "46.73",
            "nuts": "EL531",
            "ada": "ΩΚ7Λ8Μ9Ν0Ξ-Ο1Π",
        },
    ),
    (
        1100,
        {
            "registry_id": "ΠΣΣΕΗΣ-DEMO-0003",
            "measure_code": "ΜΚΕ-2021-0077",
            "sa_number": "",
            "regulation": "1407/2013",
            "beneficiary_afm": "808982626",
            "granting_authority": "Περιφέρεια Δυτικής Μακεδονίας",
            "instrument": "grant",
            "nominal_amount": "120000.00",
            "gge_amount": "120000.00",
            "nace": "16.23",
            "nuts": "EL531",
            "ada": "6ΡΣ2ΤΥ4ΦΧ5Ψ-Ω7Α",
        },
    ),
    (
        300,
        {
            "registry_id": "ΠΣΣΕΗΣ-DEMO-0004",
            "measure_code": "ΜΚΕ-2024-0233",
            "sa_number": "",
            "regulation": "2023/2831",
            "beneficiary_afm": "801700016",
            "granting_authority": "ΕΑΤ (Ελληνική Αναπτυξιακή Τράπεζα)",
            "instrument": "loan",
            "nominal_amount": "150000.00",
            "gge_amount": "45000.00",
            "nace": "35.11",
            "nuts": "EL531",
            "ada": "ΒΓ8ΔΕ9ΖΗ0Θ-ΙΚ1",
        },
    ),
    (
        200,
        {
            "registry_id": "ΠΣΣΕΗΣ-DEMO-0005",
            "measure_code": "ΜΚΕ-2025-0018",
            "sa_number": "",
            "regulation": "2023/2831",
            "beneficiary_afm": "806994236",
            "granting_authority": "Περιφέρεια Πελοποννήσου",
            "instrument": "grant",
            "nominal_amount": "12500.00",
            "gge_amount": "12500.00",
            "nace": "10.71",
            "nuts": "EL652",
            "ada": "ΛΜ2ΝΞ3ΟΠ4Ρ-ΣΤ5",
        },
    ),
    (
        500,
        {
            "registry_id": "ΠΣΣΕΗΣ-DEMO-0006",
            "measure_code": "ΜΚΕ-2023-0901",
            "sa_number": "SA.100123",
            "regulation": "GBER 651/2014 art. 27",
            "beneficiary_afm": "994681285",
            "granting_authority": "Περιφέρεια Κεντρικής Μακεδονίας",
            "instrument": "grant",
            "nominal_amount": "250000.00",
            "gge_amount": "250000.00",
            "nace": "94.99",
            "nuts": "EL522",
            "ada": "ΥΦ6ΧΨ7ΩΑ8Β-ΓΔ9",
        },
    ),
    # ΑΡΚΑΔΙΚΑ near the €300,000 ceiling (ΚΥΑ 7066 demo): €12,500 + €250,000 = €262,500, so its two
    # hires (€24,174) fit, and an aid under another de minimis regulation registered after it
    # submitted (registry console) takes it over at the re-check before approval (Art. 7.2).
    (
        120,
        {
            "registry_id": "ΠΣΣΕΗΣ-DEMO-0007",
            "measure_code": "ΜΚΕ-2026-0044",
            "sa_number": "",
            "regulation": "2023/2831",
            "beneficiary_afm": "806994236",
            "granting_authority": "Περιφέρεια Πελοποννήσου",
            "instrument": "grant",
            "nominal_amount": "250000.00",
            "gge_amount": "250000.00",
            "nace": "10.71",
            "nuts": "EL652",
            "ada": "ΞΟ6ΠΡ7ΣΤ8Υ-ΦΧ9",
        },
    ),
]

# ΓΕΜΗ facts beyond what AADE holds: ΓΕΜΗ no., status, incorporation date, persons.
_GEMI_EXTRA: dict[str, dict] = {
    "804773470": {
        "arGemi": "123456730000",
        "incorporationDate": "2016-03-10",
        "persons": [("ΣΤΕΦΑΝΟΥ ΙΩΑΝΝΑ", "Διαχειριστής", None), ("ΛΙΓΝΙΤΗΣ ΕΝΕΡΓΕΙΑΚΗ ΑΕ", "Εταίρος", "100")],
    },
    "806994236": {
        "arGemi": "045678912000",
        "incorporationDate": "2009-08-25",
        "persons": [("ΚΑΡΑΓΙΑΝΝΗΣ ΠΕΤΡΟΣ", "Πρόεδρος ΔΣ", None), ("ΚΑΡΑΓΙΑΝΝΗ ΜΑΡΙΑ", "Μέτοχος", "60")],
    },
    "809616685": {
        "arGemi": "138765431000",
        "incorporationDate": "2018-06-15",
        # An older record served with flat activities, as one client library models them.
        "flat_activities": True,
        "persons": [
            ("ΓΚΟΥΤΖΙΟΣ ΑΘΑΝΑΣΙΟΣ", "Ομόρρυθμος εταίρος", "50"),
            ("ΓΚΟΥΤΖΙΟΥ ΕΛΕΝΗ", "Ομόρρυθμος εταίρος", "50"),
        ],
    },
    "808982626": {
        "arGemi": "098712345000",
        "incorporationDate": "2011-01-05",
        "persons": [("ΖΗΣΗΣ ΒΑΣΙΛΕΙΟΣ", "Διαχειριστής", "40"), ("ΓΡΕΒΕΝΑ ΞΥΛΕΜΠΟΡΙΚΗ ΑΕ", "Εταίρος", "60")],
    },
    "999232002": {
        "arGemi": "112233445000",
        "incorporationDate": "2014-01-28",
        "status": ("3", "Διαγραφείσα"),
        "persons": [("ΠΑΠΑΣ ΝΙΚΟΛΑΟΣ", "Διαχειριστής", "100")],
    },
    "994681285": {
        "arGemi": "157788990000",
        "incorporationDate": "2020-09-30",
        "persons": [("ΜΑΚΡΗΣ ΔΗΜΗΤΡΙΟΣ", "Πρόεδρος ΔΣ", None)],
    },
}

_LEGAL_TYPES = {"ΑΕ": "1", "ΕΠΕ": "2", "ΟΕ": "3", "ΕΕ": "4", "ΙΚΕ": "10", "ΑΜΚΕ": "12", "ΝΠΙΔ": "14"}


def _gemi_company(afm: str, record: dict, index: int) -> dict:
    extra = _GEMI_EXTRA.get(afm, {})
    status_id, status_descr = extra.get("status", ("1", "Ενεργή"))
    flat = extra.get("flat_activities", False)
    activities = []
    for code, descr, kind in record["activities"]:
        kad = f"{code[0:2]}.{code[2:4]}.{code[4:6]}.{code[6:8]}"
        item_type = "Κύρια" if kind == "1" else "Δευτερεύουσα"
        if flat:
            activities.append({"id": kad, "descr": descr, "type": item_type})
        else:
            activities.append(
                {
                    "activity": {"id": kad, "descr": descr, "kadVersion": "2008"},
                    "dtFrom": record["regist_date"],
                    "dtTo": None,
                    "type": item_type,
                }
            )
    persons = [
        {
            "personName": name,
            "businessName": "",
            "role": role,
            "dtFrom": extra.get("incorporationDate", record["regist_date"]),
            "dtTo": None,
            "isRepresentativeAlone": role in ("Διαχειριστής", "Πρόεδρος ΔΣ"),
            "isRepresentativeInCommon": False,
            "percentage": pct,
            "category": "Φυσικό πρόσωπο" if "Α" in name else "",
        }
        for name, role, pct in extra.get("persons", [])
    ]
    legal = record["legal_status_descr"]
    return {
        "arGemi": extra.get("arGemi", f"{160000000000 + index * 1000:012d}"),
        "afm": afm,
        "coNameEl": record["onomasia"],
        "coTitlesEl": [record["commer_title"]] if record["commer_title"] else [],
        "legalType": {"id": int(_LEGAL_TYPES.get(legal, "99")), "descr": legal},
        "status": {"id": int(status_id), "descr": status_descr},
        "lastStatusChange": record["stop_date"] or extra.get("incorporationDate", record["regist_date"]),
        "incorporationDate": extra.get("incorporationDate", record["regist_date"]),
        "gemiOffice": {"id": 1, "descr": f"Επιμελητήριο {record['regional_unit']}"},
        "prefecture": {"id": 1, "descr": record["regional_unit"]},
        "municipality": {"id": 1, "descr": record["municipality"]},
        "city": record["postal_area_description"],
        "street": record["postal_address"],
        "streetNumber": record["postal_address_no"],
        "zipCode": record["postal_zip_code"],
        "isBranch": False,
        "activities": activities,
        "persons": persons,
    }


def gemi_companies() -> dict[str, dict]:
    """ΓΕΜΗ Company records keyed by ΑΦΜ: every legal entity of the demo world (no sole traders)."""
    return {
        afm: _gemi_company(afm, record, i)
        for i, (afm, record) in enumerate(sorted(TAXPAYERS.items()))
        if record["i_ni_flag_descr"] != "ΦΠ"
    }


def company_name(afm: str) -> str:
    if afm in TAXPAYERS:
        return TAXPAYERS[afm]["onomasia"]
    return LINKED_COMPANIES.get(afm, "")


def single_undertaking_of(afm: str) -> tuple[str, list[tuple[str, str]]]:
    """The group id and members of `afm`'s single undertaking (alone if it has no links)."""
    for group_id, members in SINGLE_UNDERTAKINGS.items():
        if any(member == afm for member, _link in members):
            return group_id, members
    return f"ΕΕ-{afm}", [(afm, "μητρική")]
