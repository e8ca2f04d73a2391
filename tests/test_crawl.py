"""Nothing answers with a 500: crawl the demo portal as each kind of user, following the links.

Loads the demo (every seed programme, demo applications, rounds), then walks the pages each user can
reach from their dashboard and the home page (GET only, internal links, bounded), asserting that no
page errors. Logout and other state-changing links are POST forms, so a GET crawl changes nothing.
"""

import io
import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command

from accounts.models import Membership, User

HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/static/", "/media/", "/sandbox/", "/django-admin/", "/api/docs/", "/i18n/", "/accounts/taxisnet/")
MAX_PAGES = 120


def _crawl(client, start_paths):
    seen, queue, errors = set(), deque(start_paths), []
    while queue and len(seen) < MAX_PAGES:
        path = urldefrag(queue.popleft())[0]
        if path in seen or path.startswith(SKIP):
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code >= 500:
            errors.append((path, response.status_code))
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode(errors="replace")):
            href = href.replace("&amp;", "&")
            if urlsplit(href).path not in seen:
                queue.append(href)
    return seen, errors


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def _business_user():
    return Membership.objects.filter(state="active", business__afm="804773470").first().user


@pytest.mark.parametrize(
    "who", ["anonymous", "admin", "evaluator", "committee", "supervisor", "auditor", "verifier", "business"]
)
def test_no_page_reachable_by_a_user_answers_500(client, demo, who):
    if who == "business":
        client.force_login(_business_user())
    elif who != "anonymous":
        client.force_login(User.objects.get(username=who))

    seen, errors = _crawl(client, ["/", "/accounts/dashboard/", "/calls/", "/inbox/"])

    assert len(seen) > 5
    assert errors == []
