from django.urls import path

from cdtt.media import views

app_name = "media"
urlpatterns = [
    path("", views.post_list, name="posts"),
    path("new/", views.post_new, name="post_new"),
    path("<int:pk>/", views.post_detail, name="post"),
]
