"""Property-based fuzzing of the whole JSON API from its OpenAPI document (schemathesis, in
process through WSGI, a bounded number of examples per operation, a fixed seed): no answer is a
server error, and every answer has a status and a body the document describes."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cdtt.wsgi import application

EXAMPLES = 8

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def caller(tree, make_user):
    """A province officer's token over seeded field data (a team, households, a campaign)."""
    from cdtt.campaigns.tests.factories import Field, token_for

    data = Field(tree, make_user)
    officer = make_user("province_admin", tree.province, username="fuzz")
    data.token = token_for(officer)
    return data


@pytest.mark.django_db
@pytest.mark.usefixtures("wsgi_connection_kept")  # calls the WSGI application itself
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_answers_as_documented_whatever_it_is_sent(case, caller):
    case.call_and_validate(
        # In process there is no client to unzip an answer: ask for it plain (the compression
        # itself is tested with the field app, campaigns/tests/test_field_slow_line.py).
        headers={"Authorization": f"Bearer {caller.token}", "Accept-Encoding": "identity"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
