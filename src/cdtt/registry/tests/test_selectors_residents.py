"""The current residents of a page of households, loaded in one query for the list pages."""

from cdtt.registry.models import ResidentStatus
from cdtt.registry.selectors import current_residents, households_for
from cdtt.registry.services import household_create, resident_create, resident_set_status


def _resident(household, name):
    return resident_create(
        actor=None, household=household, full_name=name, birth_date=None, birth_year=1980
    )


def test_current_residents_by_household_in_recorded_order(
    tree, make_user, django_assert_num_queries
):
    home = household_create(actor=None, village=tree.village, code="HO-1")
    empty = household_create(actor=None, village=tree.village, code="HO-2")
    first, gone, last = (_resident(home, n) for n in ("Lê Văn A", "Lê Văn B", "Lê Thị C"))
    resident_set_status(actor=None, resident=gone, status=ResidentStatus.MOVED_OUT)
    officer = make_user("commune_officer", tree.commune)
    page = list(households_for(officer))
    with django_assert_num_queries(1):
        found = current_residents(page, "full_name")
    assert found == {home.pk: [first, last], empty.pk: []}
    assert [r.full_name for r in found[home.pk]] == ["Lê Văn A", "Lê Thị C"]
