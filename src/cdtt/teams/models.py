"""Teams (Tổ CNSCĐ), the people who serve in them, and their memberships over time.

A ``Person`` is someone who serves (or served) in one or more teams; a ``Membership`` is the
glossary's *Member*: one person in one team, with a role, from ``joined_on`` to ``left_on``.
History stays: leaving sets ``left_on``, dissolving a team sets ``dissolved_on``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TeamLevel(models.TextChoices):
    COMMUNE = "commune", _("Cấp xã")
    VILLAGE = "village", _("Cấp thôn")


class MemberRole(models.TextChoices):
    LEADER = "leader", _("Tổ trưởng")
    DEPUTY = "deputy", _("Tổ phó")
    MEMBER = "member", pgettext_lazy("team role", "Thành viên")


class Gender(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")
    OTHER = "O", _("Khác")


class Team(models.Model):
    name = models.CharField(_("tên tổ"), max_length=200)
    name_key = models.CharField(max_length=240, db_index=True)
    level = models.CharField(_("cấp"), max_length=10, choices=TeamLevel.choices)
    # The unit the team belongs to: its commune (commune-level) or its village (village-level).
    unit = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="teams", verbose_name=_("địa bàn")
    )
    commune = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("xã")
    )
    district = models.ForeignKey(
        "geo.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    # Path of ``unit``: scope checks are one prefix match.
    path = models.CharField(max_length=200, db_index=True)
    villages = models.ManyToManyField(
        "geo.AdminUnit",
        related_name="served_by_teams",
        blank=True,
        verbose_name=_("các thôn phụ trách"),
    )
    decision_number = models.CharField(_("số quyết định thành lập"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    contact_phone = models.CharField(_("số điện thoại liên hệ"), max_length=15, blank=True)
    publish_contact = models.BooleanField(
        _("công khai số điện thoại liên hệ trên trang công khai"), default=False
    )
    dissolved_on = models.DateField(_("giải thể từ"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path", "name_key"]
        verbose_name = _("Tổ CNSCĐ")
        indexes = [models.Index(fields=["commune", "dissolved_on"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None


class Person(models.Model):
    full_name = models.CharField(_("họ và tên"), max_length=120)
    name_key = models.CharField(max_length=120, db_index=True)
    gender = models.CharField(_("giới tính"), max_length=1, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True, db_index=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="focal_staff",
        verbose_name=_("cơ quan, đơn vị cử"),
    )
    # What the person does there: "Trưởng thôn", "Bí thư chi đoàn", "Giáo viên" ...
    position = models.CharField(_("chức vụ, công việc"), max_length=120, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        verbose_name=_("tài khoản đăng nhập"),
    )
    # The date the person completed a training course for team members (Dispatch 3240, 2b).
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_key", "id"]
        verbose_name = _("thành viên")

    def __str__(self) -> str:
        return self.full_name


class Membership(models.Model):
    """The glossary's Member: one person serving in one team for a period."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(
        _("vai trò trong tổ"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    core_force = models.BooleanField(_("lực lượng nòng cốt"), default=False)
    skills = models.JSONField(_("kỹ năng có thể hướng dẫn"), default=list, blank=True)
    joined_on = models.DateField(_("ngày tham gia"))
    left_on = models.DateField(_("ngày rời tổ"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "role", "person__name_key"]
        verbose_name = _("thành viên tổ")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "person"],
                condition=Q(left_on__isnull=True),
                name="membership_active_unique",
            ),
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(left_on__isnull=True, role="leader"),
                name="membership_one_active_leader",
            ),
        ]
        indexes = [models.Index(fields=["person", "left_on"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.team}"

    @property
    def is_active(self) -> bool:
        return self.left_on is None
