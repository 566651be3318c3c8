"""The rule type of the permission matrix, its sets of roles, and the rules of the modules that
came after the first ones (models and good practices, youth movements, enterprises' offers,
honours and the dialogue, media posts and the press page, personal data, the user guide), kept
here so that ``test_permission_matrix`` stays one readable page."""

from dataclasses import dataclass, field

from cdtt.core.roles import FIELD, MANAGE_USERS, OFFICERS, REGISTRY_WRITE, Role

ALL = frozenset(Role.values)
NOBODY = frozenset()
ADMIN = frozenset(MANAGE_USERS)
WRITE = frozenset(REGISTRY_WRITE)  # the province, district and commune officers
LOCAL = {Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER}  # within the same province
LEADERS = {Role.PROVINCE_ADMIN, Role.PROVINCE_LEADER}
AGENCY_READERS = LEADERS | {Role.AGENCY_OFFICER}
TRAINERS = {Role.PROVINCE_ADMIN, Role.AGENCY_OFFICER, *LOCAL}
SCHOOLS = OFFICERS | {Role.TEACHER}
TEACH = WRITE | {Role.TEACHER}


@dataclass(frozen=True)
class Rule:
    """Who is let in: the own-unit users of ``roles``; the sibling-unit users of those roles
    too when ``sibling`` (a page that shows each user their own unit's); anyone when
    ``anonymous``. ``args``: route parameter → name of a ``World.values`` entry."""

    roles: frozenset
    sibling: bool | frozenset = False
    anonymous: bool = False
    args: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)  # query parameter → World.values name
    session: bool = False  # an API operation that reads the site's session, not a token


def R(  # noqa: N802
    roles=NOBODY, *, sibling=False, anonymous=False, query=None, session=False, **args
) -> Rule:
    """``sibling``: True for every role of ``roles``, or the set of roles whose sibling-unit
    users are let in (officers of another district or commune, for what is the province's)."""
    sibling = sibling if isinstance(sibling, bool) else frozenset(sibling)
    return Rule(frozenset(roles), sibling, anonymous, args, query or {}, session)


PUBLIC = R(ALL, sibling=True, anonymous=True)
SIGNED_IN = R(ALL, sibling=True)

TOKEN = OFFICERS | FIELD  # the roles the API serves (a teacher works in the pages)
PROPOSE = WRITE | {Role.AGENCY_OFFICER, Role.TEAM_LEADER}  # who proposes a good practice
ENTERPRISE = {Role.PROVINCE_ADMIN, Role.AGENCY_OFFICER}  # who publishes an offer
NOMINATE = WRITE | {Role.AGENCY_OFFICER}
IN_PROVINCE = LOCAL | FIELD  # sibling users still of the province (another district, commune)

