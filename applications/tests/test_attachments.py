"""Required attachments: upload, replace, delete, what blocks submission, who may download, receipt."""

import pytest
from django.template.loader import render_to_string

from accounts.models import Membership, Role
from accounts.tests.factories import UserFactory
from applications import attachments, services
from applications.models import Application, ApplicationAttachment
from applications.tests.factories import complete_business_draft, member, pdf_file
from evaluation.tests.factories import open_form
from opske.errors import Conflict, PermissionDenied, ValidationFailed
from opske.models import AuditEvent

LIGNITIS = "804773470"
EOF = b"\n%%EOF\n"  # how every PDF ends (attachments.content_problem)
GREVENA = "808982626"


def _required(call, code):
    return call.attachments.get(stage="application", opske_code=code)


def _draft(call, user):
    return services.application_create(actor=user, call_id=call.pk, business_afm=LIGNITIS)


def test_the_attachments_step_lists_the_calls_documents_with_their_codes(client, kya7066):
    user = member(LIGNITIS)
    app = _draft(kya7066, user)
    client.force_login(user)

    page = client.get(f"/applications/{app.pk}/step/attachments/").content.decode()

    assert "09.04" in page and "02.06" in page and "λείπει" in page
    assert 'enctype="multipart/form-data"' in page


def test_upload_replace_and_delete_keep_the_history_and_are_audited(kya7066):
    user = member(LIGNITIS)
    app = _draft(kya7066, user)
    required = _required(kya7066, "09.04")

    first = attachments.attachment_upload(
        actor=user, application_id=app.pk, required_attachment_id=required.pk, file=pdf_file("dilosi.pdf")
    )
    second = attachments.attachment_upload(
        actor=user,
        application_id=app.pk,
        required_attachment_id=required.pk,
        file=pdf_file("dilosi-v2.pdf", b"%PDF-1.7\n% second version\n%%EOF\n"),
        replaces_id=first.pk,
    )

    first.refresh_from_db()
    assert [a.original_name for a in attachments.current_attachments(app)] == ["dilosi-v2.pdf"]
    assert first.is_current is False and first.replaced_by == second
    assert second.content_type == "application/pdf" and len(second.sha256) == 64
    assert second.file.name.startswith(f"applications/{kya7066.pk}/{app.pk}/")

    attachments.attachment_delete(actor=user, application_id=app.pk, attachment_id=second.pk)

    assert not attachments.current_attachments(app).exists()
    assert ApplicationAttachment.objects.filter(application=app).count() == 2  # kept for the audit trail
    actions = list(
        AuditEvent.objects.filter(action__startswith="application.attachment_").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "application.attachment_uploaded",
        "application.attachment_replaced",
        "application.attachment_deleted",
    ]


def test_a_file_that_is_not_really_a_pdf_is_refused_and_the_previous_upload_stays(kya7066):
    user = member(LIGNITIS)
    app = _draft(kya7066, user)
    required = _required(kya7066, "09.04")
    attachments.attachment_upload(
        actor=user, application_id=app.pk, required_attachment_id=required.pk, file=pdf_file("good.pdf")
    )

    with pytest.raises(ValidationFailed) as exc:
        attachments.attachment_upload(
            actor=user,
            application_id=app.pk,
            required_attachment_id=required.pk,
            file=pdf_file("virus.pdf", b"MZ\x90\x00 not a pdf at all"),
        )

    assert exc.value.code == "attachment_wrong_type"
    assert "PDF, JPEG ή PNG" in exc.value.fields["file"][0]
    assert [a.original_name for a in attachments.current_attachments(app)] == ["good.pdf"]


