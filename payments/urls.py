"""Browser pages of payments/: one urls module per area, all under the «payments» namespace."""

from payments import (
    urls_call004,
    urls_flow,
    urls_kya7066,
    urls_ledger,
    urls_orders,
    urls_recoveries,
    urls_wages,
)

app_name = "payments"
urlpatterns: list = [
    *urls_flow.urlpatterns,
    *urls_orders.urlpatterns,
    *urls_ledger.urlpatterns,
    *urls_call004.urlpatterns,
    *urls_kya7066.urlpatterns,
    *urls_wages.urlpatterns,
    *urls_recoveries.urlpatterns,
]
