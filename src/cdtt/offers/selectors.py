"""Reads of enterprise offers: what an enterprise's officer (or the province) manages, the
offers a team member may claim now, the claims behind them, the figures per enterprise."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cdtt.core import roles
from cdtt.core.access import scope_path
from cdtt.offers.models import Claim, Offer
from cdtt.organizations.models import OrganizationKind
from cdtt.organizations.selectors import organization_tree
from cdtt.teams.models import Membership, Person
from cdtt.teams.selectors import person_of

# Who publishes offers: an enterprise's officer, and the Department.
PUBLISH = {roles.Role.PROVINCE_ADMIN, roles.Role.AGENCY_OFFICER}
READ = roles.OFFICERS


def enterprise_of(user):
    """The enterprise an agency officer works for, or None."""
    org = getattr(user, "organization", None)
    if user.role == roles.Role.AGENCY_OFFICER and org and org.kind == OrganizationKind.ENTERPRISE:
        return org
    return None


def can_publish(user) -> bool:
    if not roles.has_role(user, PUBLISH):
        return False
    return user.role == roles.Role.PROVINCE_ADMIN or enterprise_of(user) is not None


def offers_for(user) -> QuerySet[Offer]:
    """Offers an officer sees: an enterprise's officer those of their enterprise; other officers
    those held in their subtree or above it (a province-wide offer reaches every commune)."""
    path = scope_path(user)
    if path is None or not roles.has_role(user, READ):
        return Offer.objects.none()
    org = enterprise_of(user)
    if org is not None:
        return Offer.objects.filter(organization_id__in=organization_tree(org))
    ancestors = [path[: i + 1] for i, c in enumerate(path) if c == "/" and i > 0]
    return Offer.objects.filter(Q(path__startswith=path) | Q(path__in=ancestors))


def access_offer(user, pk: int) -> Offer:
    """An offer an officer may see (the only way pages fetch one); 404 otherwise."""
    found = offers_for(user).select_related("organization", "unit").filter(pk=pk).first()
    if found is None:
        raise Http404("offer")
    return found


def can_manage(user, offer: Offer) -> bool:
    if user.role == roles.Role.PROVINCE_ADMIN:
        return offer.path.startswith(scope_path(user) or "\0")
    org = enterprise_of(user)
    return org is not None and offer.organization_id in organization_tree(org)


def team_paths(person: Person | None) -> list[str]:
    if person is None:
        return []
    return list(
        Membership.objects.filter(
            person=person, left_on__isnull=True, team__dissolved_on__isnull=True
        ).values_list("team__path", flat=True)
    )


def _reaches(offer: Offer, paths: list[str]) -> bool:
    return any(p.startswith(offer.path) for p in paths)


def active_offers(person: Person | None) -> list[Offer]:
    """Offers a member may claim today: in force, not withdrawn, held where they serve."""
    paths = team_paths(person)
    if not paths:
        return []
    today = timezone.localdate()
    offers = Offer.objects.filter(
        withdrawn=False, valid_from__lte=today, valid_to__gte=today
    ).select_related("organization")
    return [o for o in offers if _reaches(o, paths)]


def member_offer(user, pk: int) -> Offer:
    """An offer held where the member serves (any state: the service says why it refuses)."""
    person = person_of(user)
    offer = Offer.objects.select_related("organization").filter(pk=pk).first()
    if offer is None or not _reaches(offer, team_paths(person)):
        raise Http404("offer")
    return offer


def my_claims(person: Person | None) -> QuerySet[Claim]:
    if person is None:
        return Claim.objects.none()
    return Claim.objects.filter(person=person).select_related("offer__organization")


def claims_for(user) -> QuerySet[Claim]:
    return Claim.objects.filter(offer__in=offers_for(user).values("pk")).select_related(
        "offer__organization", "person"
    )


def by_enterprise(user) -> QuerySet:
    """Per enterprise and offer: quantity, claimed, redeemed (the province's report)."""
    return (
        offers_for(user)
        .values("organization__name", "title", "quantity")
        .annotate(
            n_claimed=Count("claims"),
            n_redeemed=Count("claims", filter=Q(claims__redeemed_at__isnull=False)),
        )
        .order_by("organization__name", "title")
    )
