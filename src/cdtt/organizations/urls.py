from django.urls import path

from cdtt.organizations import views

app_name = "organizations"
urlpatterns = [
    path("<int:pk>/rename/", views.rename, name="rename"),
    path("<int:pk>/merge/", views.merge, name="merge"),
]
