"""Pages of the risk method (Guidance Ο.3 §4.2, §4.3.1.A), mounted at /verification/risk/."""

from django.urls import path

from verification import views_risk as v

urlpatterns: list = [
    path("", v.index, name="risk_index"),
    path("run/", v.run_now, name="risk_run_now"),
    path("runs/<id:pk>/", v.run_detail, name="risk_run"),
    path("history/", v.history, name="risk_history"),
    path("operations/<id:pk>/", v.explain, name="risk_explain"),
    path("operations/<id:pk>/factor/", v.factor_input, name="risk_factor_input"),
    path("desk-checks/", v.desk_checks, name="risk_desk_checks"),
    path("desk-checks/<id:pk>/select/", v.select_request, name="risk_select_request"),
]
