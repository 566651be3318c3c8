from django.urls import path

from cdtt.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("find/", views.find, name="find"),
    path("skills/", views.skills, name="skills"),
    path("units/<str:code>/", views.place, name="place"),
]
