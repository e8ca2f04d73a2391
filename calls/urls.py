from django.urls import path

from calls import views

app_name = "calls"
urlpatterns = [
    path("", views.call_list, name="list"),
    path("manage/", views.manage_list, name="manage-list"),
    path("manage/new/", views.call_editor, {"mode": "create"}, name="manage-create"),
    path("manage/<id:pk>/edit/", views.call_editor, {"mode": "edit"}, name="manage-edit"),
    path("manage/<id:pk>/amend/", views.call_editor, {"mode": "amend"}, name="manage-amend"),
    path("manage/<id:pk>/publish/", views.call_publish, name="manage-publish"),
    path("manage/<id:pk>/archive/", views.call_archive, name="manage-archive"),
    path("manage/<id:pk>/versions/", views.call_versions, name="manage-versions"),
    path("<slug:code>/", views.call_detail, name="detail"),
    path("<slug:code>/pools/", views.call_pools_partial, name="pools"),
]
