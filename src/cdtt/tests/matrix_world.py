"""The data of the permission matrix: one of every object a page or an operation names, all
in commune 16000 (village 16000-001) of province 38, and two users of every role: one whose
scope holds those objects ("own") and one of the sibling unit at the same level ("sibling":
the other commune of the district, the other district, another province).

``World.values`` names each object a URL can take; the rules of the matrix say which name
fills which parameter of a route."""

import datetime as dt
import uuid

from django.core.files.base import ContentFile
from django.utils import timezone

from cdtt.core.roles import Role
from cdtt.testing import make_unit

PROVINCE_LEVEL = {Role.PROVINCE_ADMIN, Role.PROVINCE_LEADER, Role.AGENCY_OFFICER}
DISTRICT_LEVEL = {Role.DISTRICT_OFFICER}


class World:
    def __init__(self, tree, make_user):
        from cdtt.campaigns.tests.factories import Field, token_for

        self.tree = tree
        self.other_province = make_unit("39", "Nghệ An", "province")
        self.field = Field(tree, make_user)
        self.own, self.sibling = {}, {}
        for role in Role.values:
            own_unit, sibling_unit = self._units(role)
            self.own[role] = make_user(role, own_unit, username=f"own-{role}")
            self.sibling[role] = make_user(role, sibling_unit, username=f"sib-{role}")
        self.tokens = {
            (which, role): token_for(users[role])
            for which, users in (("own", self.own), ("sibling", self.sibling))
            for role in Role.values
        }
        self._field_roles()
        self.values = {
            "province": tree.province.code,
            "unit": tree.commune.code,
            "village": tree.village.code,
            "household": self.field.home.pk,
            "resident": self.field.head.pk,
            "team": self.field.team.pk,
            "user": self.field.officer.pk,
        }
        self._catalogs()
        self._organisations()
        self._schools()
        self._training()
        self._directives()
        self._reports_and_jobs()

    def _units(self, role):
        if role in PROVINCE_LEVEL:
            return self.tree.province, self.other_province
        if role in DISTRICT_LEVEL:
            return self.tree.district, self.tree.other_district
        return self.tree.commune, self.tree.sibling_commune

    def _field_roles(self):
        """The own team leader leads the world's team, the own member serves in it, the sibling
        ones serve in the sibling commune's team."""
        from cdtt.lib.text import fold
        from cdtt.teams.models import Membership, Person, Team

        sibling_team = Team.objects.get(unit=self.tree.sibling_village)
        for which, team in (("own", self.field.team), ("sibling", sibling_team)):
            users = self.own if which == "own" else self.sibling
            for role, member_role in ((Role.TEAM_LEADER, "leader"), (Role.TEAM_MEMBER, "member")):
                user = users[role]
                person = Person.objects.create(
                    full_name=f"Người {which} {role}",
                    name_key=fold(f"nguoi {which} {role}"),
                    user=user,
                )
                if member_role == "leader":  # one active leader per team
                    Membership.objects.filter(team=team, role="leader").update(role="member")
                membership = Membership.objects.create(
                    team=team, person=person, joined_on=dt.date(2024, 1, 1), role=member_role
                )
                if which == "own" and role == Role.TEAM_MEMBER:
                    self.membership, self.person = membership, person

    def _catalogs(self):
        from cdtt.skills.models import ChecklistItem, Skill
        from cdtt.training.models import Topic
        from cdtt.training.tests.factories import seed_topics

        seed_topics()
        skill = Skill.objects.order_by("position").first()
        item = ChecklistItem.objects.create(skill=skill, text="Cài VNeID", position=1)
        self.values.update(
            skill=skill.code,
            checklist_item=item.pk,
            topic=Topic.objects.order_by("code").first().code,
            import_kind="population",
            team_picker="team",
            membership=self.membership.pk,
            person=self.person.pk,
            campaign=self.field.campaign.pk,
        )

    def _organisations(self):
        from cdtt.documents.services import letterhead_create
        from cdtt.organizations.models import Organization

        self.organisation = Organization.objects.create(
            name="Đoàn Thanh niên xã Quảng Định",
            kind="youth_union",
            unit=self.tree.commune,
            name_key="doan thanh nien xa quang dinh",
        )
        letterhead = letterhead_create(
            actor=self.own[Role.PROVINCE_ADMIN],
            unit=self.tree.commune,
            name="UBND xã Quảng Định",
            place="Quảng Định",
        )
        self.values.update(organisation=self.organisation.pk, letterhead=letterhead.pk)

    def _schools(self):
        from cdtt.schools.models import Student
        from cdtt.schools.services import class_create, lesson_plan, school_create, teacher_create
        from cdtt.testing import PASSWORD

        school = school_create(
            actor=None,
            name="Trường THCS Quảng Định",
            code="TH001",
            level="lower",
            commune=self.tree.commune,
        )
        sibling_school = school_create(
            actor=None,
            name="Trường THCS Quảng Nhân",
            code="TH002",
            level="lower",
            commune=self.tree.sibling_commune,
        )
        # The own teacher teaches at the world's school, the sibling one at the sibling's.
        for users, s, name in ((self.own, school, "own"), (self.sibling, sibling_school, "sib")):
            users[Role.TEACHER].delete()
            users[Role.TEACHER] = teacher_create(
                actor=None,
                school=s,
                username=f"{name}-teacher",
                password=PASSWORD,
                full_name="Cô Lan",
            )
        school_class = class_create(actor=None, school=school, name="6A", school_year="2025-2026")
        lesson = lesson_plan(
            actor=None,
            school_class=school_class,
            skill_code=self.values["skill"],
            title="Cài VNeID",
            planned_on=timezone.localdate(),
        )
        student = Student.objects.create(
            school_class=school_class,
            full_name="Nguyễn Văn An",
            name_key="nguyen van an",
            birth_year=2013,
            birth_key="2013",
            commune=self.tree.commune,
        )
        self.values.update(
            school=school.pk, school_class=school_class.pk, lesson=lesson.pk, student=student.pk
        )

    def _training(self):
        from cdtt.training.tests.factories import ApiSeed

        seed = ApiSeed(self.person, self.field.officer, self.tree.commune)
        self.training = seed
        self.values.update(
            course=seed.session.course_id,
            session=seed.session.pk,
            certificate=seed.completion.code,
            checkin=str(seed.checkin.pk),
        )

    def _directives(self):
        from cdtt.directives import services
        from cdtt.organizations.models import Organization

        agency = Organization.objects.create(
            name="Sở GD&ĐT", kind="agency", unit=self.tree.province, name_key="so gd dt"
        )
        self.own[Role.AGENCY_OFFICER].organization = agency
        self.own[Role.AGENCY_OFFICER].save(update_fields=["organization"])
        directive = services.directive_create(
            actor=None,
            number="3240/UBND-CNTT",
            issued_on=dt.date(2024, 8, 20),
            issuer="UBND tỉnh Thanh Hóa",
            signer="Lê Việt Hiếu",
            summary="Thúc đẩy hoạt động của Tổ CNSCĐ",
            unit=self.tree.province,
        )
        task = services.task_create(
            actor=None,
            directive=directive,
            clause="1a",
            title="Đưa 05 kỹ năng số vào trường",
            lead=agency,
            co_agencies=[],
            deadline=dt.date(2030, 12, 31),
        )
        directive.file.save("chi-thi.pdf", ContentFile(b"%PDF-1.4\n"))
        progress = services.progress_report(
            actor=self.own[Role.AGENCY_OFFICER],
            task=task,
            status="in_progress",
            percent=10,
            text="Đã triển khai",
        )
        progress.document.save("bao-cao.pdf", ContentFile(b"%PDF-1.4\n"))
        self.values.update(
            directive=directive.pk,
            task=task.pk,
            progress=progress.pk,
            calendar=services.calendar_feed_token(user=self.own[Role.PROVINCE_ADMIN]),
        )

    def _reports_and_jobs(self):
        from cdtt.core.jobs import job_create
        from cdtt.core.notifications import notify
        from cdtt.reports.services import report_create

        report = report_create(
            actor=self.own[Role.PROVINCE_ADMIN],
            kind="ministry",
            unit=self.tree.commune,
            period_from=timezone.localdate() - dt.timedelta(days=30),
            period_to=timezone.localdate(),
        )
        admin = self.own[Role.PROVINCE_ADMIN]
        job = job_create(kind="import", title="Nhập dân cư", actor=admin)
        job.result = {"errors": [{"row": 2, "column": "Họ và tên", "reason": "Trống"}]}
        job.save(update_fields=["result"])
        (note,) = notify(recipients=[admin], title="Xong", email=False)
        self.values.update(
            report=report.pk,
            fmt="docx",
            job=job.pk,
            notification=note.pk,
            visit=str(self.field_visit()),
        )

    def field_visit(self):
        from cdtt.campaigns.tests.factories import all_skills
        from cdtt.campaigns.visits import visit_submit

        visit, _ = visit_submit(
            actor=self.field.member,
            payload={
                "id": str(uuid.uuid4()),
                "household": {"commune_code": self.tree.commune.code, "code": self.field.home.code},
                "visited_at": timezone.now().isoformat(),
                "outcome": "guided",
                "campaign": self.field.campaign.pk,
                "services": ["vneid"],
                "present": [self.field.head.pk],
                "assessments": all_skills(self.field.head, level=1),
            },
        )
        return visit.pk
