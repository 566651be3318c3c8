"""The evidence a nomination shows, from the providers the campaigns, the registry and training
register (cdtt.core.evidence): a member's and a team's visits, the residents who became
proficient through the member's assessments and in the unit, the courses completed."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from cdtt.campaigns.tests.factories import Field, all_skills
from cdtt.campaigns.visits import visit_submit
from cdtt.core.evidence import Period, Subject, evidence_for
from cdtt.teams.models import Person

pytestmark = pytest.mark.django_db


def _values(lines) -> dict:
    return {line.code: line.value for line in lines}


def test_visits_proficiency_and_courses_reach_the_nomination(tree, make_user):
    f = Field(tree, make_user)
    visit_submit(
        actor=f.member,
        payload={
            "id": str(uuid.uuid4()),
            "household": {"commune_code": "16000", "code": f.home.code},
            "visited_at": timezone.now().isoformat(),
            "outcome": "guided",
            "campaign": f.campaign.pk,
            "present": [f.head.pk],
            "assessments": all_skills(f.head, level=2),
        },
    )
    person = Person.objects.get(user=f.member)
    from cdtt.organizations.services import organization_create
    from cdtt.training.models import Completion, Course

    organizer = organization_create(
        actor=None, name="Sở Khoa học và Công nghệ", kind="agency", unit=tree.province
    )
    course = Course.objects.create(
        title="Kỹ năng số",
        organizer=organizer,
        unit=tree.commune,
        path=tree.commune.path,
        mode="in_person",
    )
    Completion.objects.create(
        course=course, person=person, completed_on=timezone.localdate(), code="AB12-CD34"
    )
    subjects = [
        Subject("person", person.pk),
        Subject("team", f.team.pk),
        Subject("unit", tree.commune.pk),
        Subject("unit", tree.sibling_commune.pk),
    ]
    found = evidence_for(subjects)
    member, team, unit, sibling = (_values(found[s]) for s in subjects)
    assert member["visits"] == 1 and member["households_visited"] == 1
    assert member["residents_proficient"] == 1 and member["courses_completed"] == 1
    assert team["visits"] == 1 and team["courses_completed"] == 1
    assert unit["visits"] == 1 and unit["residents_proficient"] == 1
    assert unit["courses_completed"] == 1
    assert sibling == {}
    # A period before any of it holds nothing.
    old = Period(dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    assert all(lines == [] for lines in evidence_for(subjects, old).values())
