from django.urls import path

from cdtt.site import views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_log, name="audit_log"),
]
