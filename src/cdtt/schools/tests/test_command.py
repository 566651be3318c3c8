"""``cdtt schools list`` and ``cdtt figures UNIT --module schools`` on the command line."""

import io

import pytest
from django.core.management import CommandError, call_command

from cdtt.schools.services import completion_record, student_match_confirm


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_schools_of_a_unit_with_their_counts(tree, teacher, student, family, skills):
    student_match_confirm(actor=teacher, student=student, resident_id=family[1].pk)
    completion_record(actor=teacher, student=student, skill_code=skills[0].code)
    lines = _run("schools", "list", "--unit", tree.commune.code).splitlines()
    assert lines[1].split("\t")[0] == "TH001"
    assert lines[1].split("\t")[4:] == ["1", "1", "1", "1"]
    assert len(_run("schools", "list", "--unit", tree.sibling_commune.code).splitlines()) == 1
    with pytest.raises(CommandError):
        _run("schools", "list", "--unit", "00000")


def test_the_figures_of_the_school_program(tree, teacher, student, skills):
    completion_record(actor=teacher, student=student, skill_code=skills[0].code)
    text = _run("figures", tree.commune.code, "--module", "schools")
    assert "schools_taking_part" in text and text.splitlines()[0].endswith(f"({tree.commune.code})")
    children = _run("figures", tree.district.code, "--module", "schools", "--children")
    assert tree.commune.code in children
    with pytest.raises(CommandError, match="dd/mm/yyyy"):
        _run("figures", tree.commune.code, "--as-of", "2025-01-01")
