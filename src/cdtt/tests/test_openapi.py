"""The OpenAPI document checked against the code: every operation of /api/v1/openapi.json is
called for real (a province officer's token, seeded data), the request it sends is checked
against the operation's parameters and request schema, and the answer against the response
schema the document gives for its status. Objects are checked closed (no property the document
does not name), so a field added to an answer without its schema fails here.

An operation the document lists gets its request from ``path_values`` (by parameter name),
``QUERIES`` and ``BODIES``; a new operation that needs a body or a query, or one whose answer
has no documented schema, fails until it is described here and in the document."""

import copy
import datetime as dt
import json
import uuid
from dataclasses import dataclass, field

import pytest
from django.utils import timezone
from jsonschema import Draft202012Validator

from cdtt.campaigns.tests.factories import Field, all_skills, token_for

pytestmark = pytest.mark.django_db

API = "/api/v1"


@dataclass
class Call:
    """One request of the test: what it sends and the status it must get."""

    method: str
    template: str  # the operation's path in the document
    path: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    body: dict | None = None
    status: int = 200
    auth: bool = True


# --- the document's schemas ----------------------------------------------------------------


def _closed(node):
    """The schema with every object that names its properties closed to others."""
    if isinstance(node, dict):
        out = {k: _closed(v) for k, v in node.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_closed(v) for v in node]
    return node


def _validator(spec: dict, schema: dict) -> Draft202012Validator:
    """A validator of ``schema`` whose ``#/components/...`` references resolve in the document."""
    root = {**_closed(copy.deepcopy(schema)), "components": _closed(spec["components"])}
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _documented(spec: dict, schema: dict | None) -> bool:
    """A schema that says something: a reference, properties, items or a type other than a
    bare object (``dict`` in a ninja response documents nothing)."""
    if not schema:
        return False
    if "$ref" in schema or "properties" in schema or "items" in schema:
        return True
    if any(k in schema for k in ("anyOf", "oneOf", "allOf")):
        return True
    return schema.get("type") not in (None, "object")


def _errors(validator, instance) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
        for e in validator.iter_errors(instance)
    ]


def _query_value(value, schema: dict):
    """A query string value as the type its parameter declares."""
    kinds = {s.get("type") for s in schema.get("anyOf", [schema])}
    if "boolean" in kinds and value in ("true", "false"):
        return value == "true"
    if "integer" in kinds and str(value).lstrip("-").isdigit():
        return int(value)
    return value


def check_request(spec: dict, op: dict, call: Call) -> list[str]:
    problems = []
    params = {(p["in"], p["name"]): p for p in op.get("parameters", [])}
    for where, sent in (("path", call.path), ("query", call.query)):
        for name, value in sent.items():
            param = params.get((where, name))
            if param is None:
                problems.append(f"{where} parameter {name!r} is not in the document")
                continue
            schema = param.get("schema", {})
            problems += [
                f"{where} {name}: {e}"
                for e in _errors(_validator(spec, schema), _query_value(value, schema))
            ]
    for (where, name), param in params.items():
        sent = call.path if where == "path" else call.query
        if param.get("required") and name not in sent:
            problems.append(f"required {where} parameter {name!r} not sent")
    request_body = op.get("requestBody")
    if call.body is not None:
        schema = (request_body or {}).get("content", {}).get("application/json", {}).get("schema")
        if not _documented(spec, schema):
            problems.append("a body is sent but the document gives no request schema")
        else:
            problems += [f"body {e}" for e in _errors(_validator(spec, schema), call.body)]
    elif request_body and request_body.get("required"):
        problems.append("the document requires a body: add an example to BODIES")
    return problems


def check_response(spec: dict, op: dict, status: int, body, content_type: str = "") -> list[str]:
    documented = op.get("responses", {}).get(str(status)) or op.get("responses", {}).get(status)
    if documented is None:
        return [f"status {status} is not documented"]
    if content_type and content_type != "application/json":  # a file: its type is documented
        kinds = documented.get("content", {})
        return [] if content_type in kinds else [f"{content_type} is not documented"]
    schema = documented.get("content", {}).get("application/json", {}).get("schema")
    if not _documented(spec, schema):
        return [f"status {status} has no documented response schema"]
    return _errors(_validator(spec, schema), body)


# --- seeded data and the requests ----------------------------------------------------------


