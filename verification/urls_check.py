"""Pages of the administrative (desk) verification, mounted at /verification/."""

from django.urls import path

from verification import views_check as v

urlpatterns: list = [
    path("checks/", v.check_queue, name="check-queue"),
    path("checks/<id:pk>/", v.check_detail, name="check-detail"),
    path("checks/<id:pk>/sample/", v.check_sample, name="check-sample"),
    path("checks/<id:pk>/items/<id:item_pk>/", v.check_item, name="check-item"),
    path("checks/<id:pk>/report.pdf", v.report_pdf, name="check-report-pdf"),
    path("<id:pk>/result/", v.beneficiary_result, name="beneficiary-result"),
]
