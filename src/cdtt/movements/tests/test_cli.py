"""The command line of movements: the ranking as text, JSON and a workbook."""

import json
import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from cdtt.campaigns.visits import visit_submit
from cdtt.movements.tests.factories import Youth

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_ranking(tree, make_user, tmp_path):
    y = Youth(tree, make_user)
    movement = y.movement()
    visit_submit(
        actor=y.member,
        payload={
            "id": str(uuid.uuid4()),
            "household": {"commune_code": "16000", "code": y.field.home.code},
            "visited_at": timezone.now().isoformat(),
            "outcome": "guided",
        },
    )
    body = json.loads(run("movements", "ranking", str(movement.pk), "--kind", "member", "--json"))
    assert body["items"][0] == {
        "rank": 1,
        "kind": "member",
        "name": y.person.full_name,
        "points": 2,
    }
    target = tmp_path / "xep-hang.xlsx"
    run("movements", "ranking", str(movement.pk), "-o", str(target))
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert len(rows) == 5 and rows[1][4] == 2
    assert movement.title in run("movements", "list")
    with pytest.raises(CommandError):
        run("movements", "ranking", "999")
