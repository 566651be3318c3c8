from django.urls import path

from cdtt.core.import_views import import_moved
from cdtt.teams import views

app_name = "teams"
urlpatterns = [
    path("", views.team_list, name="list"),
    path("new/", views.team_new, name="new"),
    path("units/", views.unit_picker, name="unit_picker"),
    # The former upload page: the teams import is one kind of the upload page.
    path("import/", import_moved("teams"), name="import"),
    path("import/template.xlsx", import_moved("teams", template=True)),
    path("members/", views.member_list, name="members"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("members/<int:pk>/leader/", views.leader_appoint, name="leader_appoint"),
    path("members/<int:pk>/invite/", views.member_invite, name="member_invite"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("me/", views.profile, name="profile"),
    path("organizations/", views.organization_list, name="organizations"),
    path("organizations/new/", views.organization_new, name="organization_new"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="organization_edit"),
    path("figures/", views.figures, name="figures"),
    path("figures/<str:code>/", views.figures_unit, name="figures_unit"),
    path("figures/<str:code>/map.json", views.figures_map, name="figures_map"),
    path("communes/<str:code>/", views.commune, name="commune"),
    path("<int:pk>/", views.team_detail, name="detail"),
    path("<int:pk>/edit/", views.team_edit, name="edit"),
    path("<int:pk>/members/add/", views.member_add, name="member_add"),
    path("<int:pk>/dissolve/", views.team_dissolve, name="dissolve"),
    path("<int:pk>/delete/", views.team_delete, name="delete"),
]
