from django.urls import path

from cdtt.core import views

app_name = "core"
urlpatterns = [
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<int:pk>/", views.job_status, name="job"),
    path("jobs/<int:pk>/errors.xlsx", views.job_errors_xlsx, name="job_errors"),
    path("healthz", views.healthz, name="healthz"),
]
