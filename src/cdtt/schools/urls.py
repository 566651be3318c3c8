from django.urls import path

from cdtt.schools import views

app_name = "schools"
urlpatterns = [
    path("", views.school_list, name="list"),
    path("<int:pk>/", views.school_detail, name="detail"),
    path("<int:pk>/teachers/", views.teacher_add, name="teacher_add"),
    path("<int:pk>/classes/", views.class_add, name="class_add"),
    path("classes/<int:pk>/", views.class_detail, name="class"),
    path("classes/<int:pk>/lessons/", views.lesson_add, name="lesson_add"),
    path("lessons/<int:pk>/delivered/", views.lesson_delivered, name="lesson_delivered"),
    path("students/<int:pk>/complete/", views.completion_add, name="complete"),
    path("students/<int:pk>/match/", views.match_confirm, name="match"),
    path("students/<int:pk>/household/", views.household_code, name="household_code"),
]