@pytest.fixture
def seeded(tree, make_user):
    """The campaigns' field data (a team serving a village, households, residents, an active
    campaign), a province officer who also serves in that team, and a recorded visit."""
    from cdtt.campaigns.visits import visit_submit
    from cdtt.teams.models import Membership, Person

    data = Field(tree, make_user)
    data.make_user = make_user
    data.officer = make_user("province_admin", tree.province, email="so@example.vn")
    person = Person.objects.create(
        full_name="Cán Bộ Sở", name_key="can bo so", user=data.officer, email="so@example.vn"
    )
    Membership.objects.create(team=data.team, person=person, joined_on=dt.date(2024, 1, 1))
    data.visit, _ = visit_submit(
        actor=data.officer,
        payload={
            "id": str(uuid.uuid4()),
            "household": {"commune_code": "16000", "code": data.home.code},
            "visited_at": timezone.now().isoformat(),
            "outcome": "guided",
            "campaign": data.campaign.pk,
            "services": ["vneid"],
            "present": [data.head.pk],
            "assessments": all_skills(data.head, level=1),
        },
    )
    data.token = token_for(data.officer)
    from cdtt.schools.tests.factories import ApiSeed as SchoolSeed

    data.schools = SchoolSeed(tree.commune, data.other)
    from cdtt.training.tests.factories import ApiSeed

    data.training = ApiSeed(person, data.officer, tree.commune)
    from cdtt.reports.services import report_create

    data.report = report_create(
        actor=data.officer,
        kind="ministry",
        unit=tree.commune,
        period_from=timezone.localdate() - dt.timedelta(days=30),
        period_to=timezone.localdate(),
    )
    _second_wave_seed(data)
    return data


def _second_wave_seed(data) -> None:
    """An approved model, a movement, an offer to claim and one the officer already claimed."""
    from cdtt.movements.services import CriterionIn, movement_create
    from cdtt.offers.services import offer_claim, offer_publish
    from cdtt.organizations.services import organization_create
    from cdtt.practices.services import initiative_propose, initiative_review

    tree, today = data.tree, timezone.localdate()
    initiative = initiative_propose(
        actor=data.officer,
        title="Chợ 4.0",
        summary="Mã QR ở chợ",
        description="Hướng dẫn tiểu thương",
        units=[tree.village],
        skills=["payment"],
        started_on=dt.date(2025, 3, 1),
    )
    initiative_review(actor=data.officer, initiative=initiative, decision="approve")
    branch = organization_create(
        actor=None, name="Đoàn xã Quảng Định", kind="youth_union", unit=tree.commune
    )
    data.movement = movement_create(
        actor=data.officer,
        title="Thanh niên chung tay",
        organization=branch,
        starts_on=today - dt.timedelta(days=5),
        ends_on=today + dt.timedelta(days=5),
        branches=[branch],
        criteria=[CriterionIn("Hộ được đến", 2, "households_visited")],
    )
    enterprise = organization_create(
        actor=None, name="Viettel Thanh Hóa", kind="enterprise", unit=tree.province
    )
    data.offer, data.claimed_offer = (
        offer_publish(
            actor=data.officer,
            organization=enterprise,
            title=title,
            valid_from=today,
            valid_to=today + dt.timedelta(days=30),
            quantity=10,
            discount_percent=30,
        )
        for title in ("Gói cước 4G", "Điện thoại thông minh")
    )
    offer_claim(actor=data.officer, offer=data.claimed_offer)
    _honours_seed(data)
    return data


def _honours_seed(data):
    """A round with a nomination that passed every step (the decision's) and one waiting at the
    Department (the review's); a media outlet the Department logs posts for."""
    from cdtt.honours.services import nomination_file
    from cdtt.honours.tests.factories import carry, open_round
    from cdtt.organizations.services import organization_create

    tree, admin = data.tree, data.officer
    home_affairs = organization_create(
        actor=None, name="Sở Nội vụ", kind="agency", unit=tree.province
    )
    data.round = open_round(admin, tree, home_affairs)

    def nominate(kind, pk):
        return nomination_file(
            actor=admin, round=data.round, subject_kind=kind, subject_id=pk, citation="Tốt"
        )

    world = type("W", (), {})()
    world.admin = admin
    world.appraiser = data.make_user("agency_officer", tree.province, organization=home_affairs)
    world.chairman = data.make_user("province_leader", tree.province)
    carry(world, nominate("team", data.team.pk))
    data.nomination = nominate("unit", tree.commune.pk)
    data.outlet = organization_create(
        actor=None, name="Báo Thanh Hóa", kind="media", unit=tree.province
    )


