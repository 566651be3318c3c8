"""Pages of the campaigns app and the field app's shell."""

from django.urls import path

from cdtt.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_new, name="new"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/targets/", views.campaign_targets, name="targets"),
    path("<int:pk>/daily/", views.campaign_daily, name="daily"),
    path("field/", views.field, name="field"),
    path("field/sw.js", views.field_sw, name="field_sw"),
]
