from django.urls import path

from cdtt.core import import_views, views

app_name = "core"
urlpatterns = [
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<int:pk>/", views.job_status, name="job"),
    path("jobs/<int:pk>/errors.xlsx", views.job_errors_xlsx, name="job_errors"),
    path("jobs/<int:pk>/file", views.job_file, name="job_file"),
    path("imports/", import_views.imports, name="imports"),
    path("imports/<str:code>/", import_views.import_page, name="import"),
    path("imports/<str:code>/template.xlsx", import_views.import_template, name="import_template"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read/", views.notifications_read_all, name="notifications_read_all"),
    path("healthz", views.healthz, name="healthz"),
]
