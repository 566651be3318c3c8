"""The organisation pages, under /teams/organizations/ where users know them."""

from django.urls import path

from cdtt.organizations import history_views, views

app_name = "organizations"
urlpatterns = [
    path("", views.organization_list, name="list"),
    path("new/", views.organization_new, name="new"),
    path("<int:pk>/", views.organization_detail, name="detail"),
    path("<int:pk>/edit/", views.organization_edit, name="edit"),
    path("<int:pk>/rename/", history_views.rename, name="rename"),
    path("<int:pk>/merge/", history_views.merge, name="merge"),
]
