"""The five skills in schools: schools (organisations of kind school), their classes and students,
lessons planned and delivered per class, each student's completion per skill, and the resident
of the registry a student was matched to (confirmed by a teacher)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SCHOOL_YEAR_PATTERN = r"^\d{4}-\d{4}$"
GRADES = range(6, 13)


class SchoolLevel(models.TextChoices):
    LOWER = "lower", _("Trung học cơ sở")
    UPPER = "upper", _("Trung học phổ thông")
    BOTH = "both", _("Nhiều cấp học")


class School(models.Model):
    """What a school adds to its organisation: its official code, its level and where it is
    (the commune of the organisation, with its ancestors for the figures' GROUP BY)."""

    organization = models.OneToOneField(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="school",
        verbose_name=_("cơ quan, đơn vị"),
    )
    code = models.CharField(_("mã trường"), max_length=20, unique=True)
    level = models.CharField(_("cấp học"), max_length=10, choices=SchoolLevel.choices)
    commune = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("xã")
    )
    district = models.ForeignKey(
        "geo.AdminUnit", null=True, on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "geo.AdminUnit", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("trường học")

    def __str__(self) -> str:
        return self.organization.name


class SchoolClass(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="classes")
    name = models.CharField(_("lớp"), max_length=20)
    name_key = models.CharField(max_length=20)
    grade = models.PositiveSmallIntegerField(_("khối"))
    school_year = models.CharField(_("năm học"), max_length=9)
    created_at = models.DateTimeField(auto_now_add=True)
    # The digest of the list last imported into the class, its students written as it says
    # (``cdtt.schools.student_load``): the same list again is then known without reading its
    # students back. Every other write to a student's name, birth, gender, commune or household
    # code clears it (``services.class_list_changed``). (The move to the 2025 map repoints the
    # students of closed communes without clearing it: a list naming those communes is refused
    # after the move, one naming the new communes has another digest.)
    list_digest = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-school_year", "grade", "name"]
        verbose_name = _("lớp học")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "name_key"], name="school_class_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(grade__gte=6, grade__lte=12), name="school_class_grade"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.school_year})"


class Student(models.Model):
    """A student of a class, identified by (class, name, birth). ``resident``: the resident of
    the registry a teacher confirmed this student to be."""

    # No database foreign key and no index of its own: the student import writes a province's
    # list (350k rows) and resolves the class of every row itself, set-based, in the same
    # transaction; a per-row constraint trigger would cost more than the load. The unique
    # constraint below leads with the class and serves its lookups.
    school_class = models.ForeignKey(
        SchoolClass,
        on_delete=models.PROTECT,
        related_name="students",
        db_constraint=False,
        db_index=False,
    )
    full_name = models.CharField(_("họ và tên"), max_length=120)
    name_key = models.CharField(max_length=120)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"))
    birth_key = models.CharField(max_length=10)
    gender = models.CharField(_("giới tính"), max_length=1, blank=True)
    commune = models.ForeignKey(
        "geo.AdminUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("xã"),
        db_constraint=False,
        db_index=False,
    )
    household_code = models.CharField(_("mã hộ"), max_length=40, blank=True)
    resident = models.ForeignKey(
        "registry.Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="students",
        verbose_name=_("nhân khẩu"),
        db_constraint=False,
        db_index=False,  # the partial index below: only matched students are looked up
    )
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    matched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name_key", "birth_key"]
        verbose_name = _("học sinh")
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "name_key", "birth_key"], name="student_unique_in_class"
            )
        ]
        indexes = [
            models.Index(
                fields=["resident"],
                name="student_matched_resident",
                condition=models.Q(resident__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class Lesson(models.Model):
    """A lesson of the five-skill curriculum planned for a class; ``delivered_on`` once taught."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="lessons")
    skill = models.ForeignKey("skills.Skill", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("nội dung"), max_length=200)
    planned_on = models.DateField(_("ngày dự kiến"))
    delivered_on = models.DateField(_("ngày dạy"), null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        ordering = ["planned_on", "pk"]
        verbose_name = _("tiết học")


class Completion(models.Model):
    """A student completed a skill of the curriculum. ``assessment``: the school assessment it
    was recorded as, once the student is matched to a resident."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="completions")
    skill = models.ForeignKey("skills.Skill", on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField(_("ngày hoàn thành"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessment = models.ForeignKey(
        "skills.SkillAssessment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("hoàn thành kỹ năng")
        constraints = [
            models.UniqueConstraint(fields=["student", "skill"], name="completion_once_per_skill")
        ]
