from django.urls import path

from cdtt.core.import_views import import_moved
from cdtt.geo import remap_views, views

app_name = "geo"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("search/", views.search, name="search"),
    path("picker/", views.unit_picker, name="unit_picker"),
    # The former upload page: the village import is one kind of the upload page.
    path("villages/import/", import_moved("villages"), name="village_import"),
    path("villages/template.xlsx", import_moved("villages", template=True)),
    path("<str:code>/", views.unit_detail, name="unit"),
    path("<str:code>/remap/", remap_views.remap_page, name="remap"),
    path("<str:code>/remap/assign/", remap_views.remap_assign, name="remap_assign"),
    path("<str:code>/remap/villages.xlsx", remap_views.remap_villages_xlsx, name="remap_xlsx"),
    path("<str:code>/remap/start/", remap_views.remap_start, name="remap_start"),
    path("<str:code>/map.json", views.unit_map, name="map"),
    path("<str:code>/villages/new/", views.village_new, name="village_new"),
    path("<str:code>/edit/", views.village_edit, name="village_edit"),
    path("<str:code>/retire/", views.village_retire_view, name="village_retire"),
]
