"""Test data of enterprise offers: an enterprise with its officer, another enterprise's officer,
team members (the campaigns' field data) and extra members of the same team."""

import datetime as dt

from django.utils import timezone

from cdtt.campaigns.tests.factories import Field
from cdtt.lib.text import fold
from cdtt.offers import services
from cdtt.organizations.services import organization_create
from cdtt.teams.models import Membership, Person


class Market:
    def __init__(self, tree, make_user):
        self.field = Field(tree, make_user)
        self.tree = tree
        self.viettel = organization_create(
            actor=None, name="Viettel Thanh Hóa", kind="enterprise", unit=tree.province
        )
        self.vnpt = organization_create(
            actor=None, name="VNPT Thanh Hóa", kind="enterprise", unit=tree.province
        )
        self.seller = make_user(
            "agency_officer", tree.province, username="viettel", organization=self.viettel
        )
        self.rival = make_user(
            "agency_officer", tree.province, username="vnpt", organization=self.vnpt
        )
        self.admin = make_user("province_admin", tree.province)
        self.member = self.field.member
        self.sibling_member = self.field.sibling_member
        self.make_user = make_user

    def offer(self, **extra):
        today = timezone.localdate()
        values = {
            "actor": self.seller,
            "organization": self.viettel,
            "title": "Gói cước 4G ưu đãi cho Tổ CNSCĐ",
            "valid_from": today - dt.timedelta(days=1),
            "valid_to": today + dt.timedelta(days=30),
            "quantity": 10,
            "discount_percent": 50,
            **extra,
        }
        return services.offer_publish(**values)

    def members(self, n: int) -> list:
        """n more members of the field team, each with a login."""
        users = []
        for i in range(n):
            user = self.make_user("team_member", self.tree.commune, username=f"tv{i}")
            person = Person.objects.create(
                full_name=f"Thành viên {i}", name_key=fold(f"tv {i}"), user=user
            )
            Membership.objects.create(
                team=self.field.team, person=person, joined_on=dt.date(2024, 1, 1)
            )
            users.append(user)
        return users
