"""The bank's formats of a payment order, as pure functions over plain values (no database).

- Out: the SEPA credit transfer initiation **pain.001.001.03** (ISO 20022, EPC SCT rulebook),
  built with `sepaxml.SepaTransfer` and validated by it against the XSD it ships, and an XLSX of
  the same lines for the paying service's own checks.
- In: the bank's **pain.002.001.03** payment status report (TxSts per EndToEndId, StsRsnInf reason
  on a rejection) or a **camt.054.001.02** debit notification (booked entries with the EndToEndId
  of each transfer; a returned one carries RtrInf), read with lxml by namespace.
- Checks every line must pass before an order is written: the IBAN (schwifty: country format and
  ISO 7064 check digits, a SEPA country) and, for a business, the ΑΦΜ (python-stdnum gr.vat).
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from lxml import etree

PAIN001 = "pain.001.001.03"
NS_PAIN001 = f"urn:iso:std:iso:20022:tech:xsd:{PAIN001}"
NS_PAIN002 = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"
NS_CAMT054 = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"
CENT = Decimal("0.01")

# pain.002 TxSts (ISO 20022 ExternalPaymentTransactionStatus1Code) that settle a line.
PAID_STATUSES = frozenset({"ACCP", "ACSC"})
FAILED_STATUSES = frozenset({"RJCT"})
# Accepted for processing but not yet credited: the line stays pending until a later report.
PENDING_STATUSES = frozenset({"ACTC", "ACSP", "ACWC", "PDNG", "RCVD"})

# ISO 20022 ExternalStatusReason1Code / ExternalReturnReason1Code used by SEPA banks (EPC R-transactions).
REASON_LABELS = {
    "AC01": "Λανθασμένος αριθμός λογαριασμού (IBAN)",
    "AC04": "Ο λογαριασμός του δικαιούχου έχει κλείσει",
    "AC06": "Ο λογαριασμός του δικαιούχου είναι δεσμευμένος",
    "AC13": "Μη έγκυρο είδος λογαριασμού δικαιούχου",
    "AG01": "Η συναλλαγή δεν επιτρέπεται σε αυτόν τον λογαριασμό",
    "AG02": "Μη έγκυρος κωδικός συναλλαγής",
    "AM04": "Ανεπαρκές διαθέσιμο υπόλοιπο του λογαριασμού χρέωσης",
    "AM05": "Διπλή εντολή πληρωμής",
    "BE04": "Λείπει ή είναι λανθασμένη η διεύθυνση του δικαιούχου",
    "CNOR": "Η τράπεζα του δικαιούχου δεν είναι προσβάσιμη",
    "DNOR": "Η τράπεζα του εντολέα δεν είναι προσβάσιμη",
    "FF01": "Μη έγκυρη μορφή αρχείου",
    "MD07": "Ο δικαιούχος έχει αποβιώσει",
    "MS02": "Άγνωστος λόγος από τον δικαιούχο",
    "MS03": "Άγνωστος λόγος από την τράπεζα",
    "RC01": "Λανθασμένος κωδικός τράπεζας (BIC)",
    "RR01": "Λείπει ο λογαριασμός ή η ταυτότητα του εντολέα (κανονιστική απαίτηση)",
    "RR02": "Λείπει το όνομα ή η διεύθυνση του εντολέα (κανονιστική απαίτηση)",
    "RR03": "Λείπει το όνομα ή η διεύθυνση του δικαιούχου (κανονιστική απαίτηση)",
    "RR04": "Κανονιστικός λόγος",
    "TM01": "Η εντολή ελήφθη μετά την ώρα αποκοπής",
}


class BankFileError(ValueError):
    """A file that cannot be read as the bank format it claims to be (the message is shown)."""


def reason_label(code: str) -> str:
    return REASON_LABELS.get(code, "Λόγος που δεν περιγράφεται στους κωδικούς ISO 20022")


# --- checks --------------------------------------------------------------------------------------


def check_iban(value: str) -> tuple[str, str]:
    """(compact IBAN, BIC of its bank or "") — or ValueError with a Greek message."""
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    raw = (value or "").strip()
    if not raw:
        raise ValueError("λείπει το IBAN")
    try:
        iban = IBAN(raw)
    except SchwiftyException as exc:
        raise ValueError(f"το IBAN {raw} δεν είναι έγκυρο ({_schwifty_reason(exc)})") from exc
    if not iban.in_sepa_zone:
        raise ValueError(f"το IBAN {iban.formatted} δεν ανήκει σε χώρα SEPA")
    bic = iban.bic
    return iban.compact, str(bic.compact) if bic else ""


def _schwifty_reason(exc) -> str:
    name = type(exc).__name__
    return {
        "InvalidChecksumDigits": "λάθος ψηφία ελέγχου",
        "InvalidLength": "λάθος μήκος για τη χώρα",
        "InvalidCountryCode": "άγνωστος κωδικός χώρας",
        "InvalidStructure": "λάθος μορφή για τη χώρα",
        "InvalidBankCode": "άγνωστος κωδικός τράπεζας",
    }.get(name, "λάθος μορφή")


def check_afm(value: str) -> str:
    """The 9-digit ΑΦΜ, or ValueError (python-stdnum gr.vat checksum)."""
    from stdnum.exceptions import ValidationError as StdnumError
    from stdnum.gr import vat

    v = (value or "").strip().upper().replace(" ", "")
    if v.startswith(("EL", "GR")):
        v = v[2:]
    if len(v) != 9 or not v.isdigit():
        raise ValueError(f"ο ΑΦΜ «{value}» δεν έχει 9 ψηφία")
    try:
        vat.validate(v)
    except StdnumError as exc:
        raise ValueError(f"ο ΑΦΜ {v} δεν είναι έγκυρος (λάθος ψηφίο ελέγχου)") from exc
    return v


def mask_iban(iban: str) -> str:
    """«GR57 **** 0123»: enough to tell accounts apart on a staff page that needs no more."""
    v = (iban or "").replace(" ", "")
    if len(v) < 8:
        return "****"
    return f"{v[:4]} **** {v[-4:]}"


# --- out: pain.001 and XLSX ----------------------------------------------------------------------


@dataclass(frozen=True)
class Transfer:
    end_to_end_id: str
    amount: Decimal
    creditor_name: str
    creditor_iban: str
    creditor_bic: str
    remittance: str


@dataclass(frozen=True)
class Debtor:
    name: str
    iban: str
    bic: str = ""


def pain001(
    *, message_id: str, debtor: Debtor, execution_date: datetime.date, transfers: list[Transfer]
) -> bytes:
    """The SEPA credit transfer file of one order: one payment information block (batch booking),
    one CdtTrfTxInf per line. `sepaxml` transliterates Greek to the SEPA Latin character set and
    validates its output against the pain.001.001.03 XSD (raising on any invalid value)."""
    from sepaxml import SepaTransfer

    config = {"name": debtor.name, "IBAN": debtor.iban, "batch": True, "currency": "EUR"}
    if debtor.bic:
        config["BIC"] = debtor.bic
    sepa = SepaTransfer(config, schema=PAIN001, clean=True)
    sepa.msg_id = message_id
    sepa._xml.find("CstmrCdtTrfInitn/GrpHdr/MsgId").text = message_id  # set in the constructor
    for t in transfers:
        payment = {
            "name": t.creditor_name,
            "IBAN": t.creditor_iban,
            "amount": int((t.amount.quantize(CENT) * 100).to_integral_value()),
            "execution_date": execution_date,
            "description": t.remittance,
            "endtoend_id": t.end_to_end_id,
        }
        if t.creditor_bic:
            payment["BIC"] = t.creditor_bic
        sepa.add_payment(payment)
    return sepa.export(validate=True, pretty_print=True)


def xlsx(*, title: str, debtor: Debtor, execution_date: datetime.date, rows: list[dict]) -> bytes:
    """The same lines as the pain.001, one row each, amounts as euro cells (number format)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    euro = '#,##0.00 "€"'
    wb = Workbook()
    ws = wb.active
    ws.title = "Εντολή πληρωμής"
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["Εντολέας", debtor.name, "IBAN εντολέα", debtor.iban])
    ws.append(["Ημερομηνία εκτέλεσης", execution_date])
    ws["B3"].number_format = "DD/MM/YYYY"
    ws.append([])
    header = [
        "Α/Α",
        "EndToEndId",
        "Κωδικός πληρωμής",
        "Δικαιούχος",
        "ΑΦΜ",
        "IBAN",
        "BIC",
        "Αιτιολογία",
        "Ποσό (€)",
    ]
    ws.append(header)
    for cell in ws[5]:
        cell.font = Font(bold=True)
    total = Decimal("0.00")
    for n, row in enumerate(rows, start=1):
        ws.append([
            n, row["end_to_end_id"], row["payment_code"], row["creditor_name"], row["afm"],
            row["creditor_iban"], row["creditor_bic"], row["remittance"], row["amount"],
        ])  # fmt: skip
        ws.cell(row=ws.max_row, column=9).number_format = euro
        total += row["amount"]
    ws.append(["", "", "", "", "", "", "", "Σύνολο", total])
    ws.cell(row=ws.max_row, column=9).number_format = euro
    ws.cell(row=ws.max_row, column=8).font = Font(bold=True)
    for col, width in zip("ABCDEFGHI", (5, 24, 24, 40, 11, 30, 12, 40, 14), strict=True):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- in: pain.002 and camt.054 -------------------------------------------------------------------


