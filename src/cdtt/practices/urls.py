from django.urls import path

from cdtt.practices import views

app_name = "practices"
urlpatterns = [
    path("", views.initiative_list, name="list"),
    path("new/", views.initiative_new, name="new"),
    path("library/", views.library, name="library"),
    path("library/map.json", views.library_map, name="library_map"),
    path("library/<int:pk>/", views.public_detail, name="public_detail"),
    path("files/<int:pk>/", views.attachment_download, name="file"),
    path("<int:pk>/", views.initiative_detail, name="detail"),
    path("<int:pk>/edit/", views.initiative_edit, name="edit"),
    path("<int:pk>/review/", views.initiative_review, name="review"),
    path("<int:pk>/evaluate/", views.initiative_evaluate, name="evaluate"),
    path("<int:pk>/files/", views.initiative_upload, name="upload"),
]
