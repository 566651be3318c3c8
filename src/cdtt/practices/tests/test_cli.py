"""The command line of models: list the library, review a proposal."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cdtt.practices.models import Status
from cdtt.practices.tests.factories import World

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_review_and_list(tree, make_user):
    w = World(tree, make_user)
    initiative = w.propose()
    with pytest.raises(CommandError):
        run(
            "practices",
            "review",
            str(initiative.pk),
            "--decision",
            "approve",
            "--as",
            w.sibling.username,
        )
    assert "approved" in run(
        "practices",
        "review",
        str(initiative.pk),
        "--decision",
        "approve",
        "--as",
        w.department.username,
    )
    initiative.refresh_from_db()
    assert initiative.status == Status.APPROVED
    body = json.loads(run("practices", "list", "--q", "cho 4.0", "--json"))
    assert [i["id"] for i in body["items"]] == [initiative.pk]
    assert json.loads(run("practices", "list", "--unit", "16001", "--json"))["count"] == 0
