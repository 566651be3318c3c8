from django.urls import path

from cdtt.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/edit/", views.report_edit, name="edit"),
    path("<int:pk>/issue/", views.report_issue_view, name="issue"),
    path("<int:pk>/submissions/", views.submission_new, name="submission_new"),
    path("<int:pk>/file.<str:fmt>", views.report_file, name="file"),
]
