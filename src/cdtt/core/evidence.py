"""The registry of evidence: what each module knows about a person or a collective.

Those who judge people (an honours nomination, the Prime Minister's dialogue form) ask for the
evidence of a subject and never learn which module knows what. A module registers, from its
AppConfig.ready, a *provider*: one function that answers for several subjects of one kind at a
time, in a few queries, over a period. Core knows none of the providers.

Subjects are named by kind and primary key:

- ``person``: a team member (``teams.Person``);
- ``team``: a team (``teams.Team``);
- ``unit``: an administrative unit (``geo.AdminUnit``);
- ``organization``: an organisation (``organizations.Organization``).
"""

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

KINDS = ("person", "team", "unit", "organization")


@dataclass(frozen=True)
class Subject:
    kind: str
    pk: int


@dataclass(frozen=True)
class Evidence:
    code: str  # stable code of the line, e.g. "households_visited"
    label: str  # Vietnamese text (lazy or already translated)
    value: int | float | str
    unit: str = ""  # unit of measure in Vietnamese: hộ, người, khóa …
    url: str = ""  # where the lines behind the figure can be seen, when there is a page


@dataclass(frozen=True)
class Period:
    start: dt.date | None = None
    end: dt.date | None = None  # inclusive; None: up to now


# (subjects of the provider's kinds, period) -> {subject: its lines}; a subject missing has none.
Provide = Callable[[Sequence[Subject], Period], Mapping[Subject, Sequence[Evidence]]]


@dataclass(frozen=True)
class Provider:
    code: str
    kinds: tuple[str, ...]
    provide: Provide


_providers: dict[str, Provider] = {}


def provider_register(code: str, *, kinds: Iterable[str], provide: Provide) -> Provider:
    """Register a provider under a code; a second registration under a code is refused."""
    kinds = tuple(kinds)
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown subject kinds {sorted(unknown)}")
    if code in _providers:
        raise ValueError(f"an evidence provider named {code!r} is already registered")
    provider = Provider(code=code, kinds=kinds, provide=provide)
    _providers[code] = provider
    return provider


def provider_unregister(code: str) -> None:
    _providers.pop(code, None)


def providers() -> list[Provider]:
    return list(_providers.values())


def evidence_for(
    subjects: Sequence[Subject], period: Period | None = None
) -> dict[Subject, list[Evidence]]:
    """Every provider's lines for each subject, in the order the providers were registered."""
    period = period or Period()
    found: dict[Subject, list[Evidence]] = {s: [] for s in subjects}
    for provider in _providers.values():
        mine = [s for s in subjects if s.kind in provider.kinds]
        if not mine:
            continue
        for subject, lines in provider.provide(mine, period).items():
            if subject in found:
                found[subject].extend(lines)
    return found


def evidence_of(subject: Subject, period: Period | None = None) -> list[Evidence]:
    return evidence_for([subject], period)[subject]
