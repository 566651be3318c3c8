"""The permission matrix, generated: every route of the URL conf and every operation of the
OpenAPI document, asked by every role from the unit that holds the objects ("own"), by the same
role from a sibling unit ("sibling") and by an anonymous visitor, and each answer checked
against one table of rules (``PAGES``, ``API``). Deny by default: a route no rule names fails
the test, so a page added tomorrow fails until its rule is written here.

A persona a rule lets in must not be refused (401/403/404 or the login page); a persona it
does not let in must be refused on a GET and on a POST alike (an answer of 2xx or 3xx, or a
server error, is a leak). A rule is written per URL name (or ``fnmatch`` pattern, first match
wins) with the role sets of ``cdtt.core.roles``; ``args`` says which object of
``matrix_world.World`` fills each parameter of the route (``code`` defaults to the commune).
The rule type, the role sets and the rules of the later modules live in ``matrix_rules``.

Every HTML page answered on the way is also checked for the content security policy header
and for inline scripts (``test_security_headers`` reads the same walk).
"""

import fnmatch
import json
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from cdtt.core.roles import (
    ASSESS,
    FIELD,
    FIGURES_ONLY,
    MANAGE_CATALOG,
    MANAGE_UNITS,
    OFFICERS,
    REGISTRY_WRITE,
    Role,
)
from cdtt.tests.csp_check import csp_problems
from cdtt.tests.matrix_rules import (
    ADMIN,
    AGENCY_READERS,
    ALL,
    API_PARAMETERS,
    LEADERS,
    LOCAL,
    MODULE_API,
    MODULE_PAGES,
    PUBLIC,
    SCHOOLS,
    SIGNED_IN,
    TEACH,
    TOKEN,
    TRAINERS,
    WRITE,
    R,
    Rule,
)
from cdtt.tests.matrix_world import World

pytestmark = pytest.mark.django_db

# --- the rules of the pages, by URL name ----------------------------------------------------

