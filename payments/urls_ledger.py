"""Browser pages of payments/, area «ledger» (included by payments/urls.py)."""

from django.urls import path

from payments import views_ledger

urlpatterns: list = [
    path("ledger/", views_ledger.index, name="ledger-index"),
    path("ledger/<id:pk>/", views_ledger.call_report, name="ledger-call"),
    path("ledger/<id:pk>/movements/", views_ledger.movements, name="ledger-movements"),
    path("ledger/<id:pk>/ledger.xlsx", views_ledger.export_xlsx, name="ledger-xlsx"),
]
