"""The state registries' demo data: one consistent world that every sandbox answers from.

The sandboxes stand in for AADE, GSIS TAXISnet, ΕΡΓΑΝΗ, ΠΣΣΕΗΣ (de minimis), ΔΥΠΑ, ΗΔΙΚΑ,
e-ΕΦΚΑ/AADE clearance, ΓΕΜΗ and Diavgeia. `load_demo` creates the portal's demo users from the same
records, so what a demo business sees after login is what its registries say. Every ΑΦΜ and ΑΜΚΑ
here passes its checksum; none belongs to a real taxpayer as far as we know.

The cast (what each record is for in the demo journeys):
- 804773470 ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ (Κοζάνη): eligible for ΚΥΑ 7066, Western Macedonia pool.
- 806994236 ΑΡΚΑΔΙΚΑ ΑΡΤΟΠΟΙΗΜΑΤΑ (Μεγαλόπολη): eligible for ΚΥΑ 7066, Megalopoli-area pool.
- 809616685 ΛΑΪΚΕΣ ΑΓΟΡΕΣ ΦΛΩΡΙΝΑΣ: main ΚΑΔ 47.81.10.01 is in Annex 2 of ΚΥΑ 7066 (ineligible).
- 808982626 ΓΡΕΒΕΝΑ ΞΥΛΟΤΕΧΝΙΚΗ: prior de minimis €290,000 in three years (little headroom).
- 999232002 ΠΑΛΑΙΑ ΕΜΠΟΡΙΚΗ (Καστοριά): deactivated ΑΦΜ.
- 994681285 cluster entity «Σύμπλεγμα Αγροδιατροφής Κεντρικής Μακεδονίας» (call 004), with
  research organisation 998889259 and SME partners 997126117, 097464499, 092730129, 098194849,
  095938180, 094827501.
- persons: unemployed people registered with ΚΠΑ2 Κοζάνης / Τρίπολης / Θεσσαλονίκης (ΚΥΑ 16936
  points facts: months unemployed, income, children) and one who is not registered.
"""

from __future__ import annotations

