"""JSON API of the campaigns app (mounted under /api/v1/): the field app's sync and worklist.

``POST /visits`` reads the raw body itself, so that malformed JSON and oversized payloads get
the same clear ``{detail}`` answer as every other refusal, and nothing is written on a 4xx.
"""

import hashlib
import json
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from cdtt.campaigns import selectors
from cdtt.campaigns.models import Campaign, CampaignStatus, Service, Visit
from cdtt.campaigns.visit_lookup import worklist_village
from cdtt.campaigns.visit_payload import MAX_PAYLOAD_BYTES, VisitIn
from cdtt.campaigns.visits import visit_submit
from cdtt.core.errors import BadRequest, NotFound, PayloadTooLarge, error_responses

router = Router(tags=["campaigns"])


# The answers below are written by hand (JsonResponse, or the worklist's JSON text straight
# from the selector): these schemas document them in the OpenAPI document, and a test checks
# every answer against them (cdtt/tests/test_openapi.py).


class HouseholdState(Schema):
    commune_code: str
    code: str
    covered: bool


class AssessmentOut(Schema):
    resident_id: int
    skill: str
    level: int
    checklist: list[int]


class VisitOut(Schema):
    id: str
    household: HouseholdState
    visited_at: datetime
    outcome: str
    campaign: int | None
    team: int | None
    services: list[str]
    members: list[str]
    present: list[int]
    note: str
    assessments: list[AssessmentOut]
    created_at: datetime


class VillageRef(Schema):
    code: str
    name: str


class WorklistResident(Schema):
    id: int
    full_name: str
    birth_year: int | None
    relation: str
    levels: dict[str, int]
    lacks: list[str]


class WorklistHousehold(Schema):
    id: int
    commune_code: str
    code: str
    address: str
    covered: bool
    lacks: list[str]
    visits: int
    last_visit: datetime | None
    residents: list[WorklistResident]


class Worklist(Schema):
    village: VillageRef
    households: list[WorklistHousehold]


class CampaignOut(Schema):
    id: int
    name: str
    starts_on: date
    ends_on: date
    status: str
    state: str  # draft, upcoming, running, ended: the status read with the dates
    state_label: str
    services: list[str]
    scope: list[str]


class CampaignList(Schema):
    items: list[CampaignOut]


class FieldVillage(Schema):
    code: str
    name: str
    commune: str
    campaigns: list[int]


class ChecklistItemOut(Schema):
    id: int
    text: str


class SkillOut(Schema):
    code: str
    name: str
    checklist: list[ChecklistItemOut]


class ServiceOut(Schema):
    code: str
    name: str
    skills: list[str]


class FieldProfile(Schema):
    username: str
    full_name: str
    role: str
    villages: list[FieldVillage]
    campaigns: list[CampaignOut]
    skills: list[SkillOut]
    services: list[ServiceOut]


def _inline_schema(model) -> dict:
    """The model's JSON schema with nested models written in place (the OpenAPI document
    resolves references from its root, where pydantic's local definitions are not)."""
    schema = model.model_json_schema(ref_template="#/$defs/{model}")
    defs = schema.pop("$defs", {})

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                return walk(defs[node["$ref"].rsplit("/", 1)[-1]])
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)


def visit_out(visit: Visit) -> dict:
    from cdtt.skills.models import SkillAssessment

    answer = getattr(visit, "answer", None)  # a visit just stored: what it stored, no queries
    if answer is not None:
        return {
            "id": str(visit.pk),
            "household": answer["household"],
            "visited_at": visit.visited_at.isoformat(),
            "outcome": visit.outcome,
            "campaign": visit.campaign_id,
            "team": visit.team_id,
            "services": visit.services,
            "members": visit.members,
            "present": visit.residents_present,
            "note": visit.note,
            "assessments": answer["assessments"],
            "created_at": visit.created_at.isoformat(),
        }
    assessments = [
        {"resident_id": rid, "skill": code, "level": level, "checklist": checklist}
        for rid, code, level, checklist in SkillAssessment.objects.filter(visit_id=visit.pk)
        .order_by("resident_id", "skill__code")
        .values_list("resident_id", "skill__code", "level", "checklist")
    ]
    household = (
        Visit.objects.filter(pk=visit.pk)
        .values_list("household__code", "commune__code", "household__covered")
        .first()
    )
    return {
        "id": str(visit.pk),
        "household": {"commune_code": household[1], "code": household[0], "covered": household[2]},
        "visited_at": visit.visited_at.isoformat(),
        "outcome": visit.outcome,
        "campaign": visit.campaign_id,
        "team": visit.team_id,
        "services": visit.services,
        "members": visit.members,
        "present": visit.residents_present,
        "note": visit.note,
        "assessments": assessments,
        "created_at": visit.created_at.isoformat(),
    }


