"""JSON API of honours (mounted under /api/v1/): rounds, a round's nominations, filing a
nomination, a step's review, the decision, the year's dialogue forms."""

import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Path, Router, Schema

from cdtt.core.errors import NotFound, Refused, error_responses
from cdtt.core.roles import has_role
from cdtt.honours import dialogue, selectors, services
from cdtt.honours.models import STEP_ORDER, Nomination

router = Router(tags=["honours"])


class HonoursRoundOut(Schema):
    id: int
    year: int
    kind: str
    title: str
    award_form: str
    quota_individuals: int
    quota_collectives: int
    deadlines: dict[str, dt.date]


class HonoursRoundList(Schema):
    count: int
    items: list[HonoursRoundOut]


class HonoursNominationOut(Schema):
    id: int
    round: int
    subject_kind: str
    subject_id: int
    subject_name: str
    unit_code: str
    nominator: str
    step: str
    status: str
    overdue: bool
    steps: list[str]


class HonoursNominationList(Schema):
    count: int
    items: list[HonoursNominationOut]


class HonoursNominationIn(Schema):
    subject_kind: Literal["person", "team", "unit", "organization"]
    subject_id: int
    citation: str


class HonoursReviewIn(Schema):
    action: Literal["approve", "return", "reject"]
    comment: str = ""


class HonoursDecisionIn(Schema):
    number: str
    signed_on: dt.date
    signer: str
    nominations: list[int] | None = None


class HonoursDecisionOut(Schema):
    id: int
    number: str
    signed_on: dt.date
    signer: str
    awards: int


class HonoursDialogueItem(Schema):
    id: int
    person_id: int
    full_name: str
    team: str
    missing: list[str]
    sent_on: dt.date | None


class HonoursDialogueOut(Schema):
    year: int
    deadline: dt.date
    complete: bool
    problems: list[str]
    items: list[HonoursDialogueItem]


def _round(r) -> dict:
    return {
        "id": r.pk,
        "year": r.year,
        "kind": r.kind,
        "title": r.title,
        "award_form": r.award_form,
        "quota_individuals": r.quota_individuals,
        "quota_collectives": r.quota_collectives,
        "deadlines": {step.value: r.deadline(step) for step in STEP_ORDER},
    }


def _nomination(n: Nomination, today: dt.date) -> dict:
    subject = selectors.subject_of(n)
    return {
        "id": n.pk,
        "round": n.round_id,
        "subject_kind": n.subject_kind,
        "subject_id": subject.pk,
        "subject_name": n.subject_name,
        "unit_code": n.unit.code,
        "nominator": n.nominator_name,
        "step": n.step,
        "status": n.status,
        "overdue": selectors.is_overdue(n, today),
        "steps": list(n.steps),
    }


@router.get("/honours/rounds", response={200: HonoursRoundList, **error_responses(401)})
def rounds(request):
    """The honours rounds an officer sees (every round of the province)."""
    items = [_round(r) for r in selectors.rounds_for(request.user)]
    return {"count": len(items), "items": items}


@router.get(
    "/honours/rounds/{round_id}/nominations",
    response={200: HonoursNominationList, **error_responses(401, 404)},
)
def nominations(request, round_id: int):
    """The round's nominations the caller sees, with their step, status and overdue flag."""
    round_ = selectors.access_round(request.user, round_id)
    today = timezone.localdate()
    rows = selectors.nominations_for(request.user).filter(round=round_)
    items = [_nomination(n, today) for n in rows]
    return {"count": len(items), "items": items}


@router.post(
    "/honours/rounds/{round_id}/nominations",
    response={201: HonoursNominationOut, **error_responses(401, 403, 404, 409, 422)},
)
def nominate(request, round_id: int, body: HonoursNominationIn):
    """File a nomination of a member or a collective of the caller's scope (404 outside it;
    409 for a nominee already nominated in the round; 422 after the step's deadline)."""
    round_ = selectors.access_round(request.user, round_id)
    nomination = services.nomination_file(
        actor=request.user,
        round=round_,
        subject_kind=body.subject_kind,
        subject_id=body.subject_id,
        citation=body.citation,
    )
    return 201, _nomination(nomination, timezone.localdate())


@router.post(
    "/honours/nominations/{nomination_id}/reviews",
    response={200: HonoursNominationOut, **error_responses(401, 403, 404, 409, 422)},
)
def review(request, nomination_id: int, body: HonoursReviewIn):
    """The current step's answer: approve, return with a comment, or reject with a reason."""
    nomination = selectors.access_nomination(request.user, nomination_id)
    services.nomination_review(
        actor=request.user, nomination=nomination, action=body.action, comment=body.comment
    )
    nomination.refresh_from_db()
    return _nomination(nomination, timezone.localdate())


@router.post(
    "/honours/rounds/{round_id}/decision",
    response={201: HonoursDecisionOut, **error_responses(401, 403, 404, 409, 422)},
)
def decide(request, round_id: int, body: HonoursDecisionIn):
    """The decision on the round's final list: only nominations that passed every step."""
    round_ = selectors.access_round(request.user, round_id)
    chosen = None
    if body.nominations is not None:
        found = {n.pk: n for n in round_.nominations.filter(pk__in=body.nominations)}
        missing = [pk for pk in body.nominations if pk not in found]
        if missing:
            raise NotFound()
        chosen = [found[pk] for pk in body.nominations]
    decision = services.decision_issue(
        actor=request.user,
        round=round_,
        number=body.number,
        signed_on=body.signed_on,
        signer=body.signer,
        nominations=chosen,
    )
    return 201, {
        "id": decision.pk,
        "number": decision.number,
        "signed_on": decision.signed_on,
        "signer": decision.signer,
        "awards": decision.awards.count(),
    }


@router.get(
    "/honours/dialogue/{year}",
    response={200: HonoursDialogueOut, **error_responses(401, 403, 422)},
)
def dialogue_forms(request, year: int = Path(..., ge=2000, le=2100)):
    """The year's dialogue forms (the Department and the provincial leader), with what each
    still misses and whether the whole is ready to send to the Ministry."""
    if not has_role(request.user, selectors.SEE_ALL):
        raise Refused()
    forms = list(selectors.dialogue_forms_for(request.user).filter(year=year).order_by("pk"))
    problems = dialogue.dialogue_problems(forms)
    return {
        "year": year,
        "deadline": dialogue.deadline_of(year),
        "complete": not problems,
        "problems": problems,
        "items": [
            {
                "id": f.pk,
                "person_id": f.person_id,
                "full_name": f.full_name,
                "team": f.team.name,
                "missing": dialogue.dialogue_missing(f),
                "sent_on": f.sent_on,
            }
            for f in forms
        ],
    }
