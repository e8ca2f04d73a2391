"""Journey «operations», through the pages only after `load_demo`: the cluster's coordinator opens
its call 004 operation from the dashboard, files a budget-shift modification (07) — first with an
amount of three decimals and then with a shift over 25%, both refused at the field with nothing
lost — gets its receipt; the supervisor finds it from the staff list, approves it after the
confirmation page; the cluster sees version 2 of the approved budget.

The cluster's pages run at 1280 px and again at 390 px (no sideways scroll); axe-core on every page.
"""

import io

import pytest
from django.core.management import call_command

from operations.models import Modification, Operation
from tests.conftest import DESKTOP, PHONE
from tests.journey import follow, go, staff_login, taxisnet_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CLUSTER_AFM = "994681285"


def _amounts(page, values: dict) -> None:
    for category, amount in values.items():
        page.locator(f'[name="amount_{category}"]').fill(amount)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_cluster_files_a_budget_shift_the_supervisor_approves_version_2(open_context, portal_url, viewport):
    call_command("load_demo", stdout=io.StringIO())
    op = Operation.objects.get(business__afm=CLUSTER_AFM)
    assert op.versions.count() == 1

    cluster = open_context(viewport).new_page()
    taxisnet_login(cluster, portal_url, "cluster")
    follow(cluster, cluster.locator("#panel-my-operations").get_by_role("link", name=op.code))
    assert cluster.locator("#operation-code").inner_text().endswith(op.code)
    assert "120.000,00 €" in cluster.locator("#operation-budget").inner_text()
    follow(cluster, cluster.locator("#link-modification-new"))

    cluster.get_by_label("Είδος τροποποίησης").select_option("07")
    cluster.get_by_label("Αιτιολόγηση αναγκαιότητας").fill(
        "Μεταφορά πόρων από το προσωπικό στον εξοπλισμό λόγω αύξησης τιμών."
    )
    _amounts(cluster, {"01.10": "90.000,123", "02.06": "230.000,00", "07.12": "80.000,00"})
    follow(cluster, cluster.locator("#submit-modification"))
    assert cluster.locator("#field-amount_01\\.10 .govgr-error-message").count() == 1
    assert cluster.locator('[name="amount_01.10"]').input_value() == "90.000,123"  # nothing lost
    assert "Μεταφορά πόρων" in cluster.get_by_label("Αιτιολόγηση αναγκαιότητας").input_value()

    _amounts(cluster, {"01.10": "80.000,00", "02.06": "240.000,00"})
    follow(cluster, cluster.locator("#submit-modification"))
    assert "25%" in cluster.locator("#field-amount_01\\.10 .govgr-error-message").inner_text()
    assert not Modification.objects.exists()

    _amounts(cluster, {"01.10": "90.000,00", "02.06": "230.000,00"})
    follow(cluster, cluster.locator("#submit-modification"))
    mod = Modification.objects.get()
    assert mod.protocol_number in cluster.locator("#modification-receipt").inner_text()

    boss = open_context().new_page()
    staff_login(boss, portal_url, "supervisor")
    follow(boss, boss.locator("#role-supervisor").get_by_role("link", name="Πράξεις", exact=False))
    boss.get_by_label("Αναζήτηση", exact=False).fill(op.code)
    follow(boss, boss.get_by_role("button", name="Φιλτράρισμα"))
    follow(boss, boss.locator("#staff-operations").get_by_role("link", name=op.code))
    follow(boss, boss.locator("#operation-modifications").get_by_role("link", name=mod.protocol_number))
    boss.get_by_label("Έγκριση").check()
    boss.get_by_label("Χαρακτηρισμός", exact=False).select_option("exogenous")
    boss.get_by_label("Αιτιολογία απόφασης").fill("Η μετακίνηση είναι εντός του 25% ανά κατηγορία.")
    follow(boss, boss.locator("#decide-modification"))
    assert boss.confirmations == ["Έγκριση αιτήματος τροποποίησης"]
    assert "Εγκρίθηκε" in boss.locator("#modification-state").inner_text()

    go(cluster, f"{portal_url}/operations/{op.pk}/")
    versions = cluster.locator("#operation-versions").inner_text()
    assert mod.protocol_number in versions
    assert "230.000,00 €" in cluster.locator("#operation-budget").inner_text()
    assert op.versions.count() == 2
