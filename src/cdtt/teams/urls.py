from django.urls import path

from cdtt.core.import_views import import_moved
from cdtt.geo import views as geo_views
from cdtt.teams.views import figures, members, teams

app_name = "teams"
urlpatterns = [
    path("", teams.team_list, name="list"),
    path("new/", teams.team_new, name="new"),
    # The unit picker's search, where it first answered (the picker is geo's now).
    path("units/", geo_views.unit_picker, name="unit_picker"),
    # The former upload page: the teams import is one kind of the upload page.
    path("import/", import_moved("teams"), name="import"),
    path("import/template.xlsx", import_moved("teams", template=True)),
    path("members/", members.member_list, name="members"),
    path("members/<int:pk>/edit/", members.member_edit, name="member_edit"),
    path("members/<int:pk>/remove/", members.member_remove, name="member_remove"),
    path("members/<int:pk>/leader/", members.leader_appoint, name="leader_appoint"),
    path("members/<int:pk>/invite/", members.member_invite, name="member_invite"),
    path("people/<int:pk>/", members.person_detail, name="person"),
    path("me/", members.profile, name="profile"),
    path("figures/", figures.figures, name="figures"),
    path("figures/<str:code>/", figures.figures_unit, name="figures_unit"),
    path("figures/<str:code>/map.json", figures.figures_map, name="figures_map"),
    path("communes/<str:code>/", teams.commune, name="commune"),
    path("<int:pk>/", teams.team_detail, name="detail"),
    path("<int:pk>/edit/", teams.team_edit, name="edit"),
    path("<int:pk>/members/add/", members.member_add, name="member_add"),
    path("<int:pk>/dissolve/", teams.team_dissolve, name="dissolve"),
    path("<int:pk>/delete/", teams.team_delete, name="delete"),
]
