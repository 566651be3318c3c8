"""Reads of the training app, each scoped to the user: the courses an officer manages, the
courses a member may see, the members a course may enrol, the access helpers."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from cdtt.core import roles
from cdtt.core.access import scope_path
from cdtt.teams.models import Membership, Person
from cdtt.training.models import Completion, Course, Enrolment, OpenTo, Session

# Who creates and runs courses: the province, districts, communes and organisations' officers.
MANAGE = {
    roles.Role.PROVINCE_ADMIN,
    roles.Role.AGENCY_OFFICER,
    roles.Role.DISTRICT_OFFICER,
    roles.Role.COMMUNE_OFFICER,
}
READ = roles.OFFICERS


def person_of(user) -> Person | None:
    """The member behind a login (a team member's account), if any."""
    if not (user and user.is_authenticated):
        return None
    person = Person.objects.filter(user=user).first()
    if person is not None:
        person.user = user  # known already: no second read when it is notified
    return person


def courses_for(user) -> QuerySet[Course]:
    """Courses an officer sees: those of units in their subtree."""
    path = scope_path(user)
    if path is None or not roles.has_role(user, READ):
        return Course.objects.none()
    return Course.objects.filter(path__startswith=path)


def can_manage(user, course: Course | None = None) -> bool:
    if not roles.has_role(user, MANAGE):
        return False
    path = scope_path(user)
    return path is not None and (course is None or course.path.startswith(path))


def access_course(user, pk: int) -> Course:
    """The course an officer may see (the only way views fetch one); 404 otherwise."""
    course = courses_for(user).select_related("organizer", "unit").filter(pk=pk).first()
    if course is None:
        raise Http404("course")
    return course


def member_courses(person: Person | None) -> QuerySet[Course]:
    """The courses a member is enrolled in or invited to."""
    if person is None:
        return Course.objects.none()
    return Course.objects.filter(enrolments__person=person).distinct()


def access_member_course(user, pk: int) -> Course:
    """A course the user, as a member, is enrolled in or invited to; 404 otherwise."""
    course = member_courses(person_of(user)).filter(pk=pk).first()
    if course is None:
        raise Http404("course")
    return course


def eligible_memberships(course: Course) -> QuerySet[Membership]:
    """Active memberships whose person may enrol in the course (its rule of who may enrol)."""
    members = Membership.objects.filter(
        left_on__isnull=True, team__dissolved_on__isnull=True, team__path__startswith=course.path
    )
    if course.open_to == OpenTo.UNITS:
        paths = list(course.eligible_units.values_list("path", flat=True))
        rule = Q(pk__in=[])
        for path in paths:
            rule |= Q(team__path__startswith=path)
        members = members.filter(rule)
    elif course.open_to == OpenTo.TEAMS:
        members = members.filter(team__in=course.eligible_teams.values("pk"))
    return members


def is_eligible(course: Course, person: Person) -> bool:
    return eligible_memberships(course).filter(person=person).exists()


def open_courses_for(person: Person | None) -> list[Course]:
    """Open courses the member may still enrol in (not yet enrolled)."""
    if person is None:
        return []
    teams = Membership.objects.filter(person=person, left_on__isnull=True).select_related("team")
    paths = [m.team.path for m in teams]
    if not paths:
        return []
    candidates = (
        Course.objects.filter(status="open")
        .exclude(enrolments__person=person)
        .select_related("organizer")
    )
    return [
        c for c in candidates if any(p.startswith(c.path) for p in paths) and is_eligible(c, person)
    ]


def courses_listing(user) -> QuerySet[Course]:
    return (
        courses_for(user)
        .select_related("organizer", "unit")
        .annotate(
            n_sessions=Count("sessions", distinct=True),
            n_enrolled=Count("enrolments", distinct=True),
            n_completed=Count("completions", filter=Q(completions__revoked_at=None), distinct=True),
        )
    )


def enrolments_of(course: Course) -> QuerySet[Enrolment]:
    return course.enrolments.select_related("person")


def completions_for(user) -> QuerySet[Completion]:
    return Completion.objects.filter(course__in=courses_for(user).values("pk"))


def session_of(course: Course, pk: int) -> Session:
    session = course.sessions.filter(pk=pk).first()
    if session is None:
        raise Http404("session")
    return session
