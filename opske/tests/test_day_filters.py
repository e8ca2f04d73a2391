"""The «Από» / «Έως» day filters (issue 11): a day in Athens time as a range on the timestamp, which
its index serves, instead of casting every row's timestamp to a date; the audit action by prefix."""

import datetime

import pytest

from interop.filters import RegistryCallFilter
from interop.models import RegistryCall
from opske.filters import AuditEventFilter

UTC = datetime.UTC


def _call(when: datetime.datetime) -> RegistryCall:
    return RegistryCall.objects.create(registry="aade", operation="lookup", started_at=when, outcome="ok")


@pytest.mark.django_db
def test_a_day_is_the_athens_day_and_both_ends_are_inclusive():
    late_on_the_1st = _call(datetime.datetime(2026, 3, 1, 21, 30, tzinfo=UTC))  # 23:30 in Athens
    early_on_the_2nd = _call(datetime.datetime(2026, 3, 1, 22, 30, tzinfo=UTC))  # 00:30 on 02/03
    summer_midnight = _call(datetime.datetime(2026, 7, 31, 21, 0, tzinfo=UTC))  # 00:00 on 01/08 (EEST)

    def found(**params) -> set[int]:
        return set(
            RegistryCallFilter(params, queryset=RegistryCall.objects.all()).qs.values_list("pk", flat=True)
        )

    assert found(date_from="2026-03-01", date_to="2026-03-01") == {late_on_the_1st.pk}
    assert found(date_from="2026-03-02", date_to="2026-03-02") == {early_on_the_2nd.pk}
    assert found(date_to="2026-07-31") == {late_on_the_1st.pk, early_on_the_2nd.pk}
    assert found(date_from="2026-08-01") == {summer_midnight.pk}


@pytest.mark.django_db
def test_the_day_filters_compare_the_column_itself_and_the_action_by_prefix():
    sql = str(
        AuditEventFilter({"date_from": "2026-03-01", "date_to": "2026-03-01", "action": "payment."}).qs.query
    )

    assert '"created_at" >=' in sql and '"created_at" <' in sql
    assert "AT TIME ZONE" not in sql and "::date" not in sql  # no cast: the index is used
    assert "LIKE payment.%" in sql.replace("'", "") or ("LIKE" in sql and "%payment" not in sql)