@dataclass(frozen=True)
class StatusEntry:
    end_to_end_id: str
    outcome: str  # "paid" | "failed" | "pending"
    status: str  # TxSts, or BOOK / RTRN for camt.054
    reason_code: str = ""
    reason_text: str = ""
    amount: Decimal | None = None
    booked_on: datetime.date | None = None


@dataclass(frozen=True)
class StatusReport:
    kind: str  # "pain002" | "camt054"
    message_id: str
    original_message_id: str  # pain.002 OrgnlMsgId; camt.054 Refs/MsgId when the bank gives it
    account_iban: str  # camt.054 Acct
    created_on: datetime.date | None
    entries: tuple[StatusEntry, ...]


def _parse(content: bytes):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise BankFileError(f"Το αρχείο δεν είναι έγκυρο XML ({exc.msg}).") from exc


def _text(node, path: str, ns: dict) -> str:
    found = node.find(path, ns)
    return (found.text or "").strip() if found is not None and found.text else ""


def _amount(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        return Decimal(text).quantize(CENT)
    except InvalidOperation as exc:
        raise BankFileError(f"Μη έγκυρο ποσό «{text}» στο αρχείο της τράπεζας.") from exc


def _date(text: str) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError as exc:
        raise BankFileError(f"Μη έγκυρη ημερομηνία «{text}» στο αρχείο της τράπεζας.") from exc


def read_status_file(content: bytes) -> StatusReport:
    """A pain.002.001.03 or camt.054.001.02 file as plain values; anything else is BankFileError."""
    root = _parse(content)
    namespace = etree.QName(root).namespace
    if namespace == NS_PAIN002:
        return _read_pain002(root)
    if namespace == NS_CAMT054:
        return _read_camt054(root)
    raise BankFileError(
        "Το αρχείο δεν είναι αναφορά κατάστασης pain.002.001.03 ούτε ειδοποίηση camt.054.001.02 "
        f"(χώρος ονομάτων «{namespace or '—'}»)."
    )


def _read_pain002(root) -> StatusReport:
    ns = {"p": NS_PAIN002}
    rpt = root.find("p:CstmrPmtStsRpt", ns)
    if rpt is None:
        raise BankFileError("Λείπει το στοιχείο CstmrPmtStsRpt της αναφοράς pain.002.")
    original = _text(rpt, "p:OrgnlGrpInfAndSts/p:OrgnlMsgId", ns)
    if not original:
        raise BankFileError("Λείπει το OrgnlMsgId: η αναφορά δεν λέει σε ποια εντολή απαντά.")
    group_status = _text(rpt, "p:OrgnlGrpInfAndSts/p:GrpSts", ns)
    created = _date(_text(rpt, "p:GrpHdr/p:CreDtTm", ns))
    entries = []
    for tx in rpt.iterfind("p:OrgnlPmtInfAndSts/p:TxInfAndSts", ns):
        e2e = _text(tx, "p:OrgnlEndToEndId", ns)
        status = _text(tx, "p:TxSts", ns) or group_status
        if not e2e:
            raise BankFileError("Μια συναλλαγή της αναφοράς δεν έχει OrgnlEndToEndId.")
        code = _text(tx, "p:StsRsnInf/p:Rsn/p:Cd", ns)
        info = " ".join(t.text.strip() for t in tx.iterfind("p:StsRsnInf/p:AddtlInf", ns) if t.text)
        entries.append(
            StatusEntry(
                end_to_end_id=e2e,
                outcome=_outcome(status, e2e),
                status=status,
                reason_code=code,
                reason_text=info,
                amount=_amount(_text(tx, "p:OrgnlTxRef/p:Amt/p:InstdAmt", ns)),
                booked_on=_date(_text(tx, "p:AccptncDtTm", ns)) or created,
            )
        )
    if not entries and group_status in PAID_STATUSES | FAILED_STATUSES:
        raise BankFileError(
            "Η αναφορά δίνει μόνο κατάσταση ομάδας, χωρίς κατάσταση ανά συναλλαγή (TxInfAndSts)."
        )
    return StatusReport(
        kind="pain002",
        message_id=_text(rpt, "p:GrpHdr/p:MsgId", ns),
        original_message_id=original,
        account_iban="",
        created_on=created,
        entries=tuple(entries),
    )


def _outcome(status: str, e2e: str) -> str:
    if status in PAID_STATUSES:
        return "paid"
    if status in FAILED_STATUSES:
        return "failed"
    if status in PENDING_STATUSES:
        return "pending"
    raise BankFileError(f"Άγνωστη κατάσταση συναλλαγής «{status or '—'}» για το EndToEndId {e2e}.")


def _read_camt054(root) -> StatusReport:
    ns = {"c": NS_CAMT054}
    ntf = root.find("c:BkToCstmrDbtCdtNtfctn", ns)
    if ntf is None:
        raise BankFileError("Λείπει το στοιχείο BkToCstmrDbtCdtNtfctn της ειδοποίησης camt.054.")
    entries = []
    original = ""
    account = ""
    for notification in ntf.iterfind("c:Ntfctn", ns):
        account = account or _text(notification, "c:Acct/c:Id/c:IBAN", ns)
        for ntry in notification.iterfind("c:Ntry", ns):
            status = _text(ntry, "c:Sts", ns)
            if status != "BOOK":
                continue  # pending or informational entries settle nothing
            booked = _date(_text(ntry, "c:BookgDt/c:Dt", ns) or _text(ntry, "c:BookgDt/c:DtTm", ns))
            reversal = _text(ntry, "c:RvslInd", ns).lower() == "true"
            details = ntry.findall("c:NtryDtls/c:TxDtls", ns)
            for tx in details:
                e2e = _text(tx, "c:Refs/c:EndToEndId", ns)
                if not e2e or e2e == "NOTPROVIDED":
                    raise BankFileError("Μια κίνηση της ειδοποίησης camt.054 δεν έχει EndToEndId.")
                original = original or _text(tx, "c:Refs/c:MsgId", ns)
                amount = _amount(
                    _text(tx, "c:AmtDtls/c:InstdAmt/c:Amt", ns) or _text(tx, "c:AmtDtls/c:TxAmt/c:Amt", ns)
                )
                if amount is None and len(details) == 1:
                    amount = _amount(_text(ntry, "c:Amt", ns))
                code = _text(tx, "c:RtrInf/c:Rsn/c:Cd", ns)
                returned = reversal or bool(code) or _text(ntry, "c:CdtDbtInd", ns) == "CRDT"
                entries.append(
                    StatusEntry(
                        end_to_end_id=e2e,
                        outcome="failed" if returned else "paid",
                        status="RTRN" if returned else "BOOK",
                        reason_code=code,
                        reason_text=" ".join(
                            t.text.strip() for t in tx.iterfind("c:RtrInf/c:AddtlInf", ns) if t.text
                        ),
                        amount=amount,
                        booked_on=booked,
                    )
                )
    return StatusReport(
        kind="camt054",
        message_id=_text(ntf, "c:GrpHdr/c:MsgId", ns),
        original_message_id=original,
        account_iban=account,
        created_on=_date(_text(ntf, "c:GrpHdr/c:CreDtTm", ns)),
        entries=tuple(entries),
    )
