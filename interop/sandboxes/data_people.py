"""What ΕΡΓΑΝΗ, ΔΥΠΑ, ΗΔΙΚΑ and the clearance services know about the demo world.

Keyed by the ΑΦΜ/ΑΜΚΑ of `registry_data` so every sandbox tells the same story:

- ΕΡΓΑΝΗ: each business has an employer account (`ergani-<ΑΦΜ>` / `ergani-demo`) and a staff
  history (hire and departure dates, full/part time, weekly hours). Monthly headcount and ΕΜΕ
  are computed from that history, so Ε3/Ε5 and the headcount always agree.
  ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ lost a worker by dismissal (2025-10) and one by resignation (2026-01) and
  hired a replacement (2026-02); ΓΡΕΒΕΝΑ ΞΥΛΟΤΕΧΝΙΚΗ dismissed two in February 2026 (a staff
  reduction for ΚΥΑ 7066 Art. 4.1.2) and, 70 days before today, hired ΜΑΡΙΑ ΠΑΠΑΔΟΠΟΥΛΟΥ on its
  ΚΥΑ 7066 position (the Ε3 the hires journey records); ΠΑΛΑΙΑ ΕΜΠΟΡΙΚΗ has had no staff
  since closing in 2023.
- ΔΥΠΑ: the persons' unemployment registrations (ΚΠΑ2, card, income, children, work history).
  ΑΝΤΩΝΙΟΣ ΝΙΚΟΛΑΟΥ was never registered; ΑΙΚΑΤΕΡΙΝΗ ΔΗΜΗΤΡΙΟΥ and ΕΛΕΝΗ ΓΕΩΡΓΙΑΔΟΥ are
  long-term unemployed; ΜΑΡΙΑ ΠΑΠΑΔΟΠΟΥΛΟΥ has three minor children; ΔΗΜΗΤΡΙΟΣ ΑΘΑΝΑΣΙΟΥ's
  card was revoked and ΣΟΦΙΑ ΜΙΧΑΗΛΙΔΟΥ's was not renewed.
- ΗΔΙΚΑ: the persons, the businesses' staff, and one deceased person.
- Clearance: ΛΑΪΚΕΣ ΑΓΟΡΕΣ owes tax, ΠΑΛΑΙΑ ΕΜΠΟΡΙΚΗ owes both, ΠΙΕΡΙΚΑ ΚΡΑΣΙΑ owes e-ΕΦΚΑ, and
  ΓΡΕΒΕΝΑ ΞΥΛΟΤΕΧΝΙΚΗ holds a social-security certificate that expires in five days.

Every generated ΑΜΚΑ passes its checksum (birth date + Luhn).
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from stdnum import luhn

from .registry_data import PERSONS, TAXPAYERS

ERGANI_PASSWORD = "ergani-demo"  # noqa: S105 - sandbox demo credential, documented in the module
ERGANI_USERTYPE = "02"
# The service token the ΔΥΠΑ, ΗΔΙΚΑ and clearance sandboxes accept: the default of
# `settings.INTEROP[<name>]["token"]`. The sandboxes do not read the portal's settings, so a
# portal configured with another token is refused, as a real registry would refuse it.
SANDBOX_SERVICE_TOKEN = "sandbox-token"  # noqa: S105 - sandbox demo credential


def make_amka(birth: date, serial: int) -> str:
    """A checksum-valid ΑΜΚΑ: DDMMYY + 4-digit serial + Luhn digit."""
    body = f"{birth:%d%m%y}{serial:04d}"
    return body + luhn.calc_check_digit(body)


def make_afm(seed: int) -> str:
    """A checksum-valid personal ΑΦΜ (starts with 1, like most natural persons')."""
    body = f"1{seed % 10**7:07d}"
    check = sum(int(d) * 2 ** (8 - i) for i, d in enumerate(body)) % 11 % 10
    return f"{body}{check}"


_SURNAMES = [
    ("ΠΑΠΑΣ", "ΠΑΠΑ"),
    ("ΒΛΑΧΟΣ", "ΒΛΑΧΟΥ"),
    ("ΣΑΒΒΙΔΗΣ", "ΣΑΒΒΙΔΟΥ"),
    ("ΚΑΡΑΓΙΑΝΝΗΣ", "ΚΑΡΑΓΙΑΝΝΗ"),
    ("ΜΑΚΡΗΣ", "ΜΑΚΡΗ"),
    ("ΤΣΙΡΟΣ", "ΤΣΙΡΟΥ"),
    ("ΖΑΦΕΙΡΙΟΥ", "ΖΑΦΕΙΡΙΟΥ"),
    ("ΛΑΖΑΡΙΔΗΣ", "ΛΑΖΑΡΙΔΟΥ"),
    ("ΧΑΤΖΗΣ", "ΧΑΤΖΗ"),
    ("ΣΤΑΜΟΣ", "ΣΤΑΜΟΥ"),
]
_FIRST = [
    ("ΙΩΑΝΝΗΣ", "ΧΡΙΣΤΙΝΑ"),
    ("ΠΕΤΡΟΣ", "ΑΓΓΕΛΙΚΗ"),
    ("ΒΑΣΙΛΕΙΟΣ", "ΓΕΩΡΓΙΑ"),
    ("ΣΤΕΡΓΙΟΣ", "ΕΥΑΓΓΕΛΙΑ"),
]

# Specialty codes are ΣΤΕΠ-like (ΕΡΓΑΝΗ `f_eidikothta`); the descriptions are what the UI shows.
SPECIALTIES = {
    "741101": "Ηλεκτρολόγος εγκαταστάσεων",
    "311301": "Τεχνικός ηλεκτρολόγος",
    "751201": "Αρτοποιός",
    "522301": "Πωλητής καταστήματος",
    "752201": "Ξυλουργός",
    "411001": "Υπάλληλος γραφείου",
    "214101": "Μηχανικός παραγωγής",
    "818301": "Χειριστής μηχανήματος συσκευασίας",
}

# Departure kinds, as ΕΡΓΑΝΗ files them: code -> (kind, form, label).
DEPARTURE_KINDS = {
    "0": ("resignation", "Ε5", "ΟΙΚΕΙΟΘΕΛΗΣ ΑΠΟΧΩΡΗΣΗ"),
    "1": ("dismissal", "Ε6", "ΚΑΤΑΓΓΕΛΙΑ ΣΥΜΒΑΣΗΣ ΑΟΡΙΣΤΟΥ ΧΡΟΝΟΥ"),
    "2": ("fixed_term_end", "Ε7", "ΛΗΞΗ ΣΥΜΒΑΣΗΣ ΟΡΙΣΜΕΝΟΥ ΧΡΟΝΟΥ"),
    "3": ("retirement", "Ε5", "ΑΠΟΧΩΡΗΣΗ ΛΟΓΩ ΣΥΝΤΑΞΙΟΔΟΤΗΣΗΣ"),
    "4": ("death", "Ε5", "ΛΥΣΗ ΛΟΓΩ ΘΑΝΑΤΟΥ"),
}


PAPADOPOULOU = "15038580948"
GREVENA_SUBSIDISED_HIRE_DAYS_AGO = 70
GREVENA_SUBSIDISED_HIRE = date.today() - timedelta(days=GREVENA_SUBSIDISED_HIRE_DAYS_AGO)


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _staff_member(employer: str, n: int, hired: str, **overrides) -> dict:
    """A synthetic employee of business `employer`, deterministic in (employer, n)."""
    seed = int(hashlib.sha256(f"{employer}:{n}".encode()).hexdigest(), 16)
    female = seed % 2 == 1
    surname = _SURNAMES[seed % len(_SURNAMES)][1 if female else 0]
    first = _FIRST[(seed // 7) % len(_FIRST)][1 if female else 0]
    birth = date(1965 + seed % 35, 1 + seed % 12, 1 + seed % 28)
    row = {
        "amka": make_amka(birth, 1000 + (seed % 9000)),
        "afm": make_afm(seed),
        "last_name": surname,
        "first_name": first,
        "birth_date": birth,
        "sex": "F" if female else "M",
        "hired_on": _d(hired),
        "left_on": None,
        "departure_code": "",
        "fixed_term": False,
        "full_time": True,
        "weekly_hours": "40",
        "specialty": "411001",
        "protocol_no": f"{employer[-4:]}{n:04d}",
    }
    row.update(overrides)
    if isinstance(row["left_on"], str):
        row["left_on"] = _d(row["left_on"])
    return row


def _person_employment(amka: str, employer: str, n: int, hired: str, **overrides) -> dict:
    """A demo person's (past) employment: their registry identity, not a synthetic one."""
    p = PERSONS[amka]
    return _staff_member(
        employer,
        n,
        hired,
        amka=amka,
        afm=p["afm"],
        last_name=p["last_name"],
        first_name=p["first_name"],
        birth_date=date.fromisoformat(p["birth_date"]),
        sex=p["sex"],
        **overrides,
    )


def _generated_staff(afm: str, full: int, part: int, specialty: str, since: str = "2018-01-15") -> list[dict]:
    staff = [_staff_member(afm, n, since, specialty=specialty) for n in range(full)]
    staff += [
        _staff_member(afm, full + n, since, full_time=False, weekly_hours="20", specialty=specialty)
        for n in range(part)
    ]
    return staff


def _lignitis() -> list[dict]:
    afm = "804773470"
    staff = _generated_staff(afm, 7, 1, "741101", since="2019-04-01")
    staff += [
        _staff_member(afm, 20, "2021-09-06", specialty="311301"),
        _staff_member(afm, 21, "2022-03-01", specialty="741101", left_on="2025-10-31", departure_code="1"),
        _staff_member(afm, 22, "2023-05-15", specialty="311301", left_on="2026-01-15", departure_code="0"),
        _staff_member(afm, 23, "2025-05-05", specialty="741101"),
        _staff_member(afm, 24, "2026-02-02", specialty="311301"),
        # ΙΩΑΝΝΙΔΗΣ's fixed-term contract ended; he then registered with ΔΥΠΑ (2025-09-01).
        _person_employment(
            "02079014649",
            afm,
            25,
            "2024-09-02",
            specialty="741101",
            fixed_term=True,
            left_on="2025-08-29",
            departure_code="2",
        ),
    ]
    return staff


def _arkadika() -> list[dict]:
    afm = "806994236"
    staff = _generated_staff(afm, 10, 3, "751201", since="2012-02-01")
    staff += [
        _staff_member(afm, 30, "2025-11-03", specialty="522301"),
        _staff_member(afm, 31, "2016-06-01", specialty="522301", left_on="2025-06-30", departure_code="3"),
        _person_employment(
            "05058029934",
            "806994236",
            32,
            "2019-03-11",
            specialty="522301",
            left_on="2024-01-31",
            departure_code="0",
        ),
    ]
    return staff


def _grevena() -> list[dict]:
    afm = "808982626"
    staff = _generated_staff(afm, 18, 2, "752201", since="2013-03-01")
    staff[0]["left_on"], staff[0]["departure_code"] = date(2026, 2, 27), "1"
    staff[1]["left_on"], staff[1]["departure_code"] = date(2026, 2, 27), "1"
    staff.append(_staff_member(afm, 40, "2025-07-01", specialty="818301"))
    # ΚΥΑ 7066 demo operation: ΜΑΡΙΑ ΠΑΠΑΔΟΠΟΥΛΟΥ (ΚΠΑ2 Κοζάνης, earlier work in retail → 01.23) is
    # hired on the approved position, a fixed number of days before the day the sandbox starts, so
    # the first two-month period has ended and its claim is still in time (Art. 8.1).
    staff.append(
        _person_employment(PAPADOPOULOU, afm, 41, GREVENA_SUBSIDISED_HIRE.isoformat(), specialty="752201")
    )
    return staff


def _palaia() -> list[dict]:
    afm = "999232002"
    return [
        _staff_member(afm, n, "2015-01-12", specialty="411001", left_on="2023-12-31", departure_code="1")
        for n in range(3)
    ]


def _build_employers() -> dict[str, dict]:
    staff_by_afm = {
        "804773470": _lignitis(),
        "806994236": _arkadika(),
        "809616685": _generated_staff("809616685", 2, 1, "522301", since="2018-07-01"),
        "808982626": _grevena(),
        "999232002": _palaia(),
        "994681285": _generated_staff("994681285", 2, 0, "411001", since="2021-01-11"),
        "998889259": _generated_staff("998889259", 12, 3, "214101", since="2005-09-01"),
    }
    for n, afm in enumerate(["997126117", "097464499", "092730129", "098194849", "095938180", "094827501"]):
        staff_by_afm[afm] = _generated_staff(afm, 6 + 5 * n, n % 3, "818301")
    return {
        afm: {
            "username": f"ergani-{afm}",
            "password": ERGANI_PASSWORD,
            "name": TAXPAYERS[afm]["onomasia"],
            "ame": f"{afm[:4]}{afm[-3:]}",  # Αριθμός Μητρώου Εργοδότη e-ΕΦΚΑ (made up)
            "staff": staff,
        }
        for afm, staff in staff_by_afm.items()
    }


# ΑΦΜ -> {"username", "password", "name", "ame", "staff": [employment rows]}
ERGANI_EMPLOYERS: dict[str, dict] = _build_employers()
ERGANI_USERS: dict[str, str] = {e["username"]: afm for afm, e in ERGANI_EMPLOYERS.items()}


# --- ΔΥΠΑ unemployment register ------------------------------------------------------------
KPA2 = {
    "KOZ": ("2901", "ΚΠΑ2 Κοζάνης"),
    "TRI": ("1101", "ΚΠΑ2 Τρίπολης"),
    "THE": ("3401", "ΚΠΑ2 Θεσσαλονίκης"),
}

# ΑΜΚΑ -> registration. `ended`/`end_reason` close the registration (card revoked / not renewed).
# `previous_employment` is the work history ΔΥΠΑ holds (what the ΚΥΑ 7066 01.22/01.23 category
# is determined from: the ΚΑΔ of earlier employers).
DYPA_REGISTRATIONS: dict[str, dict] = {
    "15038580948": {
        "kpa2": "KOZ",
        "since": "2025-01-13",
        "card_number": "2901-2025-004512",
        "individual_approach_completed": True,
        "action_plan_agreed": True,
        "citizenship": "GR",
        "income": {"tax_year": 2024, "individual": "2800.00", "family": "9400.00", "joint_return": True},
        "minor_children": 3,
        "disability_percent": 0,
        "education": "ΔΕ",
        "previous_employment": [
            ("809616685", "ΛΑΪΚΕΣ ΑΓΟΡΕΣ ΦΛΩΡΙΝΑΣ ΟΕ", "47811001", "2019-05-02", "2024-12-31"),
        ],
    },
    "02079014649": {
        "kpa2": "KOZ",
        "since": "2025-09-01",
        "card_number": "2901-2025-011873",
        "individual_approach_completed": True,
        "action_plan_agreed": True,
        "citizenship": "GR",
        "income": {"tax_year": 2024, "individual": "11400.00", "family": "11400.00", "joint_return": False},
        "minor_children": 0,
        "disability_percent": 0,
        "education": "ΤΕ",
        "previous_employment": [
            ("804773470", "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ ΜΟΝΟΠΡΟΣΩΠΗ ΙΚΕ", "43210000", "2024-09-02", "2025-08-29"),
            (
                "090000045",
                "ΥΠΟΣΤΗΡΙΚΤΙΚΕΣ ΕΡΓΑΣΙΕΣ ΟΡΥΧΕΙΩΝ ΠΤΟΛΕΜΑΪΔΑΣ ΑΕ",
                "09901000",
                "2014-03-01",
                "2024-06-30",
            ),
        ],
    },
    "11077243449": {
        "kpa2": "TRI",
        "since": "2023-06-12",
        "card_number": "1101-2023-002210",
        "individual_approach_completed": True,
        "action_plan_agreed": True,
        "citizenship": "GR",
        "income": {"tax_year": 2024, "individual": "1950.00", "family": "6300.00", "joint_return": True},
        "minor_children": 1,
        "disability_percent": 0,
        "education": "ΥΕ",
        "previous_employment": [
            (
                "094019221",
                "ΑΤΜΟΗΛΕΚΤΡΙΚΟΣ ΣΤΑΘΜΟΣ ΜΕΓΑΛΟΠΟΛΗΣ ΣΥΝΕΡΓΕΙΟ ΑΕ",
                "35111000",
                "2008-01-07",
                "2023-05-31",
            ),
        ],
    },
    "30019660924": {
        "kpa2": "THE",
        "since": "2025-05-20",
        "card_number": "3401-2025-020931",
        "individual_approach_completed": True,
        "action_plan_agreed": False,
        "citizenship": "GR",
        "income": {"tax_year": 2024, "individual": "4300.00", "family": "4300.00", "joint_return": False},
        "minor_children": 0,
        "disability_percent": 0,
        "education": "ΠΕ",
        "previous_employment": [],
    },
    "05058029934": {
        "kpa2": "TRI",
        "since": "2024-02-05",
        "card_number": "1101-2024-000377",
        "individual_approach_completed": True,
        "action_plan_agreed": True,
        "citizenship": "GR",
        "income": {"tax_year": 2024, "individual": "3500.00", "family": "15800.00", "joint_return": True},
        "minor_children": 2,
        "disability_percent": 67,
        "education": "ΔΕ",
        "previous_employment": [
            ("806994236", "ΑΡΚΑΔΙΚΑ ΑΡΤΟΠΟΙΗΜΑΤΑ ΑΕ", "10711000", "2019-03-11", "2024-01-31"),
        ],
    },
    "18116504707": {
        "kpa2": "KOZ",
        "since": "2024-10-01",
        "ended": "2026-02-10",
        "end_reason": "revoked",
        "card_number": "2901-2024-009904",
        "individual_approach_completed": True,
        "action_plan_agreed": True,
        "citizenship": "GR",
        "income": {"tax_year": 2024, "individual": "7900.00", "family": "15200.00", "joint_return": True},
        "minor_children": 0,
        "disability_percent": 0,
        "education": "ΔΕ",
        "previous_employment": [
            ("090000057", "ΛΙΓΝΙΤΙΚΟ ΚΕΝΤΡΟ ΔΥΤΙΚΗΣ ΜΑΚΕΔΟΝΙΑΣ ΑΕ", "05201000", "1990-02-01", "2024-09-30"),
        ],
    },
    "09090175481": {
        "kpa2": "THE",
        "since": "2025-03-03",
        "ended": "2026-01-15",
        "end_reason": "not_renewed",
        "card_number": "3401-2025-006120",
        "individual_approach_completed": False,
        "action_plan_agreed": False,
        "citizenship": "GR",
        "income": {"tax_year": 2024, "individual": "0.00", "family": "21800.00", "joint_return": False},
        "minor_children": 0,
        "disability_percent": 0,
        "education": "ΠΕ",
        "previous_employment": [],
    },
    # 22048802627 ΑΝΤΩΝΙΟΣ ΝΙΚΟΛΑΟΥ: not registered with ΔΥΠΑ at all.
}


# --- ΗΔΙΚΑ ΑΜΚΑ register -------------------------------------------------------------------
def _build_amka_register() -> dict[str, dict]:
    register = {
        amka: {**p, "status": "alive", "death_date": None}
        for amka, p in PERSONS.items()  # the demo cast
    }
    for employer in ERGANI_EMPLOYERS.values():
        for row in employer["staff"]:
            register.setdefault(
                row["amka"],
                {
                    "afm": row["afm"],
                    "first_name": row["first_name"],
                    "last_name": row["last_name"],
                    "father_name": "",
                    "mother_name": "",
                    "birth_date": row["birth_date"].isoformat(),
                    "sex": row["sex"],
                    "status": "alive",
                    "death_date": None,
                },
            )
    register[DECEASED_AMKA] = {
        "afm": "044426395",
        "first_name": "ΚΩΝΣΤΑΝΤΙΝΟΣ",
        "last_name": "ΠΑΥΛΙΔΗΣ",
        "father_name": "ΝΙΚΟΛΑΟΣ",
        "mother_name": "ΑΡΓΥΡΩ",
        "birth_date": "1948-06-04",
        "sex": "M",
        "status": "deceased",
        "death_date": "2025-12-02",
    }
    return register


DECEASED_AMKA = make_amka(date(1948, 6, 4), 7311)
AMKA_REGISTER: dict[str, dict] = _build_amka_register()


# --- e-ΕΦΚΑ / ΑΑΔΕ clearance ---------------------------------------------------------------
# ΑΦΜ -> per kind: "ok" | "debts" | ("expiring", days left). Businesses not listed are "ok".
CLEARANCE_STATUS: dict[str, dict[str, object]] = {
    "809616685": {"tax": "debts"},
    "999232002": {"tax": "debts", "insurance": "debts"},
    "092730129": {"insurance": "debts"},
    "808982626": {"insurance": ("expiring", 5)},
}
# Validity of a fresh certificate «για είσπραξη χρημάτων από Δημόσιο», in days.
CLEARANCE_VALID_DAYS = {"tax": 60, "insurance": 120}