MODULE_PAGES: list[tuple[str, Rule]] = [
    # The user guide, the press page, the notice on personal data, the library of good
    # practices: public.
    ("site:help", PUBLIC),
    ("site:help_part", R(ALL, sibling=True, anonymous=True, slug="help_part")),
    ("site:help_image", R(ALL, sibling=True, anonymous=True, name="help_image")),
    ("press", PUBLIC),
    ("privacy:notice", PUBLIC),
    ("practices:library", PUBLIC),
    ("practices:library_map", PUBLIC),
    ("practices:public_detail", R(ALL, sibling=True, anonymous=True, pk="initiative")),
    # A finished export's file: its owner's (the own province admin's in the world).
    ("core:job_file", R(ADMIN, pk="export_job")),
    # Personal data: the access log is the province admin's; a resident's requests (see,
    # export, erase) are the registry writers' of the resident's unit.
    ("privacy:access_log", R(ADMIN, sibling=True)),
    ("privacy:resident*", R(WRITE, pk="resident")),
    # Models and good practices: officers and team leaders read those of their area; the
    # Department reviews and evaluates.
    ("practices:list", R(OFFICERS | {Role.TEAM_LEADER}, sibling=True)),
    ("practices:new", R(PROPOSE, sibling=True)),
    ("practices:detail", R(OFFICERS | {Role.TEAM_LEADER}, pk="initiative")),
    ("practices:file", R(ALL, sibling=True, anonymous=True, pk="attachment")),  # approved
    ("practices:edit", R(PROPOSE, pk="initiative")),
    ("practices:upload", R(PROPOSE, pk="initiative")),
    ("practices:review", R(ADMIN, pk="initiative")),
    ("practices:evaluate", R(ADMIN, pk="initiative")),
    # Youth movements are the province's (held where their creator, a province officer, is):
    # every officer and member of the province follows them; the Department manages.
    ("movements:list", R(OFFICERS | FIELD, sibling=True)),
    ("movements:new", R(ADMIN, sibling=True)),
    (
        "movements:member",
        R(OFFICERS | FIELD, sibling=IN_PROVINCE, pk="movement", person_pk="movement_person"),
    ),
    (
        "movements:branch",
        R(OFFICERS | FIELD, sibling=IN_PROVINCE, pk="movement", branch_pk="branch"),
    ),
    ("movements:review", R(ADMIN, pk="movement", claim_pk="claim")),
    ("movements:claim", R(FIELD, sibling=FIELD, pk="movement")),
    ("movements:*", R(OFFICERS | FIELD, sibling=IN_PROVINCE, pk="movement")),
    # Enterprises' offers: officers read those of their area, enterprises publish; members
    # claim an offer of their area.
    ("offers:list", R(OFFICERS, sibling=True)),
    ("offers:new", R(ENTERPRISE, sibling=True)),
    ("offers:redeem", R(ENTERPRISE, sibling=True)),
    ("offers:mine", R(OFFICERS | FIELD, sibling=True)),
    ("offers:claim", R(FIELD, pk="offer")),
    ("offers:detail", R(OFFICERS, pk="offer")),
    ("offers:withdraw", R(ADMIN, pk="offer")),
    # Honours: rounds are the province's; a nomination is its nominator's, its reviewers' and
    # the province's; the dialogue with the members is the Department's and the leader's.
    ("honours:rounds", R(OFFICERS, sibling=True)),
    ("honours:round_new", R(ADMIN, sibling=True)),
    ("honours:round", R(OFFICERS, sibling=LOCAL, pk="round")),
    ("honours:submission", R(OFFICERS, sibling=LOCAL, pk="round")),
    ("honours:nominate", R(NOMINATE, sibling=LOCAL, pk="round")),
    ("honours:decision", R(LEADERS, pk="round")),
    ("honours:nomination", R(LEADERS | LOCAL, pk="nomination")),
    ("honours:document", R(LEADERS | LOCAL, pk="nomination")),
    ("honours:review", R(LEADERS | LOCAL, pk="nomination")),
    # Who reviews at which step, who completes a returned nomination: the service's (the state
    # of the nomination decides), refused with a message to whoever sees it.
    ("honours:resubmit", R(LEADERS | LOCAL, pk="nomination")),
    ("honours:certificate", R(LEADERS | LOCAL, pk="award")),
    # Each province's dialogue (its members' forms only): the same pages for both provinces.
    ("honours:dialogue_current", R(LEADERS, sibling=True)),
    ("honours:dialogue", R(LEADERS, sibling=True, year="year")),
    ("honours:dialogue_docx", R(LEADERS, sibling=True, year="year")),
    ("honours:dialogue_sent", R(ADMIN, sibling=True, year="year")),
    ("honours:dialogue_edit", R(ADMIN, pk="dialogue_form")),
    # Media posts: the province reads all of its own, an outlet its posts, a district or a
    # commune the posts about its area.
    ("media:posts", R(OFFICERS, sibling=True)),
    ("media:post_new", R(ADMIN, sibling=True)),
    ("media:post", R(LEADERS | LOCAL, pk="post")),
]

MODULE_API: list[tuple[str, Rule]] = [
    # The site's session exchanged for a token (the field app opened from the site): asked
    # with the persona's signed-in session, not a token.
    ("POST /api/v1/auth/session-token", R(ALL, sibling=True, session=True)),
    # The library of approved models: public, like its pages.
    ("GET /api/v1/initiatives", PUBLIC),
    # A course is changed by the officers who run it (a body-less close tells them apart).
    ("PUT /api/v1/courses/{course_id}", R(TRAINERS)),
    ("POST /api/v1/courses/{course_id}/*", R(TRAINERS)),
    # The dialogue: each province's Department and leader see their province's forms.
    ("GET /api/v1/honours/dialogue/{year}", R(LEADERS, sibling=True)),
    ("GET /api/v1/honours/rounds/{round_id}/nominations", R(OFFICERS, sibling=LOCAL)),
    ("GET /api/v1/movements/{movement_id}/ranking", R(TOKEN, sibling=IN_PROVINCE)),
    ("POST /api/v1/offers/{offer_id}/claims", R(FIELD)),
]

# The world's object for each path parameter of the API.
API_PARAMETERS = {
    "code": "unit",
    "unit_code": "unit",
    "team_id": "team",
    "visit_id": "visit",
    "checkin_id": "checkin",
    "certificate_code": "certificate",
    "report_id": "report",
    "course_id": "course",
    "lesson_id": "lesson",
    "student_id": "student",
    "movement_id": "movement",
    "nomination_id": "nomination",
    "offer_id": "offer",
    "round_id": "round",
    "year": "year",
}
