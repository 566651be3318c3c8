"""Test data of youth emulation movements: the Provincial Youth Union and its officer, a branch
in the commune (the field team's member belongs to it) and one in the sibling commune (the
sibling member), a movement with a counted and a claimed criterion."""

import datetime as dt

from django.utils import timezone

from cdtt.campaigns.tests.factories import Field
from cdtt.movements import services
from cdtt.movements.services import CriterionIn
from cdtt.organizations.services import organization_create
from cdtt.teams.models import Person


class Youth:
    def __init__(self, tree, make_user):
        self.field = Field(tree, make_user)
        self.tree = tree
        self.union = organization_create(
            actor=None, name="Tỉnh đoàn Thanh Hóa", kind="youth_union", unit=tree.province
        )
        self.branch = organization_create(
            actor=None,
            name="Đoàn xã Quảng Định",
            kind="youth_union",
            unit=tree.commune,
            parent=self.union,
        )
        self.sibling_branch = organization_create(
            actor=None,
            name="Đoàn xã Quảng Nhân",
            kind="youth_union",
            unit=tree.sibling_commune,
            parent=self.union,
        )
        self.officer = make_user(
            "agency_officer", tree.province, username="tinhdoan", organization=self.union
        )
        self.member = self.field.member
        self.sibling_member = self.field.sibling_member
        self.person = Person.objects.get(user=self.member)
        self.sibling_person = Person.objects.get(user=self.sibling_member)
        Person.objects.filter(pk=self.person.pk).update(organization=self.branch)
        Person.objects.filter(pk=self.sibling_person.pk).update(organization=self.sibling_branch)
        self.outsider = make_user("commune_officer", tree.far_commune)

    def movement(self, **extra):
        today = timezone.localdate()
        values = {
            "actor": self.officer,
            "title": "Tuổi trẻ Thanh Hóa chung tay chuyển đổi số",
            "organization": self.union,
            "starts_on": today - dt.timedelta(days=30),
            "ends_on": today + dt.timedelta(days=30),
            "branches": [self.branch, self.sibling_branch],
            "criteria": [
                CriterionIn("Hộ được đến hướng dẫn", 2, "households_visited"),
                CriterionIn("Buổi ra quân hướng dẫn người dân", 5),
            ],
            **extra,
        }
        return services.movement_create(**values)
