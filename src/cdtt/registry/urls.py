from django.urls import path

from cdtt.core.import_views import import_moved
from cdtt.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("units/<str:code>/", views.dashboard_unit, name="dashboard_unit"),
    path("units/<str:code>/history.json", views.dashboard_history, name="dashboard_history"),
    path("units/<str:code>/map.json", views.dashboard_map, name="dashboard_map"),
    path("households/", views.households, name="households"),
    path("households/new/", views.household_new, name="household_new"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/residents/new/", views.resident_new, name="resident_new"),
    path("residents/<int:pk>/edit/", views.resident_edit, name="resident_edit"),
    path("residents/<int:pk>/status/", views.resident_status, name="resident_status"),
    path("residents/<int:pk>/assess/", views.assessment_new, name="assess"),
    # The former upload page: the population import is one kind of the upload page.
    path("import/", import_moved("population"), name="import"),
    path("import/template.xlsx", import_moved("population", template=True)),
    path("targets/", views.targets, name="targets"),
]