PAGES: list[tuple[str, Rule]] = [
    # Anyone: the public portal, certificates' check, the field app's shell (it signs in by
    # token), the health check, the login and the language choice.
    ("portal:*", PUBLIC),
    ("training_verify", R(PUBLIC.roles, sibling=True, anonymous=True, code="certificate")),
    ("campaigns:field*", PUBLIC),
    ("core:healthz", PUBLIC),
    ("accounts:login", PUBLIC),
    ("accounts:logout", PUBLIC),
    ("accounts:login_code", PUBLIC),  # the second step of a two-factor login
    ("set_language", PUBLIC),
    # The secret in the address is the key (a calendar program cannot sign in).
    ("directives:ical", R(ALL, sibling=True, anonymous=True, token="calendar")),
    # Every signed-in user: their own things, or a redirect to the page that checks.
    ("site:home", SIGNED_IN),
    ("core:jobs", SIGNED_IN),
    ("core:notifications*", SIGNED_IN),
    ("directives:list", SIGNED_IN),
    ("directives:tasks", SIGNED_IN),
    ("directives:calendar", SIGNED_IN),
    ("teams:profile", SIGNED_IN),
    ("training:my", SIGNED_IN),
    ("training:my_fragment", SIGNED_IN),
    ("skills:catalog", SIGNED_IN),
    ("registry:import*", SIGNED_IN),  # old addresses, sent on to /imports/<kind>/
    ("teams:import*", SIGNED_IN),
    ("geo:village_import", SIGNED_IN),
    ("geo:villages/template.xlsx", SIGNED_IN),
    # A job and a notification are their owner's (the own province admin's in the world).
    ("core:job", R(ADMIN, pk="job")),
    ("core:job_errors", R(ADMIN, pk="job")),
    ("core:notification_read", R(ADMIN, pk="notification")),
    # Imports: the officers who write the registry; the list also shows the teachers' and the
    # agencies' kinds (students, attendance).
    ("core:imports", R(WRITE | {Role.AGENCY_OFFICER, Role.TEACHER}, sibling=True)),
    ("core:import", R(WRITE, sibling=True, code="import_kind")),
    ("core:import_template", R(WRITE, sibling=True, code="import_kind")),
    ("site:audit_log", R(WRITE, sibling=True)),
    # Users and the catalogs: the province admin (the catalogs are the province's, not a unit's).
    ("accounts:users", R(ADMIN, sibling=True)),
    ("accounts:user_new", R(ADMIN, sibling=True)),
    ("accounts:user_*", R(ADMIN, pk="user")),
    ("accounts:two_factor", R(ADMIN, sibling=True)),  # each province admin's own
    ("skills:edit", R(MANAGE_CATALOG, sibling=True, code="skill")),
    ("skills:checklist_add", R(MANAGE_CATALOG, sibling=True, code="skill")),
    ("skills:checklist_edit", R(MANAGE_CATALOG, sibling=True, pk="checklist_item")),
    ("skills:checklist_remove", R(MANAGE_CATALOG, sibling=True, pk="checklist_item")),
    # The administrative map.
    ("geo:browse", R(OFFICERS, sibling=True)),
    ("geo:search", R(OFFICERS, sibling=True)),
    ("geo:unit_picker", R(WRITE, sibling=True, query={"for": "team_picker"})),
    ("geo:unit", R(OFFICERS)),
    ("geo:map", R(OFFICERS)),
    ("geo:remap*", R(ADMIN, code="province")),
    ("geo:village_new", R(MANAGE_UNITS)),
    ("geo:village_edit", R(MANAGE_UNITS, code="village")),
    ("geo:village_retire", R(MANAGE_UNITS, code="village")),
    # Letterheads of the issuing bodies.
    ("documents:letterheads", R(OFFICERS, sibling=True)),
    ("documents:letterhead_new", R(ADMIN, sibling=True)),
    ("documents:letterhead_edit", R(ADMIN, pk="letterhead")),
    # The registry.
    ("registry:dashboard", R(OFFICERS, sibling=True)),
    ("registry:targets", R(OFFICERS, sibling=True)),
    ("registry:dashboard_*", R(OFFICERS)),
    # Names, addresses and phones: every role but the one whose work needs figures only.
    ("registry:households", R((OFFICERS | ASSESS) - FIGURES_ONLY, sibling=True)),
    ("registry:household_new", R(REGISTRY_WRITE, sibling=True)),
    ("registry:household", R((OFFICERS | ASSESS) - FIGURES_ONLY, pk="household")),
    ("registry:household_edit", R(REGISTRY_WRITE, pk="household")),
    ("registry:resident_new", R(REGISTRY_WRITE, pk="household")),
    ("registry:resident_edit", R(REGISTRY_WRITE, pk="resident")),
    ("registry:resident_status", R(REGISTRY_WRITE, pk="resident")),
    ("registry:assess", R(ASSESS, pk="resident")),
    # Organisations and teams.
    ("organizations:list", R(OFFICERS, sibling=True)),
    ("organizations:new", R(WRITE, sibling=True)),
    ("organizations:detail", R(OFFICERS, pk="organisation")),
    ("organizations:*", R(WRITE, pk="organisation")),
    ("teams:list", R(OFFICERS | FIELD, sibling=True)),
    ("teams:members", R(OFFICERS | FIELD, sibling=True)),
    ("teams:new", R(WRITE, sibling=True)),
    ("teams:unit_picker", R(WRITE, sibling=True, query={"for": "team_picker"})),
    ("teams:figures", R(OFFICERS, sibling=True)),
    ("teams:figures_unit", R(OFFICERS, sibling=True)),  # a redirect to the page that checks
    ("teams:figures_map", R(OFFICERS)),
    ("teams:commune", R(OFFICERS | FIELD)),
    ("teams:detail", R(OFFICERS | FIELD, pk="team")),
    ("teams:person", R((OFFICERS | FIELD) - FIGURES_ONLY, pk="person")),
    ("teams:member_*", R(WRITE, pk="membership")),
    ("teams:leader_appoint", R(WRITE, pk="membership")),
    ("teams:*", R(WRITE, pk="team")),
    # Schools: officers read, the school's teacher and the registry's writers write.
    ("schools:list", R(SCHOOLS, sibling=True)),
    ("schools:detail", R(SCHOOLS, pk="school")),
    ("schools:teacher_add", R(WRITE, pk="school")),
    ("schools:class_add", R(TEACH, pk="school")),
    ("schools:class", R(SCHOOLS, pk="school_class")),
    ("schools:lesson_add", R(TEACH, pk="school_class")),
    ("schools:lesson_delivered", R(TEACH, pk="lesson")),
    ("schools:*", R(TEACH, pk="student")),
    # Campaigns are the province's: every officer of the province follows them.
    ("campaigns:list", R(OFFICERS, sibling=True)),
    ("campaigns:new", R(ADMIN, sibling=True)),
    ("campaigns:edit", R(ADMIN, pk="campaign")),
    ("campaigns:targets", R(WRITE, sibling=LOCAL, pk="campaign")),
    ("campaigns:*", R(OFFICERS, sibling=LOCAL, pk="campaign")),
    # Training.
    ("training:list", R(OFFICERS, sibling=True)),
    ("training:new", R(TRAINERS, sibling=True)),
    ("training:topics", R(OFFICERS, sibling=True)),
    ("training:topic", R(OFFICERS, sibling=True, code="topic")),
    ("training:my_course", R(FIELD, pk="course")),  # members the course is open to
    ("training:test", R({Role.TEAM_MEMBER}, pk="course")),
    # Eligibility is the service's (a course open to the member's unit): refused with a message.
    ("training:enrol", R(FIELD, sibling=True, pk="course")),
    ("training:certificate_pdf", R(OFFICERS | {Role.TEAM_MEMBER}, code="certificate")),
    ("training:revoke", R(TRAINERS, code="certificate")),
    # What changes a course, its sessions or the question bank: the officers who run courses.
    ("training:edit", R(TRAINERS, pk="course")),
    ("training:session_edit", R(TRAINERS, pk="session")),
    ("training:session_delete", R(TRAINERS, pk="session")),
    ("training:topic_edit", R(MANAGE_CATALOG, sibling=True, code="topic")),  # the province's
    ("training:question_retire", R(TRAINERS, sibling=True, pk="question")),
    ("training:session*", R(OFFICERS, pk="session")),
    ("training:detail", R(OFFICERS, pk="course")),
    ("training:completions", R(OFFICERS, pk="course")),
    ("training:*", R(TRAINERS, pk="course")),
    # Directives: the province admin writes, the leader reads, agencies see their tasks.
    ("directives:new", R(ADMIN, sibling=True)),
    ("directives:leaders", R(LEADERS, sibling=True)),
    ("directives:task_new", R(ADMIN, pk="directive")),
    ("directives:detail", R(AGENCY_READERS, pk="directive")),
    ("directives:file", R(AGENCY_READERS, pk="directive")),
    ("directives:task", R(AGENCY_READERS, pk="task")),
    ("directives:progress_document", R(AGENCY_READERS, pk="task", report="progress")),
    ("directives:progress", R({Role.AGENCY_OFFICER}, pk="task")),  # the task's agencies
    ("directives:urge", R(ADMIN, pk="task")),
    # Reports.
    ("reports:list", R(OFFICERS, sibling=True)),
    ("reports:new", R(WRITE, sibling=True)),
    ("reports:detail", R(OFFICERS, pk="report")),
    ("reports:file", R(OFFICERS, pk="report")),
    ("reports:*", R(WRITE, pk="report")),
    *MODULE_PAGES,
]

