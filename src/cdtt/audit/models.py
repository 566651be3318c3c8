"""One row per write that went through a service."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    action = models.CharField(_("thao tác"), max_length=60)
    object_type = models.CharField(_("đối tượng"), max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(_("nội dung"), max_length=300)
    changes = models.JSONField(default=dict, blank=True)
    # The unit the change belongs to, so that an officer sees the log of their subtree only.
    unit_path = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("nhật ký")
        # Every write adds an entry: one index for the subtree filter (a prefix: pattern ops on
        # PostgreSQL), one for the order; a handful of distinct actions needs none.
        indexes = [
            models.Index(
                fields=["unit_path"],
                name="audit_unit_path_prefix",
                opclasses=["varchar_pattern_ops"],
            )
        ]
