"""Test data of the directives: the Department, two agencies (one leads, one co-ordinates), a
third agency with no part in the task, their officers, and a directive with one task."""

import datetime as dt

from cdtt.directives import services
from cdtt.organizations.models import Organization, OrganizationKind


def make_world(tree, make_user):
    class W:
        pass

    w = W()
    w.tree = tree

    def org(name):
        return Organization.objects.create(
            name=name, kind=OrganizationKind.AGENCY, unit=tree.province, name_key=name.lower()
        )

    w.ict, w.edu, w.other = org("Sở TT&TT"), org("Sở GD&ĐT"), org("Sở Nội vụ")
    w.admin = make_user("province_admin", tree.province, "admin", email="admin@example.vn")
    w.leader = make_user("province_leader", tree.province, "leader")
    w.edu_officer = make_user(
        "agency_officer", tree.province, "edu", organization=w.edu, email="edu@example.vn"
    )
    w.ict_officer = make_user(
        "agency_officer", tree.province, "ict", organization=w.ict, email="ict@example.vn"
    )
    w.other_officer = make_user(
        "agency_officer", tree.province, "other", organization=w.other, email="other@example.vn"
    )
    w.directive = services.directive_create(
        actor=w.admin,
        number="3240/UBND-CNTT",
        issued_on=dt.date(2024, 8, 20),
        issuer="UBND tỉnh Thanh Hóa",
        signer="Lê Việt Hiếu",
        summary="Thúc đẩy hoạt động của Tổ CNSCĐ",
        unit=tree.province,
    )
    w.task = services.task_create(
        actor=w.admin,
        directive=w.directive,
        clause="1a",
        title="Đưa 05 kỹ năng số vào tiết học ngoại khóa",
        lead=w.edu,
        co_agencies=[w.ict],
        deadline=dt.date(2024, 12, 31),
        figure_code="rate",
    )
    return w
