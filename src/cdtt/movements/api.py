"""JSON API of youth emulation movements: the live ranking of branches and members."""

from django.http import JsonResponse
from ninja import Router, Schema

from cdtt.core.errors import error_responses
from cdtt.movements import selectors

router = Router(tags=["movements"])


class RankItem(Schema):
    rank: int
    kind: str
    id: int
    name: str
    branch: str
    points: int


class MovementRef(Schema):
    id: int
    title: str
    starts_on: str
    ends_on: str


class MovementRanking(Schema):
    movement: MovementRef
    items: list[RankItem]


def ranking_body(movement) -> dict:
    members, branches = selectors.ranking(movement)
    return {
        "movement": {
            "id": movement.pk,
            "title": movement.title,
            "starts_on": movement.starts_on.isoformat(),
            "ends_on": movement.ends_on.isoformat(),
        },
        "items": [
            {
                "rank": r.rank,
                "kind": r.kind,
                "id": r.pk,
                "name": r.name,
                "branch": r.branch or r.name,
                "points": r.points,
            }
            for r in branches + members
        ],
    }


@router.get(
    "/movements/{movement_id}/ranking", response={200: MovementRanking, **error_responses(404)}
)
def movement_ranking(request, movement_id: int):
    """Branches, then members, each ranked by points (ties share a rank)."""
    movement = selectors.access_movement(request.user, movement_id)
    return JsonResponse(ranking_body(movement))
