"""Nothing personal is public: scan every public page, export and Diavgeia act of the demo.

Given the demo (`load_demo`) with its results published the way staff publish them — the ΚΥΑ 16936
points round assessed from the ΔΥΠΑ sandbox and its provisional tables posted (PDF, XLSX, Diavgeia),
a ΚΥΑ 7066 application evaluated, approved and its decision signed and published — every page an
anonymous visitor reaches (the URL conf's parameterless views, the links followed from the home
page, each call's public results and each posted table), every public export (PDF read with
pdftotext, XLSX read cell by cell) and every file the Diavgeia sandbox was given are scanned for:

- a valid ΑΜΚΑ (11 digits, stdnum.gr.amka);
- the ΑΦΜ of a natural person of the demo world (stdnum.gr.vat valid and belonging to a person, a
  user or a sole proprietorship; a legal entity's ΑΦΜ is public by law);
- an IBAN (stdnum.iban);
- the name of a ΚΥΑ 16936 candidate, whom the tables identify by application code only (Art. 5(6)).
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import unicodedata
from collections import deque
from urllib.parse import urldefrag

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from stdnum import iban as stdnum_iban
from stdnum.gr import amka as stdnum_amka
from stdnum.gr import vat as stdnum_vat

pytestmark = pytest.mark.django_db(transaction=False)

HREF = re.compile(r'(?:href|hx-get)="(/[^"#]*)"')
SKIP = ("/static/", "/media/", "/sandbox/", "/django-admin/", "/api/", "/i18n/", "/accounts/taxisnet/")
MAX_PAGES = 400
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- what counts as personal --------------------------------------------------------------------


def _fold(text: str) -> str:
    """Upper case without accents, so «Παπαδοπούλου» and «ΠΑΠΑΔΟΠΟΥΛΟΥ» compare equal."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").upper()


class Identifiers:
    def __init__(self):
        from accounts.models import Business, Person, User
        from calls.models import Call
        from evaluation.points.demo import CALL_CODE
        from interop.sandboxes.registry_data import PERSONS

        person_afms = set(Person.objects.exclude(afm="").values_list("afm", flat=True))
        person_afms |= set(User.objects.exclude(afm="").values_list("afm", flat=True))
        person_afms |= {p["afm"] for p in PERSONS.values() if p.get("afm")}
        person_afms |= set(Business.objects.filter(is_natural_person=True).values_list("afm", flat=True))
        legal = set(Business.objects.filter(is_natural_person=False).values_list("afm", flat=True))
        # A legal representative's own ΑΦΜ is personal; a company's ΑΦΜ is not.
        self.person_afms = person_afms - legal
        call = Call.objects.get(code=CALL_CODE)
        self.names = {}
        for p in Person.objects.filter(applications__call=call).distinct():
            for variant in (f"{p.first_name} {p.last_name}", f"{p.last_name} {p.first_name}"):
                self.names[_fold(variant)] = variant
            if len(p.last_name) >= 6:
                self.names[_fold(p.last_name)] = p.last_name

    def found_in(self, text: str) -> list[str]:
        hits = []
        for digits in re.findall(r"(?<![\d.,])\d{11}(?![\d.,])", text):
            if stdnum_amka.is_valid(digits):
                hits.append(f"ΑΜΚΑ {digits}")
        for digits in re.findall(r"(?<![\d.,])\d{9}(?![\d.,])", text):
            if digits in self.person_afms and stdnum_vat.is_valid(digits):
                hits.append(f"ΑΦΜ φυσικού προσώπου {digits}")
        for candidate in re.findall(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}", text):
            compact = candidate.replace(" ", "")
            if any(stdnum_iban.is_valid(compact[:n]) for n in range(15, len(compact) + 1)):
                hits.append(f"IBAN {candidate}")
        folded = _fold(text)
        for key, name in self.names.items():
            if re.search(rf"(?<!\w){re.escape(key)}(?!\w)", folded):
                hits.append(f"όνομα υποψηφίου «{name}»")
        return hits


# --- turning what is served into text ------------------------------------------------------------


