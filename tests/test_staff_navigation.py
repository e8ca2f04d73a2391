"""Every staff role's dashboard links lead to pages that role may open (a navigation/permission matrix)."""

import re

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory

STAFF_ROLES = [r for r in Role if r != Role.API_CLIENT]
LINKS = re.compile(r'<ul class="govgr-list opske-role-links">(.*?)</ul>', re.S)
HREF = re.compile(r'href="([^"]+)"')


@pytest.mark.django_db
@pytest.mark.parametrize("role", STAFF_ROLES, ids=[r.value for r in STAFF_ROLES])
def test_each_dashboard_link_opens_for_its_role(client, role):
    # Given a staff member holding one role
    user = UserFactory(username=f"staff-{role.value}", roles=[role])
    client.force_login(user)

    # When they open their dashboard and follow each work-area link
    page = client.get("/accounts/dashboard/").content.decode()
    block = LINKS.search(page)
    assert block, "the role's work areas are listed"
    hrefs = HREF.findall(block.group(1))

    # Then every linked page opens for them (no 403/404/500 behind a link we show)
    for href in hrefs:
        response = client.get(href)
        assert response.status_code == 200, f"{role.value}: {href} answered {response.status_code}"
