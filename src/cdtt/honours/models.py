"""Honours rounds on Digital Transformation Day (10/10), their nominations and the review chain
(commune → district → Department → Home Affairs → Chairman), the decision and its awards; the
information forms of the members picked for the Prime Minister's dialogue.

A nomination names one subject: a member (``teams.Person``), a team, an administrative unit or
an organisation. Its chain of steps is fixed when it is filed (a commune's nomination starts at
the commune, a district's at the district, an agency's at the Department; the district step only
exists for units of the 2024 structure); every action on it is a ``Review`` row, kept forever.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RoundKind(models.TextChoices):
    PROVINCIAL = "provincial", _("Khen thưởng chuyên đề của tỉnh (Ngày Chuyển đổi số 10/10)")
    NATIONAL = "national", _("Khen thưởng cấp quốc gia")


class Step(models.TextChoices):
    COMMUNE = "commune", _("Cấp xã")
    DISTRICT = "district", _("Cấp huyện")
    DEPARTMENT = "department", _("Sở Khoa học và Công nghệ")
    HOME_AFFAIRS = "home_affairs", _("Sở Nội vụ")
    CHAIRMAN = "chairman", _("Chủ tịch UBND tỉnh")


STEP_ORDER = [Step.COMMUNE, Step.DISTRICT, Step.DEPARTMENT, Step.HOME_AFFAIRS, Step.CHAIRMAN]
# The round's field holding each step's deadline.
DEADLINE_FIELDS = {step.value: f"{step.value}_deadline" for step in STEP_ORDER}


class Round(models.Model):
    year = models.PositiveSmallIntegerField(_("năm"))
    kind = models.CharField(_("loại đợt"), max_length=12, choices=RoundKind.choices)
    title = models.CharField(_("tên đợt khen thưởng"), max_length=200)
    criteria = models.TextField(_("tiêu chí"))
    award_form = models.CharField(
        _("hình thức khen thưởng"),
        max_length=160,
        default="Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
    )
    quota_individuals = models.PositiveIntegerField(_("số cá nhân tối đa"), default=0)
    quota_collectives = models.PositiveIntegerField(_("số tập thể tối đa"), default=0)
    commune_deadline = models.DateField(_("hạn cấp xã"))
    district_deadline = models.DateField(_("hạn cấp huyện"))
    department_deadline = models.DateField(_("hạn Sở Khoa học và Công nghệ"))
    home_affairs_deadline = models.DateField(_("hạn Sở Nội vụ"))
    chairman_deadline = models.DateField(_("hạn Chủ tịch UBND tỉnh"))
    # The agency that appraises (the Department of Home Affairs): its officers act at that step.
    home_affairs = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cơ quan thẩm định (Sở Nội vụ)"),
    )
    unit = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("đợt khen thưởng")

    def __str__(self) -> str:
        return self.title

    def deadline(self, step: str):
        return getattr(self, DEADLINE_FIELDS[step])


class SubjectKind(models.TextChoices):
    PERSON = "person", _("Cá nhân (thành viên tổ)")
    TEAM = "team", _("Tập thể: Tổ CNSCĐ")
    UNIT = "unit", _("Tập thể: địa phương")
    ORGANIZATION = "organization", _("Tập thể: cơ quan, tổ chức")


COLLECTIVE_KINDS = {SubjectKind.TEAM, SubjectKind.UNIT, SubjectKind.ORGANIZATION}


class NominationStatus(models.TextChoices):
    IN_REVIEW = "in_review", _("Đang xét")
    RETURNED = "returned", _("Trả lại để bổ sung")
    REJECTED = "rejected", _("Không đề nghị")
    PASSED = "passed", _("Đã qua mọi cấp")
    AWARDED = "awarded", _("Đã được khen thưởng")


class Nomination(models.Model):
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="nominations")
    subject_kind = models.CharField(_("đối tượng"), max_length=12, choices=SubjectKind.choices)
    person = models.ForeignKey(
        "teams.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_unit = models.ForeignKey(
        "geo.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_name = models.CharField(_("tên đối tượng"), max_length=200)
    # The unit the nominee belongs to: whoever's subtree holds it reviews and sees it.
    unit = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("địa bàn")
    )
    path = models.CharField(max_length=200, db_index=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    nominator_name = models.CharField(_("đơn vị đề nghị"), max_length=200)
    citation = models.TextField(_("thành tích tóm tắt"))
    document = models.FileField(_("hồ sơ kèm theo"), upload_to="honours/%Y/", blank=True)
    steps = models.JSONField(default=list)  # the chain of this nomination, in order
    step = models.CharField(_("cấp đang xét"), max_length=12, choices=Step.choices, blank=True)
    status = models.CharField(
        _("tình trạng"),
        max_length=10,
        choices=NominationStatus.choices,
        default=NominationStatus.IN_REVIEW,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "subject_kind", "subject_name", "pk"]
        verbose_name = _("hồ sơ đề nghị khen thưởng")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "person"],
                condition=Q(person__isnull=False),
                name="nomination_person_once",
            ),
            models.UniqueConstraint(
                fields=["round", "team"],
                condition=Q(team__isnull=False),
                name="nomination_team_once",
            ),
            models.UniqueConstraint(
                fields=["round", "subject_unit"],
                condition=Q(subject_unit__isnull=False),
                name="nomination_unit_once",
            ),
            models.UniqueConstraint(
                fields=["round", "organization"],
                condition=Q(organization__isnull=False),
                name="nomination_organization_once",
            ),
        ]

    def __str__(self) -> str:
        return self.subject_name

    @property
    def is_collective(self) -> bool:
        return self.subject_kind in COLLECTIVE_KINDS


class Action(models.TextChoices):
    SUBMIT = "submit", _("Nộp hồ sơ")
    RESUBMIT = "resubmit", _("Nộp lại sau khi bổ sung")
    APPROVE = "approve", _("Đồng ý, chuyển cấp trên")
    RETURN = "return", _("Trả lại để bổ sung")
    REJECT = "reject", _("Không đề nghị")


class Review(models.Model):
    """One action on a nomination at one step: the history, never edited."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="reviews")
    step = models.CharField(_("cấp"), max_length=12, choices=Step.choices)
    action = models.CharField(_("thao tác"), max_length=10, choices=Action.choices)
    comment = models.TextField(_("ý kiến"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    acted_on = models.DateField(_("ngày"))
    overdue = models.BooleanField(_("sau hạn"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


class Decision(models.Model):
    """The Chairman's decision on a round's final list."""

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="decision")
    number = models.CharField(_("số quyết định"), max_length=60)
    signed_on = models.DateField(_("ngày ký"))
    signer = models.CharField(_("người ký"), max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.number


class Award(models.Model):
    """An award on a person's or a collective's record (its certificate of merit as PDF)."""

    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="award")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="awards")
    form = models.CharField(_("hình thức"), max_length=160)
    awarded_on = models.DateField(_("ngày khen thưởng"))
    pdf = models.FileField(upload_to="honours/awards/%Y/", blank=True)

    class Meta:
        ordering = ["-awarded_on", "pk"]
        verbose_name = _("khen thưởng")


class DialogueForm(models.Model):
    """The information form of a member picked for the Prime Minister's dialogue (clause 2d):
    two per year, sent to the Ministry before 10/9."""

    year = models.PositiveSmallIntegerField(_("năm"))
    person = models.ForeignKey("teams.Person", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField(_("họ và tên"), max_length=120, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    gender = models.CharField(_("giới tính"), max_length=1, blank=True)
    role = models.CharField(_("vai trò trong tổ"), max_length=60, blank=True)
    organization = models.CharField(_("cơ quan, đơn vị công tác"), max_length=200, blank=True)
    contact = models.CharField(_("điện thoại, thư điện tử"), max_length=200, blank=True)
    achievements = models.TextField(_("thành tích nổi bật"), blank=True)
    initiative = models.TextField(_("mô hình, sáng kiến"), blank=True)
    to_raise = models.TextField(_("nội dung muốn trao đổi tại buổi đối thoại"), blank=True)
    deadline = models.DateField(_("hạn gửi Bộ"))
    sent_on = models.DateField(_("ngày gửi Bộ"), null=True, blank=True)
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("phiếu thông tin đối thoại với Thủ tướng")
        constraints = [
            models.UniqueConstraint(fields=["year", "person"], name="dialogue_person_once")
        ]

    def __str__(self) -> str:
        return self.full_name
