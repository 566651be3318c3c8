from django.urls import path

from cdtt.documents import views

app_name = "documents"

urlpatterns = [
    path("letterheads/", views.letterhead_list, name="letterheads"),
    path("letterheads/new/", views.letterhead_new, name="letterhead_new"),
    path("letterheads/<int:pk>/", views.letterhead_edit, name="letterhead_edit"),
]