# --- the rules of the API, by "METHOD /path" --------------------------------------------------

API: list[tuple[str, Rule]] = [
    *MODULE_API,
    ("POST /api/v1/auth/token", PUBLIC),
    ("GET /api/v1/certificates/*", PUBLIC),
    ("GET /api/v1/me/member", R(FIELD, sibling=True)),
    ("GET /api/v1/checkins/*", R({Role.TEAM_MEMBER})),  # the member who checked in
    ("GET /api/v1/worklist", R(TOKEN, query={"village": "village"})),
    ("GET /api/v1/reports/*", R(OFFICERS)),
    ("GET /api/v1/households", R(TOKEN - FIGURES_ONLY, query={"unit": "unit"})),
    ("GET /api/v1/teams", R(TOKEN, query={"unit": "unit"})),
    ("GET /api/v1/members", R(TOKEN - FIGURES_ONLY, query={"unit": "unit"})),
    ("GET /api/v1/school-students", R(TOKEN - FIGURES_ONLY, sibling=True)),
    ("GET /api/v1/*/{*}", R(TOKEN)),  # one unit's or object's
    ("GET /api/v1/*", R(TOKEN, sibling=True)),  # lists of what the caller may see
    # Writes with an empty body: a role that may write gets the schema's refusal (422), one
    # that may not gets 403 first; the services' own refusals are tested with their modules.
    ("POST /api/v1/visits", R(WRITE | FIELD, sibling=True)),
    ("POST /api/v1/reports/{report_id}/issue", R(WRITE)),
    ("POST /api/v1/*", R(TOKEN, sibling=True)),
]


