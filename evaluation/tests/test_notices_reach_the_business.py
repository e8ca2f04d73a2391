"""The business receives its decision: the contact profile for legal notices, confirmed by a
signed link, and every notice (decision, objection outcome, clarification) in the inbox and by
e-mail; the e-mail's sending time is the service time (ΚΥΑ 7066 Art. 6.10, 7.3)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts import services as account_services
from accounts.models import Business, Membership
from accounts.services import business_contact_set_confirmed, contact_confirmation_token
from applications.models import Application
from applications.tests.factories import member
from evaluation import services
from evaluation.models import Decision
from evaluation.tests.factories import LIGNITIS, approved_and_notified, submitted_application
from opske.models import Delivery, Notification

CONFIRM_LINK = re.compile(r"https?://\S+/accounts/contact/confirm/\S+/")


def _coordinator_without_email(afm=LIGNITIS):
    """A business member with no personal e-mail: only the contact profile can reach it."""
    return _clear_email(member(afm))


def _clear_email(user):
    type(user).objects.filter(pk=user.pk).update(email="")
    user.refresh_from_db()
    return user


def _submitted_by_member_without_email(call, *, declared=""):
    """Submitted (the form needs an address), then the member's and the declared one removed."""
    user = member(LIGNITIS)
    app, _ = submitted_application(call, user=user)
    Application.objects.filter(pk=app.pk).update(email=declared)
    return app, _clear_email(user)


def test_coordinator_changes_the_address_and_it_counts_only_once_confirmed(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    owner = _coordinator_without_email()
    business = Business.objects.get(afm=LIGNITIS)
    client.force_login(owner)
    url = reverse("accounts:business_contact", args=[LIGNITIS])
    # when the coordinator saves a new address and phone
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "nomimi@lignitis.example.gr", "phone": "24610 12345"})
    assert response.status_code == 302
    business.refresh_from_db()
    # then the phone applies at once, the address waits for its link
    assert business.notice_phone == "2461012345"
    assert (business.notice_email, business.notice_email_pending) == ("", "nomimi@lignitis.example.gr")
    assert mailoutbox[-1].to == ["nomimi@lignitis.example.gr"]
    link = CONFIRM_LINK.search(mailoutbox[-1].body).group(0)
    path = "/" + link.split("/", 3)[3]
    # opening the link asks; only the button confirms (a mail scanner's GET changes nothing)
    assert "Επιβεβαίωση διεύθυνσης" in client.get(path).content.decode()
    business.refresh_from_db()
    assert business.notice_email_confirmed_at is None
    response = client.post(path)
    assert "Η διεύθυνση επιβεβαιώθηκε" in response.content.decode()
    business.refresh_from_db()
    assert business.notice_email == "nomimi@lignitis.example.gr" and business.notice_email_confirmed_at
    assert business.notice_email_pending == ""
    page = client.get(url).content.decode()
    assert "nomimi@lignitis.example.gr" in page and "Επιβεβαιωμένο" in page


