"""Door-to-door campaigns, the services teams guide people in, and the visits they log.

A ``Visit`` is keyed by the UUID the field app generates, so that a resend is recognised; it
carries the ids of its village, commune, district and province so that every roll-up is one
GROUP BY. ``CampaignDay`` holds exact per-village-per-day counters for the campaign dashboard,
changed in the visit's own transaction.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cdtt.registry.models import Located


class Service(models.Model):
    """A service or app teams guide residents in (VNeID, the public service portal, …)."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=160)
    purpose = models.CharField(_("dùng để"), max_length=300, blank=True)
    # Codes of the basic digital skills this service exercises (skills.Skill.code).
    skill_codes = models.JSONField(_("kỹ năng liên quan"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("dịch vụ, ứng dụng")

    def __str__(self) -> str:
        return self.name


class CampaignStatus(models.TextChoices):
    """What the officer decided; the state people see (``CampaignState``) also reads the dates."""

    DRAFT = "draft", _("Đang chuẩn bị")
    ACTIVE = "active", _("Đang triển khai")
    CLOSED = "closed", _("Đã kết thúc")


class CampaignState(models.TextChoices):
    """A campaign's state as every page, the API and the field app show it: the officer's
    decision (draft, closed early) and, for a launched campaign, its dates."""

    DRAFT = "draft", _("Đang chuẩn bị")
    UPCOMING = "upcoming", _("Sắp diễn ra")
    RUNNING = "running", _("Đang triển khai")
    ENDED = "ended", _("Đã kết thúc")


def campaign_state(status: str, starts_on: date, ends_on: date, today: date) -> CampaignState:
    """The one rule: a draft stays a draft, a closed campaign has ended, a launched one is
    upcoming before its first day, running through its last day, then ended."""
    if status == CampaignStatus.DRAFT:
        return CampaignState.DRAFT
    if status == CampaignStatus.CLOSED or today > ends_on:
        return CampaignState.ENDED
    if today < starts_on:
        return CampaignState.UPCOMING
    return CampaignState.RUNNING


class Campaign(models.Model):
    name = models.CharField(_("tên chiến dịch"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=CampaignStatus.choices,
        default=CampaignStatus.ACTIVE,
    )
    scope_units = models.ManyToManyField(
        "geo.AdminUnit", related_name="campaigns", verbose_name=_("địa bàn triển khai")
    )
    services = models.ManyToManyField(
        Service, related_name="campaigns", blank=True, verbose_name=_("dịch vụ, ứng dụng hướng dẫn")
    )
    # The letterhead of the daily report; none: the Department of Science and Technology's
    # (documents.models.department_letterhead).
    letterhead = models.ForeignKey(
        "documents.Letterhead",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("mẫu phần đầu văn bản"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("chiến dịch")

    def __str__(self) -> str:
        return self.name

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def state(self, today: date | None = None) -> CampaignState:
        return campaign_state(
            self.status, self.starts_on, self.ends_on, today or timezone.localdate()
        )

    @property
    def state_label(self) -> str:
        return str(self.state().label)

    @property
    def state_note(self) -> str:
        """Why the state differs from what the dates alone would say, in plain words (empty when
        they agree)."""
        today = timezone.localdate()
        by_dates = campaign_state(CampaignStatus.ACTIVE, self.starts_on, self.ends_on, today)
        if self.status == CampaignStatus.DRAFT and by_dates != CampaignState.UPCOMING:
            return str(
                _(
                    "Chiến dịch vẫn ở trạng thái “Đang chuẩn bị” nên các tổ chưa thể ghi lượt "
                    "đến hộ vào chiến dịch, dù thời gian (%(start)s – %(end)s) đã bắt đầu. "
                    "Hãy chuyển sang “Đang triển khai” nếu chiến dịch đã bắt đầu."
                )
                % {"start": f"{self.starts_on:%d/%m/%Y}", "end": f"{self.ends_on:%d/%m/%Y}"}
            )
        if self.status == CampaignStatus.CLOSED and by_dates != CampaignState.ENDED:
            return str(
                _(
                    "Chiến dịch đã được đóng trước ngày kết thúc %(end)s: các tổ không ghi "
                    "thêm lượt đến hộ vào chiến dịch này."
                )
                % {"end": f"{self.ends_on:%d/%m/%Y}"}
            )
        return ""


class CampaignTarget(models.Model):
    """What a unit commits to in a campaign. A unit's children may split it down: the sum of
    the children's targets never exceeds the parent's (checked in ``services.target_split``)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey("geo.AdminUnit", on_delete=models.CASCADE, related_name="+")
    households_to_visit = models.PositiveIntegerField(_("số hộ cần đến"), default=0)
    residents_to_guide = models.PositiveIntegerField(_("số người cần hướng dẫn"), default=0)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="campaign_target_unit")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.unit_id}: {self.households_to_visit}"


class Outcome(models.TextChoices):
    GUIDED = "guided", _("Đã hướng dẫn")
    COME_BACK_LATER = "come_back_later", _("Hẹn quay lại")
    NOBODY_HOME = "nobody_home", _("Không có ai ở nhà")
    REFUSED = "refused", _("Từ chối")


class Visit(Located):
    """One visit of a team to a household, keyed by the client's UUID (idempotent resends).

    Visits arrive by the hundred a second in a campaign: each index and each constraint trigger
    is paid on every one. The unit ids (Located) are copied from the household; lookups go by
    household, village, team and campaign (the indexes below)."""

    id = models.UUIDField(primary_key=True)
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="visits", db_index=False
    )
    # No database constraint on the campaign, the team and the recorder: each would take a
    # share lock on one row that every visit of the campaign (or team) points at, and
    # concurrent share locks on one row cost PostgreSQL a multixact each. The service sets
    # them from rows it has just read; deletions are guarded by Django (PROTECT, SET NULL).
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        db_index=False,
        db_constraint=False,
    )
    team = models.ForeignKey(
        "teams.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
        db_constraint=False,
    )
    # Users are deactivated, not deleted: no index for the rare SET NULL on a deletion.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # Names of the team members present, as the phone recorded them.
    members = models.JSONField(_("thành viên tham gia"), default=list, blank=True)
    # Ids of the household's residents who were there.
    residents_present = models.JSONField(_("người có mặt"), default=list, blank=True)
    visited_at = models.DateTimeField(_("thời điểm"))
    outcome = models.CharField(_("kết quả"), max_length=16, choices=Outcome.choices)
    services = models.JSONField(_("dịch vụ đã hướng dẫn"), default=list, blank=True)
    assessments = models.PositiveSmallIntegerField(_("số lượt đánh giá"), default=0)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    # SHA-256 of the canonical payload: a resend with another payload is a conflict.
    payload_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_at"]
        verbose_name = _("lượt đến hộ")
        indexes = [
            models.Index(fields=["household", "visited_at"]),
            models.Index(fields=["campaign", "household"]),
            models.Index(fields=["campaign", "team"]),
            models.Index(fields=["village"], name="visit_village"),
        ]

    def __str__(self) -> str:
        return str(self.id)


class CampaignDay(models.Model):
    """Exact counters of one village on one day of one campaign, changed in the transaction of
    the visit that moves them. Units above read the sum of their villages' rows."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    village = models.ForeignKey("geo.AdminUnit", on_delete=models.CASCADE, related_name="+")
    commune = models.ForeignKey("geo.AdminUnit", on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(
        "geo.AdminUnit", null=True, on_delete=models.CASCADE, related_name="+"
    )
    province = models.ForeignKey("geo.AdminUnit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    visits = models.IntegerField(default=0)
    guided = models.IntegerField(default=0)  # visits with outcome "guided"
    households = models.IntegerField(default=0)  # distinct households visited that day
    # Households whose first visit in the campaign falls on that day: their sum over days is the
    # number of distinct households the campaign reached.
    new_households = models.IntegerField(default=0)
    assessments = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "village", "day"], name="campaign_day_village"
            )
        ]
        indexes = [models.Index(fields=["campaign", "day"])]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.village_id}/{self.day}"
