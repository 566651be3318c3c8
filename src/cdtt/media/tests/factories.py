"""A media world on the test tree: two outlets (the newspaper and the radio-TV) with a reporter
each, a team in the commune and a post of the newspaper featuring the commune."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from cdtt.organizations.services import organization_create
from cdtt.teams.tests.factories import found_team


@dataclass
class MediaWorld:
    tree: object
    paper: object
    tv: object
    reporter: object
    other_reporter: object
    team: object
    post: object


def media_world(tree, make_user) -> MediaWorld:
    from cdtt.media.services import post_log

    paper = organization_create(actor=None, name="Báo Thanh Hóa", kind="media", unit=tree.province)
    tv = organization_create(
        actor=None, name="Đài Phát thanh và Truyền hình Thanh Hóa", kind="media", unit=tree.province
    )
    reporter = make_user("agency_officer", tree.province, username="phongvien", organization=paper)
    other = make_user("agency_officer", tree.province, username="biientap", organization=tv)
    team = found_team(tree.village)
    post = post_log(
        actor=reporter,
        outlet=paper,
        title="Tổ công nghệ số thôn Yên Trung đến từng nhà",
        published_on=timezone.localdate() - dt.timedelta(days=1),
        kind="article",
        link="https://baothanhhoa.vn/to-cong-nghe-so",
        units=[tree.commune],
        teams=[team],
    )
    return MediaWorld(tree, paper, tv, reporter, other, team, post)
