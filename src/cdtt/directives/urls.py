from django.urls import path

from cdtt.directives import views

app_name = "directives"
urlpatterns = [
    path("", views.directive_list, name="list"),
    path("new/", views.directive_new, name="new"),
    path("<int:pk>/", views.directive_detail, name="detail"),
    path("<int:pk>/tasks/new/", views.task_new, name="task_new"),
    path("tasks/", views.task_list, name="tasks"),
    path("<int:pk>/file/", views.directive_file, name="file"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path(
        "tasks/<int:pk>/reports/<int:report>/document/",
        views.progress_document,
        name="progress_document",
    ),
    path("tasks/<int:pk>/progress/", views.task_progress, name="progress"),
    path("tasks/<int:pk>/urge/", views.task_urge, name="urge"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="ical"),
    path("leaders/", views.leaders_view, name="leaders"),
]
