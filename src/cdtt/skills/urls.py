from django.urls import path

from cdtt.skills import views

app_name = "skills"
urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("<str:code>/edit/", views.skill_edit, name="edit"),
    path("<str:code>/checklist/add/", views.checklist_add, name="checklist_add"),
    path("checklist/<int:pk>/edit/", views.checklist_edit, name="checklist_edit"),
    path("checklist/<int:pk>/remove/", views.checklist_remove, name="checklist_remove"),
]
