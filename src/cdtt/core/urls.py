from django.urls import path

from cdtt.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<int:pk>/", views.job_status, name="job"),
    path("jobs/<int:pk>/errors.xlsx", views.job_errors_xlsx, name="job_errors"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read/", views.notifications_read_all, name="notifications_read_all"),
    path("healthz", views.healthz, name="healthz"),
]
