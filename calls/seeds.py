# ruff: noqa: E501  (seed data: long Greek legal strings are kept whole so they can be grepped against the texts)
"""The three seed programmes as call configuration, with their real figures and citations.

Used by `calls.demo` (and by tests pinned to the seed figures). Each builder returns the Programme
values and, per version, the `fields` and `children` the services accept. Real dates stay on record
(`official_window_*`); the demo window is set around "now" by the caller.
"""

from __future__ import annotations

import csv
import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from calls.rules import split_budget

ATHENS = ZoneInfo("Europe/Athens")
ANNEX2_CSV = Path(__file__).resolve().parent / "data" / "kya7066_annex2_ineligible_kad.csv"


def annex2_rows() -> list[dict]:
    """ΚΥΑ 7066 Παράρτημα 2: the 619 ineligible ΚΑΔ with their descriptions, in source order."""
    with ANNEX2_CSV.open(encoding="utf-8") as fh:
        return [{"code": r["kad_code"], "description": r["description_el"]} for r in csv.DictReader(fh)]


def parse_kad_csv(text: str) -> list[dict]:
    """Codes from an uploaded list: a CSV with a `kad_code` (or `code`) column, or one code per line."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return []
    header = [h.strip().lower() for h in next(csv.reader([lines[0]]))]
    column = next((c for c in ("kad_code", "code", "καδ") if c in header), None)
    if column is None:
        return [{"code": ln.split(",")[0].strip().strip('"')} for ln in lines]
    desc = next((c for c in ("description_el", "description", "περιγραφή") if c in header), None)
    rows = csv.DictReader(lines, fieldnames=header)
    next(rows)
    return [
        {"code": r[column].strip(), "description": (r.get(desc) or "").strip() if desc else ""} for r in rows
    ]


def _d(value) -> Decimal:
    return Decimal(str(value))


def _at(y, m, d, hh=0, mm=0) -> datetime.datetime:
    return datetime.datetime(y, m, d, hh, mm, tzinfo=ATHENS)


def _scale(max_score: str) -> list[dict]:
    labels = ["Άριστα", "Πολύ καλά", "Καλά", "Μέτρια", "Επαρκώς", "Ανεπαρκώς"]
    top = _d(max_score)
    step = top / 5
    return [{"score": str((top - step * i).normalize()), "label": lab} for i, lab in enumerate(labels)]


def _sub(code, title, max_score):
    return {"code": code, "title": title, "max": max_score, "scale": _scale(max_score)}


# --- ΚΥΑ 7066/2025 ----------------------------------------------------------------------------


# --- The decisions as administrative acts: «Έχοντας υπόψη» and the issuing authority -------------
# Taken from each seed's own preamble (the acts that found the programme and the issuing body's
# powers), then the seed itself; the application and its evaluation are added per decision.

LEGAL_BASIS_7066 = [
    "Τον ν. 4921/2022 «Δουλειές Ξανά: Αναδιοργάνωση Δημόσιας Υπηρεσίας Απασχόλησης και ψηφιοποίηση "
    "των υπηρεσιών της, αναβάθμιση δεξιοτήτων εργατικού δυναμικού και διάγνωσης των αναγκών εργασίας "
    "και άλλες διατάξεις» (Α’ 75).",
    "Τον ν. 4914/2022 «Διαχείριση, έλεγχος και εφαρμογή αναπτυξιακών παρεμβάσεων για την Προγραμματική "
    "Περίοδο 2021-2027, σύσταση Ανώνυμης Εταιρείας «Εθνικό Μητρώο Νεοφυών Επιχειρήσεων Α.Ε.»» (Α’ 61), "
    "όπως τροποποιήθηκε από το Κεφάλαιο Β του ν. 5079/2023 (Α’ 215).",
    "Τον ν. 4872/2021 «Δίκαιη Αναπτυξιακή Μετάβαση, ρύθμιση ειδικότερων ζητημάτων απολιγνιτοποίησης "
    "και άλλες επείγουσες διατάξεις» (Α’ 247).",
    "Τον Κώδικα Διοικητικής Διαδικασίας (ν. 2690/1999, Α’ 45).",
    "Τον Κανονισμό (ΕΕ) 2021/1056 του Ευρωπαϊκού Κοινοβουλίου και του Συμβουλίου της 24ης Ιουνίου 2021 "
    "για τη θέσπιση του Ταμείου Δίκαιης Μετάβασης.",
    "Τον Κανονισμό (ΕΕ) 2023/2831 της Επιτροπής της 13ης Δεκεμβρίου 2023 σχετικά με την εφαρμογή των "
    "άρθρων 107 και 108 της Συνθήκης για τη λειτουργία της Ευρωπαϊκής Ένωσης στις ενισχύσεις ήσσονος "
    "σημασίας.",
    "Την υπ’ αριθμ. 7066/15.03.2025 κοινή απόφαση των Υπουργών Εθνικής Οικονομίας και Οικονομικών - "
    "Εργασίας και Κοινωνικής Ασφάλισης «Ειδικό πρόγραμμα επιχορήγησης επιχειρήσεων για την απασχόληση "
    "ανέργων, πρώην εργαζομένων στις επιχειρήσεις που επλήγησαν λόγω της απολιγνιτοποίησης στα Εδαφικά "
    "Σχέδια Δίκαιης Μετάβασης Δυτικής Μακεδονίας και Μεγαλόπολης» (Β’ 1269), και ιδίως το άρθρο 7.",
    "Την υπ’ αρ. 1539/50/28.5.2024 απόφαση της Δ.ΥΠ.Α. περί Νέου Κανονισμού εξέτασης ενστάσεων (Β’ 3571).",
]
DECISION_ACT_7066 = {
    "authority": [
        "ΥΠΟΥΡΓΕΙΟ ΕΡΓΑΣΙΑΣ ΚΑΙ ΚΟΙΝΩΝΙΚΗΣ ΑΣΦΑΛΙΣΗΣ",
        "ΔΗΜΟΣΙΑ ΥΠΗΡΕΣΙΑ ΑΠΑΣΧΟΛΗΣΗΣ (Δ.ΥΠ.Α.)",
        "Αρμόδιο Κέντρο Προώθησης Απασχόλησης (ΚΠΑ2)",
    ],
    "place": "Αθήνα",
    # Art. 7.1: the head of the competent ΚΠΑ2 issues the approving or rejecting decision.
    "issuer": "Ο/Η ΠΡΟΪΣΤΑΜΕΝΟΣ/Η ΤΟΥ ΚΠΑ2",
    "signatory_role": "Ο/Η Προϊστάμενος/η του ΚΠΑ2",
}
LEGAL_BASIS_16936 = [
    "Το άρθρο 64 του ν. 4430/2016 «Κοινωνική και Αλληλέγγυα Οικονομία και ανάπτυξη των φορέων της και "
    "άλλες διατάξεις» (Α’ 205).",
    "Τον ν. 2956/2001 «Αναδιάρθρωση του Ο.Α.Ε.Δ. και άλλες διατάξεις» (Α’ 258).",
    "Τον ν. 4921/2022 «Δουλειές Ξανά: Αναδιοργάνωση Δημόσιας Υπηρεσίας Απασχόλησης και ψηφιοποίηση "
    "των υπηρεσιών της, αναβάθμιση δεξιοτήτων εργατικού δυναμικού και διάγνωσης των αναγκών εργασίας "
    "και άλλες διατάξεις» (Α’ 75).",
    "Τον Κανονισμό (ΕΕ) 2016/679 του Ευρωπαϊκού Κοινοβουλίου και του Συμβουλίου της 27ης Απριλίου 2016 "
    "(Γενικός Κανονισμός για την Προστασία Δεδομένων).",
    "Την υπ’ αριθμ. 16936/25.06.2025 κοινή απόφαση «Ειδικό πρόγραμμα απασχόλησης 100 ανέργων, στον "
    "Οργανισμό Πληρωμών και Ελέγχου Κοινοτικών Ενισχύσεων Προσανατολισμού και Εγγυήσεων "
    "(Ο.Π.Ε.Κ.Ε.Π.Ε.)» (Β’ 3360), και ιδίως τα άρθρα 4 έως 6.",
]
DECISION_ACT_16936 = {
    "authority": ["ΥΠΟΥΡΓΕΙΟ ΕΡΓΑΣΙΑΣ ΚΑΙ ΚΟΙΝΩΝΙΚΗΣ ΑΣΦΑΛΙΣΗΣ", "ΔΗΜΟΣΙΑ ΥΠΗΡΕΣΙΑ ΑΠΑΣΧΟΛΗΣΗΣ (Δ.ΥΠ.Α.)"],
    "place": "Αθήνα",
    "issuer": "Η ΔΗΜΟΣΙΑ ΥΠΗΡΕΣΙΑ ΑΠΑΣΧΟΛΗΣΗΣ",
    "signatory_role": "Ο/Η Προϊστάμενος/η του ΚΠΑ2",
}
LEGAL_BASIS_004 = [
    "Τον ν. 4914/2022 (Α’ 61) «Διαχείριση, έλεγχος και εφαρμογή αναπτυξιακών παρεμβάσεων για την "
    "προγραμματική περίοδο 2021-2027, σύσταση ανώνυμης εταιρείας «Εθνικό Μητρώο Νεοφυών Επιχειρήσεων "
    "Α.Ε.» και άλλες διατάξεις», όπως ισχύει.",
    "Τον ν. 3852/2010 «Νέα Αρχιτεκτονική της Διοίκησης και της Αποκεντρωμένης Διοίκησης - Πρόγραμμα "
    "Καλλικράτης».",
    "Την Υ.Α. 68967/7-7-2022 (Β’ 3692) με την οποία αναδιαρθρώθηκε η Ειδική Υπηρεσία Διαχείρισης του "
    "Προγράμματος «Κεντρική Μακεδονία», όπως ισχύει.",
    "Την Εκτελεστική Απόφαση της Επιτροπής C(2022) 6505 final/5.9.2022 για την έγκριση του προγράμματος "
    "«Κεντρική Μακεδονία» (CCI 2021EL16FFPR007), όπως τροποποιήθηκε με την C(2024) 3388 final/15-5-2024.",
    "Τον Κανονισμό (ΕΕ) αριθ. 1060/2021 του Ευρωπαϊκού Κοινοβουλίου και του Συμβουλίου της 24ης Ιουνίου "
    "2021 για τον καθορισμό κοινών διατάξεων για τα Ταμεία.",
    "Τον Κανονισμό (ΕΕ) αριθ. 651/2014 της Επιτροπής της 17ης Ιουνίου 2014 («Γενικός Απαλλακτικός "
    "Κανονισμός»), όπως τροποποιήθηκε και ισχύει.",
    "Την Υ.Α. 114947/29-11-2022 (Β’ 6132) «Εθνικοί Κανόνες Επιλεξιμότητας των δαπανών των πράξεων των "
    "Προγραμμάτων 2021-2027».",
    "Την Υ.Α. 110565/17-11-2022 (Β’ 5958) «Διαδικασία υποβολής και αξιολόγησης ενστάσεων επί των "
    "αποτελεσμάτων αξιολόγησης προτάσεων ένταξης στα Προγράμματα ΕΣΠΑ 2021-2027».",
    "Την υπ’ αριθ. 5910/23-12-2022 απόφαση του Περιφερειάρχη Κεντρικής Μακεδονίας «Ορισμός του «ΕΦΕΠΑΕ» "
    "ως Ενδιάμεσου Φορέα του Προγράμματος «Κεντρική Μακεδονία 2021-2027» και ανάθεση καθηκόντων της "
    "Διαχειριστικής Αρχής Περιφέρειας Κεντρικής Μακεδονίας για τη διαχείριση Πράξεων Κρατικών "
    "Ενισχύσεων».",
    "Την με αριθμό πρωτοκόλλου 1915/22-5-2024 Πρόσκληση «Συνεργατικοί σχηματισμοί για την προώθηση της "
    "καινοτομίας στην τοπική επιχειρηματικότητα», όπως τροποποιήθηκε και ισχύει.",
]
DECISION_ACT_004 = {
    "authority": [
        "ΠΕΡΙΦΕΡΕΙΑ ΚΕΝΤΡΙΚΗΣ ΜΑΚΕΔΟΝΙΑΣ",
        "ΕΙΔΙΚΗ ΥΠΗΡΕΣΙΑ ΔΙΑΧΕΙΡΙΣΗΣ ΠΡΟΓΡΑΜΜΑΤΟΣ «ΚΕΝΤΡΙΚΗ ΜΑΚΕΔΟΝΙΑ»",
    ],
    "place": "Θεσσαλονίκη",
    "issuer": "Η ΠΕΡΙΦΕΡΕΙΑΡΧΗΣ ΠΕΡΙΦΕΡΕΙΑΣ ΚΕΝΤΡΙΚΗΣ ΜΑΚΕΔΟΝΙΑΣ",
    "signatory_role": "Η Περιφερειάρχης Κεντρικής Μακεδονίας",
}


# Administrative verification checklists (verification.rules.checks; answers Ναι / Όχι / Δ.Α.).
CHECKLIST_7066 = [
    {
        "code": "7066-1",
        "text": "Το αίτημα υποβλήθηκε εντός 90 ημερών από τη λήξη του διμήνου και πριν από τη λήξη του προγράμματος.",
        "citation": "ΚΥΑ 7066 Άρθ. 8.1",
    },
    {
        "code": "7066-2",
        "text": "Υποβλήθηκαν οι ΑΠΔ του επιχορηγούμενου προσωπικού της έδρας και των υποκαταστημάτων (και για δώρα και επίδομα αδείας).",
        "citation": "ΚΥΑ 7066 Άρθ. 8.2 §1(i)",
    },
    {
        "code": "7066-3",
        "text": "Τα έντυπα ΕΡΓΑΝΗ (Ε3 πρόσληψης, Ε4 ετήσιος και συμπληρωματικός) επιβεβαιώνουν την απασχόληση.",
        "citation": "ΚΥΑ 7066 Άρθ. 8.2 §1(ii)",
    },
    {
        "code": "7066-4",
        "text": "Στο πρώτο αίτημα: η πρώτη σελίδα του τραπεζικού βιβλιαρίου με IBAN στο όνομα της επιχείρησης.",
        "citation": "ΚΥΑ 7066 Άρθ. 8.2 §1(iii)",
    },
    {
        "code": "7066-5",
        "text": "Υπεύθυνη δήλωση τήρησης των όρων, της εργατικής και ασφαλιστικής νομοθεσίας για την περίοδο.",
        "citation": "ΚΥΑ 7066 Άρθ. 8.2 §1(iv)",
    },
    {
        "code": "7066-6",
        "text": "Διατηρήθηκε ο αριθμός των εργαζομένων (μη μείωση προσωπικού) στην περίοδο.",
        "citation": "ΚΥΑ 7066 Άρθ. 4.1.2, 10",
    },
    {
        "code": "7066-7",
        "text": "Το ποσό υπολογίστηκε με το μοναδιαίο κόστος της κατηγορίας και τις ημέρες απασχόλησης.",
        "citation": "ΚΥΑ 7066 Άρθ. 5.1",
    },
    {
        "code": "7066-8",
        "text": "Φορολογική και ασφαλιστική ενημερότητα όταν το σύνολο υπερβαίνει τα 10.000 €.",
        "citation": "ΚΥΑ 7066 Άρθ. 8.2 §2, 8.6",
    },
]
CHECKLIST_004 = [
    {"code": "004-1", "text": "Εμπρόθεσμη υποβολή του αιτήματος.", "citation": "Πρόσκληση 004 §11.1.Β"},
    {
        "code": "004-2",
        "text": "Υλοποίηση του εγκεκριμένου φυσικού αντικειμένου.",
        "citation": "Πρόσκληση 004 §11.1.Β",
    },
    {
        "code": "004-3",
        "text": "Επιλεξιμότητα, ορθότητα, σκοπιμότητα, εγκυρότητα και νομιμότητα των δαπανών.",
        "citation": "Πρόσκληση 004 §11.1.Β",
    },
    {
        "code": "004-4",
        "text": "Ορθή κατανομή στις κατηγορίες και ανά ποσοτικό στοιχείο, τήρηση των ορίων.",
        "citation": "Πρόσκληση 004 §11.1.Β, §6.2",
    },
    {"code": "004-5", "text": "Εύλογο κόστος.", "citation": "Πρόσκληση 004 §11.1.Β"},
    {
        "code": "004-6",
        "text": "Παραστατικά έκδοσης και εξόφλησης και λογιστικές εγγραφές (ανά κατηγορία βιβλίων).",
        "citation": "Πρόσκληση 004 §11.1.Β, §11.2",
    },
    {
        "code": "004-7",
        "text": "Συμμόρφωση με τους όρους της Πρόσκλησης.",
        "citation": "Πρόσκληση 004 §11.1.Β",
    },
    {
        "code": "004-8",
        "text": "Ύψος των έμμεσων δαπανών (15% των δαπανών προσωπικού).",
        "citation": "Πρόσκληση 004 §11.1.Β, §6.2",
    },
]


# ΚΥΑ 7066 Art. 8.2 and Annex 5: the two-month claim's documents, by which claims need them.
CLAIM_DOCUMENTS_7066 = {
    ("04.01", "payment"): "κάθε αίτηση",
    ("01.16", "payment"): "πρώτη αίτηση",
    ("09.03", "payment"): "κάθε αίτηση",
    ("01.08", "payment"): "τελική αίτηση",
    ("02.06", "payment"): "κάθε αίτηση",
}


def kya7066() -> dict:
    total = _d("10726800.00")
    shares = split_budget(total, {"wm": 70, "meg": 30})
    binary = [
        ("1", "Ο δυνητικός δικαιούχος εμπίπτει στις κατηγορίες δικαιούχων", "Πληρότητα και επιλεξιμότητα"),
        (
            "2",
            "Τυπική πληρότητα: τηρήθηκε η διαδικασία και επισυνάπτονται όλα τα δικαιολογητικά",
            "Πληρότητα και επιλεξιμότητα",
        ),
        (
            "3",
            "Μη επικάλυψη με άλλα προγράμματα ή χρηματοδοτικά μέσα (διπλή χρηματοδότηση)",
            "Πληρότητα και επιλεξιμότητα",
        ),
        (
            "4",
            "Πληρούνται οι προϋποθέσεις της επιχείρησης (μη μείωση προσωπικού, κυρώσεις, θέσεις εντός ορίου, κλάδος, τόπος, de minimis, ανάκτηση)",
            "Πληρότητα και επιλεξιμότητα",
        ),
        ("5", "Ισότητα ανδρών και γυναικών", "Νομικό πλαίσιο και οριζόντιες πολιτικές"),
        (
            "6",
            "Χάρτης Θεμελιωδών Δικαιωμάτων· συμβατότητα με κανόνες ανταγωνισμού και κρατικών ενισχύσεων",
            "Νομικό πλαίσιο και οριζόντιες πολιτικές",
        ),
        ("7", "Μη διάκριση", "Νομικό πλαίσιο και οριζόντιες πολιτικές"),
        ("8", "Προσβασιμότητα ατόμων με αναπηρία (Παράρτημα 7)", "Νομικό πλαίσιο και οριζόντιες πολιτικές"),
    ]
    dl = [
        (
            "clarification_reply",
            "Απάντηση σε διευκρινίσεις του Προϊσταμένου ΚΠΑ2",
            5,
            "days",
            "calendar",
            "request",
            False,
            "ΚΥΑ 7066 Άρθ. 7.1β",
        ),
        (
            "objection",
            "Ένσταση κατά του αποτελέσματος αξιολόγησης (μία φορά)",
            10,
            "days",
            "calendar",
            "day_after_notification",
            False,
            "ΚΥΑ 7066 Άρθ. 7.5",
        ),
        (
            "objection_decision",
            "Απόφαση επί της ένστασης",
            15,
            "days",
            "working",
            "objection_deadline",
            False,
            "ΚΥΑ 7066 Άρθ. 7.5",
        ),
        (
            "hiring",
            "Πρόσληψη των ανέργων",
            60,
            "days",
            "calendar",
            "notification",
            False,
            "ΚΥΑ 7066 Άρθ. 7.4",
        ),
        (
            "payment_request",
            "Αίτημα καταβολής ανά δίμηνο απασχόλησης",
            90,
            "days",
            "calendar",
            "period_end",
            False,
            "ΚΥΑ 7066 Άρθ. 8.1",
        ),
        (
            "payment_objection",
            "Αντιρρήσεις επί αποφάσεων αιτήματος καταβολής",
            30,
            "days",
            "calendar",
            "notification",
            False,
            "ΚΥΑ 7066 Άρθ. 8.5",
        ),
        (
            "modification_objection",
            "Αντιρρήσεις επί αποτελέσματος τροποποίησης",
            10,
            "days",
            "calendar",
            "day_after_notification",
            False,
            "ΚΥΑ 7066 Άρθ. 9.3",
        ),
        (
            "replacement",
            "Αντικατάσταση αποχωρήσαντος (+30 ημέρες με απόφαση)",
            30,
            "days",
            "calendar",
            "event",
            False,
            "ΚΥΑ 7066 Άρθ. 10.2",
        ),
        (
            "repayment",
            "Επιστροφή αχρεωστήτως καταβληθέντων μετά την πρόσκληση ΔΥΠΑ",
            15,
            "days",
            "calendar",
            "event",
            False,
            "ΚΥΑ 7066 Άρθ. 11",
        ),
    ]
    att = [
        (
            "09.04",
            "Υπεύθυνη Δήλωση Σώρευσης de minimis (με πίνακα ενισχύσεων)",
            "application",
            True,
            "ΚΥΑ 7066 Παρ. 1, Άρθ. 6.13(i)",
        ),
        ("02.06", "Στοιχεία πραγματικών δικαιούχων", "application", True, "ΚΥΑ 7066 Παρ. 1, Άρθ. 6.13(ii)"),
        ("01.08", "Λοιπά απαιτούμενα συνοδευτικά έγγραφα", "application", False, "ΚΥΑ 7066 Παρ. 5"),
        (
            "04.01",
            "Δικαιολογητικά τεκμηρίωσης για δαπάνες προσωπικού (ΑΠΔ)",
            "payment",
            True,
            "ΚΥΑ 7066 Άρθ. 8.2 §1(i)",
        ),
        (
            "01.16",
            "Φωτοτυπία τραπεζικού εγγράφου (IBAN) — μόνο στο πρώτο αίτημα",
            "payment",
            True,
            "ΚΥΑ 7066 Άρθ. 8.2 §1(iii)",
        ),
        ("09.03", "Υπεύθυνη Δήλωση για την Καταβολή Ενίσχυσης", "payment", True, "ΚΥΑ 7066 Άρθ. 8.2 §1(iv)"),
        (
            "01.08",
            "Υπεύθυνη δήλωση καταβολής μισθοδοσίας και απόδοσης εισφορών και φόρων για όλο το διάστημα "
            "της επιχορήγησης — μόνο στην τελική αίτηση",
            "payment",
            True,
            "ΚΥΑ 7066 Άρθ. 8.2 §3",
        ),
        ("02.06", "Στοιχεία πραγματικών δικαιούχων", "payment", True, "ΚΥΑ 7066 Παρ. 5"),
        (
            "08.02",
            "Αποδεικτικό ασφαλιστικής ενημερότητας (αυτεπάγγελτα αν > 10.000 €)",
            "payment",
            False,
            "ΚΥΑ 7066 Άρθ. 8.2 §2, 8.6",
        ),
        (
            "08.03",
            "Αποδεικτικό φορολογικής ενημερότητας (αυτεπάγγελτα αν > 10.000 €)",
            "payment",
            False,
            "ΚΥΑ 7066 Άρθ. 8.2 §2, 8.6",
        ),
    ]
    return {
        "programme": {
            "code": "kya-7066-2025",
            "title": "Ειδικό πρόγραμμα επιχορήγησης επιχειρήσεων για την απασχόληση ανέργων στα ΕΣΔΙΜ Δυτικής Μακεδονίας και Μεγαλόπολης",
            "legal_act": "ΚΥΑ 7066/15.03.2025 (ΦΕΚ Β' 1269/17.03.2025)",
            "operational_programme": "Δίκαιη Αναπτυξιακή Μετάβαση 2021-2027",
            "cci": "2021EL16JTPR001",
            "fund": "Ταμείο Δίκαιης Μετάβασης και εθνική συμμετοχή",
            "managing_authority": "Ειδική Υπηρεσία Διαχείρισης ΔΑΜ",
        },
        "code": "kya7066-proslipseis-esdim",
        "versions": [
            {
                "label": "Αρχική",
                "decision_ref": "ΚΥΑ 7066/15.03.2025 (ΦΕΚ Β' 1269/17.03.2025)",
                "reason": "Δημοσίευση της πρόσκλησης.",
                "fields": {
                    "title": "Επιχορήγηση επιχειρήσεων για την απασχόληση ανέργων πρώην εργαζομένων σε επιχειρήσεις που επλήγησαν από την απολιγνιτοποίηση (ΕΣΔΙΜ Δυτικής Μακεδονίας και Μεγαλόπολης)",
                    "summary": "Επιχορήγηση 12 μηνών ανά νέα θέση πλήρους απασχόλησης: 1.185 € τον μήνα για ανέργους από πληττόμενους ή μετασχηματιζόμενους κλάδους (01.22) και 829,50 € για λοιπούς (01.23). Άμεση αξιολόγηση με σειρά προτεραιότητας έως εξάντληση του προϋπολογισμού κάθε περιοχής. Στόχος 1.000 νέες θέσεις.",
                    "aid_regime": "de_minimis",
                    "action_code": "7013",
                    "call_code": "4.1.4",
                    "operation_code": "6006368",
                    "managing_authority": "Ειδική Υπηρεσία Διαχείρισης ΔΑΜ",
                    "implementing_body": "ΔΥΠΑ (Δημόσια Υπηρεσία Απασχόλησης)",
                    "applicant_kind": "business",
                    "evaluation_method": "fcfs_direct",
                    "expenditure_eligibility_end": datetime.date(2029, 12, 31),
                    "total_budget": total,
                    "one_application_per_afm": False,
                    "over_pool_policy": "reserve_list",
                    "tie_policy": "submission_time",
                    "part_funding_allowed": False,
                    "kad_list_mode": "exclude",
                    "kad_scope": "main_and_establishment",
                    "config": {
                        "unit_cost": "1185.00",
                        "subsidy_months": 12,
                        "full_month_days": 25,
                        "clearance_threshold": "10000.00",
                        "de_minimis_ceiling": "300000.00",
                        "positions_target": 1000,
                        "legal_basis": LEGAL_BASIS_7066,
                        "decision_act": DECISION_ACT_7066,
                        # Ο.3 level-B rule for the claims (verification/rules/subprojects.py).
                        "subproject_type": "5005",
                        "verification_checklist": CHECKLIST_7066,
                        # Art. 8.5: 15 calendar days from the day after the notice when the report
                        # proposes a financial correction, 30 for the other decisions on a claim.
                        "verification_objection": {
                            "days": 15,
                            "counting": "calendar",
                            "roll_to_working_day": True,
                            "days_without_correction": 30,
                        },
                        "notes": [
                            "Οι ημερομηνίες υποβολής ορίζονται στη Δημόσια Πρόσκληση της ΔΥΠΑ, όχι στην ΚΥΑ (Άρθ. 1.4, 6.1).",
                            "Αιτήσεις γίνονται δεκτές έως τη λήξη ή την εξάντληση του προϋπολογισμού της περιοχής (Άρθ. 6.1).",
                        ],
                    },
                },
                "children": {
                    "pools": [
                        {
                            "code": "wm",
                            "label": "Περιφέρεια Δυτικής Μακεδονίας",
                            "share_percent": _d(70),
                            "amount": shares["wm"],
                            "citation": "ΚΥΑ 7066 Άρθ. 2.2",
                        },
                        {
                            "code": "meg",
                            "label": "Δήμοι Μεγαλόπολης, Γορτυνίας, Τρίπολης και Οιχαλίας",
                            "share_percent": _d(30),
                            "amount": shares["meg"],
                            "citation": "ΚΥΑ 7066 Άρθ. 2.2",
                        },
                    ],
                    "annual_allocations": [
                        {"year": 2025, "amount": _d("1072680.00")},
                        {"year": 2026, "amount": _d("5800000.00")},
                        {"year": 2027, "amount": _d("3854120.00")},
                    ],
                    "areas": [
                        {"level": "region", "region": "Δυτικής Μακεδονίας", "pool": "wm"},
                        {
                            "level": "municipality",
                            "region": "Πελοποννήσου",
                            "regional_unit": "Αρκαδίας",
                            "municipality": "Μεγαλόπολης",
                            "pool": "meg",
                        },
                        {
                            "level": "municipality",
                            "region": "Πελοποννήσου",
                            "regional_unit": "Αρκαδίας",
                            "municipality": "Τρίπολης",
                            "pool": "meg",
                        },
                        {
                            "level": "municipality",
                            "region": "Πελοποννήσου",
                            "regional_unit": "Αρκαδίας",
                            "municipality": "Γορτυνίας",
                            "pool": "meg",
                        },
                        {
                            "level": "municipality",
                            "region": "Πελοποννήσου",
                            "regional_unit": "Μεσσηνίας",
                            "municipality": "Οιχαλίας",
                            "pool": "meg",
                        },
                    ],
                    "kad_rules": annex2_rows(),
                    "unit_rates": [
                        {
                            "code": "01.22",
                            "label": "Άνεργοι από επιχειρήσεις πληττόμενων ή μετασχηματιζόμενων κλάδων",
                            "rate_percent": _d(100),
                            "monthly_amount": _d("1185.00"),
                            "citation": "ΚΥΑ 7066 Άρθ. 5.1.3",
                        },
                        {
                            "code": "01.23",
                            "label": "Άνεργοι από λοιπές επιχειρήσεις",
                            "rate_percent": _d(70),
                            "monthly_amount": _d("829.50"),
                            "citation": "ΚΥΑ 7066 Άρθ. 5.1.3",
                        },
                    ],
                    "criteria": [
                        {
                            "code": c,
                            "title": t,
                            "kind": "binary",
                            "group": g,
                            "citation": "ΚΥΑ 7066 Παρ. 4",
                            "position": i,
                        }
                        for i, (c, t, g) in enumerate(binary, 1)
                    ],
                    "deadlines": [
                        {
                            "kind": k,
                            "label": lab,
                            "length": n,
                            "unit": u,
                            "counting": cnt,
                            "anchor": a,
                            "roll_to_working_day": r,
                            "citation": cit,
                        }
                        for k, lab, n, u, cnt, a, r, cit in dl
                    ],
                    "attachments": [
                        {
                            "opske_code": c,
                            "name": n,
                            "stage": s,
                            "mandatory": m,
                            "citation": cit,
                            "position": i,
                            # Art. 8.2: which claims need it (verification.rules.claims_7066).
                            "applies_to": CLAIM_DOCUMENTS_7066.get((c, s), ""),
                        }
                        for i, (c, n, s, m, cit) in enumerate(att, 1)
                    ],
                },
            }
        ],
    }


# --- ΚΥΑ 16936/2025 ---------------------------------------------------------------------------


def kya16936() -> dict:
    grid = {
        "unemployment": {"points_per_month": 1, "cap_months": 12},
        "income_bands": [
            {"individual_max": "3500.00", "family_max": "7000.00", "points": 30},
            {"individual_max": "5000.00", "family_max": "10000.00", "points": 25},
            {"individual_max": "8000.00", "family_max": "16000.00", "points": 20},
            {"individual_max": "12000.00", "family_max": "26000.00", "points": 10},
            {"individual_max": None, "family_max": None, "points": 0},
        ],
        "age_bands": [
            {"min": 18, "max": 29, "points": 45},
            {"min": 30, "max": 44, "points": 35},
            {"min": 45, "max": 54, "points": 25},
            {"min": 55, "max": None, "points": 15},
        ],
        "children": {"points_per_child": 10, "cap": None},
        "tie_breakers": ["total", "unemployment", "income", "age", "children", "submitted_at"],
    }
    crit = [
        ("i", "Διάρκεια συνεχόμενης εγγεγραμμένης ανεργίας (1 μόριο/μήνα, έως 12)", "12"),
        ("ii", "Ετήσιο δηλωθέν εισόδημα (ατομικό ή οικογενειακό, 0–30 μόρια)", "30"),
        ("iii", "Ηλικία (18–29: 45, 30–44: 35, 45–54: 25, 55+: 15)", "45"),
        ("iv", "Ανήλικα τέκνα (10 μόρια ανά τέκνο, χωρίς ανώτατο όριο)", None),
    ]
    return {
        "programme": {
            "code": "kya-16936-2025",
            "title": "Ειδικό πρόγραμμα απασχόλησης 100 ανέργων στον Ο.Π.Ε.Κ.Ε.Π.Ε.",
            "legal_act": "ΚΥΑ 16936/25.06.2025 (ΦΕΚ Β' 3360/01.07.2025)",
            "fund": "Προϋπολογισμός ΔΥΠΑ, ΚΑΕ 2493 (εθνικοί πόροι)",
            "managing_authority": "ΔΥΠΑ",
        },
        "code": "kya16936-opekepe-100",
        "versions": [
            {
                "label": "Αρχική",
                "decision_ref": "ΚΥΑ 16936/25.06.2025 (ΦΕΚ Β' 3360/01.07.2025)",
                "reason": "Δημοσίευση της πρόσκλησης.",
                "fields": {
                    "title": "Ειδικό πρόγραμμα απασχόλησης 100 ανέργων στον Ο.Π.Ε.Κ.Ε.Π.Ε.",
                    "summary": "Απασχόληση 12 μηνών πλήρους απασχόλησης με μικτές αποδοχές 1.300 € τον μήνα. Οι άνεργοι υποβάλλουν μία αίτηση, μοριοδοτούνται (ανεργία, εισόδημα, ηλικία, τέκνα) και κατατάσσονται· ενστάσεις σε 3 εργάσιμες ημέρες.",
                    "aid_regime": "not_state_aid",
                    "managing_authority": "ΔΥΠΑ",
                    "implementing_body": "ΔΥΠΑ· φορέας υποδοχής Ο.Π.Ε.Κ.Ε.Π.Ε.",
                    "applicant_kind": "natural_person",
                    "evaluation_method": "points_ranking",
                    "total_budget": _d("1860000.00"),
                    "one_application_per_afm": True,
                    "over_pool_policy": "reserve_list",
                    "tie_policy": "criteria_order",
                    "part_funding_allowed": False,
                    "config": {
                        "monthly_gross_pay": "1300.00",
                        "subsidy_months": 12,
                        "positions_target": 100,
                        "legal_basis": LEGAL_BASIS_16936,
                        "decision_act": DECISION_ACT_16936,
                        "points_grid": grid,
                        "placement_preferences": {"min": 1, "max": 3},
                        # Art. 5(6): positions per service and education category (Annex I/II of the
                        # host's request; the demo's split is indicative and sums to each service's).
                        "category_positions": {
                            "opekepe-athina": {"ΠΕ": 15, "ΤΕ": 10, "ΔΕ": 10, "ΥΕ": 5},
                            "opekepe-thessaloniki": {"ΠΕ": 8, "ΤΕ": 7, "ΔΕ": 7, "ΥΕ": 3},
                            "opekepe-larisa": {"ΠΕ": 6, "ΤΕ": 6, "ΔΕ": 6, "ΥΕ": 2},
                            "opekepe-irakleio": {"ΠΕ": 5, "ΤΕ": 4, "ΔΕ": 4, "ΥΕ": 2},
                        },
                        # Art. 4(1)(γ) εδ. β': ΟΠΕΚΕΠΕ's positions are administrative staff.
                        "administrative_categories": ["ΠΕ", "ΤΕ", "ΔΕ", "ΥΕ"],
                        "notes": [
                            "Κρίσιμος χρόνος για προϋποθέσεις και κριτήρια: η λήξη των αιτήσεων (Άρθ. 5(6)).",
                            "Η κατανομή θέσεων ανά υπηρεσία τοποθέτησης προκύπτει από το Παράρτημα Ι του αιτήματος ένταξης του φορέα (Άρθ. 3(1)(α))· οι τιμές της επίδειξης είναι ενδεικτικές.",
                        ],
                    },
                },
                "children": {
                    "pools": [
                        {
                            "code": "y2025",
                            "label": "Έτος 2025",
                            "year": 2025,
                            "amount": _d("770000.00"),
                            "citation": "ΚΥΑ 16936 Αιτ. 35",
                        },
                        {
                            "code": "y2026",
                            "label": "Έτος 2026",
                            "year": 2026,
                            "amount": _d("1090000.00"),
                            "citation": "ΚΥΑ 16936 Αιτ. 35",
                        },
                    ],
                    "annual_allocations": [
                        {"year": 2025, "amount": _d("770000.00")},
                        {"year": 2026, "amount": _d("1090000.00")},
                    ],
                    "criteria": [
                        {
                            "code": c,
                            "title": t,
                            "kind": "points",
                            "max_score": _d(m) if m else None,
                            "citation": "ΚΥΑ 16936 Άρθ. 4(3)",
                            "position": i,
                        }
                        for i, (c, t, m) in enumerate(crit, 1)
                    ],
                    "placement_services": [
                        {
                            "code": "opekepe-athina",
                            "name": "Ο.Π.Ε.Κ.Ε.Π.Ε. — Κεντρική Υπηρεσία",
                            "regional_unit": "Κεντρικού Τομέα Αθηνών",
                            "positions": 40,
                        },
                        {
                            "code": "opekepe-thessaloniki",
                            "name": "Ο.Π.Ε.Κ.Ε.Π.Ε. — Περιφερειακή Υπηρεσία Θεσσαλονίκης",
                            "regional_unit": "Θεσσαλονίκης",
                            "positions": 25,
                        },
                        {
                            "code": "opekepe-larisa",
                            "name": "Ο.Π.Ε.Κ.Ε.Π.Ε. — Περιφερειακή Υπηρεσία Λάρισας",
                            "regional_unit": "Λάρισας",
                            "positions": 20,
                        },
                        {
                            "code": "opekepe-irakleio",
                            "name": "Ο.Π.Ε.Κ.Ε.Π.Ε. — Περιφερειακή Υπηρεσία Ηρακλείου",
                            "regional_unit": "Ηρακλείου",
                            "positions": 15,
                        },
                    ],
                    "deadlines": [
                        {
                            "kind": "objection",
                            "label": "Ενστάσεις κατά των προσωρινών πινάκων",
                            "length": 3,
                            "unit": "days",
                            "counting": "working",
                            "anchor": "day_after_posting",
                            "citation": "ΚΥΑ 16936 Άρθ. 5(8)",
                        },
                        {
                            "kind": "objection_decision",
                            "label": "Εξέταση ενστάσεων από το Δ.Σ. ΔΥΠΑ",
                            "length": 10,
                            "unit": "days",
                            "counting": "working",
                            "anchor": "objection_deadline",
                            "citation": "ΚΥΑ 16936 Άρθ. 5(9)",
                        },
                        {
                            "kind": "hiring",
                            "label": "Αναγγελία πρόσληψης Ε3 στο ΕΡΓΑΝΗ ΙΙ",
                            "length": 60,
                            "unit": "days",
                            "counting": "calendar",
                            "anchor": "referral",
                            "citation": "ΚΥΑ 16936 Άρθ. 6(4)",
                        },
                    ],
                    "attachments": [
                        {
                            "opske_code": "09.01",
                            "name": "Υπεύθυνη δήλωση ότι δεν έχει θεμελιωθεί ούτε ζητηθεί σύνταξη γήρατος",
                            "stage": "application",
                            "mandatory": True,
                            "citation": "ΚΥΑ 16936 Άρθ. 4(1)(δ)",
                            "position": 1,
                        },
                    ],
                },
            }
        ],
    }


# --- Call 004: ΠΚΜ 2021-2027, Δράση 1.3.3 ------------------------------------------------------

_RND_INDUSTRIAL = {"micro": 70, "small": 70, "medium": 60}
_EXPENSES = [
    # code, name, article, group, personnel, flat, intensity, table
    ("03.13", "Κτίρια, εγκαταστάσεις και περιβάλλων χώρος", "27", "investment", False, None, 65, None),
    ("02.06", "Λοιπός εξοπλισμός", "27", "investment", False, None, 65, None),
    (
        "02.07",
        "Εξοπλισμός έρευνας, εργαστηρίων και ποιοτικού ελέγχου",
        "27",
        "investment",
        False,
        None,
        65,
        None,
    ),
    ("02.19", "Ψηφιακός εξοπλισμός γραφείου", "27", "investment", False, None, 65, None),
    ("06.07", "Λογισμικό και άδειες χρήσης", "27", "investment", False, None, 65, None),
    ("04.18", "Υπηρεσίες SaaS / cloud / HaaS / EaaS", "27", "investment", False, None, 65, None),
    (
        "04.22",
        "Λοιπές συμβουλευτικές και υποστηρικτικές υπηρεσίες",
        "27",
        "investment",
        False,
        None,
        65,
        None,
    ),
    ("01.07", "Προσωπικό με σύμβαση μίσθωσης έργου", "27", "operating", True, None, 50, None),
    ("01.09", "Μισθολογικό κόστος νέου προσωπικού", "27", "operating", True, None, 50, None),
    ("01.10", "Μισθολογικό κόστος υφιστάμενου προσωπικού", "27", "operating", True, None, 50, None),
    ("07.02", "Αναβάθμιση υφιστάμενης ιστοσελίδας", "27", "operating", False, None, 50, None),
    ("07.03", "Προβολή σε κοινωνικά και επαγγελματικά δίκτυα", "27", "operating", False, None, 50, None),
    ("07.05", "Νέα ιστοσελίδα", "27", "operating", False, None, 50, None),
    ("07.06", "Έντυπες / ηλεκτρονικές καταχωρίσεις", "27", "operating", False, None, 50, None),
    ("07.07", "Μετακινήσεις, διαμονή και διατροφή ομάδας έργου", "27", "operating", False, None, 50, None),
    ("07.08", "Φιλοξενία / οργάνωση συναντήσεων", "27", "operating", False, None, 50, None),
    ("07.10", "Λοιπές δαπάνες προβολής και δικτύωσης", "27", "operating", False, None, 50, None),
    ("07.11", "Συμμετοχή σε εκθέσεις εσωτερικού", "27", "operating", False, None, 50, None),
    ("07.12", "Συμμετοχή σε εκθέσεις εξωτερικού", "27", "operating", False, None, 50, None),
    ("07.13", "Έντυπο ενημερωτικό υλικό", "27", "operating", False, None, 50, None),
    ("07.14", "Λογότυπος / εταιρική ταυτότητα", "27", "operating", False, None, 50, None),
    ("09.02", "Έμμεσες δαπάνες (15% των άμεσων δαπανών προσωπικού)", "27", "operating", False, 15, 50, None),
    (
        "04.02",
        "Συμβατική έρευνα (βιομηχανική έρευνα ή πειραματική ανάπτυξη)",
        "25",
        "rnd",
        False,
        None,
        None,
        "research",
    ),
    (
        "04.03",
        "Συμβουλευτικές και ισοδύναμες υπηρεσίες για την έρευνα",
        "25",
        "rnd",
        False,
        None,
        None,
        "research",
    ),
    ("04.06", "Μελέτη σκοπιμότητας", "25", "rnd", False, None, None, "feasibility"),
]


def _intensity_table(kind):
    if kind == "research":
        return {
            "industrial": _RND_INDUSTRIAL,
            "experimental": {"micro": 45, "small": 45, "medium": 35},
            "dissemination_bonus": 15,
            "cap": 80,
        }
    if kind == "feasibility":
        return {"feasibility": {"micro": 70, "small": 70, "medium": 60}}
    return {}


def call004() -> dict:
    criteria = [
        (
            "1",
            "Σαφήνεια στόχων, περιεχομένου και παραδοτέων",
            20,
            [
                _sub("α", "Σαφής και πλήρης ανάλυση στόχων", "2.5"),
                _sub("β", "Συνάφεια στόχων με τους στόχους της πρόσκλησης", "2.5"),
                _sub("γ", "Σαφές και πλήρες περιεχόμενο και μεθοδολογία υλοποίησης", "2.5"),
                _sub("δ", "Σαφήνεια παραδοτέων ανά φάση και τελικών", "2.5"),
            ],
        ),
        (
            "2",
            "Αξιολόγηση δαπανών έργου",
            10,
            [
                _sub("α", "Επενδυτικές δαπάνες (υλικές και άυλες)", "2.5"),
                _sub("β", "Λειτουργικές δαπάνες (προσωπικό, προβολή)", "2.5"),
                _sub("γ", "Δαπάνες Ε&Α&Κ (βιομηχανική έρευνα, πειραματική ανάπτυξη, σκοπιμότητα)", "5"),
            ],
        ),
        (
            "3",
            "Ποιότητα οργανωτικής δομής, τρόπου λειτουργίας και εμπειρίας",
            20,
            [
                _sub("α", "Πληρότητα οργανωτικού σχήματος και λειτουργίας", "2.5"),
                {
                    "code": "β",
                    "title": "Αριθμός εταίρων (≥10: 2,5 · 9: 2 · 8: 1,5 · 7: 1 · 6: 0,5 · 5: 0)",
                    "max": "2.5",
                    "scale": [],
                },
                _sub("γ", "Εμπειρία και αξιοπιστία της δομής λειτουργίας", "2.5"),
                _sub("δ", "Εμπειρία του υπεύθυνου συντονισμού και επικοινωνίας", "2.5"),
            ],
        ),
        (
            "4",
            "Αξιοποίηση και διάχυση αποτελεσμάτων, διατοπικές και διεθνείς συνεργασίες",
            15,
            [
                _sub("α", "Πληρότητα και ποιότητα μεθόδου αξιοποίησης και διάχυσης", "5"),
                _sub("β", "Βαθμός διατοπικής / διεθνούς συνεργασίας", "5"),
            ],
        ),
        (
            "5",
            "Επάρκεια οικονομικών πόρων / Βιωσιμότητα",
            20,
            [
                _sub("α", "Ικανότητα κάλυψης της ιδιωτικής συμμετοχής", "5"),
                _sub("β", "Τεκμηρίωση βιωσιμότητας μετά τη χρηματοδότηση", "5"),
            ],
        ),
        (
            "6",
            "Ανάπτυξη επιχειρηματικής καινοτομίας",
            15,
            [_sub("—", "Ενίσχυση ανταγωνιστικότητας των κλάδων του σχηματισμού", "10")],
        ),
    ]
    base_attachments = [
        (
            "Π.Ι-1α",
            "Έγγραφα νόμιμης ύπαρξης (ΓΕΜΗ, καταστατικό σχηματισμού, πραγματικοί δικαιούχοι)",
            "application",
            "υφιστάμενοι / νέοι",
        ),
        ("Π.Ι-1β", "Μνημόνιο συνεργασίας εταίρων", "application", "υπό σύσταση"),
        (
            "Π.Ι-2",
            "Φερεγγυότητα: πιστοποιητικό δικαστικής φερεγγυότητας, φορολογική και ασφαλιστική ενημερότητα",
            "application",
            "υφιστάμενοι / νέοι",
        ),
        (
            "Π.Ι-3",
            "Οικονομικές καταστάσεις ή Ε3/Ν 2022-2023",
            "application",
            "υφιστάμενοι / νέοι / κάθε εταίρος",
        ),
        (
            "Π.Ι-4",
            "Στοιχεία απασχόλησης (Ε4 ΕΡΓΑΝΗ 2022-2023)",
            "application",
            "υφιστάμενοι / νέοι / κάθε εταίρος",
        ),
        ("Π.Ι-5", "Άδεια λειτουργίας ή δήλωση μη απαίτησης", "application", "υφιστάμενοι / νέοι"),
        ("Π.Ι-6", "Απόφαση αρμόδιου οργάνου για την υποβολή", "application", "όλοι / κάθε εταίρος"),
        ("Π.Ι-7", "Υπεύθυνη δήλωση Υποδείγματος Α ή Β (Παρ. IV)", "application", "όλοι"),
        ("Π.Ι-8", "Δήλωση ΜΜΕ (Παρ. II)", "application", "όλοι / κάθε εταίρος"),
        (
            "Π.Ι-10",
            "Τεκμηρίωση εμπειρίας (βιογραφικό υπεύθυνου συντονισμού, δράσεις σχηματισμού)",
            "application",
            "όλοι",
        ),
        (
            "Π.Ι-11",
            "Τεκμηρίωση ιδιωτικής συμμετοχής (μέσο υπόλοιπο λογαριασμού / προέγκριση δανείου)",
            "application",
            "όλοι",
        ),
        ("04.19", "Παραστατικά δαπανών", "payment", "κάθε αίτημα επαλήθευσης"),
        ("04.12", "Αποδεικτικά εξόφλησης", "payment", "κάθε αίτημα επαλήθευσης"),
        ("04.13", "Λογιστικές εγγραφές", "payment", "κάθε αίτημα επαλήθευσης"),
        ("09.05", "Υπεύθυνη δήλωση δικαιούχου", "payment", "κάθε αίτημα επαλήθευσης"),
        ("07.03", "Πιστοποιητικό μητρώου myAADE", "payment", "κάθε αίτημα επαλήθευσης"),
        ("01.01", "Άδεια λειτουργίας", "payment", "μόνο τελικό αίτημα"),
        (
            "08.03",
            "Φορολογική ενημερότητα για είσπραξη χρημάτων από φορείς της Κεντρικής Διοίκησης",
            "payment_docs",
            "κάθε πληρωμή",
        ),
        ("08.02", "Ασφαλιστική ενημερότητα", "payment_docs", "κάθε πληρωμή"),
        ("09.03", "Υπεύθυνη Δήλωση για την Καταβολή Ενίσχυσης", "payment_docs", "κάθε πληρωμή"),
        ("01.16", "Τραπεζικό έγγραφο με IBAN", "payment_docs", "κάθε πληρωμή"),
        ("08.04", "Πιστοποιητικό δικαστικής φερεγγυότητας (≤ 2 μηνών)", "payment_docs", "κάθε πληρωμή"),
    ]
    publicity_v1 = [
        ("05.01", "Τεκμηρίωση δημοσιότητας (αφίσα / πινακίδα)", "payment", "μόνο τελικό αίτημα"),
        (
            "05.02",
            "Τεκμηρίωση δημοσιότητας (ιστοσελίδα / μέσα κοινωνικής δικτύωσης)",
            "payment",
            "μόνο τελικό αίτημα",
        ),
    ]

    def att(rows):
        return [
            {
                "opske_code": c,
                "name": n,
                "stage": s,
                "applies_to": a,
                "mandatory": True,
                "citation": "Πρόσκληση 004 Παρ. I, VI, VII",
                "position": i,
            }
            for i, (c, n, s, a) in enumerate(rows, 1)
        ]

    def deadlines(t0_anchor):
        rows = [
            (
                "objection",
                "Ενστάσεις κατά των αποτελεσμάτων αξιολόγησης (μία φορά)",
                10,
                "days",
                "calendar",
                "day_after_notification",
                False,
                "Πρόσκληση 004 §10.4",
            ),
            (
                "objection_decision",
                "Απόφαση επί ενστάσεων",
                15,
                "days",
                "working",
                "objection_deadline",
                False,
                "Πρόσκληση 004 §10.4",
            ),
            (
                "first_verification",
                "Πρώτο αίτημα επαλήθευσης (≥ 30% του π/υ)",
                18,
                "months",
                "calendar",
                t0_anchor,
                False,
                "Πρόσκληση 004 §11.1.Α",
            ),
            (
                "final_verification",
                "Τελικό αίτημα επαλήθευσης",
                30,
                "days",
                "calendar",
                "formal_end",
                True,
                "Πρόσκληση 004 §11.1.Α",
            ),
            (
                "payment_objection",
                "Αντιρρήσεις επί έκθεσης επαλήθευσης",
                15,
                "days",
                "calendar",
                "day_after_notification",
                True,
                "Πρόσκληση 004 §11.1.Γ",
            ),
            (
                "modification_objection",
                "Αντιρρήσεις επί απόρριψης μείζονος τροποποίησης",
                10,
                "days",
                "calendar",
                "day_after_notification",
                False,
                "Πρόσκληση 004 §12.5",
            ),
            (
                "completion",
                "Διάρκεια έργου (έως 30/06/2029)",
                40,
                "months",
                "calendar",
                t0_anchor,
                False,
                "Πρόσκληση 004 §6.5.2",
            ),
        ]
        return [
            {
                "kind": k,
                "label": lab,
                "length": n,
                "unit": u,
                "counting": cnt,
                "anchor": a,
                "roll_to_working_day": r,
                "citation": cit,
            }
            for k, lab, n, u, cnt, a, r, cit in rows
        ]

    config_v1 = {
        "partner_composition": {
            "min_research_orgs": 1,
            "min_smes": 5,
            "max_partner_share_percent_under_establishment": "25",
            "cluster_types": ["existing", "new", "under_establishment"],
        },
        "partner_count_scale": [
            {"min_partners": 10, "score": "2.5"},
            {"min_partners": 9, "score": "2"},
            {"min_partners": 8, "score": "1.5"},
            {"min_partners": 7, "score": "1"},
            {"min_partners": 6, "score": "0.5"},
            {"min_partners": 5, "score": "0"},
        ],
        "sectors": [
            "Αγροδιατροφική αλυσίδα",
            "Βιοεπιστήμες – Υγεία – Φάρμακα",
            "Ψηφιακές Τεχνολογίες",
            "Αειφόρος Ενέργεια",
            "Περιβάλλον και Κυκλική Οικονομία",
            "Υλικά, Κατασκευές και Βιομηχανία",
            "Τουρισμός, Πολιτισμός, Δημιουργικές Βιομηχανίες",
        ],
        "min_private_share_percent": "25",
        "attachments_total_max_mb": 50,
        # §11.1.A: first request ≥ 30%; at most two interim requests, each at 30%–80% of the
        # subsidised object; the second one at the latest 4 months before the formal end.
        # §11.2: a payment above 500 € net of VAT only through a bank.
        "verification_requests": {
            "first_min_percent": "30",
            "interim_min_percent": "30",
            "interim_max_percent": "80",
            "interim_max_count": 2,
            "last_interim_months_before_end": 4,
            "cash_max_net": "500.00",
        },
        "project_duration_months": 40,
        "implementation_end_cap": "2029-06-30",
        "legal_basis": LEGAL_BASIS_004,
        "decision_act": DECISION_ACT_004,
        "subproject_type": "5005",
        "verification_checklist": CHECKLIST_004,
        # §11.1.Γ: «αποκλειστικής προθεσμίας δέκα πέντε (15) ημερολογιακών ημερών από την επομένη
        # της ηλεκτρονικής κοινοποίησης»; a non-working last day moves to the next working day.
        "verification_objection": {"days": 15, "counting": "calendar", "roll_to_working_day": True},
        "gaps": {"criterion_aggregation": "sum", "min_budget_inclusive": "inclusive"},
        "implementation": {
            "duration_extension_route": "Αίτημα τροποποίησης στο ΟΠΣΚΕ",
            "verification_result_response": "Μόνο αντιρρήσεις",
            "first_request_t0": "Ημερομηνία έγκρισης των αποτελεσμάτων αξιολόγησης",
            "verification_clarifications_channel": "Όπως ορίζει το ΣΔΕ",
        },
    }
    config_v3 = {
        **config_v1,
        "implementation": {
            "duration_extension_route": "Τροποποίηση της Πρόσκλησης με e-mail προς τον ΕΦ (όχι αίτημα τροποποίησης ΟΠΣΚΕ)",
            "verification_result_response": "Αποδοχή στο ΟΠΣΚΕ ή αντιρρήσεις",
            "first_request_t0": "Ηλεκτρονική κοινοποίηση της τελικής έγκρισης ή του αποτελέσματος ενστάσεων",
            "verification_clarifications_channel": "Μέσω ΟΠΣΚΕ· με e-mail (χρήστη και συντονιστή) μόνο όταν δεν είναι δυνατό",
            "modification_types": {
                "02": "Αλλαγή / προσθήκη τόπου υλοποίησης ή ΚΑΔ επένδυσης (μείζων)",
                "03": "Αλλαγή νόμιμου εκπροσώπου (ήσσων)",
                "04": "Αλλαγή υπεύθυνου συντονισμού και επικοινωνίας (μείζων)",
                "05": "Αλλαγή μετοχικής / εταιρικής σύνθεσης (μείζων)",
                "07": "Φυσικό και οικονομικό αντικείμενο, μετακίνηση έως 25% ανά κατηγορία (μείζων)",
                "10": "Αλλαγή σχήματος χρηματοδότησης (ήσσων)",
            },
        },
    }
    payment_v3 = [
        (c, n, s, "κάθε αίτημα (ενδιάμεσο ή τελικό)" if c in ("05.01", "05.02") else a)
        for c, n, s, a in publicity_v1
    ] + [
        (
            "02.06",
            "Βεβαίωση Μητρώου Πραγματικών Δικαιούχων (άρθ. 20 ν.4557/2018)",
            "payment",
            "κάθε αίτημα επαλήθευσης",
        )
    ]
    base_v3 = [
        (
            c,
            "Φορολογική ενημερότητα για είσπραξη χρημάτων από φορείς εκτός Κεντρικής Διοίκησης"
            if c == "08.03"
            else (
                "Ασφαλιστική ενημερότητα για είσπραξη εκκαθαρισμένων απαιτήσεων από το Δημόσιο, χωρίς παρακράτηση"
                if c == "08.02"
                else n
            ),
            s,
            a,
        )
        for c, n, s, a in base_attachments
    ]
    common_children = {
        "pools": [
            {
                "code": "pkm",
                "label": "Περιφέρεια Κεντρικής Μακεδονίας",
                "share_percent": _d(100),
                "amount": _d("4000000.00"),
                "citation": "Πρόσκληση 004 §7.1",
            }
        ],
        "areas": [{"level": "region", "region": "Κεντρικής Μακεδονίας", "pool": "pkm"}],
        "expense_categories": [
            {
                "code": c,
                "name": n,
                "gber_article": art,
                "budget_group": g,
                "is_personnel": pers,
                "flat_rate_percent": _d(flat) if flat is not None else None,
                "aid_intensity_percent": _d(inten) if inten is not None else None,
                "intensity_table": _intensity_table(tab),
                "position": i,
            }
            for i, (c, n, art, g, pers, flat, inten, tab) in enumerate(_EXPENSES, 1)
        ],
        "budget_limits": [
            {"budget_group": "investment", "max_share_percent": _d(50), "citation": "Πρόσκληση 004 §7.5"},
            {"budget_group": "operating", "max_share_percent": _d(90), "citation": "Πρόσκληση 004 §7.5"},
            {"budget_group": "rnd", "max_share_percent": _d(25), "citation": "Πρόσκληση 004 §7.5"},
        ],
        "criteria": [
            {
                "code": c,
                "title": t,
                "kind": "scored",
                "weight_percent": _d(w),
                "max_score": _d(10),
                "sub_criteria": subs,
                "citation": "Πρόσκληση 004 Παρ. V §3",
                "position": i,
            }
            for i, (c, t, w, subs) in enumerate(criteria, 1)
        ],
    }
    fields = {
        "title": "Συνεργατικοί Σχηματισμοί για την προώθηση της καινοτομίας στην τοπική επιχειρηματικότητα",
        "summary": "Μη επιστρεπτέα επιχορήγηση σε φορείς συνεργατικών σχηματισμών καινοτομίας της Κεντρικής Μακεδονίας (ΓΑΚ άρθ. 25 και 27). Επιχορηγούμενος π/υ 300.000–500.000 € ανά έργο· συγκριτική αξιολόγηση με 6 σταθμισμένα κριτήρια και βάση 5.",
        "aid_regime": "gber",
        "gber_articles": "25, 27",
        "action_code": "1.3.3",
        "managing_authority": "Ειδική Υπηρεσία Διαχείρισης Προγράμματος «Κεντρική Μακεδονία» (ΕΥΔ ΠΚΜ)",
        "implementing_body": "ΕΦΕΠΑΕ (Ενδιάμεσος Φορέας)",
        "applicant_kind": "cluster",
        "evaluation_method": "comparative",
        "official_window_start": _at(2024, 7, 4, 12, 0),
        "official_window_end": _at(2024, 10, 4, 15, 0),
        "expenditure_eligibility_end": datetime.date(2029, 6, 30),
        "total_budget": _d("4000000.00"),
        "min_project_budget": _d("300000.00"),
        "max_project_budget": _d("500000.00"),
        "pass_mark": _d("5.00"),
        "one_application_per_afm": True,
        "over_pool_policy": "reserve_list",
        "tie_policy": "committee",
        "part_funding_allowed": False,
        "kad_list_mode": "none",
        "eligible_legal_forms": ["ΟΕ", "ΕΕ", "ΕΠΕ", "ΑΕ", "ΙΚΕ", "ΑΜΚΕ", "Λοιπό μη κερδοσκοπικό ΝΠΙΔ"],
        "eligible_sizes": ["micro", "small", "medium"],
        "config": config_v1,
    }
    return {
        "programme": {
            "code": "pkm-2021-2027",
            "title": "Πρόγραμμα «Κεντρική Μακεδονία» 2021-2027",
            "legal_act": "C(2022) 6505 final/5.9.2022, όπως τροποποιήθηκε με C(2024) 3388 final/15.5.2024",
            "operational_programme": "Κεντρική Μακεδονία 2021-2027",
            "cci": "2021EL16FFPR007",
            "fund": "ΕΤΠΑ και εθνική συμμετοχή",
            "managing_authority": "ΕΥΔ ΠΚΜ",
        },
        "code": "pkm-133-synergatikoi-sxhmatismoi",
        "versions": [
            {
                "label": "Αρχική",
                "decision_ref": "Α.Π. 1915/22-5-2024 (ΑΔΑ 6Κ9Ε7ΛΛ-3ΛΧ)",
                "reason": "Αναλυτική Πρόσκληση της Δράσης 1.3.3.",
                "fields": fields,
                "children": {
                    **common_children,
                    "attachments": att(base_attachments + publicity_v1),
                    "deadlines": deadlines("approval"),
                },
            },
            {
                "label": "1η τροποποίηση",
                "decision_ref": "(αναφέρεται ως «όπως τροποποιήθηκε και ισχύει»)",
                "reason": "Η 1η τροποποίηση αναφέρεται στη 2η τροποποίηση αλλά το περιεχόμενό της δεν περιγράφεται· καταχωρίζεται χωρίς αλλαγή παραμέτρων.",
                "fields": {},
                "children": {},
                "allow_empty": True,
            },
            {
                "label": "2η τροποποίηση",
                "decision_ref": "ΑΔΑ 9ΑΜ67ΛΛ-Ε0Η (Αρ.Πρωτ. 265)",
                "reason": (
                    "Α.1 Η παράταση διάρκειας γίνεται με τροποποίηση της Πρόσκλησης (e-mail στον ΕΦ), όχι με αίτημα τροποποίησης. "
                    "Α.2 Αφετηρία της 18μηνης προθεσμίας: η ηλεκτρονική κοινοποίηση της τελικής έγκρισης ή του αποτελέσματος ενστάσεων. "
                    "Α.3 Διευκρινίσεις μέσω ΟΠΣΚΕ· ο δικαιούχος αποδέχεται ή υποβάλλει αντιρρήσεις. "
                    "Α.4 Αντικατάσταση του Κεφ. 12 (τροποποιήσεις, κωδικοί ΟΠΣΚΕ 02/03/04/05/07/10). "
                    "Α.5 Κωδικοί ΟΠΣΚΕ στα παραδοτέα· προσθήκη 02.06· δημοσιότητα 05.01/05.02 σε κάθε αίτημα. "
                    "Α.6 Νέα διατύπωση φορολογικής και ασφαλιστικής ενημερότητας."
                ),
                "fields": {"config": config_v3},
                "children": {
                    "attachments": att(base_v3 + payment_v3),
                    "deadlines": deadlines("notification"),
                },
            },
        ],
    }


ALL = (kya7066, kya16936, call004)
