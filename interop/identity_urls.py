"""Identity pages backed by registries, mounted at /accounts/ next to `accounts.urls`."""

from django.urls import path

from interop import identity_views as views

app_name = "identity"
urlpatterns = [
    path("taxisnet/start/", views.taxisnet_start, name="taxisnet_start"),
    path("taxisnet/callback/", views.taxisnet_callback, name="taxisnet_callback"),
    path("logout/", views.logout_view, name="logout"),
    path("business/<str:afm>/refresh/", views.business_refresh, name="business_refresh"),
    path("person/amka/", views.person_claim, name="person_claim"),
]
