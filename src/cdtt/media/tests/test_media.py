"""The media log: posts logged by an outlet's officers (http(s) links only, once per link), the
three personas, figures per outlet and month and through cdtt.figures, the public press page."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from cdtt.core.errors import Conflict, Refused
from cdtt.figures.catalogue import figures_of
from cdtt.media import services
from cdtt.media.models import MediaPost

from .factories import media_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def m(tree, make_user):
    return media_world(tree, make_user)


def _log(m, **extra):
    fields = {
        "actor": m.reporter,
        "outlet": m.paper,
        "title": "Phóng sự tổ công nghệ số",
        "published_on": timezone.localdate(),
        "kind": "tv",
        "link": "https://baothanhhoa.vn/phong-su",
    }
    fields.update(extra)
    return services.post_log(**fields)


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "ftp://baothanhhoa.vn/a", "baothanhhoa.vn/a", ""]
)
def test_a_link_that_is_not_http_is_refused(m, link):
    with pytest.raises(ValidationError) as exc:
        _log(m, link=link)
    assert "link" in exc.value.message_dict
    assert MediaPost.objects.count() == 1


def test_the_same_link_twice_and_another_outlet_are_refused(m):
    with pytest.raises(Conflict):
        _log(m, link=m.post.link)
    with pytest.raises(Refused):
        _log(m, outlet=m.tv)
    assert MediaPost.objects.count() == 1


def test_a_post_for_three_personas(m, login, client, make_user):
    url = reverse("media:post", args=[m.post.pk])
    assert login(m.reporter).get(url).status_code == 200
    assert login(m.other_reporter).get(url).status_code == 404
    # A commune officer sees the posts about their commune, not the sibling's.
    assert login(make_user("commune_officer", m.tree.commune)).get(url).status_code == 200
    assert login(make_user("commune_officer", m.tree.sibling_commune)).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_logging_on_the_page(m, login):
    client = login(m.reporter)
    response = client.post(
        reverse("media:post_new"),
        {
            "outlet": m.paper.pk,
            "title": "Hướng dẫn thanh toán không dùng tiền mặt",
            "published_on": timezone.localdate().strftime("%d/%m/%Y"),
            "kind": "article",
            "link": "javascript:alert(1)",
            "units": [m.tree.commune.pk],
        },
    )
    assert response.status_code == 200 and "http://" in response.content.decode()
    assert MediaPost.objects.count() == 1
    assert login(make_other(m)).get(reverse("media:post_new")).status_code == 403


def make_other(m):
    from cdtt.accounts.services import user_create
    from cdtt.testing import PASSWORD

    return user_create(
        actor=None,
        username="xa",
        password=PASSWORD,
        role="commune_officer",
        scope_unit=m.tree.commune,
    )


def test_figures_per_outlet_and_month_and_per_unit(m, login):
    _log(m, published_on=dt.date(timezone.localdate().year, 1, 15), units=[m.tree.sibling_commune])
    page = login(m.reporter).get(reverse("media:posts")).content.decode()
    assert "Báo Thanh Hóa" in page
    assert figures_of(m.tree.commune, codes=["media_posts"]) == {"media_posts": 1}
    assert figures_of(m.tree.district, codes=["media_posts"]) == {"media_posts": 2}
    assert figures_of(m.tree.province, codes=["media_outlet_posts"]) == {"media_outlet_posts": 2}
    yesterday = timezone.localdate() - dt.timedelta(days=2)
    if yesterday.year == timezone.localdate().year and yesterday.month > 1:
        assert figures_of(m.tree.commune, as_of=yesterday, codes=["media_posts"]) == {
            "media_posts": 0
        }


def test_the_press_page_is_public_with_charts_and_no_placeholder(m, client):
    response = client.get(reverse("press"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="press-figures"' in page and "press-rate" in page and "press.js" in page
    assert "Tổ CNSCĐ đang hoạt động" in page
    assert "<script>" not in page.replace('<script src="', "")


def test_the_command_line_logs_and_refuses(m, capsys):
    with pytest.raises(CommandError):
        call_command(
            "media",
            "log",
            "--user",
            m.reporter.username,
            "--outlet",
            str(m.paper.pk),
            "--title",
            "Bài",
            "--date",
            "01/10/2025",
            "--kind",
            "article",
            "--link",
            "file:///etc/passwd",
        )
    call_command(
        "media",
        "log",
        "--user",
        m.reporter.username,
        "--outlet",
        str(m.paper.pk),
        "--title",
        "Bài mới",
        "--date",
        "01/10/2025",
        "--kind",
        "radio",
        "--link",
        "http://baothanhhoa.vn/bai-moi",
        "--unit",
        "16000",
    )
    assert MediaPost.objects.count() == 2
    call_command("media", "figures", "--year", "2025")
    assert "Báo Thanh Hóa" in capsys.readouterr().out


def test_another_provinces_department_and_leader_find_none_of_our_posts(
    m, login, client, make_user
):
    from cdtt.testing import make_unit

    other = make_unit("39", "Nghệ An", "province")
    url = reverse("media:post", args=[m.post.pk])
    assert login(make_user("province_admin", m.tree.province)).get(url).status_code == 200
    for role in ("province_admin", "province_leader"):
        outsider = make_user(role, other)
        assert login(outsider).get(url).status_code == 404, role
        assert m.post.title not in login(outsider).get(reverse("media:posts")).content.decode()
    client.logout()
    assert client.get(url).status_code == 302  # anonymous: to the login page