# --- AADE RgWsPublic2 basic_rec + firm_act_tab, keyed by ΑΦΜ ----------------------------------
# region/regional_unit/municipality are the gazetteer facts (ΓΕΜΗ gives the municipality; AADE the
# postal area) that eligibility by area needs.
TAXPAYERS: dict[str, dict] = {
    "804773470": {
        "onomasia": "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ ΜΟΝΟΠΡΟΣΩΠΗ ΙΚΕ",
        "commer_title": "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ",
        "legal_status_descr": "ΙΚΕ",
        "i_ni_flag_descr": "ΜΗ ΦΠ",
        "deactivation_flag": "1",
        "firm_flag_descr": "ΕΠΙΤΗΔΕΥΜΑΤΙΑΣ",
        "doy": "5211",
        "doy_descr": "ΚΟΖΑΝΗΣ",
        "postal_address": "ΜΕΓΑΛΟΥ ΑΛΕΞΑΝΔΡΟΥ",
        "postal_address_no": "42",
        "postal_zip_code": "50100",
        "postal_area_description": "ΚΟΖΑΝΗ",
        "regist_date": "2016-03-14",
        "stop_date": None,
        "region": "Δυτικής Μακεδονίας",
        "regional_unit": "Κοζάνης",
        "municipality": "Κοζάνης",
        "activities": [
            ("43210000", "Ηλεκτρικές εγκαταστάσεις", "1"),
            ("33140000", "Επισκευή ηλεκτρολογικού εξοπλισμού", "2"),
        ],
    },
    "806994236": {
        "onomasia": "ΑΡΚΑΔΙΚΑ ΑΡΤΟΠΟΙΗΜΑΤΑ ΑΝΩΝΥΜΗ ΕΤΑΙΡΕΙΑ",
        "commer_title": "ΑΡΚΑΔΙΚΑ ΑΡΤΟΠΟΙΗΜΑΤΑ",
        "legal_status_descr": "ΑΕ",
        "i_ni_flag_descr": "ΜΗ ΦΠ",
        "deactivation_flag": "1",
        "firm_flag_descr": "ΕΠΙΤΗΔΕΥΜΑΤΙΑΣ",
        "doy": "3311",
        "doy_descr": "ΤΡΙΠΟΛΗΣ",
        "postal_address": "ΠΑΠΑΝΑΣΤΑΣΙΟΥ",
        "postal_address_no": "7",
        "postal_zip_code": "22200",
        "postal_area_description": "ΜΕΓΑΛΟΠΟΛΗ",
        "regist_date": "2009-09-01",
        "stop_date": None,
        "region": "Πελοποννήσου",
        "regional_unit": "Αρκαδίας",
        "municipality": "Μεγαλόπολης",
        "activities": [("10711000", "Αρτοποιία", "1"), ("47241000", "Λιανικό εμπόριο ψωμιού", "2")],
    },
    "809616685": {
        "onomasia": "ΛΑΪΚΕΣ ΑΓΟΡΕΣ ΦΛΩΡΙΝΑΣ ΟΜΟΡΡΥΘΜΗ ΕΤΑΙΡΕΙΑ",
        "commer_title": "",
        "legal_status_descr": "ΟΕ",
        "i_ni_flag_descr": "ΜΗ ΦΠ",
        "deactivation_flag": "1",
        "firm_flag_descr": "ΕΠΙΤΗΔΕΥΜΑΤΙΑΣ",
        "doy": "5311",
        "doy_descr": "ΦΛΩΡΙΝΑΣ",
        "postal_address": "ΠΑΥΛΟΥ ΜΕΛΑ",
        "postal_address_no": "3",
        "postal_zip_code": "53100",
        "postal_area_description": "ΦΛΩΡΙΝΑ",
        "regist_date": "2018-06-20",
        "stop_date": None,
        "region": "Δυτικής Μακεδονίας",
        "regional_unit": "Φλώρινας",
        "municipality": "Φλώρινας",
        "activities": [
            (
                "47811001",
                "Λιανικό εμπόριο τροφίμων, ποτών και καπνού, παραγωγού-πωλητή, σε υπαίθριους πάγκους",
                "1",
            )
        ],
    },
    "808982626": {
        "onomasia": "ΓΡΕΒΕΝΑ ΞΥΛΟΤΕΧΝΙΚΗ ΕΤΑΙΡΕΙΑ ΠΕΡΙΟΡΙΣΜΕΝΗΣ ΕΥΘΥΝΗΣ",
        "commer_title": "ΓΡΕΒΕΝΑ ΞΥΛΟΤΕΧΝΙΚΗ",
        "legal_status_descr": "ΕΠΕ",
        "i_ni_flag_descr": "ΜΗ ΦΠ",
        "deactivation_flag": "1",
        "firm_flag_descr": "ΕΠΙΤΗΔΕΥΜΑΤΙΑΣ",
        "doy": "5111",
        "doy_descr": "ΓΡΕΒΕΝΩΝ",
        "postal_address": "ΒΙΠΕ ΓΡΕΒΕΝΩΝ",
        "postal_address_no": "12",
        "postal_zip_code": "51100",
        "postal_area_description": "ΓΡΕΒΕΝΑ",
        "regist_date": "2011-01-10",
        "stop_date": None,
        "region": "Δυτικής Μακεδονίας",
        "regional_unit": "Γρεβενών",
        "municipality": "Γρεβενών",
        "activities": [("16231000", "Κατασκευή ξυλουργικών προϊόντων οικοδομών", "1")],
    },
    "999232002": {
        "onomasia": "ΠΑΛΑΙΑ ΕΜΠΟΡΙΚΗ ΚΑΣΤΟΡΙΑΣ ΜΟΝΟΠΡΟΣΩΠΗ ΙΚΕ",
        "commer_title": "",
        "legal_status_descr": "ΙΚΕ",
        "i_ni_flag_descr": "ΜΗ ΦΠ",
        "deactivation_flag": "2",
        "firm_flag_descr": "ΠΡΩΗΝ ΕΠΙΤΗΔΕΥΜΑΤΙΑΣ",
        "doy": "5411",
        "doy_descr": "ΚΑΣΤΟΡΙΑΣ",
        "postal_address": "ΜΗΤΡΟΠΟΛΕΩΣ",
        "postal_address_no": "20",
        "postal_zip_code": "52100",
        "postal_area_description": "ΚΑΣΤΟΡΙΑ",
        "regist_date": "2014-02-02",
        "stop_date": "2023-12-31",
        "region": "Δυτικής Μακεδονίας",
        "regional_unit": "Καστοριάς",
        "municipality": "Καστοριάς",
        "activities": [("46190000", "Εμπορικοί αντιπρόσωποι που μεσολαβούν στην πώληση ποικίλων ειδών", "1")],
    },
    "994681285": {
        "onomasia": "ΣΥΜΠΛΕΓΜΑ ΑΓΡΟΔΙΑΤΡΟΦΗΣ ΚΕΝΤΡΙΚΗΣ ΜΑΚΕΔΟΝΙΑΣ ΑΣΤΙΚΗ ΜΗ ΚΕΡΔΟΣΚΟΠΙΚΗ ΕΤΑΙΡΕΙΑ",
        "commer_title": "AGRIFOOD CLUSTER CM",
        "legal_status_descr": "ΑΜΚΕ",
        "i_ni_flag_descr": "ΜΗ ΦΠ",
        "deactivation_flag": "1",
        "firm_flag_descr": "ΕΠΙΤΗΔΕΥΜΑΤΙΑΣ",
        "doy": "4231",
        "doy_descr": "ΦΑΕ ΘΕΣΣΑΛΟΝΙΚΗΣ",
        "postal_address": "ΕΓΝΑΤΙΑΣ",
        "postal_address_no": "154",
        "postal_zip_code": "54636",
        "postal_area_description": "ΘΕΣΣΑΛΟΝΙΚΗ",
        "regist_date": "2020-10-05",
        "stop_date": None,
        "region": "Κεντρικής Μακεδονίας",
        "regional_unit": "Θεσσαλονίκης",
        "municipality": "Θεσσαλονίκης",
        "activities": [("94991900", "Άλλες δραστηριότητες οργανώσεων", "1")],
    },
    "998889259": {
        "onomasia": "ΙΝΣΤΙΤΟΥΤΟ ΤΕΧΝΟΛΟΓΙΑΣ ΤΡΟΦΙΜΩΝ ΜΑΚΕΔΟΝΙΑΣ ΝΠΙΔ",
        "commer_title": "ΙΤΤΜ",
        "legal_status_descr": "ΝΠΙΔ",
        "i_ni_flag_descr": "ΜΗ ΦΠ",
        "deactivation_flag": "1",
        "firm_flag_descr": "ΕΠΙΤΗΔΕΥΜΑΤΙΑΣ",
        "doy": "4231",
        "doy_descr": "ΦΑΕ ΘΕΣΣΑΛΟΝΙΚΗΣ",
        "postal_address": "6ο ΧΛΜ ΧΑΡΙΛΑΟΥ-ΘΕΡΜΗΣ",
        "postal_address_no": "",
        "postal_zip_code": "57001",
        "postal_area_description": "ΘΕΡΜΗ",
        "regist_date": "2001-05-15",
        "stop_date": None,
        "region": "Κεντρικής Μακεδονίας",
        "regional_unit": "Θεσσαλονίκης",
        "municipality": "Θέρμης",
        "activities": [("72191000", "Έρευνα και πειραματική ανάπτυξη στις γεωργικές επιστήμες", "1")],
    },
}

