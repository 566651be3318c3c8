from django.urls import path

from cdtt.movements import views

app_name = "movements"
urlpatterns = [
    path("", views.movement_list, name="list"),
    path("new/", views.movement_new, name="new"),
    path("<int:pk>/", views.movement_detail, name="detail"),
    path("<int:pk>/members/<int:person_pk>/", views.member_detail, name="member"),
    path("<int:pk>/branches/<int:branch_pk>/", views.branch_detail, name="branch"),
    path("<int:pk>/claim/", views.claim_new, name="claim"),
    path("<int:pk>/claims/", views.claim_list, name="claims"),
    path("<int:pk>/claims/<int:claim_pk>/review/", views.claim_review, name="review"),
]