def _html_text(content: bytes) -> str:
    page = content.decode(errors="replace")
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page)) + " " + html.unescape(page)


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF"), "not a PDF"
    out = subprocess.run(  # noqa: S603 - the system's pdftotext on our own bytes
        [shutil.which("pdftotext"), "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return out.stdout.decode()


def xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        " | ".join("" if v is None else str(v) for v in row)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def as_text(response) -> tuple[str, str]:
    kind = response.get("Content-Type", "")
    body = _body(response)
    if "pdf" in kind or body.startswith(b"%PDF"):
        return "pdf", pdf_text(body)
    if XLSX in kind:
        return "xlsx", xlsx_text(body)
    if "html" in kind:
        return "html", _html_text(body)
    return kind, body.decode(errors="replace")


# --- the demo with its results published ---------------------------------------------------------


def _publish_points_round(capture):
    from accounts.models import User
    from calls.models import Call
    from evaluation.points import services
    from evaluation.points.demo import CALL_CODE
    from evaluation.points.tasks import fetch_round_facts, publish_table

    admin = User.objects.get(username="admin")
    call = Call.objects.get(code=CALL_CODE)
    rnd = services.points_round_open(actor=admin, call_id=call.pk)
    fetch_round_facts(rnd.pk)
    with capture(execute=True):
        table = services.provisional_tables_post(actor=admin, round_id=rnd.pk)
    publish_table(table.pk)
    table.refresh_from_db()
    assert table.ada, table.publish_error
    assert table.excluded_count >= 1  # the exclusion reasons are part of what is scanned
    return rnd


def _publish_one_kya7066_decision(capture):
    from accounts.models import User
    from applications.models import Application
    from evaluation import services
    from evaluation.models import Assignment, Decision
    from evaluation.tests.factories import fill_all, sign_declaration_for_second_level

    evaluator = User.objects.get(username="evaluator")
    supervisor = User.objects.get(username="supervisor")
    assignment = (
        Assignment.objects.filter(
            evaluator=evaluator, role=Assignment.Role.EVALUATOR, application__status="submitted"
        )
        .select_related("application")
        .order_by("application__priority_seq")
        .first()
    )
    assert assignment is not None, "the demo assigns its ΚΥΑ 7066 applications to «evaluator»"
    app = assignment.application
    with capture(execute=True):
        services.conflict_declaration_sign(
            actor=evaluator, assignment_id=assignment.pk, has_conflict=False, confirm=True
        )
        ev = services.evaluation_open(actor=evaluator, assignment_id=assignment.pk)
        fill_all(ev, evaluator)
        services.evaluation_submit(actor=evaluator, evaluation_id=ev.pk)
        sign_declaration_for_second_level(app, supervisor)
        services.second_level_review(actor=supervisor, evaluation_id=ev.pk, outcome="agree")
    approval = Decision.objects.get(application=app, kind=Decision.Kind.APPROVAL)
    with capture(execute=True):
        services.decision_sign(actor=supervisor, decision_id=approval.pk, confirm=True)
    approval.refresh_from_db()
    assert approval.ada
    return Application.objects.get(pk=app.pk).call


@pytest.fixture
def published(db, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("load_demo", stdout=io.StringIO())
    rnd = _publish_points_round(django_capture_on_commit_callbacks)
    call7066 = _publish_one_kya7066_decision(django_capture_on_commit_callbacks)
    return {"round": rnd, "call7066": call7066, "capture": django_capture_on_commit_callbacks}


# --- what an anonymous visitor can reach -----------------------------------------------------------


def _parameterless_paths(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if "<" in route or "(?P" in route or "\\" in route:
            continue
        path = prefix + route.lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            yield from _parameterless_paths(entry, path)
        elif isinstance(entry, URLPattern):
            yield "/" + path


def _crawl(client, start_paths):
    """GET every page reachable anonymously (200 only: a redirect to the login is not public)."""
    seen, queue, served = set(), deque(start_paths), {}
    while queue and len(seen) < MAX_PAGES:
        path = urldefrag(queue.popleft())[0].replace("&amp;", "&")
        if path in seen or path.startswith(SKIP):
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200:
            continue
        served[path] = response
        if "text/html" in response.get("Content-Type", ""):
            for href in HREF.findall(response.content.decode(errors="replace")):
                if href not in seen:
                    queue.append(href)
    return served


def _public_results_exports(client, call, capture) -> dict:
    """The public list of beneficiaries of a call, exported as staff or visitors ask for it."""
    exports = {}
    url = reverse("evaluation:results-public", args=[call.code])
    for fmt in ("pdf", "xlsx"):
        with capture(execute=True):
            response = client.post(url, {"format": fmt})
        assert response.status_code == 302, response.status_code
        pk = int(response["Location"].split("export=")[1])
        download = reverse("evaluation:results-export-download", args=[call.code, pk]) + "?public=1"
        exports[download] = client.get(download)
        assert exports[download].status_code == 200
    return exports


def _diavgeia_acts() -> dict[str, str]:
    """ΑΔΑ -> text of everything the sandbox holds for the act (metadata, PDF, attachments)."""
    from django.apps import apps

    from interop.sandboxes.diavgeia import published_files, published_metadata

    adas = set()
    for model in apps.get_models():
        if any(f.name == "ada" for f in model._meta.get_fields()):
            adas |= set(model.objects.exclude(ada="").values_list("ada", flat=True))
    acts = {}
    for ada in sorted(adas):
        meta = published_metadata(ada)
        texts = [str(meta.get("subject", "")), str(meta.get("extraFieldValues", ""))]
        for name, content in published_files(ada):
            assert content, f"the sandbox kept no file {name} for {ada}"
            texts.append(
                pdf_text(content) if content.startswith(b"%PDF") else content.decode(errors="replace")
            )
        acts[ada] = "\n".join(texts)
    return acts


def test_no_public_page_export_or_diavgeia_act_carries_a_personal_identifier(published):
    # given the demo with its results published, and a visitor who is not logged in
    from calls.models import Call
    from evaluation.points.models import RankingTable

    ids = Identifiers()
    client = Client()
    starts = ["/", "/calls/", *_parameterless_paths()]
    for call in Call.objects.all():
        starts += [
            reverse("calls:detail", args=[call.code]),
            reverse("evaluation:results-public", args=[call.code]),
        ]
    for table in RankingTable.objects.all():
        for fmt in ("pdf", "xlsx"):
            starts.append(
                reverse("points:table-export", kwargs={"pk": table.round_id, "kind": table.kind, "fmt": fmt})
            )
        starts.append(reverse("points:public-table", kwargs={"pk": table.round_id, "kind": table.kind}))

    # when every public page and export is read, and every act published to Diavgeia
    served = _crawl(client, starts)
    served.update(_public_results_exports(client, published["call7066"], published["capture"]))
    documents = {path: as_text(response) for path, response in served.items()}
    documents.update({f"Διαύγεια {ada}": ("diavgeia", text) for ada, text in _diavgeia_acts().items()})

    # then the scan reached the tables, their files and the acts ...
    kinds = {kind for kind, _ in documents.values()}
    assert {"html", "pdf", "xlsx", "diavgeia"} <= kinds, kinds
    assert any("/evaluation/points/public/" in path for path in documents)
    assert sum(1 for key in documents if key.startswith("Διαύγεια")) >= 2
    # ... and found nothing personal in any of them
    leaks = {path: hits for path, (_kind, text) in documents.items() if (hits := ids.found_in(text))}
    assert leaks == {}


def test_the_scan_recognises_each_kind_of_identifier(published):
    # given the demo world's own people
    from accounts.models import Person

    ids = Identifiers()
    person = Person.objects.filter(applications__isnull=False).first()
    # when their identifiers are written into a text, then each is caught; a company's ΑΦΜ is not
    assert ids.found_in(f"ΑΜΚΑ {person.amka}") == [f"ΑΜΚΑ {person.amka}"]
    assert ids.found_in(f"ΑΦΜ {person.afm}") == [f"ΑΦΜ φυσικού προσώπου {person.afm}"]
    assert ids.found_in("IBAN GR16 0110 1250 0000 0001 2300 695")
    assert ids.found_in(f"{person.first_name.upper()} {person.last_name.upper()}")
    assert ids.found_in("ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ ΑΦΜ 804773470") == []
