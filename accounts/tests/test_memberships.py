"""Who may invite and revoke a business's members, and what a user of another business sees (404)."""

import pytest

from accounts import services
from accounts.models import Membership
from accounts.tests.factories import (
    BusinessFactory,
    MembershipFactory,
    TaxisnetUserFactory,
    afm_with_check_digit,
)
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return MembershipFactory(role=Membership.BusinessRole.COORDINATOR)


def test_coordinator_invites_by_afm_and_the_invitation_is_audited(coordinator):
    afm = afm_with_check_digit("18500000")

    membership = services.membership_invite(
        actor=coordinator.user,
        business=coordinator.business,
        afm=afm,
        role="financial_officer",
        email="a@b.gr",
    )

    assert membership.state == Membership.State.INVITED
    assert membership.invited_by == coordinator.user
    event = AuditEvent.objects.get(action="membership.invited")
    assert event.actor == coordinator.user and event.after["invited_afm"] == afm


def test_an_invited_person_acts_for_the_business_only_after_accepting(coordinator):
    from accounts.selectors import businesses_for_user

    existing = TaxisnetUserFactory()
    membership = services.membership_invite(
        actor=coordinator.user, business=coordinator.business, afm=existing.afm, role="financial_officer"
    )
    assert membership.state == Membership.State.INVITED and membership.user == existing
    assert coordinator.business not in businesses_for_user(existing)  # typing an ΑΦΜ is not consent

    with pytest.raises(NotFound):  # only the one who logs in with the invited ΑΦΜ answers it
        services.membership_accept(actor=TaxisnetUserFactory(), membership_id=membership.pk)
    accepted = services.membership_accept(actor=existing, membership_id=membership.pk)

    assert accepted.state == Membership.State.ACTIVE
    assert coordinator.business in businesses_for_user(existing)
    assert AuditEvent.objects.filter(action="membership.accepted", actor=existing).count() == 1
    with pytest.raises(NotFound):  # answered once
        services.membership_accept(actor=existing, membership_id=membership.pk)


def test_a_declined_invitation_ends_and_can_be_issued_again(coordinator):
    invited = TaxisnetUserFactory()
    membership = services.membership_invite(
        actor=coordinator.user, business=coordinator.business, afm=invited.afm, role="coordinator"
    )
    declined = services.membership_decline(actor=invited, membership_id=membership.pk)

    assert declined.state == Membership.State.REVOKED and declined.revoked_at is not None
    assert AuditEvent.objects.get(action="membership.declined").actor == invited
    again = services.membership_invite(
        actor=coordinator.user, business=coordinator.business, afm=invited.afm, role="coordinator"
    )
    assert again.state == Membership.State.INVITED


def test_the_invited_person_answers_from_the_dashboard_through_a_confirmation(client, coordinator):
    invited = TaxisnetUserFactory()
    membership = services.membership_invite(
        actor=coordinator.user, business=coordinator.business, afm=invited.afm, role="financial_officer"
    )
    client.force_login(invited)
    page = client.get("/accounts/dashboard/").content.decode()
    assert f'id="invitation-{membership.pk}"' in page and coordinator.business.name in page

    url = f"/accounts/invitations/{membership.pk}/accept/"
    confirm = client.post(url)
    assert confirm.status_code == 200 and "Αποδοχή πρόσκλησης" in confirm.content.decode()
    membership.refresh_from_db()
    assert membership.state == Membership.State.INVITED  # nothing before the confirmation
    done = client.post(url, {"confirm": "on"})
    assert done.status_code == 302
    membership.refresh_from_db()
    assert membership.state == Membership.State.ACTIVE
    assert client.post(f"/accounts/invitations/{membership.pk}/elsewhere/").status_code == 404
    client.force_login(TaxisnetUserFactory())  # someone else: nothing to answer
    other = client.post(f"/accounts/invitations/{membership.pk}/decline/", {"confirm": "on"})
    assert other.status_code == 302
    membership.refresh_from_db()
    assert membership.state == Membership.State.ACTIVE


def test_a_financial_officer_cannot_invite(coordinator):
    officer = MembershipFactory(business=coordinator.business, role=Membership.BusinessRole.FINANCIAL_OFFICER)

    with pytest.raises(PermissionDenied):
        services.membership_invite(
            actor=officer.user,
            business=coordinator.business,
            afm=afm_with_check_digit("18500000"),
            role="coordinator",
        )

    assert not AuditEvent.objects.exists()


def test_inviting_twice_is_a_conflict(coordinator):
    afm = afm_with_check_digit("18500000")
    services.membership_invite(
        actor=coordinator.user, business=coordinator.business, afm=afm, role="coordinator"
    )

    with pytest.raises(Conflict) as exc:
        services.membership_invite(
            actor=coordinator.user, business=coordinator.business, afm=afm, role="coordinator"
        )

    assert "afm" in exc.value.fields


