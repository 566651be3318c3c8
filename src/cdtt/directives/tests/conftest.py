import pytest

from cdtt.directives.tests.factories import make_world


@pytest.fixture
def world(tree, make_user):
    """The Department, two agencies (one leads, one co-ordinates), a third agency with no
    part in the task, their officers, and a directive with one task."""
    return make_world(tree, make_user)
