from django.urls import path

from cdtt.honours import dialogue_views, views

app_name = "honours"
urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("new/", views.round_new, name="round_new"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/nominate/", views.nominate, name="nominate"),
    path("<int:pk>/decision/", views.decision, name="decision"),
    path("<int:pk>/submission.docx", views.submission, name="submission"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination"),
    path("nominations/<int:pk>/review/", views.nomination_review, name="review"),
    path("nominations/<int:pk>/resubmit/", views.nomination_resubmit, name="resubmit"),
    path("nominations/<int:pk>/document/", views.nomination_document, name="document"),
    path("awards/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("dialogue/", dialogue_views.dialogue_current, name="dialogue_current"),
    path("dialogue/<int:year>/", dialogue_views.dialogue_page, name="dialogue"),
    path("dialogue/<int:year>/form.docx", dialogue_views.dialogue_docx, name="dialogue_docx"),
    path("dialogue/<int:year>/sent/", dialogue_views.dialogue_sent, name="dialogue_sent"),
    path("dialogue/forms/<int:pk>/", dialogue_views.dialogue_edit, name="dialogue_edit"),
]
