from cdtt.geo.models import AdminUnit, Level
from cdtt.teams.demo import build_demo_teams
from cdtt.teams.models import MemberRole, Membership, Team
from cdtt.teams.selectors import team_figures, villages_without_team


def test_demo_founds_a_team_per_village_and_commune(tree):
    communes = AdminUnit.objects.filter(level=Level.COMMUNE)
    counts = build_demo_teams(communes=communes, seed=1)
    assert counts["teams"] == 3 + 4  # three communes, four villages
    for team in Team.objects.all():
        active = team.memberships.filter(left_on__isnull=True)
        assert 3 <= active.count() <= 9
        assert active.filter(role=MemberRole.LEADER).count() == 1
    assert not villages_without_team(tree.province).exists()
    assert Membership.objects.filter(core_force=True).exists()
    fig = team_figures(tree.province)
    assert fig.villages_rate == 1.0 and fig.members == counts["persons"]
    assert len(fig.by_kind) >= 4
    assert build_demo_teams(communes=communes, seed=1)["teams"] == 0  # re-running adds nothing