def test_an_oversize_or_empty_file_is_refused_with_the_limit(kya7066, settings):
    settings.APPLICATION_ATTACHMENT_MAX_MB = 1
    user = member(LIGNITIS)
    app = _draft(kya7066, user)
    required = _required(kya7066, "09.04")

    with pytest.raises(ValidationFailed) as big:
        attachments.attachment_upload(
            actor=user,
            application_id=app.pk,
            required_attachment_id=required.pk,
            file=pdf_file("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1)),
        )
    with pytest.raises(ValidationFailed) as empty:
        attachments.attachment_upload(
            actor=user, application_id=app.pk, required_attachment_id=required.pk, file=pdf_file("e.pdf", b"")
        )

    assert big.value.code == "attachment_too_large" and "1 MB" in big.value.message
    assert empty.value.code == "attachment_empty"
    assert not ApplicationAttachment.objects.filter(application=app).exists()


def test_a_bad_upload_in_the_browser_shows_the_greek_reason_beside_the_document(client, kya7066):
    user = member(LIGNITIS)
    app = _draft(kya7066, user)
    client.force_login(user)
    required = _required(kya7066, "02.06")

    answer = client.post(
        f"/applications/{app.pk}/attachments/upload/",
        {"required_attachment": required.pk, "file": pdf_file("photo.png", b"GIF89a....")},
    )

    assert answer.status_code == 200
    assert "Επιτρέπονται μόνο αρχεία PDF, JPEG ή PNG" in answer.content.decode()


def test_submission_is_blocked_naming_the_missing_document_then_allowed_after_upload(kya7066):
    user = member(LIGNITIS)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS)
    beneficial = attachments.current_attachments(app).get(required_attachment__opske_code="02.06")
    attachments.attachment_delete(actor=user, application_id=app.pk, attachment_id=beneficial.pk)

    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(actor=user, application_id=app.pk)

    assert exc.value.code == "attachment_missing"
    message = exc.value.fields["attachments"][0]
    assert "02.06" in message and "ΚΥΑ 7066 Παρ. 1" in message

    attachments.attachment_upload(
        actor=user,
        application_id=app.pk,
        required_attachment_id=_required(kya7066, "02.06").pk,
        file=pdf_file("dikaiouxoi.pdf"),
    )
    submitted = services.application_submit(actor=user, application_id=app.pk)

    assert submitted.status == Application.Status.SUBMITTED


def test_upload_after_submission_is_refused(kya7066):
    user = member(LIGNITIS)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS)
    services.application_submit(actor=user, application_id=app.pk)

    with pytest.raises(Conflict) as exc:
        attachments.attachment_upload(
            actor=user,
            application_id=app.pk,
            required_attachment_id=_required(kya7066, "09.04").pk,
            file=pdf_file("late.pdf"),
        )

    assert exc.value.code == "not_editable"


def test_a_member_without_submit_rights_cannot_upload(kya7066):
    owner = member(LIGNITIS)
    app = _draft(kya7066, owner)
    accountant = member(LIGNITIS, Membership.BusinessRole.FINANCIAL_OFFICER)

    with pytest.raises(PermissionDenied):
        attachments.attachment_upload(
            actor=accountant,
            application_id=app.pk,
            required_attachment_id=_required(kya7066, "09.04").pk,
            file=pdf_file(),
        )


def test_the_owner_downloads_and_another_business_gets_404(client, kya7066):
    user = member(LIGNITIS)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS)
    attachment = attachments.current_attachments(app).first()
    url = f"/applications/{app.pk}/attachments/{attachment.pk}/"

    client.force_login(member(GREVENA))
    stranger = client.get(url)
    client.force_login(user)
    owner = client.get(url)

    assert stranger.status_code == 404
    assert owner.status_code == 200 and b"".join(owner.streaming_content).startswith(b"%PDF-")
    assert owner["Content-Type"] == "application/pdf"


def test_the_assigned_evaluator_sees_the_attachments_beside_the_form_and_downloads_them(client, kya7066):
    user = member(LIGNITIS)
    app = services.application_submit(
        actor=user, application_id=complete_business_draft(user, kya7066, afm=LIGNITIS).pk
    )
    evaluator = UserFactory(username="eval-att", email="eval-att@example.gr", roles=[Role.EVALUATOR])
    evaluation = open_form(app, evaluator)
    attachment = attachments.current_attachments(app).get(required_attachment__opske_code="09.04")
    client.force_login(evaluator)

    workspace = client.get(f"/evaluation/assignments/{evaluation.assignment_id}/").content.decode()
    download = client.get(f"/applications/{app.pk}/attachments/{attachment.pk}/")

    assert "Επισυναπτόμενα" in workspace and "09.04.pdf" in workspace
    assert download.status_code == 200


