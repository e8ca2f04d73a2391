"""Browser pages of payments/, area «wages»: ΚΥΑ 16936 monthly wage dossiers (included by
payments/urls.py)."""

from django.urls import path

from payments import views_wages as views

urlpatterns: list = [
    path("wages/", views.dossier_list, name="wages"),
    path("wages/new/", views.dossier_new, name="wage-dossier-new"),
    path("wages/<id:pk>/", views.dossier_detail, name="wage-dossier"),
    path("wages/<id:pk>/pdf/", views.dossier_pdf, name="wage-dossier-pdf"),
    path("wages/<id:pk>/submit/", views.dossier_submit, name="wage-dossier-submit"),
    path("wages/<id:pk>/verify/", views.dossier_verify, name="wage-dossier-verify"),
    path("wages/<id:pk>/return/", views.dossier_return, name="wage-dossier-return"),
    path("wages/lines/<id:line_pk>/", views.line_edit, name="wage-line"),
    path("wages/lines/<id:line_pk>/account/", views.account_edit, name="wage-account"),
]
