"""Test data of the campaigns app, shared by the unit tests and the browser test: a team
serving one village, its member with a login, households with residents, a campaign."""

import datetime as dt

from django.utils import timezone

from cdtt.campaigns.models import Campaign, Service
from cdtt.lib.text import fold
from cdtt.registry.services import household_create, resident_create
from cdtt.skills.models import SKILL_CODES


class Field:
    """A team serving ``tree.village``, a member with a login, households in that village and
    one in the sibling commune's village."""

    def __init__(self, tree, make_user):
        from cdtt.teams.models import Membership, Person, Team

        seed_catalogs()  # a transactional test before this one may have flushed them
        self.tree = tree
        self.officer = make_user("commune_officer", tree.commune)
        self.home = household_create(
            actor=None, village=tree.village, code="HO-001", address="Xóm 1"
        )
        self.home2 = household_create(actor=None, village=tree.village, code="HO-002")
        self.away = household_create(actor=None, village=tree.sibling_village, code="HO-900")
        self.head = resident_create(
            actor=None,
            household=self.home,
            full_name="Lê Văn Chủ",
            birth_date=None,
            birth_year=1970,
            relation="Chủ hộ",
        )
        self.child = resident_create(
            actor=None,
            household=self.home,
            full_name="Lê Thị Con",
            birth_date=None,
            birth_year=2000,
            relation="Con",
        )
        self.other = resident_create(
            actor=None,
            household=self.home2,
            full_name="Trần Văn Hai",
            birth_date=None,
            birth_year=1980,
        )
        self.away_resident = resident_create(
            actor=None,
            household=self.away,
            full_name="Phạm Văn Xa",
            birth_date=None,
            birth_year=1990,
        )
        self.member = make_user("team_member", tree.commune, username="member")
        self.sibling_member = make_user("team_member", tree.sibling_commune, username="member2")
        team = Team.objects.create(
            name="Tổ CNSCĐ Thôn 1",
            name_key="to cnscd thon 1",
            level="village",
            unit=tree.village,
            commune=tree.commune,
            district=tree.district,
            province=tree.province,
            path=tree.village.path,
        )
        team.villages.add(tree.village)
        sibling_team = Team.objects.create(
            name="Tổ CNSCĐ Thôn Đông",
            name_key="to cnscd thon dong",
            level="village",
            unit=tree.sibling_village,
            commune=tree.sibling_commune,
            district=tree.district,
            province=tree.province,
            path=tree.sibling_village.path,
        )
        sibling_team.villages.add(tree.sibling_village)
        self.team = team
        for user, t in ((self.member, team), (self.sibling_member, sibling_team)):
            person = Person.objects.create(full_name=str(user), name_key=fold(str(user)), user=user)
            Membership.objects.create(team=t, person=person, joined_on=dt.date(2024, 1, 1))
        today = timezone.localdate()
        self.campaign = Campaign.objects.create(
            name="Đi từng ngõ, gõ từng nhà",
            starts_on=today - dt.timedelta(days=5),
            ends_on=today + dt.timedelta(days=4),
        )
        self.campaign.scope_units.set([tree.province])
        self.campaign.services.set(Service.objects.filter(code__in=["vneid", "bank_app_vietqr"]))


def token_for(user, days: int = 30) -> str:
    import secrets

    from cdtt.accounts.models import ApiToken
    from cdtt.accounts.services import token_hash

    key = secrets.token_urlsafe(24)
    ApiToken.objects.create(
        user=user, key_hash=token_hash(key), expires_at=timezone.now() + dt.timedelta(days=days)
    )
    return key


def all_skills(resident, level=2) -> list[dict]:
    return [{"resident_id": resident.pk, "skill": code, "level": level} for code in SKILL_CODES]


def seed_catalogs() -> None:
    """Put back the skill and service catalogs that data migrations seed when a transactional
    test flushed them (serialized_rollback cannot always restore them: with Playwright's event
    loop running, Django's per-context connection is not the one holding the serialized copy)."""
    from importlib import import_module

    from django.apps import apps

    from cdtt.skills.models import Skill

    if not Skill.objects.exists():
        import_module("cdtt.skills.migrations.0002_seed_five_basic_skills").seed(apps, None)
    if not Service.objects.exists():
        import_module("cdtt.campaigns.migrations.0002_seed_service_catalog").seed(apps, None)