def test_the_receipt_lists_each_document_with_its_code_name_and_sha256(kya7066):
    user = member(LIGNITIS)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS)
    submitted = services.application_submit(actor=user, application_id=app.pk)
    uploaded = attachments.current_attachments(submitted).get(required_attachment__opske_code="09.04")

    snapshot = submitted.submissions.get().snapshot
    html = render_to_string("applications/pdf/receipt.html", snapshot)

    listed = {row["code"]: row for row in snapshot["attachments"]}
    assert listed["09.04"]["sha256"] == uploaded.sha256 and listed["09.04"]["name"] == "09.04.pdf"
    assert uploaded.sha256 in html and "Επισυναπτόμενα δικαιολογητικά" in html


def test_the_calls_own_limits_for_a_document_are_applied_and_shown(client, kya7066, settings):
    settings.APPLICATION_ATTACHMENT_MAX_MB = 10
    required = _required(kya7066, "09.04")
    required.max_file_mb, required.allowed_extensions = 1, "pdf"
    required.save()
    user = member(LIGNITIS)
    app = _draft(kya7066, user)
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100 + b"\x00\x00\x00\x00IEND\xaeB`\x82"

    with pytest.raises(ValidationFailed) as wrong:
        attachments.attachment_upload(
            actor=user,
            application_id=app.pk,
            required_attachment_id=required.pk,
            file=pdf_file("scan.png", png),
        )
    with pytest.raises(ValidationFailed) as big:
        attachments.attachment_upload(
            actor=user,
            application_id=app.pk,
            required_attachment_id=required.pk,
            file=pdf_file("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1)),
        )
    other = _required(kya7066, "02.06")  # the call's defaults for another document: PNG is fine
    attachments.attachment_upload(
        actor=user, application_id=app.pk, required_attachment_id=other.pk, file=pdf_file("scan.png", png)
    )
    client.force_login(user)
    page = client.get(f"/applications/{app.pk}/step/attachments/").content.decode()

    assert wrong.value.code == "attachment_wrong_type" and "μόνο αρχεία PDF" in wrong.value.message
    assert required.name in wrong.value.message
    assert big.value.code == "attachment_too_large" and "1 MB" in big.value.message
    assert ApplicationAttachment.objects.filter(application=app, is_current=True).count() == 1
    assert 'accept=".pdf,application/pdf"' in page and "PDF, μικρότερο από 1 MB" in page


# --- several files per document, per-file and total limits (Πρόσκληση 004 §9) --------------------


def test_setting_max_files_changes_outcome(kya7066):
    # A document of five files takes no sixth (§9 «μέχρι πέντε (5)»); with max_files = 6 it does.
    user = member(LIGNITIS)
    app = _draft(kya7066, user)
    required = _required(kya7066, "09.04")
    required.max_files = 5
    required.save()
    for i in range(5):
        attachments.attachment_upload(
            actor=user,
            application_id=app.pk,
            required_attachment_id=required.pk,
            file=pdf_file(f"part-{i}.pdf", b"%PDF-1.4\n" + bytes([65 + i]) * 10 + b"\n%%EOF\n"),
        )

    with pytest.raises(ValidationFailed) as exc:
        attachments.attachment_upload(
            actor=user, application_id=app.pk, required_attachment_id=required.pk, file=pdf_file("part-5.pdf")
        )
    required.max_files = 6
    required.save()
    sixth = attachments.attachment_upload(
        actor=user, application_id=app.pk, required_attachment_id=required.pk, file=pdf_file("part-5.pdf")
    )

    assert exc.value.code == "attachment_too_many"
    assert "έως 5 αρχεία" in exc.value.fields["file"][0] and "09.04" in exc.value.fields["file"][0]
    assert sixth.is_current
    assert attachments.current_attachments(app).filter(required_attachment=required).count() == 6


def test_replacing_one_file_of_a_document_keeps_the_others_and_the_receipt_lists_every_hash(kya7066):
    user = member(LIGNITIS)
    app = _draft(kya7066, user)
    required = _required(kya7066, "09.04")
    first = attachments.attachment_upload(
        actor=user, application_id=app.pk, required_attachment_id=required.pk, file=pdf_file("a.pdf")
    )
    second = attachments.attachment_upload(
        actor=user,
        application_id=app.pk,
        required_attachment_id=required.pk,
        file=pdf_file("b.pdf", b"%PDF-1.4\nsecond\n%%EOF\n"),
    )

    third = attachments.attachment_upload(
        actor=user,
        application_id=app.pk,
        required_attachment_id=required.pk,
        file=pdf_file("a-v2.pdf", b"%PDF-1.4\nfirst, corrected\n%%EOF\n"),
        replaces_id=first.pk,
    )

    first.refresh_from_db()
    current = list(attachments.current_attachments(app))
    assert [a.original_name for a in current] == ["b.pdf", "a-v2.pdf"]
    assert first.is_current is False and first.replaced_by == third
    receipt = attachments.receipt_rows(Application.objects.get(pk=app.pk))
    assert sorted(r["sha256"] for r in receipt) == sorted([second.sha256, third.sha256])
    [row] = [r for r in attachments.attachment_rows(app) if r["required"] == required]
    assert [u.pk for u in row["uploads"]] == [second.pk, third.pk]


def test_replacing_a_file_of_another_document_is_refused(kya7066):
    user = member(LIGNITIS)
    app = _draft(kya7066, user)
    other = attachments.attachment_upload(
        actor=user,
        application_id=app.pk,
        required_attachment_id=_required(kya7066, "02.06").pk,
        file=pdf_file("ubo.pdf"),
    )

    with pytest.raises(ValidationFailed) as exc:
        attachments.attachment_upload(
            actor=user,
            application_id=app.pk,
            required_attachment_id=_required(kya7066, "09.04").pk,
            file=pdf_file("x.pdf"),
            replaces_id=other.pk,
        )

    assert exc.value.code == "attachment_replace_unknown"
    assert attachments.current_attachments(app).get().pk == other.pk


def test_per_file_limit_is_in_decimal_megabytes_and_the_limit_itself_is_refused(kya7066, settings):
    # «κάθε μεμονωμένο αρχείο ... μικρότερο από 10 ΜΒ»: 1 MB = 1,000,000 bytes; 999,999 passes.
    settings.APPLICATION_ATTACHMENT_MAX_MB = 1
    user = member(LIGNITIS)
    app = _draft(kya7066, user)
    required = _required(kya7066, "09.04")
    head = b"%PDF-1.4\n"

    ok = attachments.attachment_upload(
        actor=user,
        application_id=app.pk,
        required_attachment_id=required.pk,
        file=pdf_file("ok.pdf", head + b"0" * (999_999 - len(head) - len(EOF)) + EOF),
    )
    with pytest.raises(ValidationFailed) as exc:
        attachments.attachment_upload(
            actor=user,
            application_id=app.pk,
            required_attachment_id=required.pk,
            file=pdf_file("limit.pdf", head + b"0" * (1_000_000 - len(head))),
        )

    assert ok.size == 999_999
    assert exc.value.code == "attachment_too_large"
    assert "1.000.000 bytes" in exc.value.message and "μικρότερο από 1 MB" in exc.value.message


def test_setting_attachments_total_max_mb_changes_outcome(kya7066, settings):
    # Two files of 600,000 bytes: 1,200,000 bytes in all is refused under a 1 MB total, fine under 2 MB.
    user = member(LIGNITIS)
    app = _draft(kya7066, user)
    required = _required(kya7066, "09.04")
    head = b"%PDF-1.4\n"
    attachments.attachment_upload(
        actor=user,
        application_id=app.pk,
        required_attachment_id=required.pk,
        file=pdf_file("one.pdf", head + b"1" * (600_000 - len(head) - len(EOF)) + EOF),
    )
    kya7066.config = {**kya7066.config, "attachments_total_max_mb": 1}
    kya7066.save()

    with pytest.raises(ValidationFailed) as exc:
        attachments.attachment_upload(
            actor=user,
            application_id=app.pk,
            required_attachment_id=required.pk,
            file=pdf_file("two.pdf", head + b"2" * (600_000 - len(head) - len(EOF)) + EOF),
        )
    kya7066.config = {**kya7066.config, "attachments_total_max_mb": 2}
    kya7066.save()
    two = attachments.attachment_upload(
        actor=user,
        application_id=app.pk,
        required_attachment_id=required.pk,
        file=pdf_file("two.pdf", head + b"2" * (600_000 - len(head) - len(EOF)) + EOF),
    )

    assert exc.value.code == "attachments_total_too_large"
    assert "1.200.000 bytes" in exc.value.message and "μικρότερο από 1 MB" in exc.value.message
    assert two.is_current


def test_the_api_lists_every_file_of_a_document_and_replaces_one(client, kya7066):
    user = member(LIGNITIS)
    app = _draft(kya7066, user)
    required = _required(kya7066, "09.04")
    client.force_login(user)
    url = f"/api/v1/applications/{app.pk}/attachments/"

    client.post(url, {"required_attachment": required.pk, "file": pdf_file("a.pdf")})
    answer = client.post(
        url, {"required_attachment": required.pk, "file": pdf_file("b.pdf", b"%PDF-1.4\nb\n%%EOF\n")}
    ).json()
    [row] = [r for r in answer if r["required_attachment"] == required.pk]
    first_id = row["files"][0]["id"]
    replaced = client.post(
        url,
        {
            "required_attachment": required.pk,
            "file": pdf_file("a2.pdf", b"%PDF-1.4\na2\n%%EOF\n"),
            "replaces": first_id,
        },
    ).json()
    [after] = [r for r in replaced if r["required_attachment"] == required.pk]

    assert [f["file_name"] for f in row["files"]] == ["a.pdf", "b.pdf"]
    assert row["max_files"] == 5
    assert [f["file_name"] for f in after["files"]] == ["b.pdf", "a2.pdf"]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("zip.pdf", b"%PDF-1.4\nPK\x03\x04" + b"z" * 40 + b"PK\x05\x06" + b"\x00" * 18, "ZIP"),
        ("cut.pdf", b"%PDF-1.4\n" + b"0" * 50, "%%EOF"),
        ("page.pdf", b"%PDF-1.4\n<html><body>hi</body></html>\n%%EOF\n", "HTML"),
        ("polyglot.pdf", b"%PDF-1.4\n" + b"x" * 30 + b"PK\x05\x06" + b"\x00" * 18 + b"\n%%EOF\n", "ZIP"),
        ("script.pdf", b"%PDF-1.4\n1 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\n%%EOF\n", "JavaScript"),
        ("cut.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "PNG"),
    ],
)
def test_a_file_is_checked_as_a_whole_not_by_its_first_bytes(kya7066, name, content, reason):
    user = member(LIGNITIS)
    app = _draft(kya7066, user)
    required = _required(kya7066, "02.06")  # PDF, JPEG or PNG by the call's defaults
    with pytest.raises(ValidationFailed) as exc:
        attachments.attachment_upload(
            actor=user,
            application_id=app.pk,
            required_attachment_id=required.pk,
            file=pdf_file(name, content),
        )
    assert exc.value.code == "attachment_not_plain" and reason in exc.value.message
    assert "file" in exc.value.fields
    assert not app.attachments.filter(original_name=name).exists()


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.COMMITTEE_MEMBER])
def test_an_evaluator_or_committee_member_not_assigned_gets_404_for_the_documents(client, kya7066, role):
    user = member(LIGNITIS)
    app = services.application_submit(
        actor=user, application_id=complete_business_draft(user, kya7066, afm=LIGNITIS).pk
    )
    attachment = attachments.current_attachments(app).first()
    url = f"/applications/{app.pk}/attachments/{attachment.pk}/"

    client.force_login(UserFactory(roles=[role]))
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(roles=[Role.SUPERVISOR]))
    assert client.get(url).status_code == 200


def test_the_documents_list_offers_no_links_to_an_evaluator_not_assigned(rf, kya7066):
    user = member(LIGNITIS)
    app = services.application_submit(
        actor=user, application_id=complete_business_draft(user, kya7066, afm=LIGNITIS).pk
    )

    def listed(viewer) -> str:
        request = rf.get("/")
        request.user = viewer
        return render_to_string("applications/_attachments_list.html", {"application": app}, request=request)

    html = listed(UserFactory(roles=[Role.EVALUATOR]))
    assert 'id="attachments-not-assigned"' in html and "/attachments/" not in html
    assert f"/applications/{app.pk}/attachments/" in listed(UserFactory(roles=[Role.SUPERVISOR]))
