from django.urls import path

from cdtt.training import views

app_name = "training"
urlpatterns = [
    path("", views.course_list, name="list"),
    path("new/", views.course_new, name="new"),
    path("topics/", views.topics, name="topics"),
    path("topics/<str:code>/", views.topic_questions, name="topic"),
    path("topics/<str:code>/edit/", views.topic_edit, name="topic_edit"),
    path("questions/<int:pk>/retire/", views.question_retire, name="question_retire"),
    path("<int:pk>/", views.course_detail, name="detail"),
    path("<int:pk>/edit/", views.course_edit, name="edit"),
    path("<int:pk>/sessions/add/", views.session_new, name="session_add"),
    path("<int:pk>/invite/", views.course_invite, name="invite"),
    path("<int:pk>/close/", views.course_close, name="close"),
    path("<int:pk>/delete/", views.course_delete, name="delete"),
    path("<int:pk>/certificates/", views.certificates_start, name="certificates"),
    path("<int:pk>/completions/", views.completion_list, name="completions"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/delete/", views.session_delete, name="session_delete"),
    path("sessions/<int:pk>/qr/", views.session_qr, name="session_qr"),
    path("sessions/<int:pk>/mark/", views.session_mark, name="session_mark"),
    path("certificates/<str:code>/revoke/", views.certificate_revoke, name="revoke"),
    path("certificates/<str:code>.pdf", views.certificate_download, name="certificate_pdf"),
    path("my/", views.my_courses, name="my"),
    path("my/fragment/", views.my_courses, {"fragment": True}, name="my_fragment"),
    path("my/<int:pk>/", views.my_course, name="my_course"),
    path("my/<int:pk>/enrol/", views.my_enrol, name="enrol"),
    path("my/<int:pk>/test/", views.my_test, name="test"),
]
