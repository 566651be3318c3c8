"""What honours knows about a person or a collective: the awards on their record."""

from collections.abc import Sequence

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cdtt.core.evidence import Evidence, Period, Subject, provider_register

KINDS = ("person", "team", "unit", "organization")


def _awards(subjects: Sequence[Subject], period: Period) -> dict[Subject, list[Evidence]]:
    from cdtt.honours.selectors import awards_of

    out: dict[Subject, list[Evidence]] = {}
    for kind in {s.kind for s in subjects}:
        pks = [s.pk for s in subjects if s.kind == kind]
        awards = awards_of(kind, pks)
        if period.start:
            awards = awards.filter(awarded_on__gte=period.start)
        if period.end:
            awards = awards.filter(awarded_on__lte=period.end)
        field = {"person": "person_id", "team": "team_id", "unit": "subject_unit_id"}.get(
            kind, "organization_id"
        )
        for award in awards:
            subject = Subject(kind, getattr(award.nomination, field))
            out.setdefault(subject, []).append(
                Evidence(
                    code="honours_award",
                    label=_("Khen thưởng"),
                    value=f"{award.form} (Quyết định số {award.decision.number}, "
                    f"{award.awarded_on:%d/%m/%Y})",
                    url=reverse("honours:nomination", args=[award.nomination_id]),
                )
            )
    return out


def register() -> None:
    provider_register("honours_awards", kinds=KINDS, provide=_awards)
