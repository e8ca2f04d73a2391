import shutil
import subprocess

import pytest
from django.urls import reverse

from accounts.models import Role
from opske.models import GeneratedDocument
from opske.pdf import document_access, document_request, render_pdf
from opske.tests.factories import BusinessUserFactory, UserFactory

GREEK = "Απόφαση ένταξης: η επιχείρηση «Φούρνος Αθηνών» εγκρίθηκε"


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(  # noqa: S603
        [shutil.which("pdftotext"), "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_a_pdf_with_greek_text_is_rendered(tmp_path):
    data = render_pdf("pdf/notice.html", {"title": "Απόφαση", "paragraphs": [GREEK], "reference": "123/2025"})

    assert data.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed: text not checked")
    text = _pdf_text(data, tmp_path)
    assert "Φούρνος Αθηνών" in text
    assert "ΟΠΣΚΕ" in text  # header
    assert "Σελίδα 1 από 1" in text  # page numbers


@pytest.fixture
def owner_hook():
    from django.contrib.auth import get_user_model

    # The "owning app" here is accounts: a user's own documents are visible to that user and staff.
    @document_access(get_user_model())
    def can_view(user, obj):
        return user.pk == obj.pk or user.has_role(Role.PROGRAMME_ADMIN)

    return can_view


@pytest.mark.django_db
def test_a_requested_document_is_rendered_after_commit_and_downloadable_by_its_owner_only(
    client, owner_hook, django_capture_on_commit_callbacks, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    owner = BusinessUserFactory()
    stranger = BusinessUserFactory()
    admin = UserFactory(roles=[Role.PROGRAMME_ADMIN])

    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(
            obj=owner,
            kind="decision",
            template="pdf/notice.html",
            context={"title": "Απόφαση", "paragraphs": [GREEK]},
            actor=admin,
        )
        assert document.state == GeneratedDocument.State.PENDING

    document.refresh_from_db()
    assert document.state == GeneratedDocument.State.READY
    assert len(document.sha256) == 64
    url = reverse("opske:document-download", args=[document.pk])

    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")

    client.force_login(stranger)
    assert client.get(url).status_code == 404
    client.force_login(admin)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_without_an_access_hook_nobody_but_a_superuser_downloads(client, django_capture_on_commit_callbacks):
    from accounts.models import RoleAssignment

    target = RoleAssignment.objects.create(user=UserFactory(), role=Role.AUDITOR)
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(obj=target, kind="x", template="pdf/notice.html", context={"title": "Τ"})
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    assert client.get(reverse("opske:document-download", args=[document.pk])).status_code == 404


@pytest.mark.django_db
def test_rendering_a_ready_document_again_changes_nothing(
    django_capture_on_commit_callbacks, tmp_path, settings
):
    from opske.pdf import document_render

    settings.MEDIA_ROOT = str(tmp_path / "media")
    owner = BusinessUserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(
            obj=owner, kind="receipt", template="pdf/notice.html", context={"title": "Α"}
        )
    document.refresh_from_db()
    first = (document.file.name, document.sha256, document.ready_at)

    assert document_render(document.pk) == GeneratedDocument.State.READY

    document.refresh_from_db()
    assert (document.file.name, document.sha256, document.ready_at) == first


@pytest.mark.django_db
def test_a_template_that_fails_marks_the_document_failed_with_the_reason(django_capture_on_commit_callbacks):
    owner = BusinessUserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(obj=owner, kind="x", template="pdf/does-not-exist.html", context={})

    document.refresh_from_db()
    assert document.state == GeneratedDocument.State.FAILED
    assert "does-not-exist" in document.error
