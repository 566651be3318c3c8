"""Scoped reads of honours: rounds (every officer of the round's province), nominations (the
Department and the provincial leader see all of their province's, the appraising agency those
of its rounds; a commune or district officer those of their subtree; another agency's officer
those it filed), awards (as their nominations), dialogue forms (the Department and the
provincial leader, their province's members). Who acts at each step of the chain is decided
here."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from cdtt.core import roles
from cdtt.core.access import in_scope, scope_path
from cdtt.core.evidence import Period, Subject, evidence_for
from cdtt.core.roles import Role
from cdtt.honours.models import (
    STEP_ORDER,
    Award,
    DialogueForm,
    Nomination,
    NominationStatus,
    Round,
    Step,
)

SEE_ALL = {Role.PROVINCE_ADMIN, Role.PROVINCE_LEADER}
NOMINATE = {
    Role.PROVINCE_ADMIN,
    Role.AGENCY_OFFICER,
    Role.DISTRICT_OFFICER,
    Role.COMMUNE_OFFICER,
}


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_manage(user) -> bool:
    """Opening rounds, picking the dialogue's members: the Department."""
    return roles.has_role(user, {Role.PROVINCE_ADMIN})


def can_nominate(user) -> bool:
    return roles.has_role(user, NOMINATE)


def _ancestors(path: str) -> list[str]:
    return [path[: i + 1] for i, c in enumerate(path) if c == "/" and i > 0]


def rounds_for(user) -> QuerySet[Round]:
    """Rounds held in the user's subtree or above it (a province's round reaches its communes);
    another province's are not the user's."""
    path = scope_path(user)
    if path is None or not roles.has_role(user, roles.OFFICERS):
        return Round.objects.none()
    return Round.objects.select_related("home_affairs", "unit").filter(
        Q(unit__path__startswith=path) | Q(unit__path__in=_ancestors(path))
    )


def access_round(user, pk: int) -> Round:
    found = rounds_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404("round")
    return found


def nominations_for(user) -> QuerySet[Nomination]:
    nominations = Nomination.objects.select_related("round", "unit", "nominated_by")
    if not roles.has_role(user, roles.OFFICERS):
        return nominations.none()
    path = scope_path(user)
    if user.role in SEE_ALL:  # all of the province's, none of another province's
        return nominations.filter(path__startswith=path or "\0")
    cond = Q(nominated_by=user)
    if user.organization_id:
        cond |= Q(round__home_affairs_id=user.organization_id)
        cond |= Q(nominated_by__organization_id=user.organization_id)
    if path is not None and user.role in {Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER}:
        cond |= Q(path__startswith=path)
    return nominations.filter(cond)


def access_nomination(user, pk: int) -> Nomination:
    found = nominations_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404("nomination")
    return found


def access_award(user, pk: int) -> Award:
    found = (
        Award.objects.filter(nomination__in=nominations_for(user).values("pk"), pk=pk)
        .select_related("nomination__round", "nomination__unit", "decision")
        .first()
    )
    if found is None:
        raise Http404("award")
    return found


def dialogue_forms_for(user) -> QuerySet[DialogueForm]:
    """The forms of the members of the user's province (the Department, the leader)."""
    path = scope_path(user)
    if path is None or not roles.has_role(user, SEE_ALL):
        return DialogueForm.objects.none()
    return DialogueForm.objects.select_related("person", "team").filter(
        team__unit__path__startswith=path
    )


def access_dialogue_form(user, pk: int) -> DialogueForm:
    found = dialogue_forms_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404("dialogue form")
    return found


# --- the chain -------------------------------------------------------------------------------


def can_act(user, nomination: Nomination, step: str | None = None) -> bool:
    """Whether the user acts for the step (the nomination's current one by default)."""
    step = step or nomination.step
    if not _active(user):
        return False
    if step == Step.COMMUNE:
        return user.role == Role.COMMUNE_OFFICER and in_scope(user, nomination.unit)
    if step == Step.DISTRICT:
        return user.role == Role.DISTRICT_OFFICER and in_scope(user, nomination.unit)
    if step == Step.DEPARTMENT:
        return user.role == Role.PROVINCE_ADMIN
    if step == Step.HOME_AFFAIRS:
        return (
            user.role == Role.AGENCY_OFFICER
            and user.organization_id is not None
            and user.organization_id == nomination.round.home_affairs_id
        )
    if step == Step.CHAIRMAN:
        return user.role == Role.PROVINCE_LEADER
    return False


