"""Pages of the on-the-spot area (Guidance Ο.3 §4.4), mounted at /verification/onsite/."""

from django.urls import path

from verification import views_onsite as v

urlpatterns: list = [
    path("", v.index, name="onsite-index"),
    path("reliability/", v.reliability, name="onsite-reliability"),
    path("draw/", v.draw, name="onsite-draw"),
    path("samples/<id:pk>/", v.sample_detail, name="onsite-sample"),
    path("samples/<id:pk>/submit/", v.plan_submit, name="onsite-plan-submit"),
    path("samples/<id:pk>/decide/", v.plan_decide, name="onsite-plan-decide"),
    path("selections/<id:pk>/plan/", v.plan, name="onsite-plan"),
    path("selections/<id:pk>/replace/", v.replace, name="onsite-replace"),
    path("visits/", v.visits, name="onsite-visits"),
    path("visits/new/", v.visit_new, name="onsite-visit-new"),
    path("visits/<id:pk>/", v.visit_detail, name="onsite-visit"),
]
