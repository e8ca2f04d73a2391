"""Results tables as PDF/XLSX: recorded first, rendered by the worker, polled by the page."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tests.factories import UserFactory
from applications.tests.factories import member
from evaluation import services
from evaluation.exports import results_xlsx
from evaluation.models import Decision, EvaluationRound
from evaluation.tests.factories import (
    LIGNITIS,
    approved_and_notified,
    evaluated,
    sign_declaration_for_second_level,
    submitted_application,
)
from opske.models import GeneratedDocument
from opske.pdf import document_file_type, document_render, document_request, renderer_template


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def results(kya7066, evaluator, supervisor, django_capture_on_commit_callbacks):
    """One approved (served) and one rejected application of the call."""
    approved_app, _ = submitted_application(kya7066)
    approved_and_notified(approved_app, evaluator, supervisor, django_capture_on_commit_callbacks)
    rejected_app, _ = submitted_application(kya7066, user=member(LIGNITIS))
    with django_capture_on_commit_callbacks(execute=True):
        ev = evaluated(rejected_app, evaluator, negatives=("3",))
        sign_declaration_for_second_level(rejected_app, supervisor)
        services.second_level_review(actor=supervisor, evaluation_id=ev.pk, outcome="agree")
    assert Decision.objects.get(application=rejected_app).kind == Decision.Kind.REJECTION
    return approved_app, rejected_app


def _export_id(response) -> int:
    assert response.status_code == 302
    return int(response["Location"].split("export=")[1])


def test_the_pdf_is_rendered_by_the_worker_while_the_page_polls_then_offered_for_download(
    kya7066, results, supervisor, client, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)
    url = reverse("evaluation:results", args=[kya7066.code])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"format": "pdf"})
    pk = _export_id(response)
    document = GeneratedDocument.objects.get(pk=pk)
    assert document.state == GeneratedDocument.State.PENDING  # nothing rendered in the request

    page = client.get(response["Location"]).content.decode()
    status_url = reverse("evaluation:results-export", args=[kya7066.code, pk])
    assert "ετοιμάζεται στο παρασκήνιο" in page and status_url in page and 'hx-trigger="every 2s"' in page
    download = reverse("evaluation:results-export-download", args=[kya7066.code, pk]) + "?public=0"
    assert client.get(download).status_code == 404  # not ready yet

    for callback in callbacks:  # the worker picks the task up
        callback()
    partial = client.get(status_url + "?public=0", HTTP_HX_REQUEST="true").content.decode()
    assert "Λήψη PDF" in partial and "hx-trigger" not in partial

    pdf = client.get(download)
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_the_internal_xlsx_lists_every_result_and_an_unchanged_table_is_rendered_once(
    kya7066, results, supervisor, client, django_capture_on_commit_callbacks
):
    approved_app, rejected_app = results
    client.force_login(supervisor)
    url = reverse("evaluation:results", args=[kya7066.code])

    with django_capture_on_commit_callbacks(execute=True):
        first = _export_id(client.post(url, {"format": "xlsx"}))
        again = _export_id(client.post(url, {"format": "xlsx"}))

    assert first == again
    response = client.get(
        reverse("evaluation:results-export-download", args=[kya7066.code, first]) + "?public=0"
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Κωδικός αίτησης"
    assert {r[0] for r in rows[1:]} == {approved_app.protocol_number, rejected_app.protocol_number}


def test_the_public_file_carries_approved_recipients_only_and_internal_files_stay_internal(
    kya7066, results, supervisor, client, django_capture_on_commit_callbacks
):
    approved_app, rejected_app = results
    with django_capture_on_commit_callbacks(execute=True):
        public_pk = _export_id(
            client.post(reverse("evaluation:results-public", args=[kya7066.code]), {"format": "xlsx"})
        )
    response = client.get(
        reverse("evaluation:results-export-download", args=[kya7066.code, public_pk]) + "?public=1"
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    codes = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == [approved_app.protocol_number]  # ΚΥΑ 7066 Art. 7.6

    # Visitors cannot ask for the internal table, nor read a staff file by its number.
    assert (
        client.post(reverse("evaluation:results", args=[kya7066.code]), {"format": "pdf"}).status_code == 302
    )
    assert not GeneratedDocument.objects.filter(kind__startswith="results_internal").exists()
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        internal_pk = _export_id(
            client.post(reverse("evaluation:results", args=[kya7066.code]), {"format": "pdf"})
        )
    client.logout()
    for public in ("0", "1"):
        url = (
            reverse("evaluation:results-export-download", args=[kya7066.code, internal_pk])
            + f"?public={public}"
        )
        assert client.get(url).status_code == 404
    client.force_login(UserFactory(username="allos-axiologitis", roles=[Role.EVALUATOR]))
    url = reverse("evaluation:results-export-download", args=[kya7066.code, internal_pk]) + "?public=0"
    assert client.get(url).status_code == 404


def test_a_bad_format_is_refused_with_a_greek_message_and_records_nothing(
    kya7066, results, supervisor, client
):
    client.force_login(supervisor)

    response = client.post(
        reverse("evaluation:results", args=[kya7066.code]), {"format": "docx"}, follow=True
    )

    assert response.status_code == 200
    assert "Μη έγκυρη μορφή αρχείου" in response.content.decode()
    assert not GeneratedDocument.objects.filter(kind__startswith="results_").exists()


def test_a_marked_renderer_makes_a_non_pdf_document_and_an_unmarked_one_is_refused(kya7066):
    rnd = EvaluationRound.objects.create(call=kya7066, method=kya7066.evaluation_method)
    context = {"columns": ["Κωδικός αίτησης", "Ποσό (€)"], "numeric": [1], "rows": [["Α-1", "14220.00"]]}
    from django.db import transaction

    with transaction.atomic():
        ok = document_request(
            obj=rnd, kind="t_xlsx", template=renderer_template(results_xlsx), context=context
        )
        bad = document_request(
            obj=rnd, kind="t_bad", template="renderer:evaluation.exports._plain", context={}
        )

    assert document_render(ok.pk) == GeneratedDocument.State.READY
    ok.refresh_from_db()
    assert ok.file.name.endswith(".xlsx") and document_file_type(ok).extension == "xlsx"
    sheet = load_workbook(ok.file.path).active
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [("Α-1", 14220)]
    assert document_render(bad.pk) == GeneratedDocument.State.FAILED
    bad.refresh_from_db()
    assert "document_renderer" in bad.error


def test_dashboards_lead_to_the_evaluation_work_areas(kya7066, supervisor, evaluator, client):
    client.force_login(supervisor)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    for name in ("evaluation:queue", "evaluation:reviews", "evaluation:objections"):
        assert reverse(name) in page

    client.force_login(evaluator)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("evaluation:queue") in page and reverse("evaluation:reviews") not in page

    client.force_login(member(LIGNITIS))
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Αποτελέσματα και ενστάσεις" in page and reverse("evaluation:my-results") in page


def test_the_results_page_shows_a_page_of_the_table_in_its_order_and_the_export_stays_whole(
    kya7066, results, supervisor, client, monkeypatch, django_capture_on_commit_callbacks
):
    from evaluation import views

    approved_app, rejected_app = sorted(results, key=lambda a: a.priority_seq)
    monkeypatch.setattr(views, "RESULTS_PAGE_SIZE", 1)
    client.force_login(supervisor)
    url = reverse("evaluation:results", args=[kya7066.code])

    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()

    assert approved_app.protocol_number in first and rejected_app.protocol_number not in first
    assert rejected_app.protocol_number in second and approved_app.protocol_number not in second
    assert "Σελίδα 2 από 2" in second and "2 εγγραφές" in second
    assert f'<td class="govgr-table__cell">{rejected_app.priority_seq}</td>' in second  # its own rank
    with django_capture_on_commit_callbacks(execute=True):
        pk = _export_id(client.post(url, {"format": "xlsx"}))
    sheet = load_workbook(io.BytesIO(GeneratedDocument.objects.get(pk=pk).file.read())).active
    codes = {c.value for row in sheet.iter_rows() for c in row}
    assert {approved_app.protocol_number, rejected_app.protocol_number} <= codes


def test_the_public_results_page_is_paged_too(kya7066, results, client, monkeypatch):
    from evaluation import views

    monkeypatch.setattr(views, "RESULTS_PAGE_SIZE", 1)
    approved_app, rejected_app = results

    page = client.get(reverse("evaluation:results-public", args=[kya7066.code])).content.decode()

    assert approved_app.protocol_number in page and rejected_app.protocol_number not in page
    assert "1 εγγραφή" in page and "Σελίδα" not in page  # one approved recipient: one page
    assert (
        client.get(reverse("evaluation:results-public", args=[kya7066.code]), {"page": "²"}).status_code
        == 200
    )