def test_bad_phone_and_bad_address_are_refused_at_the_field_and_nothing_changes(client, world):
    owner = _coordinator_without_email()
    client.force_login(owner)
    url = reverse("accounts:business_contact", args=[LIGNITIS])
    response = client.post(url, {"email": "όχι-διεύθυνση", "phone": "123"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "govgr-field--error" in body and "govgr-error-summary" in body
    assert "Μη έγκυρη διεύθυνση e-mail" in body or "Γράψτε διεύθυνση" in body
    business = Business.objects.get(afm=LIGNITIS)
    assert (business.notice_email_pending, business.notice_phone) == ("", "")


def test_only_the_coordinator_edits_the_contact_profile(client, world):
    member(LIGNITIS)  # the coordinator
    financial = member(LIGNITIS, Membership.BusinessRole.FINANCIAL_OFFICER)
    client.force_login(financial)
    url = reverse("accounts:business_contact", args=[LIGNITIS])
    page = client.get(url).content.decode()
    assert "Τα στοιχεία αλλάζει ο συντονιστής" in page and "Αποθήκευση στοιχείων επικοινωνίας" not in page
    response = client.post(url, {"email": "x@example.gr", "phone": ""})
    assert response.status_code == 400
    assert Business.objects.get(afm=LIGNITIS).notice_email_pending == ""


def test_a_forged_expired_or_stale_link_confirms_nothing(client, world, monkeypatch):
    business = Business.objects.get(afm=LIGNITIS)
    Business.objects.filter(pk=business.pk).update(notice_email_pending="new@example.gr")
    token = contact_confirmation_token(business=business, email="new@example.gr")
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = client.post(reverse("accounts:contact_confirm", args=[forged]))
    assert response.status_code == 400 and "δεν είναι έγκυρος" in response.content.decode()
    # a link for an address that is no longer the one waiting
    stale = contact_confirmation_token(business=business, email="old@example.gr")
    response = client.post(reverse("accounts:contact_confirm", args=[stale]))
    assert response.status_code == 409
    # an expired link (a week has passed: every token is older than the allowed age)
    monkeypatch.setattr(account_services, "CONTACT_TOKEN_MAX_AGE", -1)
    response = client.post(reverse("accounts:contact_confirm", args=[token]))
    assert response.status_code == 400 and "έληξε" in response.content.decode()
    business.refresh_from_db()
    assert business.notice_email == "" and business.notice_email_confirmed_at is None


def test_decision_notice_reaches_the_confirmed_address_and_its_sending_starts_the_deadline(
    world, kya7066, evaluator, supervisor, django_capture_on_commit_callbacks, mailoutbox
):
    # given a business whose only member has no e-mail, with a confirmed contact address, and an
    # application that declared another address
    app, owner = _submitted_by_member_without_email(kya7066, declared="aitisi@lignitis.example.gr")
    business = Business.objects.get(afm=LIGNITIS)
    business_contact_set_confirmed(actor="δοκιμή", business=business, email="nomimi@lignitis.example.gr")
    # when the approval is signed and published
    decision = approved_and_notified(app, evaluator, supervisor, django_capture_on_commit_callbacks)
    # then it is served: the e-mail went to both addresses, the inbox has it, and the service time
    # is the moment the e-mail was sent (Art. 7.3)
    assert decision.state == Decision.State.NOTIFIED
    notice = Notification.objects.get(kind="evaluation.decision", object_id=str(decision.pk), recipient=owner)
    sent = Delivery.objects.filter(
        notification__object_id=str(decision.pk), notification__kind="evaluation.decision"
    )
    assert {d.to_address for d in sent} == {"nomimi@lignitis.example.gr", "aitisi@lignitis.example.gr"}
    assert all(d.state == Delivery.State.SENT for d in sent)
    assert decision.notified_at == notice.sent_at == min(d.sent_at for d in sent)
    decision_mails = [m for m in mailoutbox if decision.protocol_number in m.subject + m.body]
    assert {tuple(m.to) for m in decision_mails} == {
        ("nomimi@lignitis.example.gr",),
        ("aitisi@lignitis.example.gr",),
    }


def test_without_any_address_the_decision_is_not_served_and_no_deadline_starts(
    world, kya7066, evaluator, supervisor, django_capture_on_commit_callbacks
):
    app, owner = _submitted_by_member_without_email(kya7066)
    decision = approved_and_notified(app, evaluator, supervisor, django_capture_on_commit_callbacks)
    assert decision.state == Decision.State.PUBLISHED and decision.notified_at is None
    assert decision.objection_deadline is None
    (delivery,) = Delivery.objects.filter(notification__object_id=str(decision.pk),
                                          notification__kind="evaluation.decision")  # fmt: skip
    assert delivery.state == Delivery.State.FAILED


@pytest.mark.parametrize("kind", ["clarification", "objection_outcome"])
def test_clarifications_and_objection_outcomes_go_to_the_contact_address(
    kind, world, kya7066, evaluator, supervisor, django_capture_on_commit_callbacks, mailoutbox
):
    from evaluation.tests.factories import evaluated, sign_declaration_for_second_level

    app, owner = _submitted_by_member_without_email(kya7066)
    business = Business.objects.get(afm=LIGNITIS)
    business_contact_set_confirmed(actor="δοκιμή", business=business, email="nomimi@lignitis.example.gr")
    if kind == "clarification":
        with django_capture_on_commit_callbacks(execute=True):
            ev = evaluated(app, evaluator)
            sign_declaration_for_second_level(app, supervisor)
            services.clarification_request(actor=supervisor, evaluation_id=ev.pk, question="Στείλτε το ΦΕΚ;")
        expected_kind = services.CLARIFICATION_NOTICE_KIND
    else:
        decision = approved_and_notified(app, evaluator, supervisor, django_capture_on_commit_callbacks)
        objection = services.objection_file(actor=owner, decision_id=decision.pk, text="Λόγοι")
        with django_capture_on_commit_callbacks(execute=True):
            services.objection_decide(
                actor=supervisor, objection_id=objection.pk, accepted=False, reasons="Όχι"
            )
        expected_kind = services.OBJECTION_NOTICE_KIND
    delivery = Delivery.objects.get(notification__kind=expected_kind)
    assert (delivery.to_address, delivery.state) == ("nomimi@lignitis.example.gr", Delivery.State.SENT)
    assert Notification.objects.filter(kind=expected_kind, recipient=owner).exists()