_SME_PARTNERS = [
    (
        "997126117",
        "ΜΑΚΕΔΟΝΙΚΑ ΓΑΛΑΚΤΟΚΟΜΙΚΑ ΑΕ",
        "ΑΕ",
        "10511000",
        "Παραγωγή γάλακτος και τυριών",
        "Σερρών",
        "Σερρών",
    ),
    (
        "097464499",
        "ΕΛΑΙΟΥΡΓΙΑ ΧΑΛΚΙΔΙΚΗΣ ΙΚΕ",
        "ΙΚΕ",
        "10411000",
        "Παραγωγή ελαιολάδου",
        "Χαλκιδικής",
        "Πολυγύρου",
    ),
    (
        "092730129",
        "ΠΙΕΡΙΚΑ ΚΡΑΣΙΑ ΟΕ",
        "ΟΕ",
        "11021000",
        "Παραγωγή κρασιού από σταφύλια",
        "Πιερίας",
        "Κατερίνης",
    ),
    ("098194849", "ΚΙΛΚΙΣ ΑΓΡΟΤΕΧΝΟΛΟΓΙΕΣ ΙΚΕ", "ΙΚΕ", "62011000", "Ανάπτυξη λογισμικού", "Κιλκίς", "Κιλκίς"),
    (
        "095938180",
        "ΗΜΑΘΙΑ ΦΡΟΥΤΑ ΑΕ",
        "ΑΕ",
        "10391000",
        "Επεξεργασία και συντήρηση φρούτων",
        "Ημαθίας",
        "Βέροιας",
    ),
    ("094827501", "ΠΕΛΛΑ ΣΥΣΚΕΥΑΣΙΕΣ ΕΠΕ", "ΕΠΕ", "17211000", "Κατασκευή χαρτοκιβωτίων", "Πέλλας", "Έδεσσας"),
]
for _afm, _name, _form, _kad, _kad_descr, _unit, _municipality in _SME_PARTNERS:
    TAXPAYERS[_afm] = {
        "onomasia": _name,
        "commer_title": "",
        "legal_status_descr": _form,
        "i_ni_flag_descr": "ΜΗ ΦΠ",
        "deactivation_flag": "1",
        "firm_flag_descr": "ΕΠΙΤΗΔΕΥΜΑΤΙΑΣ",
        "doy": "4231",
        "doy_descr": "ΦΑΕ ΘΕΣΣΑΛΟΝΙΚΗΣ",
        "postal_address": "ΚΕΝΤΡΙΚΗ",
        "postal_address_no": "1",
        "postal_zip_code": "54000",
        "postal_area_description": _municipality.upper(),
        "regist_date": "2015-01-01",
        "stop_date": None,
        "region": "Κεντρικής Μακεδονίας",
        "regional_unit": _unit,
        "municipality": _municipality,
        "activities": [(_kad, _kad_descr, "1")],
    }

