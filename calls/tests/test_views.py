"""Public pages and the staff editor, as a browser would use them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from calls import services
from calls.forms import SECTION_FORMS
from calls.gaps import gaps_for_method
from calls.models import Call
from calls.tests.factories import CallFactory, ProgrammeFactory, evaluator, programme_admin, published_call

pytestmark = pytest.mark.django_db


# --- public -----------------------------------------------------------------------------------


def test_public_list_shows_published_calls_only(client):
    live = published_call(title="Ανοιχτή πρόσκληση επιδότησης")
    draft = CallFactory(title="Κρυφό σχέδιο")

    response = client.get(reverse("calls:list"))

    assert response.status_code == 200
    assert live.title in response.text
    assert draft.title not in response.text


def test_public_list_filters_by_phase_and_search(client):
    now = timezone.now()
    open_call = published_call(title="Πρόσληψη ανέργων")
    upcoming = published_call(
        title="Μελλοντική πρόσκληση",
        submission_opens_at=now + datetime.timedelta(days=5),
        submission_closes_at=now + datetime.timedelta(days=50),
    )
    closed = published_call(title="Παλιά πρόσκληση")
    Call.objects.filter(pk=closed.pk).update(
        submission_opens_at=now - datetime.timedelta(days=60),
        submission_closes_at=now - datetime.timedelta(days=1),
    )

    open_page = client.get(reverse("calls:list"), {"phase": "open"}).text
    upcoming_page = client.get(reverse("calls:list"), {"phase": "upcoming"}).text
    closed_page = client.get(reverse("calls:list"), {"phase": "closed"}).text
    search_page = client.get(reverse("calls:list"), {"q": "ανέργων"}).text

    assert open_call.title in open_page and upcoming.title not in open_page and closed.title not in open_page
    assert upcoming.title in upcoming_page and open_call.title not in upcoming_page
    assert closed.title in closed_page and open_call.title not in closed_page
    assert open_call.title in search_page and upcoming.title not in search_page


def test_public_list_with_a_bad_filter_shows_a_greek_message_not_an_error(client):
    published_call()

    response = client.get(reverse("calls:list"), {"phase": "ποτέ"})

    assert response.status_code == 200
    assert "Μη έγκυρα κριτήρια αναζήτησης" in response.text


def test_public_list_paginates_with_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(14):
        published_call()

    with django_assert_max_num_queries(6):
        first = client.get(reverse("calls:list"))
    second = client.get(reverse("calls:list"), {"page": 2})

    assert first.context["page"].paginator.count == 14
    assert len(first.context["calls"]) == 10
    assert len(second.context["calls"]) == 4


def test_call_page_shows_key_facts_with_closing_time_in_athens(client):
    closes = datetime.datetime(2031, 1, 15, 10, 0, tzinfo=datetime.UTC)
    call = published_call(title="Πρόσκληση Χ", submission_closes_at=closes)

    response = client.get(reverse("calls:detail", kwargs={"code": call.code}))

    assert response.status_code == 200
    assert "15/01/2031 12:00" in response.text  # 10:00 UTC is 12:00 in Athens in winter
    assert "100.000,00 €" in response.text
    assert "Αρχική" in response.text


def test_draft_call_page_is_not_found(client):
    draft = CallFactory()

    assert client.get(reverse("calls:detail", kwargs={"code": draft.code})).status_code == 404


def test_fcfs_call_page_polls_the_remaining_budget(client):
    call = published_call()
    services.pool_reserve(pool_id=call.pools.get().pk, amount="25000")

    page = client.get(reverse("calls:detail", kwargs={"code": call.code})).text
    partial = client.get(reverse("calls:pools", kwargs={"code": call.code})).text

    assert 'hx-trigger="every 10s"' in page
    assert "75.000,00 €" in partial
    assert "<html" not in partial


def test_home_partial_lists_open_calls(client):
    from django.template.loader import render_to_string

    live = published_call(title="Ανοιχτή για την αρχική")

    html = render_to_string("calls/_home_calls.html")

    assert live.title in html


# --- staff ------------------------------------------------------------------------------------


def _management(data):
    for section in SECTION_FORMS:
        data.setdefault(f"{section}-TOTAL_FORMS", "0")
        data.setdefault(f"{section}-INITIAL_FORMS", "0")
    return data


def _editor_post(**overrides):
    data = {
        "title": "Πρόσκληση από τη φόρμα",
        "aid_regime": "de_minimis",
        "applicant_kind": "business",
        "evaluation_method": "fcfs_direct",
        "submission_opens_at": "2030-01-10T09:00",
        "submission_closes_at": "2030-02-10T15:00",
        "total_budget": "5000.00",
        "over_pool_policy": "reserve_list",
        "tie_policy": "submission_time",
        "kad_list_mode": "exclude",
        "kad_scope": "main_and_establishment",
        "config": "{}",
        "kad_text": "01\n47.8\n",
        "pools-TOTAL_FORMS": "1",
        "pools-INITIAL_FORMS": "0",
        "pools-0-code": "all",
        "pools-0-label": "Σύνολο",
        "pools-0-amount": "5000.00",
    }
    data.update({f"gap_{g.key}": g.default for g in gaps_for_method("fcfs_direct")})
    data.update(overrides)
    return _management(data)


@pytest.mark.parametrize("url_name", ["calls:manage-list", "calls:manage-create"])
def test_evaluator_is_refused_the_staff_pages(client, url_name):
    client.force_login(evaluator())

    assert client.get(reverse(url_name)).status_code == 403


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("calls:manage-list"))

    assert response.status_code == 302


def test_admin_creates_a_draft_with_the_editor(client):
    client.force_login(programme_admin())
    programme = ProgrammeFactory()

    response = client.post(
        reverse("calls:manage-create"), _editor_post(code="apo-forma", programme=str(programme.pk))
    )

    call = Call.objects.get(code="apo-forma")
    assert response.status_code == 302
    assert call.status == Call.Status.DRAFT
    assert call.pools.get().amount == Decimal("5000.00")
    assert sorted(call.kad_rules.values_list("code", flat=True)) == ["01", "47.8"]
    assert call.submission_closes_at == datetime.datetime(2030, 2, 10, 13, 0, tzinfo=datetime.UTC)


def test_editor_shows_greek_errors_and_keeps_the_input(client):
    client.force_login(programme_admin())
    programme = ProgrammeFactory()

    response = client.post(
        reverse("calls:manage-create"),
        _editor_post(code="lathos", programme=str(programme.pk), submission_closes_at="2029-01-01T00:00"),
    )

    assert response.status_code == 200
    assert "Η λήξη υποβολών πρέπει να είναι μετά την έναρξη." in response.text
    assert "Πρόσκληση από τη φόρμα" in response.text
    assert not Call.objects.filter(code="lathos").exists()


def test_editor_add_row_button_adds_an_empty_row_without_saving(client):
    client.force_login(programme_admin())
    programme = ProgrammeFactory()

    response = client.post(
        reverse("calls:manage-create"),
        _editor_post(code="rows", programme=str(programme.pk), add_row="areas"),
    )

    assert response.status_code == 200
    assert response.context["sections"][1][2].total_form_count() == 1
    assert not Call.objects.filter(code="rows").exists()


def test_publish_confirmation_then_publish(client):
    client.force_login(programme_admin())
    call = CallFactory()

    confirm = client.get(reverse("calls:manage-publish", kwargs={"pk": call.pk}))
    refused = client.post(reverse("calls:manage-publish", kwargs={"pk": call.pk}), {})
    published = client.post(reverse("calls:manage-publish", kwargs={"pk": call.pk}), {"confirm": "on"})

    call.refresh_from_db()
    assert confirm.status_code == 200 and "Επιβεβαιώνω" in confirm.text
    assert refused.status_code == 200
    assert published.status_code == 302
    assert call.status == Call.Status.PUBLISHED


def test_amend_through_the_editor_creates_version_two_and_shows_the_diff(client):
    admin = programme_admin()
    client.force_login(admin)
    call = published_call()

    data = _editor_post(
        title="Τροποποιημένος τίτλος",
        total_budget="100000.00",
        kad_text="",
        kad_list_mode="none",
        reason="Διόρθωση τίτλου",
        **{"pools-0-amount": "100000.00"},
    )
    response = client.post(reverse("calls:manage-amend", kwargs={"pk": call.pk}), data)
    history = client.get(reverse("calls:manage-versions", kwargs={"pk": call.pk}))

    call.refresh_from_db()
    assert response.status_code == 302
    assert call.current_version.number == 2
    assert call.title == "Τροποποιημένος τίτλος"
    assert "call.title" in history.text
    assert "Διόρθωση τίτλου" in history.text


def test_amend_without_reason_is_refused_and_nothing_changes(client):
    client.force_login(programme_admin())
    call = published_call()

    response = client.post(
        reverse("calls:manage-amend", kwargs={"pk": call.pk}),
        _editor_post(title="Χωρίς αιτιολογία", total_budget="100000.00", kad_list_mode="none", kad_text=""),
    )

    call.refresh_from_db()
    assert response.status_code == 200
    assert call.versions.count() == 1
    assert call.title != "Χωρίς αιτιολογία"


def test_editor_opens_for_every_seed_call(client):
    from calls import demo

    demo.load(_Sink())
    client.force_login(programme_admin())

    for call in Call.objects.all():
        assert client.get(reverse("calls:manage-amend", kwargs={"pk": call.pk})).status_code == 200
        assert client.get(reverse("calls:manage-versions", kwargs={"pk": call.pk})).status_code == 200
        assert client.get(reverse("calls:detail", kwargs={"code": call.code})).status_code == 200


class _Sink:
    def write(self, *_args, **_kwargs):
        pass


# --- settings not built yet (calls.gaps pending, calls.schema x-pending) ------------------------


@pytest.fixture
def late_claim_pending(monkeypatch):
    """Every gap of the seeds is read by now; the mechanism is checked on one put back to pending."""
    import dataclasses

    from calls import forms, gaps

    pended = tuple(
        dataclasses.replace(g, pending="payments") if g.key == "late_payment_request" else g
        for g in gaps.GAP_SETTINGS
    )
    monkeypatch.setattr(gaps, "GAP_SETTINGS", pended)
    monkeypatch.setattr(forms, "GAP_SETTINGS", pended)


def test_a_pending_setting_is_hidden_from_the_editor_and_its_stored_value_is_kept(late_claim_pending):
    from calls.forms import CallMainForm, GapForm

    stored = {"late_payment_request": "block", "reedit_priority": "keep"}
    form = GapForm(
        {
            "gap_reedit_priority": "requeue",
            **{f"gap_{g.key}": g.default for g in gaps_for_method("fcfs_direct")},
        },
        method="fcfs_direct",
        current=stored,
    )

    assert form.is_valid(), form.errors
    assert "gap_late_payment_request" not in form.fields
    assert form.gaps()["late_payment_request"] == "block"  # kept, not reset
    assert form.gaps()["reedit_priority"] == "requeue"
    # `notes` (schema x-pending "publication") is read by nothing yet: hidden, its value kept.
    call = CallFactory(config={"notes": ["εσωτερική σημείωση"], "subsidy_months": 12})
    main = CallMainForm(instance=call)
    assert main.initial["config"] == {"subsidy_months": 12}
    # Read by verification.rules.requests since the verification requests were built: shown.
    assert "expenditure_eligibility_end" in main.fields


def test_settings_read_by_their_rules_are_no_longer_pending():
    from calls.schema import pending_config_keys

    # positions_target (operations), monthly_gross_pay and clearance_threshold (payments) are read now.
    assert not {"positions_target", "monthly_gross_pay", "clearance_threshold"} & set(pending_config_keys())
    shown = {g.key for g in gaps_for_method("fcfs_direct")}
    assert {"late_payment_request", "clawback_reading"} <= shown


def test_a_pending_config_key_typed_into_the_editor_is_refused_with_its_capability():
    from django.forms import ValidationError

    from calls.forms import CallMainForm

    call = CallFactory(config={"notes": ["α"]})
    form = CallMainForm(instance=call)
    form.cleaned_data = {"config": {"notes": ["β"]}}
    with pytest.raises(ValidationError) as exc:
        form.clean_config()
    form.cleaned_data = {"config": {"subsidy_months": 6}}

    assert "«notes» (publication)" in str(exc.value)
    assert form.clean_config() == {"notes": ["α"], "subsidy_months": 6}
