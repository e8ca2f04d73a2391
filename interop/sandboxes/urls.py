"""The registry sandboxes, served by the portal itself in development and tests.

Each registry's sandbox lives in its own module with its own `urlpatterns`, mounted at
`/sandbox/<registry>/` so a client's base URL is `INTEROP_BASE_URL/<registry>`.
"""

from django.urls import include, path

from interop.sandboxes import aade, bank, clearance, deminimis, diavgeia, dypa, ergani, gemi, gsis, idika

app_name = "sandbox"
urlpatterns = [
    path("gsis/", include((gsis.urlpatterns, "gsis"))),
    path("aade/", include((aade.urlpatterns, "aade"))),
    path("ergani/", include((ergani.urlpatterns, "ergani"))),
    path("deminimis/", include((deminimis.urlpatterns, "deminimis"))),
    path("dypa/", include((dypa.urlpatterns, "dypa"))),
    path("idika/", include((idika.urlpatterns, "idika"))),
    path("clearance/", include((clearance.urlpatterns, "clearance"))),
    path("gemi/", include((gemi.urlpatterns, "gemi"))),
    path("diavgeia/", include((diavgeia.urlpatterns, "diavgeia"))),
    path("bank/", include((bank.urlpatterns, "bank"))),
]