# --- Natural persons (ΗΔΙΚΑ ΑΜΚΑ register, AADE for their personal ΑΦΜ) ---------------------
PERSONS: dict[str, dict] = {
    "15038580948": {
        "afm": "103374891",
        "first_name": "ΜΑΡΙΑ",
        "last_name": "ΠΑΠΑΔΟΠΟΥΛΟΥ",
        "father_name": "ΓΕΩΡΓΙΟΣ",
        "mother_name": "ΕΛΕΝΗ",
        "birth_date": "1985-03-15",
        "sex": "F",
    },
    "02079014649": {
        "afm": "113566153",
        "first_name": "ΝΙΚΟΛΑΟΣ",
        "last_name": "ΙΩΑΝΝΙΔΗΣ",
        "father_name": "ΚΩΝΣΤΑΝΤΙΝΟΣ",
        "mother_name": "ΣΟΦΙΑ",
        "birth_date": "1990-07-02",
        "sex": "M",
    },
    "11077243449": {
        "afm": "127910268",
        "first_name": "ΑΙΚΑΤΕΡΙΝΗ",
        "last_name": "ΔΗΜΗΤΡΙΟΥ",
        "father_name": "ΑΘΑΝΑΣΙΟΣ",
        "mother_name": "ΒΑΣΙΛΙΚΗ",
        "birth_date": "1972-07-11",
        "sex": "F",
    },
    "30019660924": {
        "afm": "135252083",
        "first_name": "ΓΕΩΡΓΙΟΣ",
        "last_name": "ΚΩΝΣΤΑΝΤΙΝΙΔΗΣ",
        "father_name": "ΠΑΝΑΓΙΩΤΗΣ",
        "mother_name": "ΑΝΝΑ",
        "birth_date": "1996-01-30",
        "sex": "M",
    },
    "05058029934": {
        "afm": "140081980",
        "first_name": "ΕΛΕΝΗ",
        "last_name": "ΓΕΩΡΓΙΑΔΟΥ",
        "father_name": "ΙΩΑΝΝΗΣ",
        "mother_name": "ΜΑΡΙΑ",
        "birth_date": "1980-05-05",
        "sex": "F",
    },
    "18116504707": {
        "afm": "159806472",
        "first_name": "ΔΗΜΗΤΡΙΟΣ",
        "last_name": "ΑΘΑΝΑΣΙΟΥ",
        "father_name": "ΧΡΗΣΤΟΣ",
        "mother_name": "ΕΙΡΗΝΗ",
        "birth_date": "1965-11-18",
        "sex": "M",
    },
    "09090175481": {
        "afm": "168621137",
        "first_name": "ΣΟΦΙΑ",
        "last_name": "ΜΙΧΑΗΛΙΔΟΥ",
        "father_name": "ΜΙΧΑΗΛ",
        "mother_name": "ΔΕΣΠΟΙΝΑ",
        "birth_date": "2001-09-09",
        "sex": "F",
    },
    "22048802627": {
        "afm": "177851162",
        "first_name": "ΑΝΤΩΝΙΟΣ",
        "last_name": "ΝΙΚΟΛΑΟΥ",
        "father_name": "ΣΤΑΥΡΟΣ",
        "mother_name": "ΘΕΟΔΩΡΑ",
        "birth_date": "1988-04-22",
        "sex": "M",
    },
}

