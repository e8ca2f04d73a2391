"""The demo loader leaves one finalised application and one draft, and changes nothing when re-run."""

import io

from applications import demo
from applications.models import Application


def test_demo_applications_are_loaded_once(db):
    from accounts import demo as accounts_demo
    from calls import demo as calls_demo

    accounts_demo.load(io.StringIO())
    calls_demo.load(io.StringIO())

    demo.load(io.StringIO())
    demo.load(io.StringIO())

    apps = {a.business.afm: a for a in Application.objects.select_related("business")}
    assert set(apps) == {"806994236", "804773470"}
    assert apps["806994236"].status == Application.Status.SUBMITTED
    assert apps["806994236"].pool.code == "meg" and apps["806994236"].priority_seq == 1
    assert apps["804773470"].status == Application.Status.DRAFT
