from django.urls import path

from cdtt.site import help, views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_log, name="audit_log"),
    path("help/", help.help_index, name="help"),
    path("help/images/<str:name>", help.help_image, name="help_image"),
    path("help/<slug:slug>/", help.help_part, name="help_part"),
]