# --- the walk ---------------------------------------------------------------------------------


def rule_for(table: list[tuple[str, Rule]], name: str) -> Rule | None:
    for pattern, rule in table:
        if fnmatch.fnmatchcase(name, pattern):
            return rule
    return None


def routes() -> list[tuple[str, object]]:
    """(name, pattern) of every page route; the API's are walked from its document."""

    def walk(resolver, ns="", prefix=()):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                yield from walk(p, ns + (f"{p.namespace}:" if p.namespace else ""), (*prefix, p))
            elif isinstance(p, URLPattern):
                yield f"{ns}{p.name or p.pattern}", (*prefix, p)

    return [(n, chain) for n, chain in walk(get_resolver()) if str(chain[0].pattern) != "api/v1/"]


def fill(chain, rule: Rule, world: World) -> str:
    """The route's path with its parameters filled from the world's objects."""
    path = "/"
    for part in chain:
        pattern = part.pattern
        text = str(pattern)
        for name in pattern.converters:
            key = rule.args.get(name, "unit" if name == "code" else name)
            value = world.values.get(key)
            assert value is not None, f"{text}: no world value {key!r} for {name!r}"
            text = text.replace(f"<{name}>", str(value))
            for conv in ("int", "str", "slug", "uuid", "path"):
                text = text.replace(f"<{conv}:{name}>", str(value))
        path += text
    return path


REFUSED = (401, 403, 404)


def refused(response) -> bool:
    if response.status_code in REFUSED:
        return True
    return response.status_code == 302 and "/accounts/login/" in response.get("Location", "")


def let_in(response) -> bool:
    return response.status_code < 400 and not refused(response)


@dataclass
class Persona:
    label: str
    role: str | None
    which: str  # own, sibling, anonymous
    client: Client
    token: str | None
    user: object = None

    def signed_in_again(self) -> None:
        """A route (the log-out) may have ended the session: sign in again."""
        if self.user is not None and "_auth_user_id" not in self.client.session:
            self.client.force_login(self.user)

    def allowed(self, rule: Rule) -> bool:
        if self.which == "anonymous":
            return rule.anonymous
        if rule.anonymous:
            return True
        if self.role not in rule.roles:
            return False
        if self.which == "own" or rule.sibling is True:
            return True
        return bool(rule.sibling) and self.role in rule.sibling


def personas(world: World) -> list[Persona]:
    out = []
    for which, users in (("own", world.own), ("sibling", world.sibling)):
        for role in Role.values:
            client = Client()
            client.force_login(users[role])
            token = world.tokens[(which, role)]
            out.append(Persona(f"{which}:{role}", role, which, client, token, users[role]))
    out.append(Persona("anonymous", None, "anonymous", Client(), None))
    return out


