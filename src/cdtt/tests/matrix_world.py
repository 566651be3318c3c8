"""The data of the permission matrix: one of every object a page or an operation names, all
in commune 16000 (village 16000-001) of province 38, and two users of every role: one whose
scope holds those objects ("own") and one of the sibling unit at the same level ("sibling":
the other commune of the district, the other district, another province).

``World.values`` names each object a URL can take; the rules of the matrix say which name
fills which parameter of a route."""

import datetime as dt
import uuid
from pathlib import Path

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
        self.make_user = make_user
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
        self._modules()

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

    def _modules(self):
        """The modules that came after the first ones: models and good practices, youth
        movements, enterprises' offers, honours and the dialogue, media posts, the guide."""
        from cdtt.training.models import Question, Topic

        self._practices()
        self._movements()
        self._offers()
        self._honours()
        self._media()
        topic = Topic.objects.get(code=self.values["topic"])
        question = Question.objects.create(topic=topic, text="Mã QR là gì?", kind="single")
        self.values.update(
            question=question.pk,
            help_part="officer",
            help_image="officer-dashboard.png",
            export_job=self._export_job(),
        )

    def _practices(self):
        from cdtt.practices import services
        from cdtt.practices.tests.factories import PNG, upload

        initiative = services.initiative_propose(
            actor=self.own[Role.COMMUNE_OFFICER],
            title="Chợ 4.0 thôn Yên Trung",
            summary="Người bán ở chợ thôn nhận tiền bằng mã QR.",
            description="Tổ CNSCĐ hướng dẫn từng tiểu thương mở tài khoản và in mã QR.",
            units=[self.tree.village],
            skills=["payment"],
            started_on=dt.date(2025, 3, 1),
            leader_name="Tổ CNSCĐ thôn Yên Trung",
        )
        file = services.attachment_add(
            actor=self.own[Role.COMMUNE_OFFICER], initiative=initiative, upload=upload("a.png", PNG)
        )
        services.initiative_review(
            actor=self.own[Role.PROVINCE_ADMIN], initiative=initiative, decision="approve"
        )
        self.values.update(initiative=initiative.pk, attachment=file.pk)

    def _movements(self):
        """A province movement (movements are held where their creator is) with the commune's
        Youth Union branch; the own member belongs to it and claims points."""
        from cdtt.movements import services
        from cdtt.movements.services import CriterionIn
        from cdtt.teams.models import Person

        today = timezone.localdate()
        movement = services.movement_create(
            actor=self.own[Role.PROVINCE_ADMIN],
            title="Tuổi trẻ Thanh Hóa chung tay chuyển đổi số",
            organization=self.organisation,
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=30),
            branches=[self.organisation],
            criteria=[CriterionIn("Buổi ra quân hướng dẫn người dân", 5)],
        )
        Person.objects.filter(pk=self.person.pk).update(organization=self.organisation)
        claim = services.points_claim(
            actor=self.own[Role.TEAM_MEMBER],
            criterion=movement.criteria.get(),
            fact="Ra quân ở thôn Yên Trung",
            happened_on=today,
            evidence_url="https://example.vn/ra-quan",
        )
        self.values.update(
            movement=movement.pk,
            claim=claim.pk,
            branch=self.organisation.pk,
            movement_person=self.person.pk,
        )

    def _offers(self):
        """An enterprise of the commune, its officer (no persona of the matrix) and its offer."""
        from cdtt.offers import services
        from cdtt.organizations.services import organization_create

        shop = organization_create(
            actor=None,
            name="Cửa hàng Viettel Quảng Định",
            kind="enterprise",
            unit=self.tree.commune,
        )
        seller = self.make_user(
            Role.AGENCY_OFFICER, self.tree.province, username="seller", organization=shop
        )
        today = timezone.localdate()
        offer = services.offer_publish(
            actor=seller,
            organization=shop,
            title="Gói cước 4G ưu đãi cho Tổ CNSCĐ",
            valid_from=today - dt.timedelta(days=1),
            valid_to=today + dt.timedelta(days=30),
            quantity=10,
            discount_percent=50,
        )
        self.values.update(offer=offer.pk)

    def _honours(self):
        """A province round, the own commune's nomination of its team carried through every
        step to the decision (an award), and the year's dialogue with the own member."""
        from cdtt.honours import services
        from cdtt.honours.dialogue import dialogue_pick
        from cdtt.honours.tests.factories import open_round
        from cdtt.organizations.services import organization_create
        from cdtt.practices.tests.factories import PDF, upload

        home_affairs = organization_create(
            actor=None, name="Sở Nội vụ", kind="agency", unit=self.tree.province
        )
        admin = self.own[Role.PROVINCE_ADMIN]
        round_ = open_round(admin, self.tree, home_affairs)
        nomination = services.nomination_file(
            actor=self.own[Role.COMMUNE_OFFICER],
            round=round_,
            subject_kind="team",
            subject_id=self.field.team.pk,
            citation="Hướng dẫn nhiều hộ dân.",
            document=upload("ho-so.pdf", PDF),
        )
        actors = {
            "commune": self.own[Role.COMMUNE_OFFICER],
            "district": self.own[Role.DISTRICT_OFFICER],
            "department": admin,
            "home_affairs": self.make_user(
                Role.AGENCY_OFFICER, self.tree.province, username="noivu", organization=home_affairs
            ),
            "chairman": self.own[Role.PROVINCE_LEADER],
        }
        for step in nomination.steps:
            nomination.refresh_from_db()
            services.nomination_review(actor=actors[step], nomination=nomination, action="approve")
        decision = services.decision_issue(
            actor=admin,
            round=round_,
            number="7/QĐ-UBND",
            signed_on=timezone.localdate(),
            signer="B",
        )
        year = timezone.localdate().year
        form = dialogue_pick(actor=None, year=year, person=self.person)
        self.values.update(
            round=round_.pk,
            nomination=nomination.pk,
            award=decision.awards.get().pk,
            year=year,
            dialogue_form=form.pk,
        )

    def _media(self):
        from cdtt.media.services import post_log
        from cdtt.organizations.services import organization_create

        paper = organization_create(
            actor=None, name="Báo Thanh Hóa", kind="media", unit=self.tree.province
        )
        reporter = self.make_user(
            Role.AGENCY_OFFICER, self.tree.province, username="phongvien", organization=paper
        )
        post = post_log(
            actor=reporter,
            outlet=paper,
            title="Tổ công nghệ số thôn Yên Trung đến từng nhà",
            published_on=timezone.localdate() - dt.timedelta(days=1),
            kind="article",
            link="https://baothanhhoa.vn/to-cong-nghe-so",
            units=[self.tree.commune],
            teams=[self.field.team],
        )
        self.values.update(post=post.pk)

    def _export_job(self) -> int:
        """A finished export of the own province admin, its file kept."""
        from django.conf import settings

        from cdtt.core.exports import EXPORTS_FOLDER, JOB_KIND
        from cdtt.core.jobs import job_create, job_finish

        folder = Path(settings.MEDIA_ROOT) / EXPORTS_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{uuid.uuid4().hex}.xlsx"
        path.write_bytes(b"PK\x03\x04")
        job = job_create(
            kind=JOB_KIND, title="Xuất hộ dân", actor=self.own[Role.PROVINCE_ADMIN], file=path
        )
        job_finish(job.pk, ok=True, result={"download": "ho-dan.xlsx"})
        return job.pk
