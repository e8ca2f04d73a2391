"""Two first logins of the same ΑΦΜ at the same moment (double click, two tabs) must not 500."""

import threading

import pytest
from django.db import connection

from accounts import services
from accounts.models import Business, Membership, User
from interop import identity
from interop.gsis import TaxisnetIdentity

LIGNITIS = TaxisnetIdentity(
    userid="lignitis",
    afm="804773470",
    last_name="ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ ΜΟΝΟΠΡΟΣΩΠΗ ΙΚΕ",
    first_name="",
    father_name="",
    mother_name="",
    birth_year=None,
)


def run_at_once(func, times: int) -> tuple[list, list]:
    """Run `func` in `times` threads released together; (results, errors)."""
    barrier = threading.Barrier(times)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(func())
        except Exception as exc:  # the test reports whatever escaped
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_logins_of_one_afm_make_one_user_and_one_business():
    results, errors = run_at_once(lambda: identity.taxisnet_login(identity=LIGNITIS), times=3)

    assert errors == []
    assert len({user.pk for user in results}) == 1
    assert User.objects.filter(afm="804773470").count() == 1
    assert Business.objects.filter(afm="804773470").count() == 1
    roles = sorted(Membership.objects.filter(business__afm="804773470").values_list("role", flat=True))
    assert roles == ["coordinator", "legal_representative"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_user_inserts_of_one_afm_wait_for_each_other_instead_of_failing():
    results, errors = run_at_once(lambda: services.user_upsert_from_taxisnet(identity=LIGNITIS), times=4)

    assert errors == []
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert User.objects.filter(afm="804773470").count() == 1
