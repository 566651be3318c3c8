"""What the organisation pages show of the staff an organisation sends to the teams.

Teams stand on a floor above organisations: the teams app tells these pages, from its
``AppConfig.ready``, how to count an organisation's staff serving in teams and how to list the
staff of one organisation a user may see (``staff_register``). Until it does, an organisation
has no staff to show.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet, Value

from cdtt.organizations.models import Organization


@dataclass(frozen=True)
class Staff:
    # Organisations annotated with ``n_staff``: how many of their staff serve in a team now.
    count: Callable[[QuerySet[Organization]], QuerySet[Organization]]
    # The people of an organisation and its branches that a user may see, by name.
    of: Callable[[object, Organization], QuerySet]


_staff: list[Staff] = []


def staff_register(*, count, of) -> None:
    _staff[:] = [Staff(count=count, of=of)]


def staff_counted(organizations: QuerySet[Organization]) -> QuerySet[Organization]:
    if not _staff:
        return organizations.annotate(n_staff=Value(0))
    return _staff[0].count(organizations)


def staff_of(user, organization: Organization) -> QuerySet | list:
    return _staff[0].of(user, organization) if _staff else []
