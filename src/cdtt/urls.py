"""Root URLs: each app's pages under its own prefix, the JSON API under /api/v1/."""

from django.urls import include, path
from django.views.i18n import set_language

from cdtt.api import api
from cdtt.media.views import press
from cdtt.training.views import verify

urlpatterns = [
    # First: a field app's request (hundreds a second in a campaign) is resolved without
    # trying every page's pattern before it.
    path("api/v1/", api.urls),
    path("", include("cdtt.site.urls")),
    path("", include("cdtt.core.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("cdtt.accounts.urls")),
    path("units/", include("cdtt.geo.urls")),
    path("documents/", include("cdtt.documents.urls")),
    path("skills/", include("cdtt.skills.urls")),
    path("registry/", include("cdtt.registry.urls")),
    path("teams/organizations/", include("cdtt.organizations.urls")),
    path("teams/", include("cdtt.teams.urls")),
    path("schools/", include("cdtt.schools.urls")),
    path("campaigns/", include("cdtt.campaigns.urls")),
    path("training/", include("cdtt.training.urls")),
    path("verify/<str:code>", verify, name="training_verify"),
    path("practices/", include("cdtt.practices.urls")),
    path("movements/", include("cdtt.movements.urls")),
    path("offers/", include("cdtt.offers.urls")),
    path("directives/", include("cdtt.directives.urls")),
    path("reports/", include("cdtt.reports.urls")),
    path("honours/", include("cdtt.honours.urls")),
    path("media-log/", include("cdtt.media.urls")),
    path("press/", press, name="press"),
    path("public/", include("cdtt.portal.urls")),
    path("privacy/", include("cdtt.privacy.urls")),
]

# The error pages in Vietnamese, in the site's layout (JSON under /api/).
handler400 = "cdtt.site.errors.bad_request"
handler403 = "cdtt.site.errors.permission_denied"
handler404 = "cdtt.site.errors.page_not_found"
handler500 = "cdtt.site.errors.server_error"
