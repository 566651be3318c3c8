from django.urls import path

from cdtt.offers import views

app_name = "offers"
urlpatterns = [
    path("", views.offer_list, name="list"),
    path("new/", views.offer_new, name="new"),
    path("redeem/", views.claim_redeem, name="redeem"),
    path("mine/", views.my_offers, name="mine"),
    path("mine/<int:pk>/claim/", views.my_claim, name="claim"),
    path("<int:pk>/", views.offer_detail, name="detail"),
    path("<int:pk>/withdraw/", views.offer_withdraw, name="withdraw"),
]
