"""Users with a role, a scope unit and optionally an organisation (cdtt.organizations); API tokens."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from cdtt.core.roles import Role


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=120, blank=True)
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    scope_unit = models.ForeignKey(
        "geo.AdminUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("đơn vị phụ trách"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
        verbose_name=_("cơ quan, đơn vị"),
    )
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)

    def __str__(self) -> str:
        return self.full_name or self.username


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