def test_invalid_afm_is_refused_with_a_field_message(coordinator):
    with pytest.raises(ValidationFailed) as exc:
        services.membership_invite(
            actor=coordinator.user, business=coordinator.business, afm="123456789", role="coordinator"
        )

    assert exc.value.fields["afm"] == ["Ο ΑΦΜ δεν είναι έγκυρος (λάθος ψηφίο ελέγχου)."]


def test_the_last_coordinator_cannot_be_revoked(coordinator):
    with pytest.raises(Conflict) as exc:
        services.membership_revoke(actor=coordinator.user, membership=coordinator, reason="λάθος")

    assert exc.value.code == "last_coordinator"
    coordinator.refresh_from_db()
    assert coordinator.state == Membership.State.ACTIVE


def test_a_coordinator_can_be_revoked_when_another_remains(coordinator):
    other = MembershipFactory(business=coordinator.business, role=Membership.BusinessRole.COORDINATOR)

    services.membership_revoke(actor=coordinator.user, membership=other, reason="Αποχώρησε")

    other.refresh_from_db()
    assert other.state == Membership.State.REVOKED and other.revoked_at is not None
    event = AuditEvent.objects.get(action="membership.revoked")
    assert event.reason == "Αποχώρησε" and event.before["state"] == "active"


def test_a_revoked_invitation_can_be_issued_again(coordinator):
    afm = afm_with_check_digit("18500000")
    invited = services.membership_invite(
        actor=coordinator.user, business=coordinator.business, afm=afm, role="coordinator"
    )
    services.membership_revoke(actor=coordinator.user, membership=invited)

    again = services.membership_invite(
        actor=coordinator.user, business=coordinator.business, afm=afm, role="coordinator"
    )

    assert again.pk != invited.pk and again.state == Membership.State.INVITED


# --- through the browser ---------------------------------------------------------------------------


def test_invite_form_shows_the_validator_message_and_keeps_the_input(client, coordinator):
    client.force_login(coordinator.user)

    response = client.post(
        f"/accounts/business/{coordinator.business.afm}/members/invite/",
        {"afm": "12345678", "role": "coordinator", "email": "not-an-email"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Ο ΑΦΜ δεν είναι έγκυρος (λάθος ψηφίο ελέγχου)." in page
    assert "Συμπληρώστε έγκυρη διεύθυνση e-mail." in page
    assert 'value="12345678"' in page
    assert not Membership.objects.filter(invited_afm="012345678").exists()


def test_revoke_asks_for_confirmation_then_revokes(client, coordinator):
    other = MembershipFactory(business=coordinator.business, role=Membership.BusinessRole.FINANCIAL_OFFICER)
    client.force_login(coordinator.user)
    url = f"/accounts/business/{coordinator.business.afm}/members/{other.pk}/revoke/"

    confirm = client.get(url)
    client.post(url, {"reason": "Τέλος συνεργασίας"})

    assert "Επιβεβαίωση ανάκλησης" in confirm.content.decode()
    other.refresh_from_db()
    assert other.state == Membership.State.REVOKED


def test_another_business_is_404_for_every_business_action(client, coordinator):
    foreign = MembershipFactory(role=Membership.BusinessRole.COORDINATOR)
    client.force_login(coordinator.user)
    afm = foreign.business.afm

    responses = [
        client.post(f"/accounts/business/{afm}/refresh/"),
        client.post(
            f"/accounts/business/{afm}/members/invite/", {"afm": coordinator.user.afm, "role": "coordinator"}
        ),
        client.get(f"/accounts/business/{afm}/members/{foreign.pk}/revoke/"),
        client.post(f"/accounts/business/{afm}/members/{foreign.pk}/revoke/"),
        client.post("/accounts/business/select/", {"business": afm}),
        # another business's membership reached through one's own business
        client.get(f"/accounts/business/{coordinator.business.afm}/members/{foreign.pk}/revoke/"),
    ]

    assert [r.status_code for r in responses] == [404] * len(responses)
    foreign.refresh_from_db()
    assert foreign.state == Membership.State.ACTIVE


def test_user_with_several_businesses_picks_the_active_one(client):
    user = TaxisnetUserFactory()
    first = MembershipFactory(user=user, business=BusinessFactory(name="ΑΛΦΑ ΙΚΕ"))
    second = MembershipFactory(user=user, business=BusinessFactory(name="ΒΗΤΑ ΑΕ"))
    client.force_login(user)

    choose = client.get("/accounts/dashboard/")
    client.post("/accounts/business/select/", {"business": second.business.afm})
    chosen = client.get("/accounts/dashboard/")

    assert "Επιλέξτε την επιχείρηση" in choose.content.decode()
    assert "ΑΛΦΑ ΙΚΕ" in choose.content.decode() and first.business.afm in choose.content.decode()
    assert '<h1 class="govgr-heading-xl">ΒΗΤΑ ΑΕ</h1>' in chosen.content.decode()
