import datetime as dt

import pytest

from cdtt.campaigns.tests.factories import Field
from cdtt.registry.assessments import assessment_record
from cdtt.registry.models import Resident
from cdtt.skills.models import SKILL_CODES


@pytest.fixture
def field(tree, make_user):
    """The campaigns' test data: a team with members, households with residents; the head of
    HO-001 proficient in the five skills (so the household counts as covered), with a phone."""
    f = Field(tree, make_user)
    Resident.objects.filter(pk=f.head.pk).update(phone="0912345678", birth_date=dt.date(1970, 3, 4))
    for skill in SKILL_CODES:
        assessment_record(
            actor=None, resident=f.head, skill_code=skill, level=2, method="home_visit"
        )
    f.head.refresh_from_db()
    return f