def can_resubmit(user, nomination: Nomination) -> bool:
    if nomination.status != NominationStatus.RETURNED or not _active(user):
        return False
    if nomination.nominated_by_id == user.pk:
        return True
    return can_act(user, nomination, nomination.steps[0] if nomination.steps else "")


def is_overdue(nomination: Nomination, today: dt.date) -> bool:
    """In review at a step whose deadline has passed."""
    if nomination.status != NominationStatus.IN_REVIEW or not nomination.step:
        return False
    return today > nomination.round.deadline(nomination.step)


def first_step(user, unit) -> str:
    """Where a nomination filed by the user starts: the nominator's own level."""
    if user.role == Role.COMMUNE_OFFICER:
        return Step.COMMUNE
    if user.role == Role.DISTRICT_OFFICER:
        return Step.DISTRICT
    return Step.DEPARTMENT


def chain(start: str, unit) -> list[str]:
    """The steps from ``start`` to the Chairman; the district only in the 2024 structure."""
    steps = [s.value for s in STEP_ORDER[STEP_ORDER.index(start) :]]
    has_district = unit.structure == "2024" and (unit.district_id or unit.level == "district")
    if not has_district and Step.DISTRICT in steps and start != Step.DISTRICT:
        steps.remove(Step.DISTRICT)
    return steps


def step_officers(nomination: Nomination) -> QuerySet:
    """The users who act for the nomination's current step (notified when it arrives there)."""
    users = get_user_model().objects.filter(is_active=True)
    step = nomination.step
    if step == Step.COMMUNE:
        return users.filter(role=Role.COMMUNE_OFFICER, scope_unit__pk=nomination.unit.commune_id)
    if step == Step.DISTRICT:
        return users.filter(role=Role.DISTRICT_OFFICER, scope_unit__pk=nomination.unit.district_id)
    if step == Step.DEPARTMENT:
        return users.filter(role=Role.PROVINCE_ADMIN)
    if step == Step.HOME_AFFAIRS:
        return users.filter(
            role=Role.AGENCY_OFFICER, organization_id=nomination.round.home_affairs_id
        )
    if step == Step.CHAIRMAN:
        return users.filter(role=Role.PROVINCE_LEADER)
    return users.none()


# --- evidence and records --------------------------------------------------------------------


def subject_of(nomination: Nomination) -> Subject:
    kind = nomination.subject_kind
    pk = {
        "person": nomination.person_id,
        "team": nomination.team_id,
        "unit": nomination.subject_unit_id,
        "organization": nomination.organization_id,
    }[kind]
    return Subject(kind, pk)


def round_period(round_: Round) -> Period:
    """The evidence of a round: the year up to Digital Transformation Day, counted from the
    previous one (10/10 of the year before to 9/10), or up to the day nominations close when a
    round closes later."""
    end = max(dt.date(round_.year, 10, 9), round_.commune_deadline)
    return Period(start=dt.date(round_.year - 1, 10, 10), end=end)


def nomination_evidence(nomination: Nomination) -> list:
    subject = subject_of(nomination)
    return evidence_for([subject], round_period(nomination.round))[subject]


def awards_of(kind: str, pks) -> QuerySet[Award]:
    field = {"person": "person", "team": "team", "unit": "subject_unit"}.get(kind, kind)
    return Award.objects.filter(**{f"nomination__{field}_id__in": list(pks)}).select_related(
        "nomination__round", "decision"
    )


def counts_by_status(round_: Round) -> dict[str, int]:
    counts = dict.fromkeys(NominationStatus.values, 0)
    for status in round_.nominations.values_list("status", flat=True):
        counts[status] += 1
    return counts
