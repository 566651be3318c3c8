"""The school figures, now and as of a past date."""

import datetime as dt

from cdtt.figures.catalogue import figures_of
from cdtt.schools.models import Completion
from cdtt.schools.services import completion_record, student_match_confirm

CODES = [
    "schools_taking_part",
    "school_classes",
    "students_completed",
    "households_through_student",
]


def test_school_figures_follow_completions(tree, student, family, teacher, skills, other_school):
    _household, child = family
    assert figures_of(tree.province, codes=CODES) == {
        "schools_taking_part": 1,
        "school_classes": 1,
        "students_completed": 0,
        "households_through_student": 0,
    }
    student_match_confirm(actor=teacher, student=student, resident_id=child.pk)
    for skill in skills:
        completion_record(actor=teacher, student=student, skill_code=skill.code)
    for unit in (tree.province, tree.district, tree.commune):
        got = figures_of(unit, codes=CODES)
        assert got["students_completed"] == 1 and got["households_through_student"] == 1
    assert figures_of(tree.village, codes=CODES)["households_through_student"] == 1
    assert figures_of(tree.sibling_commune, codes=CODES) == dict.fromkeys(CODES, 0)
    # A week ago nothing was completed yet.
    Completion.objects.update(completed_on=dt.date.today())
    week_ago = dt.date.today() - dt.timedelta(days=7)
    assert figures_of(tree.province, as_of=week_ago, codes=CODES)["students_completed"] == 0