@dataclass
class Matrix:
    cells: int = 0
    leaks: list[str] = field(default_factory=list)
    shut_out: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)
    pages: dict = field(default_factory=dict)  # path -> response of an HTML page let in

    def judge(self, what: str, persona: Persona, allowed: bool, response, method: str):
        self.cells += 1
        line = f"{what} {method} as {persona.label}: {response.status_code}"
        if response.status_code >= 500:
            self.errors.append(line)
        elif allowed and refused(response):
            self.shut_out.append(line)
        elif not allowed and let_in(response) and response.status_code != 405:
            self.leaks.append(line)


def walk_pages(world: World, people: list[Persona], matrix: Matrix) -> None:
    for name, chain in routes():
        rule = rule_for(PAGES, name)
        if rule is None:
            matrix.unlisted.append(name)
            continue
        path = fill(chain, rule, world)
        query = {k: world.values[v] for k, v in rule.query.items()}
        for persona in people:
            allowed = persona.allowed(rule)
            if persona.which == "sibling" and rule.sibling is True:
                continue  # answers as its own-unit twin: a list of what the user may see
            response = persona.client.get(path, query)
            matrix.judge(name, persona, allowed, response, "GET")
            kind = response.get("Content-Type", "")
            if response.status_code == 200 and kind.startswith("text/html"):
                matrix.pages.setdefault(path, response)
            if not allowed:
                response = persona.client.post(path, {})
                matrix.judge(name, persona, allowed, response, "POST")
            persona.signed_in_again()


def walk_api(world: World, people: list[Persona], matrix: Matrix, spec: dict) -> None:
    for template, operations in spec["paths"].items():
        for method, op in operations.items():
            key = f"{method.upper()} {template}"
            rule = rule_for(API, key)
            if rule is None:
                matrix.unlisted.append(key)
                continue
            path = template
            for p in op.get("parameters", []):
                if p["in"] == "path":
                    value = world.values[
                        rule.args.get(p["name"], API_PARAMETERS.get(p["name"], p["name"]))
                    ]
                    path = path.replace("{" + p["name"] + "}", str(value))
            query = {k: world.values[v] for k, v in rule.query.items()}
            for persona in people:
                headers = {"HTTP_AUTHORIZATION": f"Bearer {persona.token}"} if persona.token else {}
                client = Client()
                if rule.session:
                    client, headers = persona.client, {}
                if method == "get":
                    response = client.get(path, query, **headers)
                else:
                    response = getattr(client, method)(
                        path, json.dumps({}), content_type="application/json", **headers
                    )
                matrix.judge(key, persona, persona.allowed(rule), response, method.upper())


@pytest.fixture
def world(tree, make_user, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the files the world keeps (exports, uploads)
    # Who gets a certificate's PDF is the question here, not how LibreOffice makes it.
    monkeypatch.setattr("cdtt.training.certificates.docx_to_pdf", lambda data: b"%PDF-1.4\n")
    monkeypatch.setattr("cdtt.honours.documents.docx_to_pdf", lambda data: b"%PDF-1.4\n")
    return World(tree, make_user)


@pytest.mark.slow
def test_every_route_answers_every_persona_as_its_rule_says(world, client, capsys):
    spec = client.get("/api/v1/openapi.json").json()
    people = personas(world)
    matrix = Matrix()
    walk_pages(world, people, matrix)
    walk_api(world, people, matrix, spec)
    with capsys.disabled():
        print(
            f"\npermission matrix: {matrix.cells} answers checked "
            f"({len(people)} personas), {len(matrix.leaks)} leaks"
        )
    unsafe = [f"{path}: {p}" for path, r in matrix.pages.items() for p in csp_problems(r)]
    with capsys.disabled():
        print(f"content security policy: {len(matrix.pages)} pages read, {len(unsafe)} problems")
    report = {
        "pages the content security policy would break": unsafe,
        "routes without a rule": matrix.unlisted,
        "leaks (let in against the rules)": matrix.leaks,
        "server errors": matrix.errors,
        "shut out against the rules": matrix.shut_out,
    }
    assert not any(report.values()), "\n".join(
        f"{title}:\n  " + "\n  ".join(lines) for title, lines in report.items() if lines
    )
