"""The applicant's own list (issue 11): the same applications as before, found by the ids of the
user's active businesses and person, without joining the memberships into the applications."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Business, Membership
from applications import services
from applications.selectors import applications_for_user
from applications.tests.factories import member, person_user


def _ids(user) -> set[int]:
    return set(applications_for_user(user).values_list("pk", flat=True))


def test_own_list_holds_own_businesses_and_person_not_others_nor_pending_invitations(kya7066, kya16936):
    owner = member("804773470")
    other = member("806994236")
    mine = services.application_create(actor=owner, call_id=kya7066.pk, business_afm="804773470")
    theirs = services.application_create(actor=other, call_id=kya7066.pk, business_afm="806994236")
    # An invitation to the other business that `owner` has not accepted gives nothing.
    Membership.objects.create(
        business=Business.objects.get(afm="806994236"), user=owner, invited_afm=owner.afm,
        role=Membership.BusinessRole.COORDINATOR, state=Membership.State.INVITED,
    )  # fmt: skip
    citizen = person_user("15038580948")
    own_person = services.application_create(actor=citizen, call_id=kya16936.pk)

    assert _ids(owner) == {mine.pk}
    assert _ids(other) == {theirs.pk}
    assert _ids(citizen) == {own_person.pk}
    assert applications_for_user(owner).count() == 1  # two memberships of one business: one row


def test_own_list_filters_applications_by_their_own_columns(kya7066):
    owner = member("804773470")
    services.application_create(actor=owner, call_id=kya7066.pk, business_afm="804773470")

    with CaptureQueriesContext(connection) as ctx:
        list(applications_for_user(owner))

    listing = ctx.captured_queries[-1]["sql"]
    assert len(ctx.captured_queries) == 3  # business ids, person ids, the page
    assert "membership" not in listing.lower()  # no join through the memberships
    assert '"business_id" IN' in listing
