"""The press page shows the newest approved models; the media log counts for youth movements."""

import datetime as dt

from cdtt.movements.counters import counter
from cdtt.practices.tests.factories import World


def test_the_press_page_shows_the_newest_approved_models(client, tree, make_user):
    world = World(tree, make_user)
    approved = world.approved(title="Chợ 4.0 thôn Yên Trung")
    world.propose(title="Mô hình chưa duyệt")
    page = client.get("/press/").content.decode()
    assert approved.title in page and approved.get_absolute_url() in page
    assert "Mô hình chưa duyệt" not in page


def test_posts_logged_is_a_criterion_movements_can_count(tree, make_user):
    from cdtt.media.tests.factories import media_world
    from cdtt.teams.models import Person

    world = media_world(tree, make_user)
    person = Person.objects.create(
        full_name="Phóng Viên", name_key="phong vien", user=world.reporter
    )
    day = world.post.published_on
    posts = counter("posts_logged")
    assert posts.count([person], day, day) == {person.pk: 1}
    assert posts.count([person], day + dt.timedelta(days=1), day + dt.timedelta(days=9)) == {}
    assert [e.text for e in posts.entries(person, day, day)] == [world.post.title]
