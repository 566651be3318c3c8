"""The media log: what the provincial newspaper and radio-TV (organisations of kind media)
published about the teams' work, with the units and teams it features and the skills or
services it explains."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PostKind(models.TextChoices):
    ARTICLE = "article", _("Bài báo")
    TV = "tv", _("Phóng sự truyền hình")
    RADIO = "radio", _("Chương trình phát thanh")
    SOCIAL = "social", _("Bài đăng mạng xã hội")


class MediaPost(models.Model):
    outlet = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="media_posts",
        verbose_name=_("cơ quan báo chí"),
    )
    title = models.CharField(_("tiêu đề"), max_length=300)
    published_on = models.DateField(_("ngày đăng, phát sóng"))
    kind = models.CharField(_("loại tin bài"), max_length=10, choices=PostKind.choices)
    link = models.URLField(_("đường dẫn"), max_length=500)
    units = models.ManyToManyField(
        "geo.AdminUnit", blank=True, related_name="+", verbose_name=_("địa bàn được nói đến")
    )
    teams = models.ManyToManyField(
        "teams.Team", blank=True, related_name="+", verbose_name=_("tổ được nói đến")
    )
    skills = models.JSONField(_("kỹ năng được giới thiệu"), default=list, blank=True)
    services = models.JSONField(_("dịch vụ được hướng dẫn"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("tin bài")
        constraints = [
            models.UniqueConstraint(fields=["outlet", "link"], name="media_post_link_once")
        ]

    def __str__(self) -> str:
        return self.title
