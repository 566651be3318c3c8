"""The evidence registry: providers answer for their kinds of subject, in registration order."""

import pytest

from cdtt.core import evidence
from cdtt.core.evidence import Evidence, Period, Subject


@pytest.fixture
def two_providers():
    def visits(subjects, period):
        return {s: [Evidence("visits", "Lượt đến hộ", s.pk * 10, "lượt")] for s in subjects}

    def courses(subjects, period):
        return {s: [Evidence("courses", "Khóa đã hoàn thành", 1, "khóa")] for s in subjects}

    evidence.provider_register("test_visits", kinds=["person", "team"], provide=visits)
    evidence.provider_register("test_courses", kinds=["person"], provide=courses)
    yield
    evidence.provider_unregister("test_visits")
    evidence.provider_unregister("test_courses")


@pytest.mark.django_db  # the modules' own providers are registered too, and read the database
def test_each_subject_gets_the_lines_of_the_providers_of_its_kind(two_providers):
    person, team, unit = Subject("person", 2), Subject("team", 3), Subject("unit", 4)
    found = evidence.evidence_for([person, team, unit], Period())
    codes = {
        s: [line.code for line in lines if line.code in ("visits", "courses")]
        for s, lines in found.items()
    }
    assert codes[person] == ["visits", "courses"]
    assert codes[team] == ["visits"]
    assert codes[unit] == []
    assert [line.value for line in evidence.evidence_of(team) if line.code == "visits"] == [30]


def test_a_provider_is_registered_once_and_for_known_kinds_only(two_providers):
    with pytest.raises(ValueError):
        evidence.provider_register("test_visits", kinds=["person"], provide=lambda s, p: {})
    with pytest.raises(ValueError):
        evidence.provider_register("test_other", kinds=["household"], provide=lambda s, p: {})
