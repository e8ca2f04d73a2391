import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.dashboard import register_panel, render_panels
from accounts.tests.factories import BusinessFactory, MembershipFactory


def test_a_panel_for_an_unknown_audience_is_refused():
    with pytest.raises(ValueError):
        register_panel(audience="visitors", template="x.html", context=lambda request: {})


@pytest.mark.django_db
def test_panels_render_only_for_their_audience(rf):
    membership = MembershipFactory()
    request = rf.get("/")
    request.user = membership.user

    assert render_panels(request, "staff") == []
    assert render_panels(request, "business", business=membership.business) != []


@pytest.mark.django_db
def test_a_business_panel_shows_nothing_of_a_business_to_a_stranger(rf):
    request = rf.get("/")
    request.user = AnonymousUser()

    # The payments panel lists the member's payments only: a stranger gets no panel, and no error.
    panels = render_panels(request, "business", business=BusinessFactory())
    assert not any("panel-my-payments" in html for html in panels)
