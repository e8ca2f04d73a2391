from applications.tests.factories import complete_business_draft, member


def test_the_business_dashboard_lists_its_applications_and_no_one_elses(client, kya7066):
    # Given two businesses, each with a draft application
    lignitis = member("804773470")
    arkadika = member("806994236")
    mine = complete_business_draft(lignitis, kya7066, afm="804773470", prefill=False)
    theirs = complete_business_draft(arkadika, kya7066, afm="806994236", prefill=False)
    client.force_login(lignitis)

    # When the first one opens its dashboard
    page = client.get("/accounts/dashboard/").content.decode()

    # Then the applications panel (contributed by applications/) lists its own only
    assert 'id="panel-my-applications"' in page
    assert f"/applications/{mine.pk}/" in page
    assert f"/applications/{theirs.pk}/" not in page