def path_values(data) -> dict:
    """A value for each path parameter, by its name."""
    return {
        "code": data.tree.commune.code,
        "unit_code": data.tree.commune.code,
        "team_id": data.team.pk,
        "visit_id": str(data.visit.pk),
        "checkin_id": str(data.training.checkin.pk),
        "course_id": data.training.course.pk,
        "lesson_id": data.schools.lesson.pk,
        "student_id": data.schools.student.pk,
        "certificate_code": data.training.completion.code,
        "report_id": data.report.pk,
        "fmt": "docx",
        "movement_id": data.movement.pk,
        "offer_id": data.offer.pk,
        "round_id": data.round.pk,
        "nomination_id": data.nomination.pk,
        "year": timezone.localdate().year,
    }


QUERIES = {
    ("get", "/api/v1/households"): {"unit": "16000", "covered": "false", "page_size": "10"},
    ("get", "/api/v1/teams"): {"unit": "16000"},
    ("get", "/api/v1/members"): {"unit": "16000"},
    ("get", "/api/v1/worklist"): {"village": "16000-001"},
    ("get", "/api/v1/reports"): {"unit": "16000", "kind": "ministry", "status": "draft"},
    ("get", "/api/v1/courses"): {"status": "open"},
    ("get", "/api/v1/initiatives"): {"q": "cho", "skill": "payment", "unit": "16000"},
}


def bodies(data) -> dict:
    from cdtt.testing import PASSWORD

    return {
        ("post", "/api/v1/auth/token"): {"username": data.officer.username, "password": PASSWORD},
        ("post", "/api/v1/visits"): {
            "id": str(uuid.uuid4()),
            "household": {"commune_code": "16000", "code": data.home2.code},
            "visited_at": timezone.now().isoformat(),
            "outcome": "guided",
            "campaign": data.campaign.pk,
            "services": ["vneid"],
            "members": ["Cán Bộ Sở"],
            "present": [data.other.pk],
            "note": "Hướng dẫn cài VNeID",
            "assessments": all_skills(data.other, level=2),
        },
        ("post", "/api/v1/checkins"): {
            "id": str(uuid.uuid4()),
            "session": data.training.session.pk,
            "token": data.training.token,
        },
        ("post", "/api/v1/reports"): {
            "kind": "chairman",
            "unit": "16000",
            "period_from": (timezone.localdate() - dt.timedelta(days=30)).isoformat(),
            "period_to": timezone.localdate().isoformat(),
            "cutoff": timezone.localdate().isoformat(),
            "achievements": "Ra mắt tổ mới",
        },
        ("post", "/api/v1/reports/{report_id}/issue"): {"number": "5", "signer": "Mai Văn Hà"},
        ("post", "/api/v1/courses"): _course_body(data, "Kỹ năng hướng dẫn người dân"),
        ("put", "/api/v1/courses/{course_id}"): _course_body(data, "Bồi dưỡng kỹ năng số 2026"),
        ("post", "/api/v1/courses/{course_id}/sessions"): {
            "starts_at": (timezone.now() + dt.timedelta(days=3)).isoformat(),
            "ends_at": (timezone.now() + dt.timedelta(days=3, hours=3)).isoformat(),
            "place": "Hội trường xã",
            "trainer": "Giảng viên của Sở",
        },
        ("post", "/api/v1/courses/{course_id}/invitations"): {"units": ["16000"], "teams": []},
        ("post", "/api/v1/school-classes"): {
            "school": data.schools.school.pk,
            "name": "7B",
            "school_year": "2025-2026",
        },
        ("post", "/api/v1/school-lessons"): {
            "school_class": data.schools.school_class.pk,
            "skill": data.schools.skill.code,
            "title": "Thanh toán không dùng tiền mặt",
            "planned_on": "2025-11-03",
        },
        ("post", "/api/v1/school-lessons/{lesson_id}/delivered"): {
            "delivered_on": "2025-10-01",
            "note": "Cả lớp thực hành",
        },
        ("post", "/api/v1/school-completions"): {
            "student": data.schools.student.pk,
            "skill": data.schools.skill.code,
        },
        ("post", "/api/v1/school-students/{student_id}/match"): {
            "resident": data.schools.resident.pk
        },
        ("post", "/api/v1/honours/rounds/{round_id}/nominations"): {
            "subject_kind": "person",
            "subject_id": data.officer.person.pk,
            "citation": "Hướng dẫn 120 hộ dân.",
        },
        ("post", "/api/v1/honours/nominations/{nomination_id}/reviews"): {"action": "approve"},
        ("post", "/api/v1/honours/rounds/{round_id}/decision"): {
            "number": "12/QĐ-UBND",
            "signed_on": timezone.localdate().isoformat(),
            "signer": "Đỗ Minh Tuấn",
        },
        ("post", "/api/v1/media/posts"): {
            "outlet": data.outlet.pk,
            "title": "Tổ công nghệ số đến từng nhà",
            "published_on": timezone.localdate().isoformat(),
            "kind": "article",
            "link": "https://baothanhhoa.vn/to-cong-nghe-so",
            "units": ["16000"],
            "teams": [data.team.pk],
        },
    }


