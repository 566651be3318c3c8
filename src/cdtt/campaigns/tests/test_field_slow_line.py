"""The field app on a slow line: a token from the site's session (audited), answers compressed,
each village's worklist and the profile tagged with a version (304 while nothing changed), and
a visit's own answer enough to update the phone's copy."""

import gzip
import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from cdtt.audit.models import AuditEntry

from .factories import all_skills

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    """A browser signed in to the site, holding the CSRF cookie the field app's page sets."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.get("/campaigns/field/")
    return browser


def _session_token(browser: Client, csrf: bool = True):
    headers = {"HTTP_X_CSRFTOKEN": browser.cookies["csrftoken"].value} if csrf else {}
    return browser.post("/api/v1/auth/session-token", "{}", "application/json", **headers)


# --- the token from the session ------------------------------------------------------------


def test_a_member_signed_in_to_the_site_gets_a_token_from_the_session(field):
    browser = _signed_in(field.member)
    r = _session_token(browser)
    assert r.status_code == 200, r.content
    token = r.json()["token"]
    # The token works on its own, without the session (as the phone uses it offline and later).
    worklist = Client().get(
        "/api/v1/worklist",
        {"village": field.tree.village.code},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert worklist.status_code == 200
    entry = AuditEntry.objects.filter(action="api_token.issue").latest("pk")
    assert entry.actor_id == field.member.pk
    assert entry.changes["via"] == "session"


def test_the_session_token_needs_the_csrf_token(field):
    browser = _signed_in(field.member)
    assert _session_token(browser, csrf=False).status_code == 403
    assert not AuditEntry.objects.filter(action="api_token.issue").exists()


def test_a_member_of_a_sibling_commune_gets_a_token_that_sees_only_their_villages(field):
    r = _session_token(_signed_in(field.sibling_member))
    assert r.status_code == 200
    token = r.json()["token"]
    other = Client().get(
        "/api/v1/worklist",
        {"village": field.tree.village.code},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert other.status_code == 404


def test_nobody_signed_in_gets_no_token(field):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/campaigns/field/")
    r = _session_token(browser)
    assert r.status_code == 401
    assert "detail" in r.json()
    assert not AuditEntry.objects.filter(action="api_token.issue").exists()


# --- compression -----------------------------------------------------------------------------


def test_the_api_answers_compressed_to_a_client_that_accepts_it(field, api_as):
    api = api_as(field.member)
    plain = api.get("/worklist", village=field.tree.village.code)
    zipped = api.client.get(
        "/api/v1/worklist",
        {"village": field.tree.village.code},
        HTTP_ACCEPT_ENCODING="gzip",
        **api.headers,
    )
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert json.loads(gzip.decompress(zipped.content)) == plain.json()
    assert "Content-Encoding" not in plain


def test_pages_and_exports_outside_the_api_are_not_compressed(field, client):
    client.force_login(field.officer)
    r = client.get("/registry/", HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in r


# --- versions: 304 while nothing changed ---------------------------------------------------


def _get(api, path, etag=None, **params):
    extra = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    return api.client.get(f"/api/v1{path}", params, **api.headers, **extra)


def test_a_village_unchanged_since_the_phones_copy_answers_304(field, api_as):
    api = api_as(field.member)
    village = field.tree.village.code
    first = _get(api, "/worklist", village=village)
    etag = first["ETag"]
    assert first.status_code == 200 and etag
    again = _get(api, "/worklist", etag, village=village)
    assert again.status_code == 304
    assert again.content == b""
    # The weak form a compressing proxy (or the gzip middleware) hands back is accepted too.
    assert _get(api, "/worklist", "W/" + etag, village=village).status_code == 304


def test_a_visit_changes_the_villages_version(field, api_as):
    api = api_as(field.member)
    village = field.tree.village.code
    etag = _get(api, "/worklist", village=village)["ETag"]
    r = api.post(
        "/visits",
        {
            "id": str(uuid.uuid4()),
            "household": {"commune_code": field.tree.commune.code, "code": "HO-002"},
            "visited_at": timezone.now().isoformat(),
            "outcome": "nobody_home",
        },
    )
    assert r.status_code == 201
    changed = _get(api, "/worklist", etag, village=village)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_the_profile_is_versioned_too(field, api_as):
    api = api_as(field.member)
    etag = _get(api, "/me")["ETag"]
    assert _get(api, "/me", etag).status_code == 304
    # Another member's profile is another document: never their 304 for my copy.
    other = api_as(field.sibling_member)
    assert _get(other, "/me", etag).status_code == 200


def test_the_answer_of_a_visit_says_what_the_phone_needs_to_update_its_copy(field, api_as):
    """The household's coverage and the levels stored: the phone updates its copy from them."""
    api = api_as(field.member)
    r = api.post(
        "/visits",
        {
            "id": str(uuid.uuid4()),
            "household": {"commune_code": field.tree.commune.code, "code": "HO-002"},
            "visited_at": timezone.now().isoformat(),
            "outcome": "guided",
            "assessments": all_skills(field.other, level=2),
        },
    )
    assert r.status_code == 201
    answer = r.json()
    assert answer["household"] == {
        "commune_code": field.tree.commune.code,
        "code": "HO-002",
        "covered": True,
    }
    assert {(a["resident_id"], a["level"]) for a in answer["assessments"]} == {(field.other.pk, 2)}
    assert len(r.content) < 5 * 1024


def test_the_worklist_names_the_head_of_the_household_first(field, api_as):
    """The list shows a household by its first resident: the head, never the youngest."""
    items = api_as(field.member).get("/worklist", village=field.tree.village.code).json()
    home = next(h for h in items["households"] if h["code"] == "HO-001")
    assert [p["full_name"] for p in home["residents"]] == ["Lê Văn Chủ", "Lê Thị Con"]


def test_a_phone_with_no_copy_gets_the_first_screen_first(field, api_as):
    """``limit``: the first households in worklist order (uncovered first), then the whole."""
    api = api_as(field.member)
    village = field.tree.village.code
    whole = api.get("/worklist", village=village).json()["households"]
    first = api.get("/worklist", village=village, limit=1).json()["households"]
    assert len(whole) == 2 and first == whole[:1]
    assert api.get("/worklist", village=village, limit=0).status_code == 422
