"""The seed directive as demo data: every clause a task with its agencies, once."""

import pytest

from cdtt.accounts.services import user_create
from cdtt.directives.demo import seed_directive_ensure
from cdtt.directives.models import Directive, Task
from cdtt.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_seed_directive_has_every_clause(tree):
    admin = user_create(
        actor=None,
        username="so",
        password=PASSWORD,
        role="province_admin",
        scope_unit=tree.province,
    )
    directive = seed_directive_ensure(actor=admin, province=tree.province)
    clauses = list(Task.objects.filter(directive=directive).values_list("clause", flat=True))
    assert sorted(clauses) == sorted(["1a", "1b", "1c", "2a", "2b", "2c", "2d", "2đ", "2e"])
    two_d = Task.objects.get(clause="2d")
    assert (two_d.recurrence, two_d.due_day, two_d.due_month) == ("yearly", 10, 10)
    assert [o.name for o in two_d.co_agencies.all()] == ["Sở Nội vụ"]
    assert Task.objects.get(clause="1a").lead.name == "Sở Giáo dục và Đào tạo"
    seed_directive_ensure(actor=admin, province=tree.province)
    assert Directive.objects.count() == 1 and Task.objects.count() == 9