@router.post(
    "/visits",
    response={
        200: VisitOut,
        201: VisitOut,
        **error_responses(400, 401, 403, 404, 409, 413, 422),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _inline_schema(VisitIn)}},
        }
    },
)
def visit_create(request):
    """Record a visit (idempotent by its client UUID): 201 stored, 200 the same visit was already
    stored, 409 that UUID was stored with another content. Nothing is written on a 4xx."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if (length.isdigit() and int(length) > MAX_PAYLOAD_BYTES) or len(
        request.body
    ) > MAX_PAYLOAD_BYTES:
        raise PayloadTooLarge(
            _("Dữ liệu gửi lên quá lớn (tối đa %(kb)s KB).") % {"kb": MAX_PAYLOAD_BYTES // 1024}
        )
    try:
        payload = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(_("Dữ liệu gửi lên không phải JSON hợp lệ.")) from None
    # Validated by VisitIn inside the service, after its role check.
    visit, created = visit_submit(actor=request.user, payload=payload)
    return JsonResponse(visit_out(visit), status=201 if created else 200)


@router.get("/visits/{visit_id}", response={200: VisitOut, **error_responses(404)})
def visit_get(request, visit_id: str):
    """A visit the caller may see (their villages or their scope)."""
    try:
        visit = selectors.access_visit(request.user, visit_id)
    except Http404:  # outside the caller's villages and scope, or not a UUID: answered as unknown
        raise NotFound(_("Không tìm thấy lượt đến hộ.")) from None
    return JsonResponse(visit_out(visit))


def conditional_json(request, body: bytes) -> HttpResponse:
    """A JSON answer tagged with the hash of its text: a client that sends the tag of its copy
    back (``If-None-Match``) gets 304 and no body when nothing changed. The tag may come back
    weak (``W/``), as the compression of the answer marks it."""
    tag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    sent = request.headers.get("If-None-Match", "")
    held = {t.strip().removeprefix("W/") for t in sent.split(",") if t.strip()}
    if tag in held or "*" in held:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = tag
    response["Cache-Control"] = "private, no-cache"
    return response


@router.get("/worklist", response={200: Worklist, 304: None, **error_responses(404, 422)})
def worklist(request, village: str = "", limit: int | None = Query(None, ge=1)):
    """Households of one of the caller's villages, uncovered first, with what each still lacks.
    The answer carries an ``ETag`` (the village's version): sent back in ``If-None-Match``, it
    is answered 304 with no body while the worklist has not changed. ``limit``: only the first
    households, for the first screen of a phone that holds no copy yet."""
    if not village:
        villages = selectors.field_villages(request.user)
        codes = list(villages.values_list("code", flat=True)[:2])
        if len(codes) != 1:
            raise ValidationError({"village": _("Hãy chọn thôn (tham số village).")})
        village = codes[0]
    unit, skills = worklist_village(request.user, village)
    if unit is None:
        raise NotFound(_("Không tìm thấy thôn trong địa bàn của bạn."))
    # {"village": {"code", "name"}, "households": selectors.worklist(unit)}, written directly.
    return conditional_json(request, selectors.worklist_json(unit, limit, skills=skills))


def _campaign_out(c: Campaign) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "starts_on": c.starts_on.isoformat(),
        "ends_on": c.ends_on.isoformat(),
        "status": c.status,
        "state": c.state().value,
        "state_label": c.state_label,
        "services": [s.code for s in c.services.all()],
        "scope": [u.code for u in c.scope_units.all()],
    }


@router.get("/campaigns", response={200: CampaignList})
def campaign_list(request):
    """Campaigns under way that concern the caller, with the services they guide people in."""
    campaigns = (
        selectors.campaigns_for(request.user)
        .filter(status=CampaignStatus.ACTIVE)
        .prefetch_related("services", "scope_units")
        .order_by("-starts_on")
    )
    return JsonResponse({"items": [_campaign_out(c) for c in campaigns]})


@router.get("/me", response={200: FieldProfile, 304: None})
def me(request):
    """What the field app needs once: who I am, my villages (with the campaigns covering each),
    the skills with their checklists, and the services catalog. Tagged like the worklist: 304
    when the copy the client holds is current."""
    from cdtt.skills.models import Skill

    user = request.user
    villages = list(selectors.field_villages(user).select_related("commune"))
    active = selectors.active_campaigns_for_villages(villages)
    skills = [
        {
            "code": s.code,
            "name": s.name,
            "checklist": [{"id": i.pk, "text": i.text} for i in s.checklist.all() if i.active],
        }
        for s in Skill.objects.filter(active=True).prefetch_related("checklist")
    ]
    profile = {
        "username": user.username,
        "full_name": str(user),
        "role": user.role,
        "villages": [
            {
                "code": v.code,
                "name": v.full_name,
                "commune": v.commune.full_name if v.commune else "",
                "campaigns": active["by_village"].get(v.pk, []),
            }
            for v in villages
        ],
        "campaigns": [_campaign_out(c) for c in active["campaigns"]],
        "skills": skills,
        "services": [
            {"code": s.code, "name": s.name, "skills": s.skill_codes}
            for s in Service.objects.filter(active=True)
        ],
    }
    body = json.dumps(profile, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return conditional_json(request, body.encode())
