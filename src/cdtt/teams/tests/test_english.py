"""English UI: one Vietnamese word, two English senses ("Thành viên": Members vs Member)."""

import pytest
from django.conf import settings
from django.utils import translation

from cdtt.teams.tests.factories import found_team


@pytest.fixture
def english(tree, make_user, login):
    client = login(make_user("commune_officer", tree.commune))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yield client
    # The middleware leaves the request's language active in this thread; later tests expect Vietnamese.
    translation.activate(settings.LANGUAGE_CODE)


def test_team_page_says_members_for_the_list_and_member_for_the_role(tree, english):
    team = found_team(tree.village)
    body = english.get(f"/teams/{team.pk}/").content.decode()
    assert 'lang="en"' in body
    assert "<h2>Members " in body
    assert '<td data-label="Role">Member</td>' in body
    assert "<th>Organization</th>" in body


def test_teams_list_and_figures_count_members_and_teams(tree, english):
    found_team(tree.village)
    body = english.get("/teams/").content.decode()
    assert '<th class="num">Members</th>' in body
    figures = english.get("/teams/figures/").content.decode()
    assert '<th class="num">Teams</th>' in figures
    assert '<th class="num">Members</th>' in figures
