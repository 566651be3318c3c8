from django.urls import path

from cdtt.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.notice, name="notice"),
    path("access-log/", views.personal_log_page, name="access_log"),
    path("residents/<int:pk>/", views.resident, name="resident"),
    path("residents/<int:pk>/export/", views.resident_export, name="resident_export"),
    path("residents/<int:pk>/erase/", views.resident_erase, name="resident_erase"),
]
