"""JSON API of enterprise offers for the field app: the active offers a team member may claim,
and the claim, which returns its code (201); a second claim by the same member is 409."""

from django.http import JsonResponse
from ninja import Router, Schema

from cdtt.core.errors import error_responses
from cdtt.offers import selectors, services
from cdtt.teams.selectors import person_of

router = Router(tags=["offers"])


class OfferItem(Schema):
    id: int
    enterprise: str
    title: str
    description: str
    price: int | None
    discount_percent: int | None
    conditions: str
    valid_from: str
    valid_to: str
    quantity: int
    claimed: int


class Offers(Schema):
    count: int
    items: list[OfferItem]


class OfferClaimOut(Schema):
    offer: int
    code: str
    claimed_at: str


def offer_item(o) -> dict:
    return {
        "id": o.pk,
        "enterprise": o.organization.name,
        "title": o.title,
        "description": o.description,
        "price": int(o.price) if o.price is not None else None,
        "discount_percent": o.discount_percent,
        "conditions": o.conditions,
        "valid_from": o.valid_from.isoformat(),
        "valid_to": o.valid_to.isoformat(),
        "quantity": o.quantity,
        "claimed": o.claimed,
    }


@router.get("/offers", response={200: Offers})
def offer_list(request):
    """Offers the caller, a team member, may claim today (none for anyone else)."""
    items = [offer_item(o) for o in selectors.active_offers(person_of(request.user))]
    return JsonResponse({"count": len(items), "items": items})


@router.post(
    "/offers/{offer_id}/claims", response={201: OfferClaimOut, **error_responses(403, 404, 409)}
)
def offer_claim(request, offer_id: int):
    """Claim an offer: 201 with the code; 409 claimed already, expired or none left."""
    offer = selectors.member_offer(request.user, offer_id)
    claim = services.offer_claim(actor=request.user, offer=offer)
    body = {"offer": offer.pk, "code": claim.code, "claimed_at": claim.claimed_at.isoformat()}
    return JsonResponse(body, status=201)