def _course_body(data, title: str) -> dict:
    return {
        "title": title,
        "organizer": data.training.organizer.pk,
        "unit": "16000",
        "mode": "online",
        "topics": ["safety"],
        "open_to": "everyone",
        "attendance_min": 100,
        "test_required": False,
        "pass_mark": 70,
    }


STATUS = {
    # A bearer token is no session: the token from a session is refused as documented (its
    # answer to a session: cdtt/campaigns/tests/test_field_slow_line.py).
    ("post", "/api/v1/auth/session-token"): 401,
    ("post", "/api/v1/visits"): 201,
    ("post", "/api/v1/checkins"): 201,
    ("post", "/api/v1/reports"): 201,
    ("post", "/api/v1/courses"): 201,
    ("post", "/api/v1/courses/{course_id}/sessions"): 201,
    ("post", "/api/v1/school-classes"): 201,
    ("post", "/api/v1/school-lessons"): 201,
    ("post", "/api/v1/offers/{offer_id}/claims"): 201,
    ("post", "/api/v1/honours/rounds/{round_id}/nominations"): 201,
    ("post", "/api/v1/honours/rounds/{round_id}/decision"): 201,
    ("post", "/api/v1/media/posts"): 201,
}


def calls_of_the_document(spec: dict, data) -> list[Call]:
    values, bodies_ = path_values(data), bodies(data)
    calls = []
    for template, operations in spec["paths"].items():
        for method, op in operations.items():
            names = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
            key = (method, template)
            calls.append(
                Call(
                    method=method,
                    template=template,
                    path={n: values.get(n, f"<no value for {n}>") for n in names},
                    query=QUERIES.get(key, {}),
                    body=bodies_.get(key),
                    status=STATUS.get(key, 200),
                    auth=bool(op.get("security")) or template != "/api/v1/auth/token",
                )
            )
    return calls


def refusals(data) -> list[Call]:
    """Documented refusals, each answered with its documented error schema."""
    unknown = str(uuid.uuid4())
    return [
        Call("get", "/api/v1/coverage/{unit_code}", {"unit_code": "99999"}, status=404),
        Call("get", "/api/v1/teams/{team_id}", {"team_id": 999999}, status=404),
        Call("get", "/api/v1/visits/{visit_id}", {"visit_id": unknown}, status=404),
        Call("get", "/api/v1/households", query={"unit": "99999"}, status=404),
        Call("get", "/api/v1/worklist", query={"village": "16100-001"}, status=404),
        Call(
            "post",
            "/api/v1/auth/token",
            body={"username": data.officer.username, "password": "sai"},
            status=401,
            auth=False,
        ),
        Call(
            "post",
            "/api/v1/visits",
            body={**bodies(data)[("post", "/api/v1/visits")], "id": str(data.visit.pk)},
            status=409,
        ),
        Call(
            "get",
            "/api/v1/certificates/{certificate_code}",
            {"certificate_code": "ZZZZ-ZZZZ"},
            status=404,
            auth=False,
        ),
        Call(
            "post",
            "/api/v1/checkins",
            body={
                **bodies(data)[("post", "/api/v1/checkins")],
                "id": str(data.training.checkin.pk),
            },
            status=409,
        ),
        Call("get", "/api/v1/reports/{report_id}", {"report_id": 999999}, status=404),
        Call("get", "/api/v1/movements/{movement_id}/ranking", {"movement_id": 999999}, status=404),
        Call(
            "post",
            "/api/v1/offers/{offer_id}/claims",
            {"offer_id": data.claimed_offer.pk},
            status=409,
        ),
        Call("get", "/api/v1/initiatives", query={"unit": "99999"}, status=404, auth=False),
        Call(
            "post",
            "/api/v1/reports",
            body={
                **bodies(data)[("post", "/api/v1/reports")],
                "cutoff": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
            },
            status=422,
        ),
        Call(
            "post",
            "/api/v1/reports/{report_id}/issue",
            {"report_id": data.report.pk},
            body={},
            status=422,
        ),
        Call(
            "post",
            "/api/v1/honours/rounds/{round_id}/nominations",
            {"round_id": data.round.pk},
            body={"subject_kind": "team", "subject_id": data.team.pk, "citation": "Lần hai"},
            status=409,
        ),
        Call(
            "get",
            "/api/v1/honours/rounds/{round_id}/nominations",
            {"round_id": 999999},
            status=404,
        ),
        Call(
            "post",
            "/api/v1/media/posts",
            body={
                **bodies(data)[("post", "/api/v1/media/posts")],
                "link": "javascript:alert(1)",
            },
            status=422,
        ),
    ]


