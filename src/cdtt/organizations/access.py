"""The only way to fetch one organisation for a user: outside their reach it is missing (404)."""

from django.http import Http404

from cdtt.organizations.models import Organization
from cdtt.organizations.selectors import organizations_for


def access_organization(user, pk: int) -> Organization:
    try:
        return organizations_for(user).get(pk=pk)
    except Organization.DoesNotExist:
        raise Http404("organization") from None
