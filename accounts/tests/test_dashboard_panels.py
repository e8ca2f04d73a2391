import pytest

from accounts.dashboard import register_panel, render_panels
from accounts.tests.factories import BusinessFactory


def test_a_panel_for_an_unknown_audience_is_refused():
    with pytest.raises(ValueError):
        register_panel(audience="visitors", template="x.html", context=lambda request: {})


@pytest.mark.django_db
def test_panels_render_only_for_their_audience(rf):
    business = BusinessFactory()
    request = rf.get("/")
    request.user = None

    assert render_panels(request, "staff") == []
    assert render_panels(request, "business", business=business) != []