# --- GSIS TAXISnet (sandbox identity provider): username -> identity -------------------------
# `taxid` is a business ΑΦΜ for a legal entity's codes, or the person's own ΑΦΜ.
TAXISNET_USERS: dict[str, dict] = {
    "lignitis": {
        "password": "taxisnet-demo",
        "taxid": "804773470",
        "lastname": "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ ΜΟΝΟΠΡΟΣΩΠΗ ΙΚΕ",
        "firstname": "",
        "fathername": "",
        "mothername": "",
        "birthyear": "",
    },
    "arkadika": {
        "password": "taxisnet-demo",
        "taxid": "806994236",
        "lastname": "ΑΡΚΑΔΙΚΑ ΑΡΤΟΠΟΙΗΜΑΤΑ ΑΕ",
        "firstname": "",
        "fathername": "",
        "mothername": "",
        "birthyear": "",
    },
    "laikes": {
        "password": "taxisnet-demo",
        "taxid": "809616685",
        "lastname": "ΛΑΪΚΕΣ ΑΓΟΡΕΣ ΦΛΩΡΙΝΑΣ ΟΕ",
        "firstname": "",
        "fathername": "",
        "mothername": "",
        "birthyear": "",
    },
    "grevena": {
        "password": "taxisnet-demo",
        "taxid": "808982626",
        "lastname": "ΓΡΕΒΕΝΑ ΞΥΛΟΤΕΧΝΙΚΗ ΕΠΕ",
        "firstname": "",
        "fathername": "",
        "mothername": "",
        "birthyear": "",
    },
    "palaia": {
        "password": "taxisnet-demo",
        "taxid": "999232002",
        "lastname": "ΠΑΛΑΙΑ ΕΜΠΟΡΙΚΗ ΚΑΣΤΟΡΙΑΣ",
        "firstname": "",
        "fathername": "",
        "mothername": "",
        "birthyear": "",
    },
    "cluster": {
        "password": "taxisnet-demo",
        "taxid": "994681285",
        "lastname": "ΣΥΜΠΛΕΓΜΑ ΑΓΡΟΔΙΑΤΡΟΦΗΣ ΚΜ",
        "firstname": "",
        "fathername": "",
        "mothername": "",
        "birthyear": "",
    },
}
_PERSON_USERNAMES = {
    "15038580948": "papadopoulou",
    "02079014649": "ioannidis",
    "11077243449": "dimitriou",
    "30019660924": "konstantinidis",
    "05058029934": "georgiadou",
    "18116504707": "athanasiou",
    "09090175481": "michailidou",
    "22048802627": "nikolaou",
}
for _amka, _username in _PERSON_USERNAMES.items():
    _p = PERSONS[_amka]
    TAXISNET_USERS[_username] = {
        "password": "taxisnet-demo",
        "taxid": _p["afm"],
        "lastname": _p["last_name"],
        "firstname": _p["first_name"],
        "fathername": _p["father_name"],
        "mothername": _p["mother_name"],
        "birthyear": _p["birth_date"][:4],
    }
# The coordinator of ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ, invited by the business: logs in with personal codes.
TAXISNET_USERS["coordinator"] = {
    "password": "taxisnet-demo",
    "taxid": "185012342",
    "lastname": "ΣΤΕΦΑΝΟΥ",
    "firstname": "ΙΩΑΝΝΑ",
    "fathername": "ΠΕΤΡΟΣ",
    "mothername": "ΚΑΛΛΙΟΠΗ",
    "birthyear": "1983",
}


def taxpayer(afm: str) -> dict | None:
    return TAXPAYERS.get(afm)


def person(amka: str) -> dict | None:
    return PERSONS.get(amka)
