"""Per-call choices for the places where a seed text is silent or contradicts itself.

Each entry is one [GAP]/[INCONSISTENCY] of the domain notes that changes an outcome. A call stores
its choice in `Call.config["gaps"][key]`; a missing key means the default, which is the note's
recommendation. The staff UI renders these as selects with the citation as help text, so the chosen
reading is visible in the admin (domain README, "Decisions on the gaps").

A setting the portal shows must take effect. One that belongs to a capability not built yet
(operations, verification, payments) carries `pending=<capability>`: the call editor hides it and
its stored value is kept as it is, until the rule that reads it lands and clears `pending`. The
same holds for keys of the call configuration schema (`"x-pending"` in calls.schema) and for call
fields (`PENDING_CALL_FIELDS`). tests/test_settings_wired.py fails when a setting that is not
pending is read by no rule, or has no `test_setting_<key>_changes_outcome` test.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GapSetting:
    key: str
    label: str
    choices: tuple[tuple[str, str], ...]
    default: str
    citation: str
    methods: tuple[str, ...] = ()  # evaluation methods it applies to; empty = all
    pending: str = ""  # the capability that will read it, not built yet ("operations", "payments")


GAP_SETTINGS: tuple[GapSetting, ...] = (
    GapSetting(
        "clarification_days_counting",
        "Μέτρηση προθεσμίας διευκρινίσεων (5 ημέρες)",
        (("calendar", "Ημερολογιακές"), ("working", "Εργάσιμες")),
        "calendar",
        "ΚΥΑ 7066 Άρθ. 7.1β (κενό 4): προεπιλογή ημερολογιακές, με νομική επιβεβαίωση.",
        ("fcfs_direct",),
    ),
    GapSetting(
        "headcount_window",
        "Μήνας ελέγχου μη μείωσης προσωπικού",
        (
            ("rolling", "Κυλιόμενος μήνας [Υ−1 μήνας, Υ]"),
            ("previous_calendar", "Προηγούμενος ημερολογιακός μήνας"),
        ),
        "rolling",
        "ΚΥΑ 7066 Άρθ. 4.1.2 (κενό 5).",
        ("fcfs_direct",),
    ),
    GapSetting(
        "hiring_deadline_anchor",
        "Αφετηρία 60ήμερης προθεσμίας πρόσληψης",
        (("email_sent", "Αποστολή μηνύματος έγκρισης"), ("decision_issued", "Έκδοση εγκριτικής απόφασης")),
        "email_sent",
        "ΚΥΑ 7066 Άρθ. 7.4 και 7.3 (κενό 2): η προθεσμία πρόσληψης των θέσεων της πράξης "
        "(operations.rules.hires.hiring_anchor).",
        ("fcfs_direct",),
    ),
    GapSetting(
        "never_employed_category",
        "Άνεργος χωρίς προηγούμενη απασχόληση",
        (("flag", "Επισήμανση για απόφαση"), ("rate_0123", "Κατηγορία 01.23 (70%)")),
        "flag",
        "ΚΥΑ 7066 Άρθ. 5.1.3 (κενό 17).",
        ("fcfs_direct",),
        # Read by applications.rules.unemployed_category through the hire's referral check of
        # Art. 4.2.1/7.4 (operations.services.hires.hire_record).
    ),
    GapSetting(
        "reedit_priority",
        "Προτεραιότητα αίτησης μετά από επανεπεξεργασία",
        (
            ("requeue", "Νέα χρονοσφραγίδα = νέα θέση στη σειρά προτεραιότητας"),
            ("keep", "Διατηρεί την αρχική θέση (καταγράφεται η νέα χρονοσφραγίδα)"),
        ),
        "requeue",
        "ΚΥΑ 7066 Άρθ. 6.7, 6.8, 7.2: «νέα χρονοσφραγίδα, ίδιος αριθμός» "
        "(applications.rules.priority_after_reedit).",
        ("fcfs_direct",),
    ),
    GapSetting(
        "clawback_reading",
        "Ανάκτηση μετά από παράβαση",
        (
            ("proportional", "Αναλογική επιστροφή (εισπραχθέντα × υπόλοιπο/σύνολο)"),
            ("stop_future", "Μόνο διακοπή πληρωμών"),
        ),
        "proportional",
        "ΚΥΑ 7066 Άρθ. 11, άρθ. 29 §7 ν.1262/1982 (κενό 21): αποφασίζει το Δ.Σ. ΔΥΠΑ.",
        ("fcfs_direct",),
    ),
    GapSetting(
        "late_payment_request",
        "Αίτημα καταβολής μετά τις 90 ημέρες",
        (("block", "Δεν επιτρέπεται"), ("flag", "Επιτρέπεται με επισήμανση")),
        "flag",
        "ΚΥΑ 7066 Άρθ. 8.1 (κενό 3): η υποβολή της αίτησης καταβολής "
        "(verification.services.claims_7066, verification.rules.claims_7066.claim_timing).",
        ("fcfs_direct",),
    ),
    GapSetting(
        "income_column",
        "Στήλη εισοδήματος (ατομικό / οικογενειακό)",
        (
            ("joint_return_family", "Οικογενειακό όταν υπάρχει κοινή δήλωση, αλλιώς ατομικό"),
            ("individual", "Πάντα ατομικό"),
        ),
        "joint_return_family",
        "ΚΥΑ 16936 Άρθ. 4(3)(ii) (ερώτημα 1).",
        ("points_ranking",),
    ),
    GapSetting(
        "age_rule",
        "Υπολογισμός ηλικίας",
        (
            ("completed_years_at_deadline", "Συμπληρωμένα έτη στη λήξη υποβολών"),
            ("birth_year", "Διαφορά ετών γέννησης"),
        ),
        "completed_years_at_deadline",
        "ΚΥΑ 16936 Άρθ. 4(3)(iii), 5(6) (ερώτημα 2).",
        ("points_ranking",),
    ),
    GapSetting(
        "absence_divisor",
        "Διαιρέτης ημερών για περικοπή αδικαιολόγητης απουσίας",
        (("25", "25"), ("26", "26"), ("30", "30")),
        "25",
        "ΚΥΑ 16936 Άρθ. 7(6) (ερώτημα 6).",
        ("points_ranking",),
        # Read by payments.services.wages (the monthly pay cut, payments.programmes.kya16936).
    ),
    GapSetting(
        "hazardous_allowance_reading",
        "Επίδομα επικίνδυνης και ανθυγιεινής εργασίας",
        (
            ("on_top", "Επιπλέον των μηνιαίων μικτών αποδοχών"),
            ("inside", "Εντός των μηνιαίων μικτών αποδοχών"),
        ),
        "on_top",
        "ΚΥΑ 16936 Άρθ. 7(1)(α) (σημείωμα 002 §7.1 [GAP], παράδειγμα F): «συμπεριλαμβάνεται» στις "
        "ακαθάριστες αποδοχές· δεν ορίζεται αν είναι εντός ή επιπλέον των 1.300 €.",
        ("points_ranking",),
    ),
    GapSetting(
        "replacement_contract_length",
        "Διάρκεια σύμβασης αντικαταστάτη",
        (("remaining_months", "Οι υπόλοιποι μήνες"), ("full_12", "Πλήρεις 12 μήνες")),
        "remaining_months",
        "ΚΥΑ 16936 Άρθ. 6(8) (ερώτημα 7).",
        ("points_ranking",),
    ),
    GapSetting(
        "criterion_aggregation",
        "Βαθμός κριτηρίου από υποκριτήρια",
        (("sum", "Άθροισμα (≤10)"), ("average", "Μέσος όρος")),
        "sum",
        "Πρόσκληση 004 Παρ. V §3 (ασυνέπεια 4): ισχύει το άθροισμα.",
        ("comparative",),
    ),
    GapSetting(
        "score_rounding",
        "Σύγκριση με τη βάση",
        (
            ("unrounded", "Χωρίς στρογγυλοποίηση· 2 δεκαδικά μόνο στην εμφάνιση"),
            ("two_decimals", "Μετά από στρογγυλοποίηση σε 2 δεκαδικά"),
        ),
        "unrounded",
        "Πρόσκληση 004 Παρ. V §3 (κενό).",
        ("comparative",),
    ),
    GapSetting(
        "indirect_cost_rule",
        "Έμμεσες δαπάνες 15%",
        (("exact", "Ακριβώς 15% (με ανοχή 0,01 €)"), ("at_most", "Έως 15%")),
        "exact",
        "Πρόσκληση 004 §6.1, §7.5.",
        ("comparative",),
    ),
    GapSetting(
        "min_budget_inclusive",
        "Ελάχιστος προϋπολογισμός 300.000 €",
        (("inclusive", "Επιλέξιμο το ίδιο το ελάχιστο (§6.5.1)"), ("exclusive", "Μόνο μεγαλύτερο (§4.c22)")),
        "inclusive",
        "Πρόσκληση 004 §6.5.1 έναντι §4.c22 (ασυνέπεια 11).",
        ("comparative",),
    ),
    GapSetting(
        "implementation_start_anchor",
        "Έναρξη υλοποίησης (Τ0)",
        (
            ("notification", "Ηλεκτρονική κοινοποίηση τελικής έγκρισης / αποτελέσματος ενστάσεων"),
            ("approval_decision", "Απόφαση έγκρισης αποτελεσμάτων"),
            ("inclusion_decision", "Απόφαση ένταξης"),
        ),
        "notification",
        "Πρόσκληση 004 §10.3 και 2η τροποποίηση Α.2 (ασυνέπεια 1).",
        ("comparative",),
    ),
)

# ΚΥΑ 7066 Art. 6.5 against Annex 4 / Art. 7.2, 7.5. Art. 6.5: when the data fetched from other
# public databases show a formal prerequisite failing, the final submission cannot complete.
# Annex 4 criterion 4 evaluates the same conditions (de minimis ceiling, the positions' cap) and a
# ΟΧΙ is a reasoned rejection the business may object to. Both readings fit the seed for a check
# whose data come from a registry (ΠΣΣΕΗΣ); the default is Art. 6.5's, the one a managing authority
# defends since the rule is explicit and a doomed application then reserves no budget. A check only
# the applicant's own declaration shows is never «interoperable data»: it is always evaluated
# (criterion 4 computed as ΟΧΙ with its figures, evaluation.services.pre_inclusion_check_complete).
GAP_SETTINGS += (
    GapSetting(
        "interoperable_prerequisite_failure",
        "Αποτυχία τυπικής προϋπόθεσης από διαλειτουργικά δεδομένα (π.χ. όριο de minimis στο ΠΣΣΕΗΣ)",
        (
            ("block_submission", "Δεν επιτρέπεται η οριστική υποβολή (Άρθ. 6.5)"),
            (
                "evaluate_and_reject",
                "Υποβάλλεται· κριτήριο 4 = ΟΧΙ, αιτιολογημένη απόρριψη με ένσταση (Παρ. 4, Άρθ. 7.2, 7.5)",
            ),
        ),
        "block_submission",
        "ΚΥΑ 7066 Άρθ. 6.5 έναντι Παρ. 4 κριτ. 4 και Άρθ. 7.2, 7.5.",
        ("fcfs_direct",),
    ),
)

# Not a gap of the text but a per-call working choice: who gives a submitted application its one
# evaluator (ΚΥΑ 7066 Art. 7.1α: «ένας αξιολογητής ανά αίτηση», with a signed no-conflict
# declaration; Art. 7.2: examined in priority order). The seed does not say how the person is
# chosen. Default «auto»: the balanced, conflict-aware pick (`evaluation.services.assignment_auto`)
# right after the submission is recorded, so evaluation follows the FCFS order without waiting for
# a clerk; «manual» leaves it in the programme administrator's queue of unassigned applications.
GAP_SETTINGS += (
    GapSetting(
        key="assignment",
        label="Ανάθεση αιτήσεων σε αξιολογητή",
        choices=(
            ("auto", "Αυτόματη με την οριστικοποίηση (ισόρροπη, χωρίς σύγκρουση συμφερόντων)"),
            ("manual", "Από τον διαχειριστή προγράμματος (ουρά μη ανατεθειμένων αιτήσεων)"),
        ),
        default="auto",
        citation="ΚΥΑ 7066 Άρθ. 7.1α, 7.2: ένας αξιολογητής ανά αίτηση, με τη σειρά προτεραιότητας· "
        "ο τρόπος χρέωσης δεν ορίζεται.",
        methods=("fcfs_direct",),
    ),
)

# Πρόσκληση 004 §11.1.A, read by verification.rules.requests. «Αιτήματα Ενδιάμεσης Επαλήθευσης …
# να αφορούν εκτέλεση έργου τουλάχιστον 30% και έως 80%»: the text does not say whether the range
# is the project's cumulative implementation after the request, or the amount of each request on
# its own. The note (§8.3) reads it cumulatively, as the «εκτέλεση έργου» of the operation.
# And §11.1.A on a first request after 18 months: «δύναται να ανακληθεί η Απόφαση Ένταξης» — the
# text lets the managing body revoke, it does not say the late request is refused.
GAP_SETTINGS += (
    GapSetting(
        key="interim_percent_basis",
        label="Όρια 30%–80% ενδιάμεσου αιτήματος επαλήθευσης",
        choices=(
            ("cumulative", "Σωρευτικά: η συνολική υλοποίηση μετά το αίτημα"),
            ("each", "Το ποσό κάθε αιτήματος χωριστά"),
        ),
        default="cumulative",
        citation="Πρόσκληση 004 §11.1.A: «εκτέλεση έργου τουλάχιστον 30% και έως 80%».",
        methods=("comparative",),
    ),
    GapSetting(
        key="late_first_request",
        label="Πρώτο αίτημα επαλήθευσης μετά την προθεσμία (18 μήνες)",
        choices=(
            ("refuse", "Δεν υποβάλλεται"),
            ("flag", "Υποβάλλεται με επισήμανση για διαδικασία ανάκλησης"),
        ),
        default="refuse",
        citation="Πρόσκληση 004 §11.1.A: «δύναται να ανακληθεί η Απόφαση Ένταξης».",
        methods=("comparative",),
    ),
)

GAPS_BY_KEY = {g.key: g for g in GAP_SETTINGS}


def gap_value(config: dict, key: str) -> str:
    """The call's reading of gap `key`, or the note's recommendation when none was chosen."""
    return (config or {}).get("gaps", {}).get(key, GAPS_BY_KEY[key].default)


def gaps_for_method(method: str, *, include_pending: bool = False) -> list[GapSetting]:
    """The settings of a call with this evaluation method; the editor leaves out pending ones."""
    return [
        g
        for g in GAP_SETTINGS
        if (not g.methods or method in g.methods) and (include_pending or not g.pending)
    ]


# Call fields the editor would show but nothing reads yet, by the capability that will read them.
PENDING_CALL_FIELDS: dict[str, str] = {
    # (Πρόσκληση 004 §6.1 `expenditure_eligibility_end` is read by verification.rules.requests.)
}


def validate_gaps(gaps: dict) -> dict[str, list[str]]:
    """Field errors for unknown keys or values outside a gap's choices."""
    errors: dict[str, list[str]] = {}
    for key, value in (gaps or {}).items():
        setting = GAPS_BY_KEY.get(key)
        if setting is None:
            errors.setdefault("config", []).append(f"Άγνωστη ρύθμιση κενού «{key}».")
        elif value not in {c for c, _ in setting.choices}:
            errors.setdefault("config", []).append(f"Μη έγκυρη τιμή «{value}» για «{setting.label}».")
    return errors
