"""Pages of the administrative (desk) verification, mounted at /verification/."""

from django.urls import path

from verification import views_check as v

urlpatterns: list = [
    path("checks/", v.check_queue, name="check-queue"),
    path("checks/<int:pk>/", v.check_detail, name="check-detail"),
    path("checks/<int:pk>/sample/", v.check_sample, name="check-sample"),
    path("checks/<int:pk>/items/<int:item_pk>/", v.check_item, name="check-item"),
    path("checks/<int:pk>/report.pdf", v.report_pdf, name="check-report-pdf"),
    path("<int:pk>/result/", v.beneficiary_result, name="beneficiary-result"),
]
