"""Attachments through the API: an API client can complete what the browser form completes."""

from applications.models import ApplicationAttachment
from applications.tests.factories import complete_business_draft, member, pdf_file
from applications.tests.test_api import client_for

LIGNITIS = "804773470"
GREVENA = "808982626"


def _draft_without_documents(call, user, afm=LIGNITIS):
    app = complete_business_draft(user, call, afm=afm)
    ApplicationAttachment.objects.filter(application=app).update(is_current=False)
    return app


def test_an_api_client_uploads_the_missing_documents_and_then_submits(kya7066):
    user = member(LIGNITIS)
    api = client_for(user)
    app = _draft_without_documents(kya7066, user)

    # Given the submission is blocked for the missing documents
    blocked = api.post(f"/api/v1/applications/{app.pk}/submit/", format="json")
    assert blocked.status_code == 400 and blocked.json()["code"] == "attachment_missing"

    # When the client lists the required documents and uploads each mandatory one
    listed = api.get(f"/api/v1/applications/{app.pk}/attachments/").json()
    mandatory = [row for row in listed if row["mandatory"]]
    assert mandatory and all(row["file_name"] is None for row in mandatory)
    for row in mandatory:
        uploaded = api.post(
            f"/api/v1/applications/{app.pk}/attachments/",
            {"required_attachment": row["required_attachment"], "file": pdf_file(f"{row['code']}.pdf")},
            format="multipart",
        )
        assert uploaded.status_code == 201, uploaded.json()

    # Then every document shows its file and the submission goes through
    listed = api.get(f"/api/v1/applications/{app.pk}/attachments/").json()
    assert all(row["file_name"] and len(row["sha256"]) == 64 for row in listed if row["mandatory"])
    submitted = api.post(f"/api/v1/applications/{app.pk}/submit/", format="json")
    assert submitted.status_code == 200, submitted.json()


def test_a_file_that_is_not_a_pdf_or_image_gets_the_error_shape_and_changes_nothing(kya7066):
    user = member(LIGNITIS)
    api = client_for(user)
    app = _draft_without_documents(kya7066, user)
    required = api.get(f"/api/v1/applications/{app.pk}/attachments/").json()[0]["required_attachment"]

    response = api.post(
        f"/api/v1/applications/{app.pk}/attachments/",
        {"required_attachment": required, "file": pdf_file("virus.pdf", b"MZ\x90\x00 not a pdf")},
        format="multipart",
    )

    body = response.json()
    assert response.status_code == 400 and set(body) == {"code", "message", "fields"}
    assert not ApplicationAttachment.objects.filter(application=app, is_current=True).exists()


def test_missing_fields_are_named(kya7066):
    user = member(LIGNITIS)
    app = _draft_without_documents(kya7066, user)

    response = client_for(user).post(f"/api/v1/applications/{app.pk}/attachments/", {}, format="multipart")

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"file", "required_attachment"}


def test_another_businesss_attachments_are_a_404(kya7066):
    owner, stranger = member(LIGNITIS), member(GREVENA)
    app = complete_business_draft(owner, kya7066, afm=LIGNITIS)
    attachment = ApplicationAttachment.objects.filter(application=app, is_current=True).first()
    api = client_for(stranger)

    assert api.get(f"/api/v1/applications/{app.pk}/attachments/").status_code == 404
    assert api.delete(f"/api/v1/applications/{app.pk}/attachments/{attachment.pk}/").status_code == 404
    assert ApplicationAttachment.objects.filter(pk=attachment.pk, is_current=True).exists()


def test_the_owner_removes_a_document_from_the_draft(kya7066):
    user = member(LIGNITIS)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS)
    attachment = ApplicationAttachment.objects.filter(application=app, is_current=True).first()

    response = client_for(user).delete(f"/api/v1/applications/{app.pk}/attachments/{attachment.pk}/")

    assert response.status_code == 204
    attachment.refresh_from_db()
    assert not attachment.is_current and attachment.deleted_at is not None
