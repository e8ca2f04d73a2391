"""Sandbox of the paying service's bank: it answers a SEPA credit transfer file with its status.

The demo's «bank»: the payment officer sends the exported pain.001.001.03 here (the upload page
at `/sandbox/bank/`, or `POST /sandbox/bank/status-report?format=pain002|camt054` with the XML as
the body) and gets back what a Greek bank's corporate channel returns:

- **pain.002.001.03** (CstmrPmtStsRpt): OrgnlMsgId of the order, one TxInfAndSts per transfer with
  its OrgnlEndToEndId, TxSts `ACSC` (credited) or `RJCT` with StsRsnInf/Rsn/Cd, and OrgnlTxRef
  with the instructed amount and the requested execution date;
- **camt.054.001.02** (BkToCstmrDbtCdtNtfctn): one booked debit entry per credited transfer on the
  debtor's account with Refs/MsgId + EndToEndId; a rejected transfer is a booked credit entry
  (RvslInd true) with RtrInf/Rsn/Cd.

A transfer is rejected when the creditor account is one the bank knows as closed or blocked
(`REFUSED_ACCOUNTS`, valid IBANs on purpose: the check digits are fine, the account is not) or when
the pain.001 is not one this bank accepts (not pain.001.001.03: HTTP 400). Everything else is
credited on the requested execution date (or on the day of the answer, when the file is
answered before that date, as the sandbox does at once).
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt
from lxml import etree

from interop.sandboxes.control import sandbox_endpoint

NS_PAIN001 = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
NS_PAIN002 = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"
NS_CAMT054 = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"
BANK_BIC = "BNGRGRAA"

# Accounts the bank refuses to credit (ISO 20022 reason codes): the demo's ΚΥΑ 16936 participant's
# old account was closed, so the first payment order shows one rejected line.
REFUSED_ACCOUNTS = {
    "GR3801104000000004012345678": ("AC04", "Closed account number"),
    "GR3901401010101002320000123": ("AC06", "Blocked account"),
}


class Pain001Error(ValueError):
    pass


def read_pain001(content: bytes) -> dict:
    """The parts of a pain.001.001.03 a status report answers: MsgId, debtor, and each transfer."""
    try:
        root = etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise Pain001Error(f"not well-formed XML: {exc.msg}") from exc
    if etree.QName(root).namespace != NS_PAIN001:
        raise Pain001Error("not a pain.001.001.03 document")
    ns = {"p": NS_PAIN001}
    init = root.find("p:CstmrCdtTrfInitn", ns)
    if init is None:
        raise Pain001Error("CstmrCdtTrfInitn missing")
    blocks = []
    for info in init.iterfind("p:PmtInf", ns):
        transfers = []
        for tx in info.iterfind("p:CdtTrfTxInf", ns):
            amount = tx.find("p:Amt/p:InstdAmt", ns)
            transfers.append(
                {
                    "end_to_end_id": tx.findtext("p:PmtId/p:EndToEndId", "", ns),
                    "amount": Decimal(amount.text),
                    "currency": amount.get("Ccy", "EUR"),
                    "creditor_iban": tx.findtext("p:CdtrAcct/p:Id/p:IBAN", "", ns),
                    "creditor_name": tx.findtext("p:Cdtr/p:Nm", "", ns),
                }
            )
        blocks.append(
            {
                "id": info.findtext("p:PmtInfId", "", ns),
                "execution_date": info.findtext("p:ReqdExctnDt", "", ns),
                "debtor_iban": info.findtext("p:DbtrAcct/p:Id/p:IBAN", "", ns),
                "debtor_name": info.findtext("p:Dbtr/p:Nm", "", ns),
                "transfers": transfers,
            }
        )
    return {"message_id": init.findtext("p:GrpHdr/p:MsgId", "", ns), "blocks": blocks}


def _decide(transfer: dict, rejections: dict) -> tuple[str, str]:
    """(reason code, text) of a refusal, or ("", "") when the bank credits the transfer."""
    if transfer["end_to_end_id"] in rejections:
        code = rejections[transfer["end_to_end_id"]]
        return code, code
    return REFUSED_ACCOUNTS.get(transfer["creditor_iban"], ("", ""))


def _sub(parent, tag: str, text: str | None = None, **attrs):
    el = etree.SubElement(parent, tag, **attrs)
    if text is not None:
        el.text = text
    return el


def _msg_id(prefix: str, source: dict) -> str:
    return f"{prefix}-{hashlib.sha256(source['message_id'].encode()).hexdigest()[:16].upper()}"


def status_report(content: bytes, *, fmt: str = "pain002", rejections: dict | None = None, now=None) -> bytes:
    """The bank's answer to a pain.001 file, as a pain.002.001.03 or camt.054.001.02 document.
    `rejections` {EndToEndId: reason code} lets a test refuse a chosen line as well."""
    source = read_pain001(content)
    now = now or timezone.localtime()
    rejections = rejections or {}
    if fmt == "camt054":
        return _camt054(source, rejections, now)
    if fmt != "pain002":
        raise Pain001Error(f"unknown report format {fmt!r}")
    return _pain002(source, rejections, now)


def _settled_on(block: dict, now) -> str:
    """The day the bank executed the block: the requested date, or today when answered early."""
    return min(block["execution_date"], now.date().isoformat())


def _pain002(source: dict, rejections: dict, now) -> bytes:
    doc = etree.Element(f"{{{NS_PAIN002}}}Document", nsmap={None: NS_PAIN002})
    rpt = _sub(doc, "CstmrPmtStsRpt")
    hdr = _sub(rpt, "GrpHdr")
    _sub(hdr, "MsgId", _msg_id("STS", source))
    _sub(hdr, "CreDtTm", now.strftime("%Y-%m-%dT%H:%M:%S"))
    _sub(_sub(_sub(hdr, "DbtrAgt"), "FinInstnId"), "BIC", BANK_BIC)
    decided = [(block, t, _decide(t, rejections)) for block in source["blocks"] for t in block["transfers"]]
    rejected = sum(1 for *_x, (code, _t) in decided if code)
    grp = _sub(rpt, "OrgnlGrpInfAndSts")
    _sub(grp, "OrgnlMsgId", source["message_id"])
    _sub(grp, "OrgnlMsgNmId", "pain.001.001.03")
    _sub(grp, "GrpSts", "RJCT" if rejected == len(decided) and decided else ("PART" if rejected else "ACSC"))
    for block in source["blocks"]:
        info = _sub(rpt, "OrgnlPmtInfAndSts")
        _sub(info, "OrgnlPmtInfId", block["id"])
        for blk, t, (code, text) in decided:
            if blk is not block:
                continue
            tx = _sub(info, "TxInfAndSts")
            _sub(tx, "OrgnlEndToEndId", t["end_to_end_id"])
            _sub(tx, "TxSts", "RJCT" if code else "ACSC")
            if code:
                reason = _sub(tx, "StsRsnInf")
                _sub(_sub(reason, "Rsn"), "Cd", code)
                _sub(reason, "AddtlInf", text)
            else:
                _sub(tx, "AccptncDtTm", f"{_settled_on(block, now)}T09:00:00")
            ref = _sub(tx, "OrgnlTxRef")
            _sub(_sub(ref, "Amt"), "InstdAmt", f"{t['amount']:.2f}", Ccy=t["currency"])
            _sub(ref, "ReqdExctnDt", block["execution_date"])
            _sub(_sub(_sub(ref, "CdtrAcct"), "Id"), "IBAN", t["creditor_iban"])
    return etree.tostring(doc, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _camt054(source: dict, rejections: dict, now) -> bytes:
    doc = etree.Element(f"{{{NS_CAMT054}}}Document", nsmap={None: NS_CAMT054})
    ntf = _sub(doc, "BkToCstmrDbtCdtNtfctn")
    hdr = _sub(ntf, "GrpHdr")
    _sub(hdr, "MsgId", _msg_id("NTF", source))
    _sub(hdr, "CreDtTm", now.strftime("%Y-%m-%dT%H:%M:%S"))
    for n, block in enumerate(source["blocks"], start=1):
        note = _sub(ntf, "Ntfctn")
        _sub(note, "Id", f"{_msg_id('N', source)}-{n}")
        _sub(note, "CreDtTm", now.strftime("%Y-%m-%dT%H:%M:%S"))
        _sub(_sub(_sub(note, "Acct"), "Id"), "IBAN", block["debtor_iban"])
        for t in block["transfers"]:
            code, text = _decide(t, rejections)
            ntry = _sub(note, "Ntry")
            _sub(ntry, "Amt", f"{t['amount']:.2f}", Ccy=t["currency"])
            _sub(ntry, "CdtDbtInd", "CRDT" if code else "DBIT")
            if code:
                _sub(ntry, "RvslInd", "true")
            _sub(ntry, "Sts", "BOOK")
            _sub(_sub(ntry, "BookgDt"), "Dt", _settled_on(block, now))
            _sub(_sub(ntry, "ValDt"), "Dt", _settled_on(block, now))
            _sub(_sub(_sub(ntry, "BkTxCd"), "Prtry"), "Cd", "RTRN" if code else "SCT")
            tx = _sub(_sub(ntry, "NtryDtls"), "TxDtls")
            refs = _sub(tx, "Refs")
            _sub(refs, "MsgId", source["message_id"])
            _sub(refs, "PmtInfId", block["id"])
            _sub(refs, "EndToEndId", t["end_to_end_id"])
            _sub(_sub(_sub(tx, "AmtDtls"), "InstdAmt"), "Amt", f"{t['amount']:.2f}", Ccy=t["currency"])
            if code:
                ret = _sub(tx, "RtrInf")
                _sub(_sub(ret, "Rsn"), "Cd", code)
                _sub(ret, "AddtlInf", text)
    return etree.tostring(doc, xml_declaration=True, encoding="UTF-8", pretty_print=True)


_PAGE = """<!doctype html><html lang="el"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Τράπεζα (δοκιμαστική): αναφορά κατάστασης εντολής</title>
<style>body{{font-family:sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem}}
label,select,input,button{{display:block;margin:.5rem 0}}.err{{color:#b00}}</style></head>
<body><main><h1>Τράπεζα (δοκιμαστική)</h1>
<p>Ανεβάστε το αρχείο εντολής μεταφοράς SEPA (pain.001.001.03) για να λάβετε την απάντηση της τράπεζας.</p>
{error}<form method="post" enctype="multipart/form-data">
<label for="file">Αρχείο pain.001</label><input id="file" name="file" type="file" accept=".xml" required>
<label for="format">Μορφή απάντησης</label>
<select id="format" name="format"><option value="pain002">pain.002.001.03 (αναφορά κατάστασης)</option>
<option value="camt054">camt.054.001.02 (ειδοποίηση χρέωσης)</option></select>
<button type="submit">Λήψη απάντησης τράπεζας</button></form></main></body></html>"""


@csrf_exempt
@sandbox_endpoint("bank")
def report_page(request):
    """The bank's upload page: a pain.001 in, its status report out (as a download)."""
    if request.method != "POST":
        return HttpResponse(_PAGE.format(error=""))
    upload = request.FILES.get("file")
    fmt = request.POST.get("format", "pain002")
    try:
        if upload is None:
            raise Pain001Error("no file")
        answer = status_report(upload.read(), fmt=fmt)
    except (Pain001Error, ArithmeticError, TypeError) as exc:
        page = _PAGE.format(error=f'<p class="err">Η τράπεζα δεν δέχτηκε το αρχείο: {escape(str(exc))}</p>')
        return HttpResponse(page, status=400)
    stem = (upload.name or "order").rsplit(".", 1)[0]
    response = HttpResponse(answer, content_type="application/xml")
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}-{fmt}.xml")
    return response


@csrf_exempt
@sandbox_endpoint("bank")
def report_api(request):
    if request.method != "POST":
        return HttpResponse(status=405)
    try:
        answer = status_report(request.body, fmt=request.GET.get("format", "pain002"))
    except (Pain001Error, ArithmeticError, TypeError) as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    return HttpResponse(answer, content_type="application/xml")


urlpatterns = [
    path("", report_page, name="report-page"),
    path("status-report", report_api, name="status-report"),
]
