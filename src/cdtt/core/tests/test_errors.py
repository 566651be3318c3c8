"""The error convention: each domain error answers the API with its status and the one error
schema (ErrorOut), rule failures answer 422 with the fields at fault, and a page shows a
service's refusal on its form."""

import json

import pytest
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory

from cdtt import api as api_module
from cdtt.core.errors import (
    BadRequest,
    Conflict,
    DomainError,
    ErrorOut,
    NotFound,
    PayloadTooLarge,
    Refused,
    Unauthenticated,
    error_responses,
    error_text,
    form_error,
)
from cdtt.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _answer(response) -> tuple[int, dict]:
    body = json.loads(response.content)
    ErrorOut.model_validate(body)  # the one schema
    return response.status_code, body


@pytest.mark.parametrize(
    "error, status",
    [
        (BadRequest("Sai."), 400),
        (Unauthenticated(), 401),
        (Refused("Không được."), 403),
        (NotFound("Không có."), 404),
        (Conflict("Đã có."), 409),
        (PayloadTooLarge("Quá lớn."), 413),
    ],
)
def test_each_domain_error_answers_its_status_with_the_one_schema(error, status):
    request = RequestFactory().get("/api/v1/x")
    code, body = _answer(api_module.api.on_exception(request, error))
    assert code == status and body == {"detail": error.message}
    assert error.message  # a default message is translated text, never empty


def test_django_errors_raised_below_the_api_keep_their_meaning():
    request = RequestFactory().get("/api/v1/x")
    assert _answer(api_module.api.on_exception(request, Http404("x")))[0] == 404
    assert _answer(api_module.api.on_exception(request, PermissionDenied()))[0] == 403
    code, body = _answer(
        api_module.api.on_exception(request, ValidationError({"name": ["Trống."]}))
    )
    assert code == 422 and body == {
        "detail": "Trống.",
        "errors": [{"field": "name", "message": "Trống."}],
    }


def test_refused_and_not_found_are_also_djangos_own():
    # A page that does not catch them still answers 403 / 404.
    assert isinstance(Refused(), PermissionDenied) and isinstance(NotFound(), Http404)
    assert issubclass(Conflict, DomainError) and Conflict.status == 409


def _token(client, user) -> dict:
    r = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {r.json()['token']}"}


def test_real_endpoints_answer_each_refusal_with_the_one_schema(client, tree, make_user):
    officer = make_user("commune_officer", tree.commune)
    h = _token(client, officer)
    cases = [
        (client.get("/api/v1/figures/16000", {"as_of": "hôm qua"}, **h), 400),
        (client.get("/api/v1/units/16000"), 401),
        (client.get("/api/v1/units/99999", **h), 404),
        (client.get("/api/v1/teams/not-a-number", **h), 422),
        (client.get("/api/v1/worklist", **h), 422),
        (
            client.post("/api/v1/auth/token", {"username": "x"}, content_type="application/json"),
            422,
        ),
    ]
    for response, status in cases:
        code, body = _answer(response)
        assert code == status, body
        assert isinstance(body["detail"], str) and body["detail"]


def test_a_request_that_fails_its_schema_names_the_fields(client, tree, make_user):
    r = client.post("/api/v1/auth/token", {"username": "x"}, content_type="application/json")
    code, body = _answer(r)
    assert code == 422 and "password" in body["detail"]
    assert [e["field"] for e in body["errors"]] == ["password"]


def test_every_operation_documents_its_refusals_with_the_one_schema(client):
    spec = client.get("/api/v1/openapi.json").json()
    ref = "#/components/schemas/ErrorOut"
    seen = 0
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            for status, answer in op["responses"].items():
                if int(status) >= 400:
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema == {"$ref": ref}, (method, path, status)
                    seen += 1
    assert seen >= 15
    assert set(spec["components"]["schemas"]["ErrorOut"]["properties"]) == {"detail", "errors"}


def test_error_responses_lists_the_statuses():
    assert error_responses(404, 409) == {404: ErrorOut, 409: ErrorOut}


# --- pages ---------------------------------------------------------------------------------


class NameForm(forms.Form):
    name = forms.CharField()


def test_a_rule_failure_naming_a_field_goes_to_that_field():
    form = NameForm({"name": "x"})
    assert form.is_valid()
    form_error(form, ValidationError({"name": ["Tên đã có."], "other": ["Khác."]}))
    assert form.errors["name"] == ["Tên đã có."]
    assert form.errors[NON_FIELD_ERRORS] == ["Khác."]  # a field the form lacks: the whole form


def test_a_domain_error_or_a_bare_rule_goes_to_the_whole_form():
    form = NameForm({"name": "x"})
    form.is_valid()
    form_error(form, Conflict("Đã có rồi."))
    form_error(form, ValidationError("Sai quy tắc."))
    assert form.non_field_errors() == ["Đã có rồi.", "Sai quy tắc."]
    assert error_text(ValidationError(["Một.", "Hai."])) == "Một. Hai."


def test_a_page_shows_a_service_refusal_on_its_form(client, tree, make_user):
    """The campaign form: moving the dates away from a logged visit is refused by the service,
    shown on the page, and nothing is saved."""
    import datetime as dt
    import uuid

    from django.urls import reverse
    from django.utils import timezone

    from cdtt.campaigns.tests.factories import Field
    from cdtt.campaigns.visits import visit_submit

    data = Field(tree, make_user)
    visit_submit(
        actor=data.member,
        payload={
            "id": str(uuid.uuid4()),
            "household": {"commune_code": "16000", "code": data.home.code},
            "visited_at": timezone.now().isoformat(),
            "outcome": "nobody_home",
            "campaign": data.campaign.pk,
        },
    )
    admin = make_user("province_admin", tree.province)
    client.force_login(admin)
    later = timezone.localdate() + dt.timedelta(days=30)
    campaign = data.campaign
    r = client.post(
        reverse("campaigns:edit", args=[campaign.pk]),
        {
            "name": campaign.name,
            "starts_on": later.strftime("%d/%m/%Y"),
            "ends_on": (later + dt.timedelta(days=5)).strftime("%d/%m/%Y"),
            "status": campaign.status,
            "scope_units": [u.pk for u in campaign.scope_units.all()],
        },
    )
    assert r.status_code == 200
    assert "Đã có lượt đến hộ nằm ngoài khoảng thời gian mới của chiến dịch." in r.content.decode()
    campaign.refresh_from_db()
    assert campaign.starts_on != later