def send(client, data, call: Call):
    path = API + call.template.removeprefix(API)
    for name, value in call.path.items():
        path = path.replace("{" + name + "}", str(value))
    headers = {"HTTP_AUTHORIZATION": f"Bearer {data.token}"} if call.auth else {}
    if call.method == "get":
        return client.get(path, call.query, **headers)
    return getattr(client, call.method)(
        path, json.dumps(call.body or {}), content_type="application/json", **headers
    )


def run(client, spec, data, calls: list[Call]) -> dict[str, list[str]]:
    failures = {}
    for call in calls:
        op = spec["paths"].get(call.template, {}).get(call.method)
        label = f"{call.method.upper()} {call.template} ({call.status})"
        if op is None:
            failures[label] = ["not in the document"]
            continue
        problems = check_request(spec, op, call)
        response = send(client, data, call)
        content_type = response.get("Content-Type", "").split(";")[0]
        binary = content_type not in ("", "application/json")
        body = None if binary else json.loads(response.content or b"null")
        if response.status_code != call.status:
            problems.append(f"answered {response.status_code}, expected {call.status}: {body}")
        problems += check_response(spec, op, response.status_code, body, content_type)
        if problems:
            failures[label] = problems
    return failures


# --- the tests -----------------------------------------------------------------------------


@pytest.fixture
def spec(client):
    return client.get(f"{API}/openapi.json").json()


def test_every_operation_answers_as_documented(client, spec, seeded):
    calls = calls_of_the_document(spec, seeded)
    assert len(calls) >= 13  # the document lists the operations (a lost router shows here)
    assert run(client, spec, seeded, calls) == {}


def test_documented_refusals_answer_with_the_error_schema(client, spec, seeded):
    assert run(client, spec, seeded, refusals(seeded)) == {}


# --- the checker itself: it must see what it is meant to see --------------------------------


def test_the_checker_fails_an_answer_without_a_documented_schema(spec):
    op = {"responses": {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}}}
    assert check_response(spec, op, 200, {"x": 1}) == [
        "status 200 has no documented response schema"
    ]
    assert check_response(spec, op, 404, {}) == ["status 404 is not documented"]


def test_the_checker_fails_an_undocumented_field_or_a_wrong_type(spec):
    op = spec["paths"]["/api/v1/auth/token"]["post"]
    good = {"token": "abc", "expires_at": "2026-01-01T00:00:00+07:00"}
    assert check_response(spec, op, 200, good) == []
    assert check_response(spec, op, 200, {**good, "user": 1})  # a field the document lacks
    assert check_response(spec, op, 200, {**good, "token": 3})  # the wrong type
    assert check_response(spec, op, 200, {"token": "abc"})  # a field missing
    assert check_response(spec, op, 401, {"detail": "Sai mật khẩu."}) == []
    assert check_response(spec, op, 401, {"detail": ["Sai"]})


def test_the_checker_fails_a_request_the_document_refuses(spec):
    visits = spec["paths"]["/api/v1/visits"]["post"]
    assert check_request(spec, visits, Call("post", "/api/v1/visits")) == [
        "the document requires a body: add an example to BODIES"
    ]
    bad = {"id": "x", "household": {"code": "HO-1"}, "visited_at": "now", "outcome": "guided"}
    assert check_request(spec, visits, Call("post", "/api/v1/visits", body=bad))
    households = spec["paths"]["/api/v1/households"]["get"]
    assert check_request(
        spec, households, Call("get", "/api/v1/households", query={"colour": "red"})
    ) == ["query parameter 'colour' is not in the document"]
